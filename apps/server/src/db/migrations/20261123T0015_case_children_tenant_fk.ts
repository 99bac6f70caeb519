import { sql, type Kysely } from 'kysely';

/**
 * Four foreign keys to tenant that another key of the same row already implies: case_record's
 * (tenant_id, category_id) references case_category, and case_event's, case_photo's and
 * case_document's (tenant_id, case_id) reference case_record — all NOT NULL, each parent row
 * itself held to its tenant. Each check took a KEY SHARE lock on the city's one tenant row, five
 * times per intake (issue 6: the auto_explain of the intake write showed 17 foreign-key checks,
 * ~45 % of its time), so a hundred concurrent intakes queued share-lockers on one row. Nothing a
 * row may hold changes; the other keys keep checking.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table case_record drop constraint case_record_tenant_id_fkey;
    alter table case_event drop constraint case_event_tenant_id_fkey;
    alter table case_photo drop constraint case_photo_tenant_id_fkey;
    alter table case_document drop constraint case_document_tenant_id_fkey;
  `.execute(db);
}
