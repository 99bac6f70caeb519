import { sql, type Kysely } from 'kysely';

/**
 * The ranking sums a plan's sheets grouped by target and by the type, responsible unit and name
 * each sheet recorded. Those follow the target (one group per target unless it changed), but the
 * planner multiplies the columns' distinct counts: PostgreSQL 15 expected 52,000 groups for a year
 * of 创文 sheets where there are 200, and sorted 180,000 sheets (287 ms against 145 ms hashed). An
 * ndistinct statistics object tells it the combined count; ANALYZE fills it now, autovacuum later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create statistics inspection_target_groups (ndistinct) on target_kind, target_id, target_subtype, target_unit_id, target_name from inspection`.execute(db);
  await sql`analyze inspection`.execute(db);
}
