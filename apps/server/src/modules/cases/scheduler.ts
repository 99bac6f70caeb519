import { CASE_TIMED_STATES, localDate } from '@cc/domain';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/database.js';
import { sampled, sampleRecheckPlans } from '../inspections/recheck-sampling.js';
import { startOfDay, type CasesService } from './cases.service.js';
import type { CaseCatalog } from './catalog.service.js';

const TIMED = [...CASE_TIMED_STATES];
const BATCH = 200;

export interface SchedulerResult {
  overdue: number;
  escalated: number;
  sampled: number;
}

/**
 * The case scheduler's one pass: marks cases that passed their deadline, issues 督办 at the
 * city's steps, and draws the 回头看 samples (re-check plans' windows, then the settings' sample of
 * cases closed long enough ago). Everything it needs is found in the database (deadlines,
 * escalation counts, existing samples), so a restart or a second app instance changes nothing:
 * rows are claimed with SKIP LOCKED and every write is guarded by the case's version or a unique
 * constraint.
 */
export async function runCaseScheduler(deps: { db: DB; clock: Clock; cases: CasesService; catalog: CaseCatalog }): Promise<SchedulerResult> {
  const { db, clock, cases, catalog } = deps;
  const result: SchedulerResult = { overdue: 0, escalated: 0, sampled: 0 };
  const tenants = await db.selectFrom('tenant').select('id').execute();
  for (const { id: tenantId } of tenants) {
    const now = clock.now();
    const settings = await catalog.settings(tenantId);

    // 1. Overdue: record the moment a running deadline passed (an event and a message, once).
    result.overdue += await db.transaction().execute(async (tx) => {
      const rows = await tx.selectFrom('case_record').selectAll().where('tenant_id', '=', tenantId).where('state', 'in', TIMED)
        .where('deadline_at', '<', now).where('overdue_at', 'is', null).orderBy('deadline_at').limit(BATCH).forUpdate().skipLocked().execute();
      for (const c of rows) {
        await tx.updateTable('case_record').set({ overdue_at: now }).where('tenant_id', '=', tenantId).where('id', '=', c.id).execute();
        await tx.insertInto('case_event').values({
          tenant_id: tenantId, case_id: c.id, event: 'overdue', from_state: c.state, to_state: c.state, actor_role: 'system', actor_label: '系统', at: now,
          data: JSON.stringify({ deadlineAt: c.deadline_at }),
        }).execute();
        await tx.insertInto('outbox').values({
          tenant_id: tenantId, topic: 'case.overdue', case_id: c.id, created_at: now,
          payload: JSON.stringify({ caseId: c.id, number: c.number, state: c.state, unitId: c.responsible_unit_id, deadlineAt: c.deadline_at, event: 'overdue' }),
        }).execute();
      }
      return rows.length;
    });

    // 2. 督办: the k-th follow-up letter when a case is steps[k] hours past its deadline.
    const steps = settings.escalationStepsHours;
    const due = await db.selectFrom('case_record').select(['id', 'escalation_count', 'deadline_at']).where('tenant_id', '=', tenantId)
      .where('state', 'in', TIMED).where('deadline_at', '<', now).where('escalation_count', '<', steps.length)
      .orderBy('deadline_at').limit(BATCH).execute();
    for (const c of due) {
      const hoursLate = (now.getTime() - c.deadline_at!.getTime()) / 3_600_000;
      if (hoursLate < steps[c.escalation_count]!) continue;
      const done = await db.transaction().execute(async (tx) => {
        const row = await tx.selectFrom('case_record').selectAll().where('tenant_id', '=', tenantId).where('id', '=', c.id)
          .where('escalation_count', '=', c.escalation_count).where('state', 'in', TIMED).forUpdate().skipLocked().executeTakeFirst();
        if (!row) return false; // taken by another instance, or changed meanwhile
        await cases.apply(tx, row, 'escalate', { userId: null, label: '系统（自动督办）', role: 'system' }, { note: null, deadlineAt: undefined });
        return true;
      });
      if (done) result.escalated++;
    }

    // 3. 回头看计划: each active re-check plan fills its current window (before the settings sample,
    // so a closing both would draw goes to the plan).
    result.sampled += await sampleRecheckPlans(db, tenantId, now);

    // 4. 回头看: a deterministic sample of the cases closed recheckAfterDays ago (one decision per closing).
    if (settings.recheckSamplePercent > 0) {
      const until = new Date(now.getTime() - settings.recheckAfterDays * 86_400_000);
      const since = new Date(until.getTime() - 30 * 86_400_000);
      const closed = await db.selectFrom('case_record as c').select(['c.id', 'c.closed_at']).where('c.tenant_id', '=', tenantId)
        .where('c.state', '=', 'closed').where('c.closed_at', '<=', until).where('c.closed_at', '>', since)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_recheck as r').select('r.id')
          .whereRef('r.tenant_id', '=', 'c.tenant_id').whereRef('r.case_id', '=', 'c.id').whereRef('r.closed_at', '=', 'c.closed_at'))))
        .orderBy('c.closed_at').limit(BATCH * 5).execute();
      const picked = closed.filter((c) => sampled(c.id, c.closed_at!, settings.recheckSamplePercent));
      if (picked.length) {
        const dueDate = localDate(new Date(startOfDay(localDate(now), settings.recheckDueDays).getTime()));
        const ins = await db.insertInto('case_recheck').values(picked.map((c) => ({ tenant_id: tenantId, case_id: c.id, closed_at: c.closed_at!, due_date: dueDate, created_at: now })))
          .onConflict((oc) => oc.constraint('case_recheck_once_uq').doNothing()).returning('id').execute();
        result.sampled += ins.length;
      }
    }
  }
  // The 督办函 written above get their numbers now rather than at the dispatcher's next run.
  if (result.escalated) await cases.settleDocuments();
  return result;
}

export { sampled };
