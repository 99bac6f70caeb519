import type { FastifyBaseLogger } from 'fastify';
import {
  IMPORT_KIND_LABELS, IMPORT_SYNC_MAX_ROWS, formatMessage, type ErrorCode, type ImportAccepted, type ImportJobState,
  type ImportJobView, type ImportKind, type ImportResult, type Locale,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { can } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB, Tx } from '../../platform/database.js';
import { AppError } from '../../platform/errors.js';
import { bumpGeoVersion } from '../geo/geo-version.js';
import { todayIn } from '../responsibility/assignments.service.js';
import type { SettingsService } from '../responsibility/settings.service.js';
import {
  failJob, failOrphanedJobs, findJob, finishJob, insertJob, lockCity, lockJob, setProgress, tryLockCity,
} from './import-jobs.repository.js';
import { IMPORT_KIND_SPECS } from './kinds/index.js';
import { exclusionConflict } from './exclusion.js';
import type { ImportKindSpec } from './kind.js';
import { localizeProblems, matchHeader, parseRows, problemDetails, ProblemList, type StoredProblem } from './rows.js';
import { assertXlsx, readSheet } from './xlsx-read.js';
import { exportWorkbook, templateWorkbook } from './xlsx-write.js';

/** Validation found problems: nothing is written, every problem is reported. */
class ImportRefused extends Error {
  constructor(readonly problems: StoredProblem[], readonly total: number) {
    super('import refused');
  }
}

/** Progress reports, written at most every half second (and at each change of state, or when forced). */
function progressWriter(db: DB, tenantId: number, jobId: () => number | null) {
  let last = 0;
  let state: ImportJobState = 'queued';
  return async (next: ImportJobState, processed: number, total: number, force = false) => {
    const id = jobId();
    if (id === null) return;
    const now = Date.now();
    if (!force && next === state && now - last < 500) return;
    state = next;
    last = now;
    await setProgress(db, tenantId, id, { state: next, processed, total });
  };
}

