import { sql, type Kysely } from 'kysely';

/**
 * Rate-limit counters in the database, so every app instance behind a load balancer counts the
 * same hits (docs/adr/0008-scaling-out.md: the per-process counters made the login limit N× with
 * N instances). One row per client key and route, a fixed window: `hits` since `reset_at` minus
 * the window. UNLOGGED: the counters are worth nothing after a crash, and their writes skip the
 * WAL. Expired rows are deleted by the 'rate-limit purge' job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create unlogged table rate_limit_counter (
      key text not null,
      hits integer not null,
      reset_at timestamptz not null,
      constraint rate_limit_counter_pk primary key (key)
    );
    create index rate_limit_counter_reset_ix on rate_limit_counter (reset_at);
  `.execute(db);
}
