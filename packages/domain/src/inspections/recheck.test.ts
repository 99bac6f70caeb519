import { describe, expect, it } from 'vitest';
import { planShapeProblem, previousWindow, recheckClosingPeriod } from './recheck.js';
import { windowOf } from './recurrence.js';

const spec = { regionIds: [], categoryIds: [], samplePercent: 20 };

describe('planShapeProblem', () => {
  it('accepts a recheck plan without an edition and a routine plan with one', () => {
    expect(planShapeProblem({ kind: 'recheck', editionId: null, recheck: spec, recurrence: { type: 'weekly', atLeast: 1 } })).toBeNull();
    expect(planShapeProblem({ kind: 'routine', editionId: 3, recurrence: { type: 'weekly', atLeast: 1 } })).toBeNull();
  });
  it('names what is wrong', () => {
    expect(planShapeProblem({ kind: 'routine', editionId: null, recurrence: { type: 'weekly', atLeast: 1 } })).toBe('PLAN_EDITION_REQUIRED');
    expect(planShapeProblem({ kind: 'recheck', editionId: 3, recheck: spec, recurrence: { type: 'weekly', atLeast: 1 } })).toBe('PLAN_RECHECK_EDITION');
    expect(planShapeProblem({ kind: 'recheck', editionId: null, recheck: null, recurrence: { type: 'weekly', atLeast: 1 } })).toBe('PLAN_RECHECK_SPEC_REQUIRED');
    for (const n of [0, 101, 2.5]) {
      expect(planShapeProblem({ kind: 'recheck', editionId: null, recheck: { ...spec, samplePercent: n }, recurrence: { type: 'weekly', atLeast: 1 } })).toBe('PLAN_RECHECK_PERCENT');
    }
    expect(planShapeProblem({ kind: 'recheck', editionId: null, recheck: spec, recurrence: { type: 'once', from: '2026-03-01', to: '2026-03-05' } })).toBe('PLAN_RECHECK_RECURRENCE');
  });
});

describe('recheckClosingPeriod', () => {
  it('weekly: the previous ISO week', () => {
    const w = windowOf({ type: 'weekly', atLeast: 1 }, '2026-03-12')!; // Thursday of the week starting Monday 9 March
    expect(recheckClosingPeriod({ type: 'weekly', atLeast: 1 }, w)).toEqual({ from: '2026-03-02', to: '2026-03-09' });
  });
  it('monthly: from the previous month’s window start to this one’s, across a year end', () => {
    const rec = { type: 'monthly', fromDay: 26, toDay: 28, atLeast: 1 } as const;
    const w = windowOf(rec, '2026-01-27')!;
    expect(recheckClosingPeriod(rec, w)).toEqual({ from: '2025-12-26', to: '2026-01-26' });
  });
  it('working days: Monday samples Friday to Sunday', () => {
    const rec = { type: 'daily', weekdaysOnly: true } as const;
    expect(previousWindow(rec, { start: '2026-03-09' })?.start).toBe('2026-03-06');
    expect(recheckClosingPeriod(rec, { start: '2026-03-09' })).toEqual({ from: '2026-03-06', to: '2026-03-09' });
  });
  it('a one-off window has no previous window', () => {
    expect(recheckClosingPeriod({ type: 'once', from: '2026-03-01', to: '2026-03-05' }, { start: '2026-03-01' })).toBeNull();
  });
});