export function createImportsService(deps: { db: DB; clock: Clock; settings: SettingsService; log?: FastifyBaseLogger }) {
  const { db, clock, settings } = deps;
  const running = new Set<Promise<unknown>>();

  function specFor(actor: Actor, kind: ImportKind): ImportKindSpec {
    const spec = IMPORT_KIND_SPECS[kind];
    if (spec.alsoNeeds?.some((p) => !can(actor, p))) throw new AppError(403, 'FORBIDDEN');
    if (spec.cityWide && actor.scope !== 'tenant') throw new AppError(403, 'IMPORT_CITY_SCOPE_REQUIRED', { kind: IMPORT_KIND_LABELS[kind]['zh-CN'] });
    return spec;
  }

  /**
   * Read, validate and write one file in one transaction. `handOff` turns the work into a job
   * (called when the file proves large, or when another import of the city holds the lock).
   */
  async function run(actor: Actor, spec: ImportKindSpec, file: { name: string; data: Buffer }, ctx: AuditContext,
    job: { id: () => number | null; handOff: (total: number) => Promise<number> }): Promise<ImportResult> {
    const report = progressWriter(db, actor.tenantId, job.id);
    return db.transaction().execute(async (tx: Tx) => {
      const sheet = await readSheet(file.data, async (read) => {
        if (read > IMPORT_SYNC_MAX_ROWS && job.id() === null) await lockJob(tx, await job.handOff(read));
        await report('queued', 0, read);
      });
      const total = sheet.rows.length;
      if (total > IMPORT_SYNC_MAX_ROWS && job.id() === null) await lockJob(tx, await job.handOff(total));
      await report('queued', 0, total, true);

      // The file on its own first: headers, then every cell by its column's type.
      const problems = new ProblemList(spec.columns);
      const at = matchHeader(spec.columns, sheet.header, problems);
      if (!at) throw new ImportRefused(problems.sorted(), total);
      if (total === 0) throw new AppError(422, 'IMPORT_EMPTY');
      const rows = parseRows(spec.columns, sheet, at, problems);

      // Then against the city's data, which no other import changes until we commit.
      if (!(await tryLockCity(tx, actor.tenantId))) {
        // Another import of this city is writing: wait for it as a job rather than hold the request.
        if (job.id() === null) await lockJob(tx, await job.handOff(total));
        await report('queued', 0, total, true);
        await lockCity(tx, actor.tenantId);
      }
      await report('validating', 0, total);
      const plan = await spec.validate({
        tx, actor, problems, today: todayIn(clock),
        settings: await settings.get(actor.tenantId),
        progress: (n) => report('validating', n, total),
      }, rows);
      if (problems.count) throw new ImportRefused(problems.sorted(), total);

      await report('importing', 0, total);
      let written = 0;
      let counts;
      try {
        counts = await plan.apply(tx, async (n) => {
          written += n;
          await report('importing', Math.min(written, total), total);
        });
      } catch (err) {
        const conflict = exclusionConflict(err, spec, plan);
        if (conflict) throw new ImportRefused([conflict], total);
        throw err;
      }
      if (counts.geoChanged) await bumpGeoVersion(tx, actor.tenantId);
      const result: ImportResult = {
        kind: spec.kind, total, imported: counts.created + counts.updated + counts.unchanged,
        created: counts.created, updated: counts.updated, unchanged: counts.unchanged,
      };
      // One audit row per file, not per row: what was imported, from which file, how many.
      await recordAudit(tx, ctx, {
        action: 'import.completed', entityType: 'import', entityId: job.id(),
        after: { kind: spec.kind, fileName: file.name, rows: total, created: counts.created, updated: counts.updated, unchanged: counts.unchanged },
      });
      const id = job.id();
      if (id !== null) await finishJob(tx, actor.tenantId, id, { total, ...counts });
      return result;
    });
  }

  function toView(j: NonNullable<Awaited<ReturnType<typeof findJob>>>, locale: Locale): ImportJobView {
    const problems = (j.problems as StoredProblem[] | null) ?? null;
    return {
      id: j.id, kind: j.kind as ImportKind, fileName: j.file_name, state: j.state as ImportJobState,
      processed: j.processed, total: j.total, imported: j.imported, created: j.created, updated: j.updated, unchanged: j.unchanged,
      problemCount: j.problem_count,
      ...(problems ? { problems: localizeProblems(problems, locale) } : {}),
      error: j.error_code ? { code: j.error_code, message: formatMessage(j.error_code as ErrorCode, locale, (j.error_params as Record<string, string>) ?? {}) } : null,
      createdAt: j.created_at.toISOString(), finishedAt: j.finished_at?.toISOString() ?? null,
    };
  }

  return {
    /** Jobs left unfinished by a process that died: failed, with the reason. Run at start-up. */
    recoverJobs: () => failOrphanedJobs(db),

    /** Wait for jobs still running in this process (graceful shutdown, tests). */
    idle: () => Promise.allSettled([...running]),

    template(actor: Actor, kind: ImportKind) {
      const spec = IMPORT_KIND_SPECS[kind];
      return { fileName: `${IMPORT_KIND_LABELS[kind]['zh-CN']}导入模板.xlsx`, data: templateWorkbook(spec) };
    },

    export(actor: Actor, kind: ImportKind, onError: (err: unknown) => void) {
      const spec = IMPORT_KIND_SPECS[kind];
      const day = todayIn(clock).replace(/-/g, '');
      return { fileName: `${IMPORT_KIND_LABELS[kind]['zh-CN']}-${day}.xlsx`, stream: exportWorkbook(spec, spec.exportPages(db, actor), onError) };
    },

    /**
     * Import a file. Small files answer with the result (or 422 and every problem); a file of more
     * than IMPORT_SYNC_MAX_ROWS rows becomes a job as soon as that many rows are read: 202 + jobId.
     */
    async start(actor: Actor, kind: ImportKind, file: { name: string; data: Buffer }, ctx: AuditContext, locale: Locale): Promise<ImportResult | ImportAccepted> {
      const spec = specFor(actor, kind);
      await assertXlsx(file.data);
      let jobId: number | null = null;
      let accepted: (id: number) => void = () => undefined;
      const handedOff = new Promise<number>((resolve) => (accepted = resolve));
      const work = run(actor, spec, file, ctx, {
        id: () => jobId,
        handOff: async (total) => {
          jobId = await insertJob(db, { tenantId: actor.tenantId, kind, fileName: file.name, userId: actor.userId, total });
          accepted(jobId);
          return jobId;
        },
      });
      const first = await Promise.race([work.then((result) => ({ result })), handedOff.then((id) => ({ id }))]).catch((err: unknown) => {
        if (err instanceof ImportRefused) {
          throw new AppError(422, 'IMPORT_INVALID', { count: err.problems.length }, problemDetails(err.problems, err.total, locale));
        }
        throw err;
      });
      if ('result' in first) return first.result;

      // The job goes on after the answer; its end is written to its row.
      const tenantId = actor.tenantId;
      const tail = work.catch(async (err: unknown) => {
        const id = first.id;
        if (err instanceof ImportRefused) await failJob(db, tenantId, id, { problems: err.problems, total: err.total });
        else if (err instanceof AppError) await failJob(db, tenantId, id, { code: err.code, params: err.params });
        else {
          deps.log?.error({ err, jobId: id }, 'import job failed');
          await failJob(db, tenantId, id, { code: 'IMPORT_FAILED' });
        }
      }).catch((err: unknown) => deps.log?.error({ err }, 'could not record the end of an import job'));
      running.add(tail);
      void tail.finally(() => running.delete(tail));
      return { jobId: first.id, state: 'queued' };
    },

    /** A job's progress, for its owner and the city's administrators. */
    async job(actor: Actor, id: number, locale: Locale): Promise<ImportJobView> {
      let j = await findJob(db, actor.tenantId, id);
      if (!j) throw new AppError(404, 'IMPORT_JOB_NOT_FOUND');
      if (j.created_by !== actor.userId && !actor.roles.includes('system_admin')) throw new AppError(403, 'FORBIDDEN');
      if (j.state === 'queued' || j.state === 'validating' || j.state === 'importing') {
        // Its runner may have died with another instance: check its lock now rather than at the next start.
        if (await failOrphanedJobs(db, id)) j = (await findJob(db, actor.tenantId, id))!;
      }
      return toView(j, locale);
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
