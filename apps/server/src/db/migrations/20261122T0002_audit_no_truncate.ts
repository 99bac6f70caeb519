import { sql, type Kysely } from 'kysely';

/** TRUNCATE skips row triggers: refuse it on the audit trail with a statement trigger. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function audit_log_no_truncate() returns trigger language plpgsql as $$
    begin
      raise exception 'audit rows are append-only: TRUNCATE is refused';
    end $$;
    create trigger audit_log_no_truncate_tg before truncate on audit_log
      for each statement execute function audit_log_no_truncate();

    -- Sessions are purged once ended or idle; this finds them without a scan.
    create index user_session_seen_ix on user_session (last_seen_at);
  `.execute(db);
}
