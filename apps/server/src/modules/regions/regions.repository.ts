import { sql, type Expression, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/database.js';

export interface RegionRow {
  id: number;
  parent_id: number | null;
  level: string;
  code: string;
  name: string;
  path: string;
  version: number;
  has_geometry: boolean;
  population: number | null;
}

const COLUMNS = ['id', 'parent_id', 'level', 'code', 'name', 'path', 'version', 'population', sql<boolean>`geometry is not null`.as('has_geometry')] as const;

export function findRegion(ex: Executor, tenantId: number, id: number): Promise<RegionRow | undefined> {
  return ex.selectFrom('region').select(COLUMNS).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export function listRegions(ex: Executor, tenantId: number, scope: Expression<SqlBool> | null): Promise<RegionRow[]> {
  let q = ex.selectFrom('region').select(COLUMNS).where('tenant_id', '=', tenantId);
  if (scope) q = q.where(scope);
  return q.orderBy('path').execute();
}

/** Insert a region and set its materialized path from its parent's. */
export async function insertRegion(
  ex: Executor,
  tenantId: number,
  r: { parentId: number | null; parentPath: string | null; level: string; code: string; name: string; population?: number | null },
): Promise<RegionRow> {
  const { id } = await ex
    .insertInto('region')
    .values({ tenant_id: tenantId, parent_id: r.parentId, level: r.level, code: r.code, name: r.name, population: r.population ?? null, path: '', updated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return ex
    .updateTable('region')
    .set({ path: `${r.parentPath ?? '/'}${id}/` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function countRegionDependants(ex: Executor, tenantId: number, id: number): Promise<{ children: number; units: number }> {
  const r = await sql<{ children: number; units: number }>`
    select (select count(*) from region where tenant_id = ${tenantId} and parent_id = ${id})::int as children,
           (select count(*) from unit where tenant_id = ${tenantId} and region_id = ${id})::int as units`.execute(ex);
  return r.rows[0]!;
}
