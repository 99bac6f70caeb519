import { sql, type Kysely } from 'kysely';

/**
 * Excel imports too large to answer within the request run as jobs (modules/imports). The row
 * is the job's whole state, so any app instance can answer a progress question, and a restart
 * can tell a job whose process died (its advisory lock is free) from one still running.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table import_job (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      kind text not null,
      file_name text not null,
      state text not null default 'queued',
      -- rows done in the current state, and data rows in the file (rows read so far while queued)
      processed integer not null default 0,
      total integer not null default 0,
      imported integer,
      created integer,
      updated integer,
      unchanged integer,
      -- row problems as codes and parameters, localized when read: [{row, column, value, code, params}]
      problems jsonb,
      problem_count integer not null default 0,
      error_code text,
      error_params jsonb,
      created_by bigint not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz,
      constraint import_job_pk primary key (tenant_id, id),
      constraint import_job_user_fk foreign key (tenant_id, created_by) references app_user (tenant_id, id),
      constraint import_job_kind_ck check (kind in ('regions', 'units', 'people', 'segments', 'shops', 'assignments')),
      constraint import_job_state_ck check (state in ('queued', 'validating', 'importing', 'done', 'failed'))
    );
    create index import_job_user_ix on import_job (tenant_id, created_by, created_at);
    -- the jobs a starting instance looks at: the unfinished ones
    create index import_job_running_ix on import_job (state) where state in ('queued', 'validating', 'importing');
  `.execute(db);
}
