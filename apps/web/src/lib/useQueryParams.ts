import { useSearchParams } from 'react-router';
import { MAX_PAGE_SIZE } from '@cc/domain';

/** A change to the page's URL query: a value sets the parameter; undefined, null or '' removes it. */
export type QueryPatch = Record<string, string | number | undefined | null>;

/**
 * The query after a patch. A filter change goes back to the first page (the page the user was on
 * may not exist in the new list) unless the patch sets `page` itself, or `resetPage` is false.
 */
export function patchQuery(params: URLSearchParams, patch: QueryPatch, resetPage = true): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === null || v === '') next.delete(k);
    else next.set(k, String(v));
  }
  if (resetPage && !('page' in patch)) next.delete('page');
  return next;
}

// Readers of URL parameters. A link may be old, hand-edited or cut short: a value the page cannot
// use is read as absent, so the list shows unfiltered rather than failing on the server's refusal.

/** A positive whole number (an id, a page, a page size), or undefined. */
export const positiveInt = (v: string | null): number | undefined => (v && /^[1-9]\d{0,14}$/.test(v) ? Number(v) : undefined);

/** The list page a URL asks for: page 1 and 20 rows unless it names usable ones (at most MAX_PAGE_SIZE rows). */
export const pageOf = (params: URLSearchParams): { page: number; pageSize: number } => {
  const size = positiveInt(params.get('pageSize'));
  return { page: positiveInt(params.get('page')) ?? 1, pageSize: size !== undefined && size <= MAX_PAGE_SIZE ? size : 20 };
};

/** A calendar day as YYYY-MM-DD that exists (not 2026-13-45), or undefined. */
export const isoDate = (v: string | null): string | undefined => {
  if (!v || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v ? v : undefined;
};

/** One of the allowed values, or undefined. */
export const oneOf = <T extends string>(v: string | null, allowed: readonly T[]): T | undefined =>
  v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;

/**
 * The page's filters, kept in the URL so a link or a reload shows the same list. Changes replace
 * the history entry: the back button leaves the page rather than stepping through each filter.
 */
export function useQueryParams() {
  const [params, setParams] = useSearchParams();
  return {
    params,
    setQuery: (patch: QueryPatch, resetPage = true) => setParams(patchQuery(params, patch, resetPage), { replace: true }),
    resetQuery: () => setParams(new URLSearchParams(), { replace: true }),
  };
}
