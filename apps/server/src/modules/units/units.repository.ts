import { sql, type Expression, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/database.js';
import { escapeLike } from '../../platform/access.js';

export interface UnitRow {
  id: number;
  parent_id: number | null;
  kind: string;
  code: string;
  name: string;
  region_id: number | null;
  region_name: string | null;
  path: string;
  address: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  lng: number | null;
  lat: number | null;
  trade: string | null;
  first_responsible_person_id: number | null;
  first_person_name: string | null;
  version: number;
}

function base(ex: Executor, tenantId: number) {
  return ex
    .selectFrom('unit as u')
    .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'u.tenant_id').onRef('r.id', '=', 'u.region_id'))
    .leftJoin('person as fp', (j) => j.onRef('fp.tenant_id', '=', 'u.tenant_id').onRef('fp.id', '=', 'u.first_responsible_person_id'))
    .select(['u.id', 'u.parent_id', 'u.kind', 'u.code', 'u.name', 'u.region_id', 'r.name as region_name', 'u.path',
      'u.address', 'u.contact_name', 'u.contact_phone', 'u.lng', 'u.lat', 'u.trade', 'u.first_responsible_person_id',
      'fp.name as first_person_name', 'u.version'])
    .where('u.tenant_id', '=', tenantId);
}

export function findUnit(ex: Executor, tenantId: number, id: number): Promise<UnitRow | undefined> {
  return base(ex, tenantId).where('u.id', '=', id).executeTakeFirst();
}

export interface UnitFilter {
  q?: string;
  kind?: string;
  parentId?: number;
  regionId?: number;
}

export async function listUnits(ex: Executor, tenantId: number, scope: Expression<SqlBool>, f: UnitFilter, page: number, pageSize: number) {
  let q = base(ex, tenantId).where(scope);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) => eb.or([eb('u.name', 'ilike', like), eb('u.code', 'ilike', like), eb('u.address', 'ilike', like)]));
  }
  if (f.kind) q = q.where('u.kind', '=', f.kind);
  if (f.parentId) q = q.where('u.parent_id', '=', f.parentId);
  if (f.regionId) q = q.where('u.region_id', '=', f.regionId);
  const [items, total] = await Promise.all([
    q.orderBy('u.path').limit(pageSize).offset((page - 1) * pageSize).execute(),
    q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function insertUnit(
  ex: Executor,
  tenantId: number,
  u: { parentId: number | null; parentPath: string | null; kind: string; code: string; name: string; regionId: number | null;
    address?: string | null; contactName?: string | null; contactPhone?: string | null;
    lng?: number | null; lat?: number | null; trade?: string | null; firstResponsiblePersonId?: number | null },
): Promise<number> {
  const { id } = await ex
    .insertInto('unit')
    .values({
      tenant_id: tenantId, parent_id: u.parentId, kind: u.kind, code: u.code, name: u.name, region_id: u.regionId, path: '',
      address: u.address ?? null, contact_name: u.contactName ?? null, contact_phone: u.contactPhone ?? null, updated_at: new Date(),
      lng: u.lng ?? null, lat: u.lat ?? null, trade: u.trade ?? null, first_responsible_person_id: u.firstResponsiblePersonId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ex.updateTable('unit').set({ path: `${u.parentPath ?? '/'}${id}/` }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return id;
}

export async function countUnitDependants(ex: Executor, tenantId: number, id: number): Promise<{ children: number; users: number }> {
  const r = await sql<{ children: number; users: number }>`
    select (select count(*) from unit where tenant_id = ${tenantId} and parent_id = ${id})::int as children,
           ((select count(*) from app_user where tenant_id = ${tenantId} and unit_id = ${id})
            + (select count(*) from person where tenant_id = ${tenantId} and unit_id = ${id})
            + (select count(*) from responsibility_assignment where tenant_id = ${tenantId}
                 and (responsible_unit_id = ${id} or (target_type = 'unit' and target_id = ${id})))
            + (select count(*) from case_record where tenant_id = ${tenantId} and responsible_unit_id = ${id})
            + (select count(*) from assessment_point where tenant_id = ${tenantId} and responsible_unit_id = ${id})
            + (select count(*) from inspection_plan where tenant_id = ${tenantId} and owner_unit_id = ${id})
            + (select count(*) from inspection where tenant_id = ${tenantId} and target_unit_id = ${id}))::int as users`.execute(ex);
  return r.rows[0]!;
}
