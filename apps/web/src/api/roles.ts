import type { RoleDefinition } from '@cc/domain';
import { useQuery } from '@tanstack/react-query';
import { get } from './client';
import { qk } from './keys';

export type RoleView = RoleDefinition;

export function useRoles(enabled = true) {
  return useQuery({
    queryKey: qk.roles,
    queryFn: ({ signal }) => get<{ items: RoleView[] }>('/roles', undefined, signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}
