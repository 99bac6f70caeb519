import { sql, type Kysely } from 'kysely';

/**
 * Excel exports of the case ledger run as jobs, so a large filtered set shows progress instead of
 * a request that times out. The row is the job's whole state; the file goes to the file store.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table export_job (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      kind text not null,
      query jsonb not null,
      state text not null default 'queued',
      processed integer not null default 0,
      total integer not null default 0,
      file_id bigint,
      error text,
      created_by bigint not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz,
      constraint export_job_pk primary key (tenant_id, id),
      constraint export_job_user_fk foreign key (tenant_id, created_by) references app_user (tenant_id, id),
      constraint export_job_file_fk foreign key (tenant_id, file_id) references stored_file (tenant_id, id),
      constraint export_job_kind_ck check (kind in ('cases')),
      constraint export_job_state_ck check (state in ('queued', 'running', 'done', 'failed'))
    );
    create index export_job_user_ix on export_job (tenant_id, created_by, created_at);
  `.execute(db);
}
