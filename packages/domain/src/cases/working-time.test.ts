import { describe, expect, it } from 'vitest';
import { SHIPPED_CALENDARS } from './holidays.js';
import { computeDeadline, elapsed, isWorkingDay, makeCalendar, type DeadlineClass } from './working-time.js';

const cal = makeCalendar(SHIPPED_CALENDARS);
const at = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');

describe('working days in the 2026 calendar', () => {
  it.each([
    ['2026-03-13', true, 'an ordinary Friday'],
    ['2026-03-14', false, 'an ordinary Saturday'],
    ['2026-02-14', true, 'Saturday made a working day before the Spring Festival (调休)'],
    ['2026-02-16', false, 'Spring Festival, a Monday'],
    ['2026-09-20', true, 'Sunday made a working day (调休)'],
    ['2026-10-08', true, 'first day after National Day'],
    ['2026-10-10', true, 'Saturday made a working day (调休)'],
    ['2026-10-05', false, 'National Day, a Monday'],
    ['2025-01-01', false, "New Year's Day 2025"],
  ])('%s → %s (%s)', (date, expected) => {
    expect(isWorkingDay(date, cal)).toBe(expected);
  });
});

describe('deadlines in the four classes', () => {
  const cases: [string, DeadlineClass, number, string, string][] = [
    // emergency hours run through nights and holidays
    ['2026-02-14T23:00:00', 'emergency_hours', 2, '2026-02-15T01:00:00.000+08:00', 'into a holiday night'],
    ['2026-10-01T09:30:00', 'emergency_hours', 24, '2026-10-02T09:30:00.000+08:00', 'across National Day'],
    // working hours: 08–12, 14–18 on working days
    ['2026-03-13T16:00:00', 'working_hours', 4, '2026-03-16T10:00:00.000+08:00', 'Friday afternoon over a weekend'],
    ['2026-02-13T17:00:00', 'working_hours', 4, '2026-02-14T11:00:00.000+08:00', 'into a 调休 working Saturday'],
    ['2026-02-14T11:30:00', 'working_hours', 2, '2026-02-14T15:30:00.000+08:00', 'over the lunch break'],
    ['2026-02-14T17:00:00', 'working_hours', 3, '2026-02-24T10:00:00.000+08:00', 'over the whole Spring Festival'],
    ['2026-03-16T06:00:00', 'working_hours', 1, '2026-03-16T09:00:00.000+08:00', 'reported before office hours'],
    ['2026-03-16T12:30:00', 'working_hours', 1, '2026-03-16T15:00:00.000+08:00', 'reported at lunch'],
    ['2026-03-16T08:00:00', 'working_hours', 8, '2026-03-16T18:00:00.000+08:00', 'a full working day'],
    // working days: end of office hours on the N-th working day after the start day
    ['2026-09-30T10:00:00', 'working_days', 3, '2026-10-10T18:00:00.000+08:00', 'over National Day, ending on a 调休 Saturday'],
    ['2026-03-13T10:00:00', 'working_days', 1, '2026-03-16T18:00:00.000+08:00', 'Friday to Monday'],
    ['2026-09-19T10:00:00', 'working_days', 2, '2026-09-21T18:00:00.000+08:00', 'a 调休 Sunday counts'],
    ['2026-03-16T10:00:00', 'working_days', 3, '2026-03-19T18:00:00.000+08:00', 'an ordinary week'],
    // calendar days: end of the N-th day
    ['2026-09-30T10:00:00', 'calendar_days', 3, '2026-10-03T23:59:59.999+08:00', 'holidays count'],
    ['2026-12-31T23:00:00', 'calendar_days', 1, '2027-01-01T23:59:59.999+08:00', 'over the new year'],
  ];
  it.each(cases)('%s + %s %s → %s (%s)', (start, cls, amount, expected) => {
    expect(iso(computeDeadline(at(start), amount, cls, cal))).toBe(expected);
  });

  it('uses a city’s own office hours', () => {
    const summer = makeCalendar(SHIPPED_CALENDARS, [[8 * 60, 12 * 60], [15 * 60, 18 * 60]]);
    expect(iso(computeDeadline(at('2026-07-01T11:00:00'), 2, 'working_hours', summer))).toBe('2026-07-01T16:00:00.000+08:00');
  });
});

describe('elapsed time, for pausing and resuming a deadline', () => {
  it('counts only office hours', () => {
    expect(elapsed(at('2026-03-13T16:00:00'), at('2026-03-16T10:00:00'), 'working_hours', cal)).toBe(4);
    expect(elapsed(at('2026-03-16T12:10:00'), at('2026-03-16T13:50:00'), 'working_hours', cal)).toBe(0);
  });

  it('a case deferred (挂账) for the holidays keeps the time it had left', () => {
    const start = at('2026-09-29T08:00:00');
    const paused = at('2026-09-29T12:00:00'); // 4 of 8 working hours used
    const resumed = at('2026-10-12T08:00:00');
    const used = elapsed(start, paused, 'working_hours', cal);
    expect(used).toBe(4);
    expect(iso(computeDeadline(resumed, 8 - used, 'working_hours', cal))).toBe('2026-10-12T12:00:00.000+08:00');
  });

  it('counts working and calendar days begun', () => {
    expect(elapsed(at('2026-09-30T10:00:00'), at('2026-10-09T09:00:00'), 'working_days', cal)).toBe(2);
    expect(elapsed(at('2026-09-30T10:00:00'), at('2026-10-09T09:00:00'), 'calendar_days', cal)).toBe(9);
    expect(elapsed(at('2026-10-01T00:00:00'), at('2026-10-01T05:30:00'), 'emergency_hours', cal)).toBe(5.5);
  });
});
