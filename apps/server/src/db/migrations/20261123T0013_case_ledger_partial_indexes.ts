import { sql, type Kysely } from 'kysely';

/**
 * Two ledger filters that scanned a large part of a city's million cases (issue 6, measured on the
 * generated city: one street's open cases by deadline 612 ms, a category's relapsed cases 266 ms):
 * - open cases by region: the open states are about a tenth of the cases, so a partial index on the
 *   region path, carrying what the page's order and the count read, answers "this street's (or
 *   community's, or grid's) open cases" from ~6,000 entries instead of a street's ~66,000 cases;
 * - relapsed cases (反弹, relapse_count > 0): a few percent of the cases, newest first, with the
 *   category beside them for the ledger's category filter.
 * The state list is the domain's open category (CASE_STATE_CATEGORY), as in case_record_open_map_ix;
 * the ledger sends it with the values known at planning time, so the planner matches the predicate.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index case_record_open_region_ix on case_record (tenant_id, region_path text_pattern_ops) include (deadline_at, created_at, id)
      where state in ('reported', 'registered', 'assigned', 'rectifying', 'submitted', 'returned', 'return_requested', 'deferral_requested', 'deferred');
    create index case_record_relapsed_ix on case_record (tenant_id, created_at desc, id desc) include (category_id) where relapse_count > 0;
    analyze case_record;
  `.execute(db);
}
