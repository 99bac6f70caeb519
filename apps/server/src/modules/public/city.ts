import type { Executor } from '../../platform/database.js';
import { AppError, notFound } from '../../platform/errors.js';

export interface PublicTenant {
  id: number;
  code: string;
  name: string;
  settings: Record<string, unknown>;
}

/**
 * The city a public request (citizen form, Open311) is about: the one named by its code, or, when
 * no code is given, the only city of this deployment. Several cities and no code → 400 CITY_REQUIRED;
 * an unknown code → 404.
 */
export async function resolveCity(ex: Executor, code: string | undefined | null): Promise<PublicTenant> {
  const wanted = code?.trim();
  if (wanted) {
    const t = await ex.selectFrom('tenant').select(['id', 'code', 'name', 'settings']).where('code', '=', wanted).executeTakeFirst();
    if (!t) throw notFound('tenant');
    return t;
  }
  const rows = await ex.selectFrom('tenant').select(['id', 'code', 'name', 'settings']).orderBy('id').limit(2).execute();
  if (rows.length === 0) throw notFound('tenant');
  if (rows.length > 1) throw new AppError(400, 'CITY_REQUIRED', {}, [{ field: 'city', problem: 'CITY_REQUIRED', params: {} }]);
  return rows[0]!;
}
