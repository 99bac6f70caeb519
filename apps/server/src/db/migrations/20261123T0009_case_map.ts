import { sql, type Kysely } from 'kysely';

/**
 * The open-case map (GET /case-map) reads every open case of a city, about a tenth of all cases:
 * a partial index on the open states, ordered by position for a bbox, carrying what a point needs.
 * The state list is the domain's open category (CASE_STATE_CATEGORY) and must match the query.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index case_record_open_map_ix on case_record (tenant_id, lat, lng)
      include (id, state, category_id, deadline_at)
      where state in ('reported', 'registered', 'assigned', 'rectifying', 'submitted', 'returned', 'return_requested', 'deferral_requested', 'deferred')
  `.execute(db);
}
