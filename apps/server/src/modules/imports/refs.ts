import { sql } from 'kysely';
import { REGION_LEVEL_LABELS, type RegionLevel } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { regionInScope, unitInScope } from '../../platform/access.js';
import type { Executor } from '../../platform/database.js';

/** Existing records a file refers to, loaded in a few queries rather than one per row. */

export interface RegionRef {
  id: number;
  code: string;
  name: string;
  level: string;
  path: string;
  parent_id: number | null;
  parent_code: string | null;
  population: number | null;
}

/** Every region of the city: a county has hundreds to a few thousand. */
export async function loadRegions(ex: Executor, tenantId: number): Promise<Map<string, RegionRef>> {
  const rows = await ex.selectFrom('region as r')
    .leftJoin('region as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.parent_id'))
    .select(['r.id', 'r.code', 'r.name', 'r.level', 'r.path', 'r.parent_id', 'p.code as parent_code', 'r.population'])
    .where('r.tenant_id', '=', tenantId).execute();
  return new Map(rows.map((r) => [r.code, r]));
}

export interface UnitRef {
  id: number;
  code: string;
  name: string;
  kind: string;
  path: string;
  parent_id: number | null;
  parent_code: string | null;
  region_id: number | null;
  address: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  lng: number | null;
  lat: number | null;
  trade: string | null;
}

/** The units with these codes (the file's own codes and the codes it refers to). */
export async function loadUnits(ex: Executor, tenantId: number, codes: Iterable<string>): Promise<Map<string, UnitRef>> {
  const list = [...new Set(codes)];
  const out = new Map<string, UnitRef>();
  for (let i = 0; i < list.length; i += 20_000) {
    const { rows } = await sql<UnitRef>`
      select u.id, u.code, u.name, u.kind, u.path, u.parent_id, p.code as parent_code, u.region_id, u.address,
             u.contact_name, u.contact_phone, u.lng, u.lat, u.trade
        from unit u left join unit p on p.tenant_id = u.tenant_id and p.id = u.parent_id
       where u.tenant_id = ${tenantId} and u.code = any(${list.slice(i, i + 20_000)}::text[])`.execute(ex);
    for (const r of rows) out.set(r.code, r);
  }
  return out;
}

export const regionLevelLabel = (level: string) => REGION_LEVEL_LABELS[level as RegionLevel]?.['zh-CN'] ?? level;

/** A region the caller may attach records to (units follow the unit service's rule). */
export function regionUsable(actor: Actor, r: { path: string }): boolean {
  return actor.scope === 'tenant' || regionInScope(actor, r.path);
}

export function unitUsable(actor: Actor, u: { path: string }): boolean {
  return unitInScope(actor, u.path);
}

/** May the caller change this existing unit? Not outside their scope, and not their own unit's identity. */
export function unitWritable(actor: Actor, u: { path: string }): boolean {
  return unitInScope(actor, u.path) && (actor.scope === 'tenant' || u.path !== actor.unitPath);
}
