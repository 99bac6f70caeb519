import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TFunction } from 'i18next';
import { formatDate, formatDateTime } from './format';
import { shortDateTime } from './cases';
import dayjs from 'dayjs';
import { cityDay, cityInstant, cityTime, cityToday } from './time';

// The pages show the city's clock (UTC+8) whatever the browser's time zone is set to.
const saved = process.env.TZ;
afterAll(() => {
  process.env.TZ = saved;
});
afterEach(() => {
  vi.useRealTimers();
});

// 2026-11-23 17:14 UTC is 2026-11-24 01:14 in the city: the case is numbered 20261124….
const reported = '2026-11-23T17:14:00.000Z';
const t = ((key: string) => (key === 'cases.dateFormat' ? 'M月D日 HH:mm' : 'YYYY年M月D日 HH:mm')) as unknown as TFunction;

describe.each(['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Shanghai'])('in a browser set to %s', (zone) => {
  beforeAll(() => {
    process.env.TZ = zone;
  });

  it('shows an instant on the city’s clock', () => {
    expect(formatDateTime(reported)).toBe('2026-11-24 01:14');
    expect(formatDateTime(reported, true)).toBe('2026-11-24 01:14:00');
    expect(formatDate(reported)).toBe('2026-11-24');
    expect(cityTime(reported).hour()).toBe(1);
  });

  it('shows a plain date as it is, and text that is not a time unchanged', () => {
    expect(formatDate('2026-11-23')).toBe('2026-11-23');
    expect(formatDateTime('not a time')).toBe('not a time');
    expect(formatDate(null)).toBe('');
  });

  it('takes today from the city’s date, for pickers and periods too', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(reported));
    expect(cityToday()).toBe('2026-11-24');
    expect(cityDay().format('YYYY-MM-DD')).toBe('2026-11-24');
    expect(cityDay().startOf('month').format('YYYY-MM-DD')).toBe('2026-11-01');
    // Late in the city's evening, a browser east of it is already on the next day; the city is not.
    vi.setSystemTime(new Date('2026-12-31T15:30:00.000Z'));
    expect(cityToday()).toBe('2026-12-31');
    expect(cityDay().year()).toBe(2026);
  });

  it('reads what a date-and-time picker shows as the city’s wall clock', () => {
    expect(cityInstant(dayjs('2026-11-25T18:00:00'))).toBe('2026-11-25T10:00:00.000Z');
    expect(cityInstant(dayjs('2027-01-01T00:30:00'))).toBe('2026-12-31T16:30:00.000Z');
  });

  it('drops the year of this year’s times only', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-31T15:30:00.000Z')); // 23:30 on 31 December in the city
    expect(shortDateTime(reported, t)).toBe('11月24日 01:14');
    expect(shortDateTime('2026-12-31T16:30:00.000Z', t)).toBe('2027年1月1日 00:30');
  });
});
