import { DEFAULT_ROLES } from '@cc/domain';
import type { Kysely } from 'kysely';
import type { Executor } from '../../platform/database.js';
import { seedCategories } from '../../db/migrations/20261122T0005_cases.js';
import { seedStandards } from '../../db/migrations/20261122T0007_inspections.js';

/** A new city with the built-in roles, the seeded case categories and the built-in standards; returns its id. */
export async function createTenant(ex: Executor, t: { code: string; name: string; isDemo: boolean }): Promise<number> {
  const { id } = await ex.insertInto('tenant').values({ code: t.code, name: t.name, is_demo: t.isDemo }).returning('id').executeTakeFirstOrThrow();
  await ex.insertInto('role').values(DEFAULT_ROLES.map((r) => ({
    tenant_id: id, code: r.code, name_zh: r.name['zh-CN'], name_en: r.name.en, scope: r.scope, permissions: [...r.permissions], builtin: true,
  }))).execute();
  await seedCategories(ex as unknown as Kysely<unknown>, id);
  await seedStandards(ex as unknown as Kysely<unknown>, id);
  return id;
}
