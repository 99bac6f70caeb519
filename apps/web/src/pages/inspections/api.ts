import type {
  CoverageBoard,
  CreatePlanBody,
  CreatePointBody,
  InspectionState,
  InspectionSummary,
  InspectionView,
  PlanCoverage,
  PlanKind,
  PlanResults,
  ResultExplanation,
  PlanView,
  PointTypeBody,
  PointTypeView,
  PointView,
  StandardView,
  UpdatePlanBody,
  UpdatePointBody,
} from '@cc/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiUrl, get, patch, post } from '../../api/client';

/**
 * React Query hooks of the office's inspection pages. Every key starts with 'inspections', so a
 * change (a plan saved, a sheet reopened, results published) refreshes all of them at once.
 */
export const ik = {
  all: ['inspections'] as const,
  plans: (q: PlanQuery) => ['inspections', 'plans', q] as const,
  plan: (id: number) => ['inspections', 'plan', id] as const,
  standards: ['inspections', 'standards'] as const,
  board: (from: string, to: string) => ['inspections', 'board', from, to] as const,
  coverage: (id: number, from: string, to: string) => ['inspections', 'coverage', id, from, to] as const,
  results: (planId: number, from: string, to: string) => ['inspections', 'results', planId, from, to] as const,
  explanation: (planId: number, from: string, to: string, target: string) => ['inspections', 'explanation', planId, from, to, target] as const,
  sheets: (q: SheetQuery) => ['inspections', 'sheets', q] as const,
  sheet: (id: number) => ['inspections', 'sheet', id] as const,
  pointTypes: ['inspections', 'point-types'] as const,
  points: (q: PointQuery) => ['inspections', 'points', q] as const,
};

interface PageOf<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  actions: string[];
}

export interface PlanQuery {
  kind?: PlanKind;
  active?: boolean;
  page?: number;
  pageSize?: number;
}

export function usePlans(q: PlanQuery, enabled = true) {
  return useQuery({
    queryKey: ik.plans(q),
    queryFn: ({ signal }) => get<PageOf<PlanView>>('/inspection-plans', { ...q }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function usePlan(id: number | null | undefined) {
  return useQuery({
    queryKey: ik.plan(id ?? 0),
    queryFn: ({ signal }) => get<PlanView>(`/inspection-plans/${id}`, undefined, signal),
    enabled: typeof id === 'number' && id > 0,
  });
}

export function useStandards() {
  return useQuery({
    queryKey: ik.standards,
    queryFn: ({ signal }) => get<StandardView[]>('/standards', undefined, signal),
    staleTime: 60_000,
  });
}

export function usePlanMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: ik.all });
  return {
    create: useMutation({ mutationFn: (body: CreatePlanBody) => post<PlanView>('/inspection-plans', body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdatePlanBody }) => patch<PlanView>(`/inspection-plans/${id}`, body),
      onSuccess: invalidate,
    }),
    publish: useMutation({
      mutationFn: (id: number) => post<{ published: number }>(`/inspection-plans/${id}/publish-results`),
      // Publishing opens cases: the case ledger changes too.
      onSuccess: () => Promise.all([invalidate(), qc.invalidateQueries({ queryKey: ['cases'] })]),
    }),
  };
}

export function useCoverageBoard(from: string, to: string) {
  return useQuery({
    queryKey: ik.board(from, to),
    queryFn: ({ signal }) => get<CoverageBoard>('/inspection-coverage', { from, to }, signal),
    placeholderData: keepPreviousData,
  });
}

export function usePlanCoverage(id: number | null, from: string, to: string) {
  return useQuery({
    queryKey: ik.coverage(id ?? 0, from, to),
    queryFn: ({ signal }) => get<PlanCoverage>(`/inspection-plans/${id}/coverage`, { from, to }, signal),
    enabled: id !== null && id > 0,
  });
}

export function useResults(planId: number | null | undefined, from: string, to: string) {
  return useQuery({
    queryKey: ik.results(planId ?? 0, from, to),
    queryFn: ({ signal }) => get<PlanResults>('/inspection-results', { planId: planId!, from, to }, signal),
    enabled: typeof planId === 'number' && planId > 0,
    placeholderData: keepPreviousData,
  });
}

/** One target's result explained (得分说明); `target` is `kind:id`, null while closed. */
export function useExplanation(planId: number | null | undefined, from: string, to: string, target: string | null) {
  const [kind, id] = (target ?? '').split(':');
  return useQuery({
    queryKey: ik.explanation(planId ?? 0, from, to, target ?? ''),
    queryFn: ({ signal }) => get<ResultExplanation>('/inspection-results/explanation', { planId: planId!, from, to, targetKind: kind!, targetId: Number(id) }, signal),
    enabled: typeof planId === 'number' && planId > 0 && /^(unit|zone|point):\d+$/.test(target ?? ''),
  });
}

export interface SheetQuery {
  planId?: number;
  unitId?: number;
  zoneId?: number;
  pointId?: number;
  inspectorId?: number;
  state?: InspectionState;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export function useSheets(q: SheetQuery) {
  return useQuery({
    queryKey: ik.sheets(q),
    queryFn: ({ signal }) => get<PageOf<InspectionSummary>>('/inspections', { ...q }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useSheet(id: number) {
  return useQuery({
    queryKey: ik.sheet(id),
    queryFn: ({ signal }) => get<InspectionView>(`/inspections/${id}`, undefined, signal),
    enabled: id > 0,
  });
}

export function useReopen() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, note }: { id: number; version: number; note: string }) => post<InspectionView>(`/inspections/${id}/reopen`, { version, note }),
    onSuccess: (v) => {
      qc.setQueryData(ik.sheet(v.id), v);
      return qc.invalidateQueries({ queryKey: ik.all });
    },
  });
}

export const photoUrl = (inspectionId: number, photoId: number) => apiUrl(`/inspections/${inspectionId}/photos/${photoId}`);

export function usePointTypes() {
  return useQuery({
    queryKey: ik.pointTypes,
    queryFn: ({ signal }) => get<PointTypeView[]>('/assessment-point-types', undefined, signal),
    staleTime: 60_000,
  });
}

export interface PointQuery {
  typeId?: number;
  responsibleUnitId?: number;
  q?: string;
  page?: number;
  pageSize?: number;
}

export function usePoints(q: PointQuery, enabled = true) {
  return useQuery({
    queryKey: ik.points(q),
    queryFn: ({ signal }) => get<PageOf<PointView>>('/assessment-points', { ...q }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function usePointMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: ik.all });
  return {
    create: useMutation({ mutationFn: (body: CreatePointBody) => post<PointView>('/assessment-points', body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdatePointBody }) => patch<PointView>(`/assessment-points/${id}`, body),
      onSuccess: invalidate,
    }),
    createType: useMutation({ mutationFn: (body: PointTypeBody) => post<PointTypeView>('/assessment-point-types', body), onSuccess: invalidate }),
  };
}
