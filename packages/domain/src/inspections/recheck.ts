import { addDays } from '../responsibility/assignments.js';
import { windowOf, type InspectionWindow, type Recurrence } from './recurrence.js';

/** What a re-check plan (回头看计划) samples instead of a standard and targets. */
export interface RecheckSpec {
  /** Streets or communities; a case counts when its street or community is listed. Empty: the whole city. */
  regionIds: number[];
  /** Case categories; empty: every category. */
  categoryIds: number[];
  /** Share of the closings drawn, 1–100. */
  samplePercent: number;
}

export type PlanShapeProblem = 'PLAN_EDITION_REQUIRED' | 'PLAN_RECHECK_EDITION' | 'PLAN_RECHECK_SPEC_REQUIRED' | 'PLAN_RECHECK_PERCENT' | 'PLAN_RECHECK_RECURRENCE';

/**
 * A re-check plan has a sample spec and no edition; every other kind has an edition and no spec.
 * Re-check windows must repeat (a one-off window has no previous window to sample).
 */
export function planShapeProblem(p: { kind: string; editionId: number | null; recheck?: RecheckSpec | null; recurrence: Recurrence }): PlanShapeProblem | null {
  if (p.kind !== 'recheck') {
    if (p.editionId === null) return 'PLAN_EDITION_REQUIRED';
    return null;
  }
  if (p.editionId !== null) return 'PLAN_RECHECK_EDITION';
  if (!p.recheck) return 'PLAN_RECHECK_SPEC_REQUIRED';
  const n = p.recheck.samplePercent;
  if (!Number.isInteger(n) || n < 1 || n > 100) return 'PLAN_RECHECK_PERCENT';
  if (p.recurrence.type === 'once') return 'PLAN_RECHECK_RECURRENCE';
  return null;
}

/** The window before the one given (searching back up to 62 days), or null. */
export function previousWindow(rec: Recurrence, w: Pick<InspectionWindow, 'start'>): InspectionWindow | null {
  for (let d = addDays(w.start, -1), i = 0; i < 62; d = addDays(d, -1), i++) {
    const p = windowOf(rec, d);
    if (p) return p;
  }
  return null;
}

/**
 * Which closings a re-check window samples: cases closed from the start of the previous window up
 * to (not including) the start of this one — local dates, `to` exclusive. So every closing belongs
 * to exactly one window, and a window's sample is known the moment it opens.
 */
export function recheckClosingPeriod(rec: Recurrence, w: Pick<InspectionWindow, 'start'>): { from: string; to: string } | null {
  const prev = previousWindow(rec, w);
  return prev ? { from: prev.start, to: w.start } : null;
}
