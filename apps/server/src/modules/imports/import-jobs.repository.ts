import { sql } from 'kysely';
import { IMPORT_MAX_PROBLEMS_LISTED, type ErrorCode, type MessageParam, type ImportJobState, type ImportKind } from '@cc/domain';
import type { DB, Executor } from '../../platform/database.js';
import type { StoredProblem } from './rows.js';

/**
 * Liveness of a job: its runner holds pg_advisory_xact_lock(JOB_LOCK, id) for the whole
 * transaction that reads, validates and writes the file. When the process dies the connection
 * closes and the lock is free, which is how a starting (or any other) instance tells an orphan
 * from a job still running elsewhere. 7261 is the audit sealer's class.
 */
export const JOB_LOCK = 7262;
/** One import at a time per city, so validation and writing see the same data. */
export const CITY_IMPORT_LOCK = 7263;

const RUNNING: ImportJobState[] = ['queued', 'validating', 'importing'];

export async function insertJob(db: DB, j: { tenantId: number; kind: ImportKind; fileName: string; userId: number; total: number }): Promise<number> {
  const { id } = await db.insertInto('import_job').values({
    tenant_id: j.tenantId, kind: j.kind, file_name: j.fileName, created_by: j.userId, total: j.total, problems: null, error_params: null,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function lockJob(ex: Executor, id: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${JOB_LOCK}, ${id}::int)`.execute(ex);
}

export async function tryLockCity(ex: Executor, tenantId: number): Promise<boolean> {
  const r = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${CITY_IMPORT_LOCK}, ${tenantId}::int) as ok`.execute(ex);
  return r.rows[0]!.ok;
}

export async function lockCity(ex: Executor, tenantId: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${CITY_IMPORT_LOCK}, ${tenantId}::int)`.execute(ex);
}

export async function setProgress(db: DB, tenantId: number, id: number, p: { state: ImportJobState; processed: number; total: number }): Promise<void> {
  await db.updateTable('import_job').set({ state: p.state, processed: p.processed, total: p.total, updated_at: new Date() })
    .where('tenant_id', '=', tenantId).where('id', '=', id).where('state', 'in', RUNNING).execute();
}

/** Written inside the import's transaction: the job is done exactly when its rows are. */
export async function finishJob(ex: Executor, tenantId: number, id: number, r: { total: number; created: number; updated: number; unchanged: number }): Promise<void> {
  await ex.updateTable('import_job').set({
    state: 'done', processed: r.total, total: r.total, imported: r.created + r.updated + r.unchanged,
    created: r.created, updated: r.updated, unchanged: r.unchanged, updated_at: new Date(), finished_at: new Date(),
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function failJob(db: DB, tenantId: number, id: number, f: { problems?: StoredProblem[]; total?: number; code?: ErrorCode; params?: Record<string, MessageParam> }): Promise<void> {
  await db.updateTable('import_job').set({
    state: 'failed',
    ...(f.total !== undefined ? { total: f.total } : {}),
    problems: f.problems ? JSON.stringify(f.problems.slice(0, IMPORT_MAX_PROBLEMS_LISTED)) : null,
    problem_count: f.problems?.length ?? 0,
    error_code: f.code ?? null,
    error_params: f.params ? JSON.stringify(f.params) : null,
    updated_at: new Date(),
    finished_at: new Date(),
  }).where('tenant_id', '=', tenantId).where('id', '=', id).where('state', '<>', 'done').execute();
}

/**
 * Mark jobs whose runner is gone as failed: unfinished, nobody holds their lock, and (for a
 * queued job, whose runner takes the lock a moment after creating it) quiet for a minute.
 * `id` limits this to one job (a progress question); without it every city is swept (start-up).
 */
export async function failOrphanedJobs(db: DB, id?: number): Promise<number> {
  const r = await sql`
    update import_job j set state = 'failed', error_code = 'IMPORT_JOB_LOST', updated_at = now(), finished_at = now()
     where j.state in ('queued', 'validating', 'importing')
       ${id !== undefined ? sql`and j.id = ${id}` : sql``}
       and (j.state <> 'queued' or j.updated_at < now() - interval '1 minute')
       and pg_try_advisory_xact_lock(${JOB_LOCK}, j.id::int)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export function findJob(ex: Executor, tenantId: number, id: number) {
  return ex.selectFrom('import_job').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}
