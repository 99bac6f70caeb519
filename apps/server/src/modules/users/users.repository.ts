import { sql, type Expression, type SqlBool } from 'kysely';
import type { RoleCode, UnitKind, UserStatus } from '@cc/domain';
import type { Executor } from '../../platform/database.js';
import { escapeLike } from '../../platform/access.js';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  mobile: string | null;
  unit_id: number;
  unit_name: string;
  unit_kind: UnitKind;
  unit_path: string;
  roles: RoleCode[];
  status: UserStatus;
  must_change_password: boolean;
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  version: number;
}

function base(ex: Executor, tenantId: number) {
  return ex
    .selectFrom('app_user as u')
    .innerJoin('unit as un', (j) => j.onRef('un.tenant_id', '=', 'u.tenant_id').onRef('un.id', '=', 'u.unit_id'))
    .select([
      'u.id', 'u.username', 'u.display_name', 'u.mobile', 'u.unit_id', 'un.name as unit_name', 'un.kind as unit_kind',
      'un.path as unit_path', 'u.status', 'u.must_change_password', 'u.locked_until', 'u.last_login_at', 'u.created_at', 'u.version',
      sql<RoleCode[]>`coalesce((select array_agg(ro.code order by ro.id) from user_role ur
        join role ro on ro.tenant_id = ur.tenant_id and ro.id = ur.role_id
        where ur.tenant_id = u.tenant_id and ur.user_id = u.id), '{}')`.as('roles'),
    ])
    .where('u.tenant_id', '=', tenantId);
}

export async function findUser(ex: Executor, tenantId: number, id: number): Promise<UserRow | undefined> {
  return (await base(ex, tenantId).where('u.id', '=', id).executeTakeFirst()) as UserRow | undefined;
}

export async function listUsers(
  ex: Executor, tenantId: number, scope: Expression<SqlBool>,
  f: { q?: string; unitId?: number; status?: string }, page: number, pageSize: number,
) {
  let q = base(ex, tenantId).where(scope);
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    q = q.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like), eb('u.mobile', 'ilike', like)]));
  }
  if (f.unitId) q = q.where('u.unit_id', '=', f.unitId);
  if (f.status) q = q.where('u.status', '=', f.status);
  const [items, total] = await Promise.all([
    q.orderBy('u.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
    q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items as UserRow[], total: Number(total.n) };
}

export async function roleIds(ex: Executor, tenantId: number, codes: readonly string[]): Promise<Map<string, number>> {
  const rows = await ex.selectFrom('role').select(['id', 'code']).where('tenant_id', '=', tenantId).where('code', 'in', [...codes]).execute();
  return new Map(rows.map((r) => [r.code, r.id]));
}

export async function setUserRoles(ex: Executor, tenantId: number, userId: number, ids: number[]): Promise<void> {
  await ex.deleteFrom('user_role').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  if (ids.length) {
    await ex.insertInto('user_role').values(ids.map((role_id) => ({ tenant_id: tenantId, user_id: userId, role_id }))).execute();
  }
}

export async function revokeSessions(ex: Executor, tenantId: number, userId: number, at: Date): Promise<void> {
  await ex.updateTable('user_session').set({ revoked_at: at })
    .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}
