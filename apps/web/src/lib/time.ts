import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { CITY_UTC_OFFSET_MINUTES, localDate } from '@cc/domain';

dayjs.extend(utc);

/**
 * The city's clock. The server numbers cases by the city's date, sets deadlines in its working
 * hours and words its notices in China Standard Time (UTC+8 all year, no daylight saving); the
 * pages show times and "today" the same way whatever time zone the browser is set to — otherwise a
 * browser set to UTC shows a case reported at 01:14 on the 24th as reported on the 23rd.
 */
/** An instant (ISO text, Date, epoch ms; now when absent) on the city's wall clock. */
export const cityTime = (t?: string | number | Date | Dayjs): Dayjs => dayjs(t).utcOffset(CITY_UTC_OFFSET_MINUTES);

/** Today's date in the city, YYYY-MM-DD. */
export const cityToday = (): string => localDate(new Date());

/**
 * Today in the city as a calendar day for pickers and date arithmetic (a plain local dayjs at the
 * start of that date, like the days a DatePicker gives: compare and format it as a date only).
 */
export const cityDay = (): Dayjs => dayjs(cityToday());

/**
 * The instant a date-and-time picker's value stands for: what the user picked is read on the
 * city's clock (the picker itself shows plain wall time), e.g. 2026-11-25 18:00 → 10:00Z.
 */
export const cityInstant = (picked: Dayjs): string =>
  dayjs.utc(picked.format('YYYY-MM-DDTHH:mm:ss')).subtract(CITY_UTC_OFFSET_MINUTES, 'minute').toISOString();
