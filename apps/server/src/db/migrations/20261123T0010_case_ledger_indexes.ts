import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the case ledger at scale (issue 6): each sort of the ledger has an index that
 * returns its rows in order (ties by id), so a page stops after its rows; the reporter arm of the
 * data scope gets its own index, so the scope's three arms (units, region path, own reports) can
 * each use one. The scope reads only case_record, so no column is added and nothing is backfilled.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index case_record_created_id_ix on case_record (tenant_id, created_at desc, id desc);
    drop index case_record_created_ix;
    create index case_record_deadline_ix on case_record (tenant_id, deadline_at asc nulls last, id desc);
    create index case_record_reporter_ix on case_record (tenant_id, reported_by) where reported_by is not null;
    analyze case_record;
  `.execute(db);
}
