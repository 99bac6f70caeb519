import type { UnitKind } from '@cc/domain';
import { useQuery } from '@tanstack/react-query';
import { get } from './client';
import { qk } from './keys';

export interface DashboardData {
  regions: number;
  units: number;
  users: number;
  unitsByKind: { kind: UnitKind; count: number }[];
}

export function useDashboard() {
  return useQuery({
    queryKey: qk.dashboard,
    queryFn: ({ signal }) => get<DashboardData>('/dashboard', undefined, signal),
  });
}
