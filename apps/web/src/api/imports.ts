import { IMPORT_KINDS, type ImportAccepted, type ImportInvalidDetails, type ImportJobView, type ImportKind, type ImportResult, type Me, type Permission } from '@cc/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiUrl, get, upload } from './client';
import { qk } from './keys';

/**
 * Who may do what with each list — mirrors the `config.permission` of the server's routes
 * (apps/server/src/modules/imports/kinds/*: read → GET /exports/:kind, write → the template and
 * POST /imports/:kind, plus `alsoNeeds` and `cityWide`, which the import itself checks).
 */
export const IMPORT_KIND_ACCESS: Record<ImportKind, { read: Permission; write: Permission; alsoNeeds?: Permission[]; cityWide?: boolean }> = {
  regions: { read: 'region.read', write: 'region.write', cityWide: true },
  units: { read: 'unit.read', write: 'unit.write' },
  people: { read: 'person.read', write: 'person.write' },
  segments: { read: 'map.read', write: 'map.write', cityWide: true },
  shops: { read: 'frontage.read', write: 'frontage.write', alsoNeeds: ['unit.write'] },
  assignments: { read: 'assignment.read', write: 'assignment.write' },
};

export { IMPORT_KINDS };
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

export const isImportKind = (v: string | null): v is ImportKind => v !== null && (IMPORT_KINDS as readonly string[]).includes(v);

export function canImport(me: Pick<Me, 'permissions' | 'scope'> | null, kind: ImportKind): boolean {
  if (!me) return false;
  const a = IMPORT_KIND_ACCESS[kind];
  const has = (p: Permission) => me.permissions.includes(p);
  return has(a.write) && (a.alsoNeeds ?? []).every(has) && (!a.cityWide || me.scope === 'tenant');
}

export function canExport(me: Pick<Me, 'permissions'> | null, kind: ImportKind): boolean {
  return !!me && me.permissions.includes(IMPORT_KIND_ACCESS[kind].read);
}

/** Plain links: the browser downloads them with the session cookie and the server's file name. */
export const templateUrl = (kind: ImportKind) => apiUrl(`/imports/templates/${kind}`);
export const exportUrl = (kind: ImportKind) => apiUrl(`/exports/${kind}`);

export type ImportOutcome =
  | { type: 'done'; result: ImportResult }
  | { type: 'invalid'; details: ImportInvalidDetails; message: string }
  | { type: 'job'; jobId: number };

/** The details of a 422 IMPORT_INVALID, when that is what the error is. */
export function invalidDetails(err: unknown): ImportInvalidDetails | null {
  if (!(err instanceof ApiError) || err.status !== 422 || err.code !== 'IMPORT_INVALID') return null;
  const d = err.details as Partial<ImportInvalidDetails> | null;
  if (!d || !Array.isArray(d.problems)) return null;
  return { total: d.total ?? 0, problemCount: d.problemCount ?? d.problems.length, truncated: !!d.truncated, problems: d.problems };
}

/** Everything a successful import may have changed. */
const touched: Record<ImportKind, readonly (readonly string[])[]> = {
  regions: [qk.regions, qk.geo, qk.responsibility],
  units: [qk.units, qk.responsibility],
  people: [qk.people],
  segments: [qk.geo, qk.responsibility],
  shops: [qk.units, qk.frontage, qk.geo, qk.responsibility],
  assignments: [qk.assignments, qk.responsibility],
};

export function useInvalidateImported() {
  const qc = useQueryClient();
  return (kind: ImportKind) => Promise.all(touched[kind].map((queryKey) => qc.invalidateQueries({ queryKey })));
}

/** POST /imports/:kind — a 422 with the problem list is an outcome, not a failure. */
export function useImportUpload() {
  const invalidate = useInvalidateImported();
  return useMutation({
    mutationFn: async ({ kind, file }: { kind: ImportKind; file: File }): Promise<ImportOutcome> => {
      try {
        const out = await upload<ImportResult | ImportAccepted>(`/imports/${kind}`, file);
        if ('jobId' in out) return { type: 'job', jobId: out.jobId };
        return { type: 'done', result: out };
      } catch (err) {
        const details = invalidDetails(err);
        if (details) return { type: 'invalid', details, message: (err as ApiError).message };
        throw err;
      }
    },
    onSuccess: (out, { kind }) => {
      if (out.type === 'done') void invalidate(kind);
    },
  });
}

export const isJobOver = (j: ImportJobView | undefined) => j?.state === 'done' || j?.state === 'failed';

/** GET /imports/jobs/:id, every second until the job is done or failed. */
export function useImportJob(id: number | null) {
  return useQuery({
    queryKey: ['imports', 'job', id ?? 0],
    queryFn: ({ signal }) => get<ImportJobView>(`/imports/jobs/${id}`, undefined, signal),
    enabled: id !== null && id > 0,
    refetchInterval: (q) => (isJobOver(q.state.data) ? false : 1000),
    refetchIntervalInBackground: true,
    retry: (n, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && n < 3,
  });
}
