import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  for (const u of ['office', 'community', 'leader']) as[u] = await login(t.app, u, 'Demo@2026');
});
afterAll(() => t.close());

const line = (a: [number, number], b: [number, number]) => ({ type: 'LineString', coordinates: [a, b] });

describe('road segments and zones', () => {
  it('a new segment is found by the routing query at once (the index rebuilds on the version bump)', async () => {
    const town = (await as.office!.request({ method: 'GET', url: '/api/v1/regions' })).json().items.find((r: { name: string }) => r.name === '城关镇');
    const grid = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=grid' })).json().features[0];
    const [[x0, y0], , [x1, y1]] = grid.geometry.coordinates[0];
    const mid: [number, number] = [(x0 + x1) / 2, (y0 + y1) / 2];
    const before = (await as.office!.request({ method: 'GET', url: `/api/v1/responsibility?lng=${mid[0]}&lat=${mid[1]}` })).json();
    const created = await as.office!.request({ method: 'POST', url: '/api/v1/segments', payload: {
      code: 'RD-NEW-1', name: '新华巷', fromDesc: '人民路', toDesc: '北环路', regionId: town.id,
      geometry: line([mid[0] - 0.001, mid[1]], [mid[0] + 0.001, mid[1]]),
    } });
    expect(created.statusCode).toBe(201);
    expect(created.json().lengthM).toBeGreaterThan(150);
    const after = (await as.office!.request({ method: 'GET', url: `/api/v1/responsibility?lng=${mid[0]}&lat=${mid[1]}` })).json();
    expect(after.segment).toMatchObject({ name: '新华巷', assignmentId: null, unit: null });
    expect(before.segment?.name).not.toBe('新华巷');

    const dept = (await as.office!.request({ method: 'GET', url: '/api/v1/units?kind=department' })).json().items[0];
    const a = await as.office!.request({ method: 'POST', url: '/api/v1/assignments', payload: { kind: 'segment_cover', targetId: created.json().id, responsibleUnitId: dept.id, validFrom: '2024-01-01' } });
    expect(a.statusCode).toBe(201);
    const assigned = (await as.office!.request({ method: 'GET', url: `/api/v1/responsibility?lng=${mid[0]}&lat=${mid[1]}` })).json();
    expect(assigned.segment.unit.name).toBe(dept.name);
    expect((await as.office!.request({ method: 'DELETE', url: `/api/v1/segments/${created.json().id}` })).json().error.code).toBe('IN_USE');
  });

  it('refuses a segment that is not a line, a duplicate code, and writes by read-only roles', async () => {
    const poly = await as.office!.request({ method: 'POST', url: '/api/v1/segments', payload: { code: 'RD-X', name: 'x', geometry: { type: 'Polygon', coordinates: [[[1, 1], [2, 1], [2, 2], [1, 1]]] } } });
    expect(poly.json().error.code).toBe('GEOMETRY_NOT_LINESTRING');
    const short = await as.office!.request({ method: 'POST', url: '/api/v1/segments', payload: { code: 'RD-X', name: 'x', geometry: { type: 'LineString', coordinates: [[113.6, 34.7]] } } });
    expect(short.json().error.code).toBe('GEOMETRY_TOO_FEW_POINTS');
    const dup = await as.office!.request({ method: 'POST', url: '/api/v1/segments', payload: { code: 'RD-RM-1', name: 'x', geometry: line([113.6, 34.7], [113.61, 34.7]) } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.message).toBe('编码“RD-RM-1”已存在');
    const ro = await as.leader!.request({ method: 'POST', url: '/api/v1/segments', payload: { code: 'RD-Y', name: 'y', geometry: line([113.6, 34.7], [113.61, 34.7]) } });
    expect(ro.statusCode).toBe(403);
  });

  it('creates and renames a zone with a version check', async () => {
    const z = await as.office!.request({ method: 'POST', url: '/api/v1/zones', payload: {
      code: 'ZONE-9', name: '临时责任区', geometry: { type: 'Polygon', coordinates: [[[113.6, 34.7], [113.61, 34.7], [113.61, 34.71], [113.6, 34.71], [113.6, 34.7]]] },
    } });
    expect(z.statusCode).toBe(201);
    const r = await as.office!.request({ method: 'PATCH', url: `/api/v1/zones/${z.json().id}`, payload: { name: '第九责任区', version: 1 } });
    expect(r.json()).toMatchObject({ name: '第九责任区', version: 2 });
    expect((await as.office!.request({ method: 'PATCH', url: `/api/v1/zones/${z.json().id}`, payload: { name: 'x', version: 1 } })).statusCode).toBe(409);
    const inside = (await as.office!.request({ method: 'GET', url: '/api/v1/responsibility?lng=113.605&lat=34.705' })).json();
    expect(inside.zone).toMatchObject({ name: '第九责任区', assignmentId: null });
  });

  it('a community sees the segments of its street only if they lie in its area', async () => {
    const office = (await as.office!.request({ method: 'GET', url: '/api/v1/segments' })).json().items.length;
    const mine = (await as.community!.request({ method: 'GET', url: '/api/v1/segments' })).json().items.length;
    expect(office).toBeGreaterThan(0);
    expect(mine).toBe(0); // segments belong to streets; a community's scope is its community
  });
});

describe('settings', () => {
  it('changes the frontage radius and the index answers with it', async () => {
    const s = (await as.office!.request({ method: 'GET', url: '/api/v1/settings/map' })).json();
    expect(s.frontageDuties).toEqual(['卫生', '秩序', '绿化', '设施', '文明']);
    const put = await as.office!.request({ method: 'PUT', url: '/api/v1/settings/map', payload: { ...s, frontageDuties: ['卫生', '秩序', '绿化'], frontageRadiusM: 1 } });
    expect(put.statusCode).toBe(200);
    const shop = (await as.office!.request({ method: 'GET', url: '/api/v1/units?kind=merchant' })).json().items[0];
    const near = (await as.office!.request({ method: 'GET', url: `/api/v1/responsibility?lng=${shop.lng + 0.0001}&lat=${shop.lat}` })).json();
    expect(near.frontage).toBeNull(); // ~9 m away, radius now 1 m
    const bad = await as.office!.request({ method: 'PUT', url: '/api/v1/settings/map', payload: { ...s, frontageRadiusM: 0 } });
    expect(bad.statusCode).toBe(422);
    expect((await as.leader!.request({ method: 'PUT', url: '/api/v1/settings/map', payload: s })).statusCode).toBe(403);
    await as.office!.request({ method: 'PUT', url: '/api/v1/settings/map', payload: s });
  });
});

describe('bulk boundary import (GeoJSON)', () => {
  const square = (x: number, y: number, d: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });
  it('reports every bad feature and imports nothing, then imports all of a good file', async () => {
    const grids = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=grid' })).json().features;
    const g = grids[0];
    const ring = g.geometry.coordinates[0];
    const [x0, y0] = ring[0];
    const inside = square(x0 + 0.0001, y0 + 0.0001, 0.0005);
    const bad = await as.office!.request({ method: 'POST', url: '/api/v1/regions/geojson', payload: { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { code: g.properties.code }, geometry: inside },
      { type: 'Feature', properties: { code: 'NO-SUCH' }, geometry: inside },
      { type: 'Feature', properties: { 编码: grids[1].properties.code }, geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x0 + 1, y0], [x0 + 1, y0 + 1]]] } },
      { type: 'Feature', properties: {}, geometry: inside },
      { type: 'Feature', properties: { code: grids[2].properties.code }, geometry: square(100, 30, 0.01) },
    ] } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('IMPORT_GEOJSON_INVALID');
    expect(bad.json().error.details.map((d: { feature: number; problem: string; message: string }) => [d.feature, d.problem, d.message])).toEqual([
      [2, 'IMPORT_GEOJSON_UNKNOWN_CODE', '系统中没有该区划编码'],
      [3, 'GEOMETRY_RING_TOO_SHORT', '多边形边界至少需要 4 个坐标点'],
      [4, 'IMPORT_GEOJSON_NO_CODE', '要素缺少区划编码（properties.code）'],
      [5, 'GRID_OUTSIDE_COMMUNITY', expect.stringMatching(/^网格超出了所属社区\/村“.+”的范围$/)],
    ]);
    const unchanged = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=grid' })).json().features[0];
    expect(unchanged.geometry).toEqual(g.geometry);

    const ok = await as.office!.request({ method: 'POST', url: '/api/v1/regions/geojson', payload: { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { code: g.properties.code }, geometry: inside },
    ] } });
    expect(ok.json()).toEqual({ updated: 1 });
    const after = (await as.office!.request({ method: 'GET', url: `/api/v1/responsibility?lng=${x0 + 0.0003}&lat=${y0 + 0.0003}` })).json();
    expect(after.grid.code).toBe(g.properties.code);
    expect((await as.community!.request({ method: 'POST', url: '/api/v1/regions/geojson', payload: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: g.properties.code }, geometry: inside }] } })).statusCode).toBe(403);
  });
});
