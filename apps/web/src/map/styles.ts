import type { PathOptions } from 'leaflet';
import type { RegionLevel } from '@cc/domain';

/** Boundary styles by level: streets bold, communities medium, grids fine with a light fill. */
export const REGION_STYLE: Record<RegionLevel, PathOptions> = {
  county: { color: '#7a1f1f', weight: 3, dashArray: '8 6', fillOpacity: 0, interactive: false },
  street: { color: '#1d39c4', weight: 3, fillColor: '#1d39c4', fillOpacity: 0.03 },
  community: { color: '#096dd9', weight: 2, fillColor: '#096dd9', fillOpacity: 0.04 },
  grid: { color: '#389e0d', weight: 1, dashArray: '4 3', fillColor: '#52c41a', fillOpacity: 0.06 },
};

export const FOCUS_STYLE: PathOptions = { color: '#c8161d', weight: 3, fillColor: '#c8161d', fillOpacity: 0.08 };
export const CHILD_STYLE: PathOptions = { color: '#096dd9', weight: 1.5, dashArray: '4 3', fillColor: '#096dd9', fillOpacity: 0.05 };
export const SEGMENT_STYLE: PathOptions = { color: '#d4380d', weight: 5, opacity: 0.85, lineCap: 'round' };
export const SEGMENT_FOCUS_STYLE: PathOptions = { color: '#c8161d', weight: 8, opacity: 1, lineCap: 'round' };
export const ZONE_STYLE: PathOptions = { color: '#722ed1', weight: 2, dashArray: '6 4', fillColor: '#722ed1', fillOpacity: 0.08 };
export const ZONE_FOCUS_STYLE: PathOptions = { color: '#c8161d', weight: 3, fillColor: '#c8161d', fillOpacity: 0.12 };

/** Shop dots by the state of their frontage contract. */
export const SHOP_COLORS = {
  active: '#389e0d',
  expiring: '#fa8c16',
  expired: '#cf1322',
  none: '#8c8c8c',
} as const;
export type ShopColorKey = keyof typeof SHOP_COLORS;

export const shopStyle = (key: ShopColorKey) => ({
  radius: 6,
  color: '#fff',
  weight: 1.5,
  fillColor: SHOP_COLORS[key],
  fillOpacity: 0.95,
});
