import type {
  CaseListQuery,
  CaseSettings,
  CasePage,
  CasePreview,
  CaseStats,
  CaseView,
  CategoryView,
  CreateCaseBody,
  HideCaseBody,
  HotSpot,
  RecheckResultBody,
  RecheckView,
  TransitionBody,
} from '@cc/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, apiUrl, get, post, upload } from './client';
import { qk } from './keys';

export type CaseQuery = CaseListQuery;
/** The ledger's filters, as the export takes them (no paging). */
export type CaseFilters = Omit<CaseListQuery, 'page' | 'pageSize'>;

export interface UploadedPhoto {
  id: number;
  name: string;
  mime: string;
  sizeBytes: number;
}

export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const PHOTO_ACCEPT = 'image/jpeg,image/png,image/webp';

export function useCases(query: CaseQuery, enabled = true) {
  return useQuery({
    queryKey: [...qk.cases, 'list', query],
    queryFn: ({ signal }) => get<CasePage>('/cases', { ...query }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCase(id: number | null) {
  return useQuery({
    queryKey: qk.caseOne(id ?? 0),
    queryFn: ({ signal }) => get<CaseView>(`/cases/${id}`, undefined, signal),
    enabled: id !== null && id > 0,
  });
}

/** Active categories (大类/小类); they change rarely. */
export function useCaseCategories(enabled = true) {
  return useQuery({
    queryKey: qk.caseCategories,
    queryFn: ({ signal }) => get<CategoryView[]>('/case-categories', { active: true }, signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}

/** The city's case settings: which sources are assigned at once, the duplicate radius … */
export function useCaseSettings(enabled = true) {
  return useQuery({
    queryKey: qk.caseSettings,
    queryFn: ({ signal }) => get<CaseSettings>('/case-settings', undefined, signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}

export interface PreviewRequest {
  lat: number;
  lng: number;
  categoryCode: string;
}

/** Where a new case would go, its deadline and possible duplicates; disabled until place and category are known. */
export function useCasePreview(request: PreviewRequest | null) {
  return useQuery({
    queryKey: [...qk.casePreview, request],
    queryFn: ({ signal }) => get<CasePreview>('/cases/preview', { ...request! }, signal),
    enabled: request !== null,
    staleTime: 15_000,
    retry: false,
  });
}

/** Word / PDF of an assignment slip (交办单) or urging letter (督办函). */
export const caseDocumentUrl = (caseId: number, docId: number, format: 'docx' | 'pdf') => apiUrl(`/cases/${caseId}/documents/${docId}/${format}`);

export function useCaseMutations() {
  const qc = useQueryClient();
  const changed = (c: CaseView) => {
    qc.setQueryData(qk.caseOne(c.id), c);
    return Promise.all([
      qc.invalidateQueries({ queryKey: [...qk.cases, 'list'] }),
      qc.invalidateQueries({ queryKey: qk.rechecks }),
      qc.invalidateQueries({ queryKey: qk.caseStats }),
      qc.invalidateQueries({ queryKey: qk.notifications }),
    ]);
  };
  return {
    create: useMutation({ mutationFn: (body: CreateCaseBody) => post<CaseView>('/cases', body), onSuccess: changed }),
    transition: useMutation({
      mutationFn: ({ id, body }: { id: number; body: TransitionBody }) => post<CaseView>(`/cases/${id}/transitions`, body),
      onSuccess: changed,
    }),
    visibility: useMutation({
      mutationFn: ({ id, body }: { id: number; body: HideCaseBody }) => post<CaseView>(`/cases/${id}/visibility`, body),
      onSuccess: changed,
    }),
  };
}

/** POST /case-photos: one image (JPEG, PNG, WebP ≤ 10 MB), checked by content on the server. */
export const uploadCasePhoto = (file: File) => upload<UploadedPhoto>('/case-photos', file);

// ---- re-checks (回头看) ----

export type RecheckState = RecheckView['state'];
export interface RecheckQuery {
  state?: RecheckState;
  /** A re-check plan's samples only. */
  planId?: number;
  /** Pending past the due date only. */
  overdue?: boolean;
  page?: number;
  pageSize?: number;
}
export interface RecheckPage {
  items: RecheckView[];
  total: number;
  page: number;
  pageSize: number;
  actions: string[];
}

export function useRechecks(query: RecheckQuery) {
  return useQuery({
    queryKey: [...qk.rechecks, query],
    queryFn: ({ signal }) => get<RecheckPage>('/rechecks', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRecheckResult() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: RecheckResultBody }) => post<RecheckView>(`/rechecks/${id}/result`, body),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: qk.rechecks }),
        qc.invalidateQueries({ queryKey: qk.cases }),
        qc.invalidateQueries({ queryKey: qk.caseStats }),
      ]),
  });
}

// ---- statistics ----

export interface StatsQuery {
  from?: string;
  to?: string;
}

export function useCaseStats(query: StatsQuery) {
  return useQuery({
    queryKey: [...qk.caseStats, 'units', query],
    queryFn: ({ signal }) => get<CaseStats>('/case-stats', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useHotSpots(query: StatsQuery & { cellM?: number; minRelapses?: number }) {
  return useQuery({
    queryKey: [...qk.caseStats, 'hotspots', query],
    queryFn: ({ signal }) => get<{ items: HotSpot[] }>('/case-hotspots', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

// ---- Excel export of the ledger ----

export interface ExportJob {
  id: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  processed: number;
  total: number;
  error?: string | null;
}

export const isExportOver = (j: ExportJob | undefined) => j?.state === 'done' || j?.state === 'failed';
export const caseExportFileUrl = (id: number) => apiUrl(`/case-exports/${id}/file`);

export function useStartCaseExport() {
  return useMutation({ mutationFn: (filters: CaseFilters) => post<ExportJob>('/case-exports', filters) });
}

/** GET /case-exports/:id every second until the file is ready or the export failed. */
export function useCaseExport(id: number | null) {
  return useQuery({
    queryKey: qk.caseExport(id ?? 0),
    queryFn: ({ signal }) => get<ExportJob>(`/case-exports/${id}`, undefined, signal),
    enabled: id !== null && id > 0,
    refetchInterval: (q) => (isExportOver(q.state.data) ? false : 1000),
    refetchIntervalInBackground: true,
    retry: (n, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && n < 3,
  });
}
