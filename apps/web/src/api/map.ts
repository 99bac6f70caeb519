import {
  decodeCaseMap,
  type CaseMap,
  type CaseMapPoint,
  type MapSettings,
  type RegionGeometryBody,
  type RegionLevel,
  type ResponsibilityAnswer,
  type RoadSegmentView,
  type RoutingStep,
  type SegmentBody,
  type UpdateSegmentBody,
  type UpdateZoneBody,
  type ZoneBody,
  type ZoneView,
} from '@cc/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, patch, post, put } from './client';
import { qk } from './keys';

/** GeoJSON as served by GET /regions/geojson (WGS-84, [lng, lat]). */
export interface RegionFeatureProps {
  id: number;
  parentId: number | null;
  level: RegionLevel;
  code: string;
  name: string;
}
export interface AreaGeometryJson {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: number[][][] | number[][][][];
}
export interface RegionFeature {
  type: 'Feature';
  id: number;
  properties: RegionFeatureProps;
  geometry: AreaGeometryJson;
}
export interface RegionFeatureCollection {
  type: 'FeatureCollection';
  features: RegionFeature[];
}

export interface RoutingRule {
  categoryCode: string;
  steps: RoutingStep[];
}

/** A located shop with the status of its frontage contract on a date, for the map layer. */
export interface MapShop {
  id: number;
  name: string;
  lng: number;
  lat: number;
  status: 'active' | 'expiring' | 'expired' | 'ended' | 'none';
}

export function useMapShops(date: string, enabled = true) {
  return useQuery({
    queryKey: ['map-shops', date],
    queryFn: ({ signal }) => get<{ items: MapShop[] }>('/map/shops', { date }, signal),
    staleTime: 60_000,
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The open-case map decoded: one object per point (the server sends columns). */
export interface OpenCasePoints {
  items: CaseMapPoint[];
  limit: number;
  truncated: boolean;
}

/** The open cases in the caller's scope as map points (GET /case-map; at most `limit`). */
export function useCaseMap(q: { category?: string; overdue?: boolean }, enabled = true) {
  return useQuery({
    queryKey: ['case-map', q.category ?? null, q.overdue ?? null],
    // Decoded once per answer, in the query function: the cache holds the points, and every
    // render that reads them gets the same array (the layer redraws only on a new answer).
    queryFn: async ({ signal }): Promise<OpenCasePoints> => {
      const m = await get<CaseMap>('/case-map', { category: q.category, overdue: q.overdue }, signal);
      return { items: decodeCaseMap(m), limit: m.limit, truncated: m.truncated };
    },
    staleTime: 30_000,
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useMapSettings(enabled = true) {
  return useQuery({
    queryKey: qk.mapSettings,
    queryFn: ({ signal }) => get<MapSettings>('/settings/map', undefined, signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}

export function useRoutingRules(enabled = true) {
  return useQuery({
    queryKey: qk.routingRules,
    queryFn: ({ signal }) => get<{ items: RoutingRule[] }>('/routing-rules', undefined, signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}

export function useSettingsMutations() {
  const qc = useQueryClient();
  return {
    saveMap: useMutation({
      mutationFn: (body: MapSettings) => put<MapSettings>('/settings/map', body),
      onSuccess: (data) => {
        qc.setQueryData(qk.mapSettings, data);
        return Promise.all([qc.invalidateQueries({ queryKey: qk.responsibility }), qc.invalidateQueries({ queryKey: qk.frontage })]);
      },
    }),
    saveRule: useMutation({
      mutationFn: ({ category, steps }: { category: string; steps: RoutingStep[] }) =>
        put<RoutingRule>(`/routing-rules/${encodeURIComponent(category)}`, { steps }),
      onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: qk.routingRules }), qc.invalidateQueries({ queryKey: qk.responsibility })]),
    }),
    deleteRule: useMutation({
      mutationFn: (category: string) => del<null>(`/routing-rules/${encodeURIComponent(category)}`),
      onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: qk.routingRules }), qc.invalidateQueries({ queryKey: qk.responsibility })]),
    }),
  };
}

/** Region boundaries, one level or all; only regions that have a boundary are in it. */
export function useRegionGeo(level?: RegionLevel, enabled = true) {
  return useQuery({
    queryKey: qk.regionGeo(level),
    queryFn: ({ signal }) => get<RegionFeatureCollection>('/regions/geojson', { level }, signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}

function useInvalidateGeo() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: qk.geo }),
      qc.invalidateQueries({ queryKey: qk.regions }),
      qc.invalidateQueries({ queryKey: qk.responsibility }),
    ]);
}

export function useRegionGeometryMutation() {
  const invalidate = useInvalidateGeo();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: RegionGeometryBody }) => put<{ id: number; version: number }>(`/regions/${id}/geometry`, body),
    onSuccess: invalidate,
  });
}

export interface SegmentQuery {
  q?: string;
  regionId?: number;
}

export function useSegments(query: SegmentQuery = {}, enabled = true) {
  return useQuery({
    queryKey: [...qk.segments, query],
    queryFn: ({ signal }) => get<{ items: RoadSegmentView[]; actions: string[] }>('/segments', { ...query }, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    enabled,
  });
}

export function useZones(enabled = true) {
  return useQuery({
    queryKey: qk.zones,
    queryFn: ({ signal }) => get<{ items: ZoneView[]; actions: string[] }>('/zones', undefined, signal),
    staleTime: 60_000,
    enabled,
  });
}

export function useSegmentMutations() {
  const invalidate = useInvalidateGeo();
  return {
    create: useMutation({ mutationFn: (body: SegmentBody) => post<RoadSegmentView>('/segments', body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdateSegmentBody }) => patch<RoadSegmentView>(`/segments/${id}`, body),
      onSuccess: invalidate,
    }),
    remove: useMutation({ mutationFn: (id: number) => del(`/segments/${id}`), onSuccess: invalidate }),
  };
}

export function useZoneMutations() {
  const invalidate = useInvalidateGeo();
  return {
    create: useMutation({ mutationFn: (body: ZoneBody) => post<ZoneView>('/zones', body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdateZoneBody }) => patch<ZoneView>(`/zones/${id}`, body),
      onSuccess: invalidate,
    }),
    remove: useMutation({ mutationFn: (id: number) => del(`/zones/${id}`), onSuccess: invalidate }),
  };
}

export interface ResponsibilityRequest {
  lat: number;
  lng: number;
  date?: string;
  category?: string;
}

/** Who answers for a point (WGS-84) on a date. Disabled until a point is chosen. */
export function useResponsibility(request: ResponsibilityRequest | null) {
  return useQuery({
    queryKey: [...qk.responsibility, request],
    queryFn: ({ signal }) => get<ResponsibilityAnswer>('/responsibility', { ...request! }, signal),
    enabled: request !== null,
    staleTime: 30_000,
  });
}
