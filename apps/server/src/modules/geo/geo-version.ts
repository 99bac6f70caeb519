import { sql } from 'kysely';
import type { Executor } from '../../platform/database.js';

/**
 * Tell every app instance that the city's geometry changed (regions, segments, zones, unit
 * locations): the routing index compares this number before answering and rebuilds when it moved.
 * Called in the same transaction as the change.
 */
export async function bumpGeoVersion(ex: Executor, tenantId: number): Promise<void> {
  await sql`update tenant set geo_version = geo_version + 1 where id = ${tenantId}`.execute(ex);
}
