import type { DB, Executor } from '../../platform/database.js';
import { recordAudit, systemAuditContext } from '../../platform/audit.js';
import { hashPassword } from '../../platform/passwords.js';
import { insertRegion } from '../regions/regions.repository.js';
import { insertUnit } from '../units/units.repository.js';
import { roleIds, setUserRoles } from '../users/users.repository.js';
import { createTenant } from '../system/tenants.js';
import { DEMO_CITY, type DemoRegion } from './demo-city.data.js';
import { loadDemoResponsibility } from './demo-responsibility.js';
import { loadDemoInspections } from './demo-inspections.js';

/** A community's own figure; a street's and the county's the sum of theirs (grids have none). */
function demoPopulation(r: DemoRegion): number | null {
  if (r.population !== undefined) return r.population;
  const figures = (r.children ?? []).map(demoPopulation);
  return figures.length && figures.every((n) => n !== null) ? figures.reduce((a, b) => a! + b!, 0) : null;
}

/**
 * Load the demo county into an empty database: one transaction, so a failure leaves nothing.
 * Demo accounts share one published password and are not forced to change it.
 */
export async function loadDemoCity(db: DB): Promise<number> {
  const passwordHash = await hashPassword(DEMO_CITY.demoPassword);
  return db.transaction().execute(async (tx) => {
    const tenantId = await createTenant(tx, { code: DEMO_CITY.tenant.code, name: DEMO_CITY.tenant.name, isDemo: true });
    const regions = new Map<string, { id: number; path: string }>();
    const walk = async (r: DemoRegion, parent: { id: number; path: string } | null) => {
      const row = await insertRegion(tx, tenantId, {
        parentId: parent?.id ?? null, parentPath: parent?.path ?? null, level: r.level, code: r.code, name: r.name, population: demoPopulation(r),
      });
      regions.set(r.code, { id: row.id, path: row.path });
      for (const c of r.children ?? []) await walk(c, row);
    };
    await walk(DEMO_CITY.regions, null);

    const units = new Map<string, { id: number; path: string }>();
    for (const u of DEMO_CITY.units) {
      const parent = u.parentCode ? units.get(u.parentCode)! : null;
      const id = await insertUnit(tx, tenantId, {
        parentId: parent?.id ?? null, parentPath: parent?.path ?? null, kind: u.kind, code: u.code, name: u.name,
        regionId: u.regionCode ? regions.get(u.regionCode)!.id : null,
        address: u.address ?? null, contactName: u.contactName ?? null, contactPhone: u.contactPhone ?? null,
      });
      units.set(u.code, { id, path: `${parent?.path ?? '/'}${id}/` });
    }

    const roles = await roleIds(tx, tenantId, DEMO_CITY.users.map((u) => u.role));
    for (const u of DEMO_CITY.users) {
      const { id } = await tx.insertInto('app_user').values({
        tenant_id: tenantId, username: u.username, display_name: u.displayName, mobile: u.mobile ?? null,
        password_hash: passwordHash, unit_id: units.get(u.unitCode)!.id, must_change_password: false, updated_at: new Date(),
      }).returning('id').executeTakeFirstOrThrow();
      await setUserRoles(tx, tenantId, id, [roles.get(u.role)!]);
    }
    await loadDemoResponsibility(tx, tenantId, regions, units);
    await loadDemoInspections(tx, tenantId, regions, units);
    await recordAudit(tx, systemAuditContext(tenantId, 'demo loader'), {
      action: 'tenant.demo_loaded', entityType: 'tenant', entityId: tenantId,
      after: { regions: regions.size, units: units.size, users: DEMO_CITY.users.length },
    });
    return tenantId;
  });
}

export async function hasAnyTenant(ex: Executor): Promise<boolean> {
  return Boolean(await ex.selectFrom('tenant').select('id').limit(1).executeTakeFirst());
}
