import { describe, expect, it } from 'vitest';
import { isoWeekKey, recurrenceProblem, windowOf, windowsBetween } from './recurrence.js';

describe('inspection windows', () => {
  it('weekly windows are ISO weeks, Monday to Sunday', () => {
    expect(windowOf({ type: 'weekly', atLeast: 2 }, '2026-03-12')).toEqual({ key: '2026-W11', start: '2026-03-09', end: '2026-03-15', required: 2 });
    expect(isoWeekKey('2026-01-01')).toBe('2026-W01');
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
    expect(windowsBetween({ type: 'weekly', atLeast: 1 }, '2026-03-01', '2026-03-31').map((w) => w.key)).toEqual(['2026-W09', '2026-W10', '2026-W11', '2026-W12', '2026-W13', '2026-W14']);
  });

  it('monthly windows are days 26–28 (门内达标月检), clipped in short months', () => {
    const rec = { type: 'monthly', fromDay: 26, toDay: 28, atLeast: 1 } as const;
    expect(windowOf(rec, '2026-03-03')).toBeNull();
    expect(windowOf(rec, '2026-03-27')).toEqual({ key: '2026-03', start: '2026-03-26', end: '2026-03-28', required: 1 });
    expect(windowsBetween(rec, '2026-01-15', '2026-03-31').map((w) => `${w.start}..${w.end}`)).toEqual(['2026-01-26..2026-01-28', '2026-02-26..2026-02-28', '2026-03-26..2026-03-28']);
    expect(windowOf({ type: 'monthly', fromDay: 29, toDay: 31, atLeast: 1 }, '2026-02-28')).toEqual({ key: '2026-02', start: '2026-02-28', end: '2026-02-28', required: 1 });
  });

  it('daily windows, optionally working days only; one-off windows', () => {
    expect(windowsBetween({ type: 'daily' }, '2026-03-13', '2026-03-16')).toHaveLength(4);
    expect(windowsBetween({ type: 'daily', weekdaysOnly: true }, '2026-03-13', '2026-03-16').map((w) => w.key)).toEqual(['2026-03-13', '2026-03-16']);
    expect(windowsBetween({ type: 'once', from: '2026-03-16', to: '2026-03-31' }, '2026-03-01', '2026-03-20')).toEqual([{ key: 'once', start: '2026-03-16', end: '2026-03-31', required: 1 }]);
    expect(windowOf({ type: 'once', from: '2026-03-16', to: '2026-03-31' }, '2026-04-01')).toBeNull();
  });

  it('refuses recurrences that cannot be met', () => {
    expect(recurrenceProblem({ type: 'weekly', atLeast: 8 })).toBe('RECURRENCE_AT_LEAST');
    expect(recurrenceProblem({ type: 'monthly', fromDay: 28, toDay: 26, atLeast: 1 })).toBe('RECURRENCE_DAYS');
    expect(recurrenceProblem({ type: 'monthly', fromDay: 26, toDay: 28, atLeast: 4 })).toBe('RECURRENCE_AT_LEAST');
    expect(recurrenceProblem({ type: 'once', from: '2026-04-01', to: '2026-03-01' })).toBe('RECURRENCE_DATES');
    expect(recurrenceProblem({ type: 'daily' })).toBeNull();
  });
});
