import { cityTime } from './time';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Date and time on the city's clock (UTC+8), e.g. 2026-11-22 14:05. */
export function formatDateTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '';
  const d = cityTime(iso);
  return d.isValid() ? d.format(withSeconds ? 'YYYY-MM-DD HH:mm:ss' : 'YYYY-MM-DD HH:mm') : iso;
}

/** The date of an instant in the city; a plain date (YYYY-MM-DD) is shown as it is. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  if (DATE_ONLY.test(iso)) return iso;
  const d = cityTime(iso);
  return d.isValid() ? d.format('YYYY-MM-DD') : iso;
}
