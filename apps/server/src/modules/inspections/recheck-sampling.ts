import { createHash } from 'node:crypto';
import { localDate, recheckClosingPeriod, windowOf, type RecheckSpec, type Recurrence } from '@cc/domain';
import type { DB, Executor } from '../../platform/database.js';
import { startOfDay } from '../cases/cases.service.js';

/** Whether a closing falls in the sample: a hash, so every instance and every run agree. */
export function sampled(caseId: number, closedAt: Date, percent: number): boolean {
  const h = createHash('sha256').update(`${caseId}:${closedAt.toISOString()}`).digest();
  return h.readUInt32BE(0) % 100 < percent;
}

export interface RecheckPlanRow {
  id: number;
  kind: string;
  recurrence: unknown;
  recheck: unknown;
  starts_on: string;
  ends_on: string | null;
  active: boolean;
}

/**
 * Fill a re-check plan's window holding `now`: the sampled cases closed since the previous window
 * started (see `recheckClosingPeriod`), in the plan's regions and categories, due at the window's
 * end. Idempotent: a closing already drawn (by this plan, another one or the settings) is skipped,
 * and the insert does nothing on `case_recheck_once_uq`. Returns the rows inserted.
 */
export async function sampleRecheckPlan(ex: Executor, tenantId: number, plan: RecheckPlanRow, now: Date): Promise<number> {
  const day = localDate(now);
  if (plan.kind !== 'recheck' || !plan.active || plan.starts_on > day || (plan.ends_on !== null && plan.ends_on < day)) return 0;
  const rec = plan.recurrence as Recurrence;
  const w = windowOf(rec, day);
  const period = w && recheckClosingPeriod(rec, w);
  if (!w || !period) return 0;
  const spec = plan.recheck as RecheckSpec;
  const closed = await ex.selectFrom('case_record as c').select(['c.id', 'c.closed_at']).where('c.tenant_id', '=', tenantId)
    .where('c.state', '=', 'closed').where('c.closed_at', '>=', startOfDay(period.from)).where('c.closed_at', '<', startOfDay(period.to))
    .$if(spec.regionIds.length > 0, (b) => b.where((eb) => eb.or([eb('c.street_id', 'in', spec.regionIds), eb('c.community_id', 'in', spec.regionIds)])))
    .$if(spec.categoryIds.length > 0, (b) => b.where('c.category_id', 'in', spec.categoryIds))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('case_recheck as r').select('r.id')
      .whereRef('r.tenant_id', '=', 'c.tenant_id').whereRef('r.case_id', '=', 'c.id').whereRef('r.closed_at', '=', 'c.closed_at'))))
    .orderBy('c.closed_at').execute();
  const picked = closed.filter((c) => sampled(c.id, c.closed_at!, spec.samplePercent));
  if (!picked.length) return 0;
  const ins = await ex.insertInto('case_recheck')
    .values(picked.map((c) => ({ tenant_id: tenantId, case_id: c.id, closed_at: c.closed_at!, due_date: w.end, created_at: now, plan_id: plan.id, window_key: w.key })))
    .onConflict((oc) => oc.constraint('case_recheck_once_uq').doNothing()).returning('id').execute();
  return ins.length;
}

/** The scheduler's step: every active re-check plan of a city. */
export async function sampleRecheckPlans(db: DB, tenantId: number, now: Date): Promise<number> {
  const day = localDate(now);
  const plans = await db.selectFrom('inspection_plan').select(['id', 'kind', 'recurrence', 'recheck', 'starts_on', 'ends_on', 'active'])
    .where('tenant_id', '=', tenantId).where('kind', '=', 'recheck').where('active', '=', true).where('starts_on', '<=', day)
    .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', day)])).orderBy('id').execute();
  let n = 0;
  for (const p of plans) n += await sampleRecheckPlan(db, tenantId, p, now);
  return n;
}
