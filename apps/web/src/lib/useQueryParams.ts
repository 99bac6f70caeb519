import { useSearchParams } from 'react-router';

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
