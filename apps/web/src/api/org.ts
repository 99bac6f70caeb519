import type {
  CreateRegionBody,
  CreateUnitBody,
  RegionList,
  RegionView,
  UnitKind,
  UnitPage,
  UnitView,
  UpdateRegionBody,
  UpdateUnitBody,
} from '@cc/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, patch, post } from './client';
import { qk } from './keys';

export function useRegions(enabled = true) {
  return useQuery({
    queryKey: qk.regions,
    queryFn: ({ signal }) => get<RegionList>('/regions', undefined, signal),
    enabled,
  });
}

export function useRegionMutations() {
  const qc = useQueryClient();
  const invalidate = () => Promise.all([qc.invalidateQueries({ queryKey: qk.regions }), qc.invalidateQueries({ queryKey: qk.dashboard })]);
  return {
    create: useMutation({
      mutationFn: (body: CreateRegionBody) => post<RegionView>('/regions', body),
      onSuccess: invalidate,
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdateRegionBody }) => patch<RegionView>(`/regions/${id}`, body),
      onSuccess: invalidate,
    }),
    remove: useMutation({
      mutationFn: (id: number) => del(`/regions/${id}`),
      onSuccess: invalidate,
    }),
  };
}

export interface UnitQuery {
  q?: string;
  kind?: UnitKind;
  parentId?: number;
  regionId?: number;
  page?: number;
  pageSize?: number;
}

export function useUnits(query: UnitQuery, enabled = true) {
  return useQuery({
    queryKey: [...qk.units, 'list', query],
    queryFn: ({ signal }) => get<UnitPage>('/units', { ...query }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useUnit(id: number | null | undefined) {
  return useQuery({
    queryKey: qk.unit(id ?? 0),
    queryFn: ({ signal }) => get<UnitView>(`/units/${id}`, undefined, signal),
    enabled: typeof id === 'number' && id > 0,
    staleTime: 60_000,
  });
}

export function useUnitMutations() {
  const qc = useQueryClient();
  const invalidate = () => Promise.all([qc.invalidateQueries({ queryKey: qk.units }), qc.invalidateQueries({ queryKey: qk.dashboard })]);
  return {
    create: useMutation({
      mutationFn: (body: CreateUnitBody) => post<UnitView>('/units', body),
      onSuccess: invalidate,
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdateUnitBody }) => patch<UnitView>(`/units/${id}`, body),
      onSuccess: invalidate,
    }),
    remove: useMutation({
      mutationFn: (id: number) => del(`/units/${id}`),
      onSuccess: invalidate,
    }),
  };
}
