import { DEFAULT_FRONTAGE_DUTIES, DEFAULT_ROUTING, type MapSettings } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { DB } from '../../platform/database.js';
import { bumpGeoVersion } from '../geo/geo-version.js';

export const DEFAULT_MAP_SETTINGS: MapSettings = {
  frontageDuties: [...DEFAULT_FRONTAGE_DUTIES],
  frontageRadiusM: 30,
  segmentRadiusM: 40,
  contractExpiryWarningDays: 30,
  defaultRouting: [...DEFAULT_ROUTING],
  mapCenter: { lng: 113.6654, lat: 34.7579, zoom: 13 },
};

/** A city's responsibility-map settings (tenant.settings.map), with the defaults filled in. */
export function createSettingsService({ db }: { db: DB }) {
  return {
    async get(tenantId: number): Promise<MapSettings> {
      const t = await db.selectFrom('tenant').select('settings').where('id', '=', tenantId).executeTakeFirstOrThrow();
      return { ...DEFAULT_MAP_SETTINGS, ...((t.settings as { map?: Partial<MapSettings> }).map ?? {}) };
    },
    async update(actor: Actor, next: MapSettings, ctx: AuditContext): Promise<MapSettings> {
      return db.transaction().execute(async (tx) => {
        const t = await tx.selectFrom('tenant').select('settings').where('id', '=', actor.tenantId).forUpdate().executeTakeFirstOrThrow();
        const before = (t.settings as { map?: MapSettings }).map ?? DEFAULT_MAP_SETTINGS;
        await tx.updateTable('tenant').set({ settings: JSON.stringify({ ...(t.settings as object), map: next }) }).where('id', '=', actor.tenantId).execute();
        // Radii and the routing default live with the routing index: make every instance reload them.
        await bumpGeoVersion(tx, actor.tenantId);
        await recordAudit(tx, ctx, { action: 'settings.updated', entityType: 'tenant', entityId: actor.tenantId, before, after: next });
        return next;
      });
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
