/**
 * When a plan's targets must be inspected. Dates are local calendar dates ('YYYY-MM-DD').
 * - daily: every day (or every working day);
 * - weekly: at least N times in each ISO week (Monday–Sunday);
 * - monthly: at least N times between two days of each month (e.g. the 26th–28th, 门内达标月检);
 * - once: one window from a start date to an end date.
 */
export type Recurrence =
  | { type: 'daily'; weekdaysOnly?: boolean }
  | { type: 'weekly'; atLeast: number }
  | { type: 'monthly'; fromDay: number; toDay: number; atLeast: number }
  | { type: 'once'; from: string; to: string };

export interface InspectionWindow {
  /** e.g. '2026-03-12', '2026-W11', '2026-03', 'once'. */
  key: string;
  start: string;
  end: string;
  required: number;
}

import { addDays } from '../responsibility/assignments.js';

const DAY = 86_400_000;
const parse = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
const weekday = (d: string) => (new Date(parse(d)).getUTCDay() + 6) % 7; // Monday = 0

/** ISO week key: the week belongs to the year of its Thursday. */
export function isoWeekKey(d: string): string {
  const monday = addDays(d, -weekday(d));
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const jan4 = `${year}-01-04`;
  const week1Monday = addDays(jan4, -weekday(jan4));
  const week = Math.round((parse(monday) - parse(week1Monday)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The window that holds a date, or null when the date lies outside every window (e.g. the 3rd for a 26th–28th plan). */
export function windowOf(rec: Recurrence, date: string): InspectionWindow | null {
  switch (rec.type) {
    case 'daily':
      if (rec.weekdaysOnly && weekday(date) > 4) return null;
      return { key: date, start: date, end: date, required: 1 };
    case 'weekly': {
      const start = addDays(date, -weekday(date));
      return { key: isoWeekKey(date), start, end: addDays(start, 6), required: rec.atLeast };
    }
    case 'monthly': {
      const y = Number(date.slice(0, 4));
      const m = Number(date.slice(5, 7));
      const last = daysInMonth(y, m);
      const from = Math.min(rec.fromDay, last);
      const to = Math.min(rec.toDay, last);
      const day = Number(date.slice(8, 10));
      if (day < from || day > to) return null;
      const p = `${date.slice(0, 7)}-`;
      return { key: date.slice(0, 7), start: p + String(from).padStart(2, '0'), end: p + String(to).padStart(2, '0'), required: rec.atLeast };
    }
    case 'once':
      return date >= rec.from && date <= rec.to ? { key: 'once', start: rec.from, end: rec.to, required: 1 } : null;
  }
}

/** Every window that overlaps [from, to], in order. */
export function windowsBetween(rec: Recurrence, from: string, to: string): InspectionWindow[] {
  const out: InspectionWindow[] = [];
  const seen = new Set<string>();
  if (rec.type === 'once') {
    return rec.from <= to && rec.to >= from ? [{ key: 'once', start: rec.from, end: rec.to, required: 1 }] : [];
  }
  if (rec.type === 'monthly') {
    let y = Number(from.slice(0, 4));
    let m = Number(from.slice(5, 7));
    for (;;) {
      const p = `${y}-${String(m).padStart(2, '0')}`;
      if (`${p}-01` > to) break;
      const last = daysInMonth(y, m);
      const w = windowOf(rec, `${p}-${String(Math.min(rec.fromDay, last)).padStart(2, '0')}`);
      if (w && w.end >= from && w.start <= to) out.push(w);
      m += 1;
      if (m > 12) { m = 1; y += 1; }
    }
    return out;
  }
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const w = windowOf(rec, d);
    if (w && !seen.has(w.key)) { seen.add(w.key); out.push(w); }
  }
  return out;
}

export type RecurrenceProblem = 'RECURRENCE_AT_LEAST' | 'RECURRENCE_DAYS' | 'RECURRENCE_DATES';

/** A recurrence that cannot be met is refused: at least 1 to 7 a week, days 1–31 in order, dates in order. */
export function recurrenceProblem(rec: Recurrence): RecurrenceProblem | null {
  switch (rec.type) {
    case 'daily':
      return null;
    case 'weekly':
      return Number.isInteger(rec.atLeast) && rec.atLeast >= 1 && rec.atLeast <= 7 ? null : 'RECURRENCE_AT_LEAST';
    case 'monthly':
      if (!(rec.fromDay >= 1 && rec.toDay <= 31 && rec.fromDay <= rec.toDay)) return 'RECURRENCE_DAYS';
      return rec.atLeast >= 1 && rec.atLeast <= rec.toDay - rec.fromDay + 1 ? null : 'RECURRENCE_AT_LEAST';
    case 'once':
      return rec.from <= rec.to ? null : 'RECURRENCE_DATES';
  }
}
