import { DEFAULT_ROLES, type DemoAccounts } from '@cc/domain';
import type { DB } from '../../platform/database.js';
import { DEMO_CITY } from './demo-city.data.js';

export async function isDemoLoaded(db: DB): Promise<boolean> {
  const t = await db.selectFrom('tenant').select('id').where('is_demo', '=', true).executeTakeFirst();
  return Boolean(t);
}

/** The demo accounts that still exist and are active, while the demo city is loaded. */
export async function listDemoAccounts(db: DB): Promise<DemoAccounts> {
  const tenant = await db.selectFrom('tenant').select('id').where('is_demo', '=', true).executeTakeFirst();
  if (!tenant) return { demo: false, accounts: [] };
  const rows = await db.selectFrom('app_user as u')
    .innerJoin('unit as un', (j) => j.onRef('un.tenant_id', '=', 'u.tenant_id').onRef('un.id', '=', 'u.unit_id'))
    .select(['u.username', 'u.display_name', 'un.name as unit_name'])
    .where('u.tenant_id', '=', tenant.id).where('u.status', '=', 'active')
    .where('u.username', 'in', DEMO_CITY.users.map((x) => x.username))
    .execute();
  const byName = new Map(rows.map((r) => [r.username, r]));
  return {
    demo: true,
    accounts: DEMO_CITY.users.flatMap((u) => {
      const row = byName.get(u.username);
      const role = DEFAULT_ROLES.find((r) => r.code === u.role)!;
      return row ? [{ username: u.username, password: DEMO_CITY.demoPassword, role: u.role, roleName: role.name, unitName: row.unit_name, displayName: row.display_name }] : [];
    }),
  };
}
