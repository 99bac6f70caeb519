import type {
  AssignmentKind,
  AssignmentPage,
  AssignmentView,
  CreateAssignmentBody,
  EndAssignmentBody,
  ReassignBody,
  TargetType,
} from '@cc/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post } from './client';
import { qk } from './keys';

export interface AssignmentQuery {
  kind?: AssignmentKind;
  targetType?: TargetType;
  targetId?: number;
  unitId?: number;
  personId?: number;
  /** Valid on this day (YYYY-MM-DD). */
  date?: string;
  page?: number;
  pageSize?: number;
}

export interface AssignmentHistory {
  target: { type: TargetType; id: number; name: string };
  items: AssignmentView[];
}

export function useAssignments(query: AssignmentQuery, enabled = true) {
  return useQuery({
    queryKey: [...qk.assignments, 'list', query],
    queryFn: ({ signal }) => get<AssignmentPage>('/assignments', { ...query }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useAssignmentHistory(target: { type: TargetType; id: number } | null) {
  return useQuery({
    queryKey: [...qk.assignments, 'history', target],
    queryFn: ({ signal }) =>
      get<AssignmentHistory>('/assignments/history', { targetType: target!.type, targetId: target!.id }, signal),
    enabled: target !== null,
  });
}

export function useAssignmentMutations() {
  const qc = useQueryClient();
  const invalidate = () =>
    Promise.all([qc.invalidateQueries({ queryKey: qk.assignments }), qc.invalidateQueries({ queryKey: qk.responsibility })]);
  return {
    create: useMutation({
      mutationFn: (body: CreateAssignmentBody) => post<AssignmentView>('/assignments', body),
      onSuccess: invalidate,
    }),
    end: useMutation({
      mutationFn: ({ id, body }: { id: number; body: EndAssignmentBody }) => post<AssignmentView>(`/assignments/${id}/end`, body),
      onSuccess: invalidate,
    }),
    reassign: useMutation({
      mutationFn: ({ id, body }: { id: number; body: ReassignBody }) => post<AssignmentView>(`/assignments/${id}/reassign`, body),
      onSuccess: invalidate,
    }),
  };
}
