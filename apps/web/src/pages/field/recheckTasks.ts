import { useQuery } from '@tanstack/react-query';
import type { RecheckTaskView } from '@cc/domain';
import { get } from '../../api/client';

/** 回头看计划 with pending re-checks for the caller; online only (the result is recorded on the 回头看 page). */
export function useRecheckTasks(owner: string) {
  return useQuery({
    queryKey: ['field', 'recheck-tasks', owner],
    queryFn: ({ signal }) => get<RecheckTaskView[]>('/inspection-tasks/rechecks', undefined, signal),
    staleTime: 60_000,
    retry: false,
  });
}
