/**
 * Deadlines in the four classes of GB/T 30428 practice, for Asia/Shanghai (UTC+8 all year, no
 * daylight saving, so plain offset arithmetic is exact):
 *  - emergency_hours: a continuous clock, nights and holidays included;
 *  - working_hours: only office hours of working days (default 08:00–12:00 and 14:00–18:00);
 *  - working_days: the deadline is the end of office hours on the N-th working day after the start day;
 *  - calendar_days: the end (24:00) of the N-th day after the start day.
 * A working day is Monday–Friday unless an official holiday, or a weekend day the calendar makes a
 * working day (调休). Pure functions; table-tested in working-time.test.ts.
 */
export const DEADLINE_CLASSES = ['emergency_hours', 'working_hours', 'working_days', 'calendar_days'] as const;
export type DeadlineClass = (typeof DEADLINE_CLASSES)[number];

export interface HolidayCalendarYear {
  year: number;
  /** [date, name]: days off, including the weekend days inside a holiday period. */
  holidays: readonly (readonly [string, string])[];
  /** [date, name]: weekend days that become working days (调休). */
  workdays: readonly (readonly [string, string])[];
}

export interface WorkCalendar {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  /** Office hours as [start, end) minutes after local midnight, in order. */
  officeHours: readonly (readonly [number, number])[];
}

export const DEFAULT_OFFICE_HOURS: readonly (readonly [number, number])[] = [
  [8 * 60, 12 * 60],
  [14 * 60, 18 * 60],
];

export function makeCalendar(years: readonly HolidayCalendarYear[], officeHours = DEFAULT_OFFICE_HOURS): WorkCalendar {
  return {
    holidays: new Set(years.flatMap((y) => y.holidays.map(([d]) => d))),
    workdays: new Set(years.flatMap((y) => y.workdays.map(([d]) => d))),
    officeHours,
  };
}

/** The city's offset from UTC in minutes: Asia/Shanghai, UTC+8 all year (no daylight saving). */
export const CITY_UTC_OFFSET_MINUTES = 8 * 60;
const OFFSET_MS = CITY_UTC_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/** Local calendar date 'YYYY-MM-DD' of an instant. */
export function localDate(t: Date): string {
  return new Date(t.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}
/** The instant of local midnight starting a date. */
function midnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - OFFSET_MS;
}
function nextDate(date: string, days = 1): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, cal: WorkCalendar): boolean {
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

/** Office-hour intervals [from, to) in epoch ms of one date (empty on a day off). */
function officeIntervals(date: string, cal: WorkCalendar): [number, number][] {
  if (!isWorkingDay(date, cal)) return [];
  const m = midnight(date);
  return cal.officeHours.map(([a, b]) => [m + a * MIN_MS, m + b * MIN_MS]);
}

/** The deadline for `amount` units of a class, starting at `start`. */
export function computeDeadline(start: Date, amount: number, cls: DeadlineClass, cal: WorkCalendar): Date {
  if (!(amount > 0)) return new Date(start);
  const t0 = start.getTime();
  switch (cls) {
    case 'emergency_hours':
      return new Date(t0 + amount * 3_600_000);
    case 'calendar_days':
      return new Date(midnight(nextDate(localDate(start), amount + 1)) - 1);
    case 'working_days': {
      let date = localDate(start);
      let left = Math.ceil(amount);
      for (let guard = 0; guard < 3660; guard++) {
        date = nextDate(date);
        if (isWorkingDay(date, cal) && --left === 0) {
          const last = cal.officeHours[cal.officeHours.length - 1]!;
          return new Date(midnight(date) + last[1] * MIN_MS);
        }
      }
      throw new Error('working_days: no working day within ten years');
    }
    case 'working_hours': {
      let need = amount * 3_600_000;
      let date = localDate(start);
      for (let guard = 0; guard < 3660; guard++) {
        for (const [a, b] of officeIntervals(date, cal)) {
          const from = Math.max(a, t0);
          if (from >= b) continue;
          if (b - from >= need) return new Date(from + need);
          need -= b - from;
        }
        date = nextDate(date);
      }
      throw new Error('working_hours: deadline beyond ten years');
    }
  }
}

/**
 * Time of a class that elapsed between two instants, in the class's unit (hours or days): used
 * to carry the remaining time over a pause (挂账, suspension) — the deadline after resuming is
 * computeDeadline(resume, amount - used, cls).
 */
export function elapsed(from: Date, to: Date, cls: DeadlineClass, cal: WorkCalendar): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  switch (cls) {
    case 'emergency_hours':
      return (b - a) / 3_600_000;
    case 'calendar_days': {
      let n = 0;
      for (let d = localDate(from); d < localDate(to); d = nextDate(d)) n++;
      return n;
    }
    case 'working_days': {
      // Working days begun after the start date, up to and including the end date.
      let n = 0;
      for (let d = nextDate(localDate(from)); d <= localDate(to); d = nextDate(d)) if (isWorkingDay(d, cal)) n++;
      return n;
    }
    case 'working_hours': {
      let ms = 0;
      for (let d = localDate(from); d <= localDate(to); d = nextDate(d)) {
        for (const [x, y] of officeIntervals(d, cal)) ms += Math.max(0, Math.min(y, b) - Math.max(x, a));
      }
      return ms / 3_600_000;
    }
  }
}
