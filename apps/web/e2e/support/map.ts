import type { Page } from 'playwright-core';

/** GeoJSON feature of GET /regions/geojson. */
export interface RegionFeature {
  id: number;
  properties: { id: number; parentId: number | null; level: string; name: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}

export async function apiGet<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`/api/v1${path}`);
  if (!res.ok()) throw new Error(`GET ${path}: HTTP ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The centre of a polygon's bounding box, [lng, lat] (the demo's grids are rectangles). */
export function centreOf(f: RegionFeature): [number, number] {
  const pts = (f.geometry.type === 'Polygon' ? (f.geometry.coordinates as number[][][]) : (f.geometry.coordinates as number[][][][]).flat()).flat();
  const xs = pts.map((p) => p[0]!);
  const ys = pts.map((p) => p[1]!);
  return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
}

/** Web Mercator (EPSG:3857) world pixel at a zoom, as Leaflet computes it. */
function project(lng: number, lat: number, zoom: number): [number, number] {
  const scale = 256 * 2 ** zoom;
  const d = Math.PI / 180;
  const max = 85.0511287798;
  const la = Math.max(Math.min(max, lat), -max);
  const x = ((lng + 180) / 360) * scale;
  const y = (0.5 - Math.log(Math.tan(Math.PI / 4 + (la * d) / 2)) / (2 * Math.PI)) * scale;
  return [x, y];
}

/**
 * Where a WGS-84 point sits on the screen in a map that has just opened at `view` (the city's
 * settings.mapCenter) with plain WGS-84 tiles: Leaflet puts the centre at the middle of its
 * container, its pixel origin rounded.
 */
export async function screenPoint(page: Page, view: { lng: number; lat: number; zoom: number }, point: [number, number]): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('map-canvas').boundingBox();
  if (!box) throw new Error('map canvas not visible');
  const [cx, cy] = project(view.lng, view.lat, view.zoom);
  const originX = Math.round(cx - box.width / 2);
  const originY = Math.round(cy - box.height / 2);
  const [px, py] = project(point[0], point[1], view.zoom);
  return { x: box.x + (px - originX), y: box.y + (py - originY) };
}

/** Open the map and wait until the boundaries are drawn. */
export async function openMap(page: Page): Promise<void> {
  await page.goto('/map');
  await page.getByTestId('map-canvas').waitFor();
  await page.locator('[data-region-id]').first().waitFor({ state: 'attached' });
}
