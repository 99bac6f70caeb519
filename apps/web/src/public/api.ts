import type { PublicCaseStatus, PublicCity, PublicReportBody } from '@cc/domain';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, get, post } from '../api/client';
import { useLanguage } from '../i18n';

/**
 * The citizen API (no login). The city comes from `?city=` on the page's URL and is passed on;
 * without it the server answers for its default city. Names and state labels come back in the
 * UI language (Accept-Language), so the language is part of each query key.
 */
export function usePublicCity(city: string | undefined) {
  const lang = useLanguage();
  return useQuery({
    queryKey: ['public', 'city', city ?? '', lang],
    queryFn: ({ signal }) => get<PublicCity>('/public/city', { city }, signal),
    staleTime: 10 * 60_000,
  });
}

export function usePublicCase(number: string | undefined, city: string | undefined) {
  const lang = useLanguage();
  return useQuery({
    queryKey: ['public', 'case', city ?? '', number ?? '', lang],
    queryFn: ({ signal }) => get<PublicCaseStatus>(`/public/cases/${encodeURIComponent(number ?? '')}`, { city }, signal),
    enabled: Boolean(number),
    staleTime: 30_000,
    retry: (count, err) => count < 2 && (!(err instanceof ApiError) || err.status === 0 || err.status >= 500),
  });
}

/** One photo (multipart field `file`); the token is claimed by the report. The city counts the upload against its hourly limit. */
export function uploadPublicPhoto(file: Blob, name: string, city: string | undefined) {
  const form = new FormData();
  form.append('file', file, name);
  return api<{ token: string }>('/public/uploads', { method: 'POST', body: form, query: { city } });
}

export const submitPublicReport = (body: PublicReportBody) => post<{ number: string }>('/public/reports', body);

// ---- numbers this device has sent, so a resident who lost the number can still find it ----
const RECENT_KEY = 'cc.public.reports';

export function recentNumbers(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 5) : [];
  } catch {
    return [];
  }
}

export function rememberNumber(number: string): void {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify([number, ...recentNumbers().filter((n) => n !== number)].slice(0, 5)));
  } catch {
    /* storage blocked: the success screen still shows the number */
  }
}
