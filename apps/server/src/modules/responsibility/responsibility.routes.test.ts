import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type Position } from '@cc/domain';
import { createTestApp, login, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
const PASSWORD = 'Demo@2026';
beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  for (const u of ['office', 'community', 'community2', 'leader', 'street']) as[u] = await login(t.app, u, PASSWORD);
});
afterAll(() => t.close());

const centre = bboxCentre;
const ask = (s: Session, p: Position, extra = '') => s.request({ method: 'GET', url: `/api/v1/responsibility?lng=${p[0]}&lat=${p[1]}${extra}` });

describe('routing query on the demo county', () => {
  it('answers the grid, community and street for a point inside every grid', async () => {
    const grids = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=grid' })).json().features;
    expect(grids.length).toBe(19);
    const communities = new Map<number, string>(
      (await as.office!.request({ method: 'GET', url: '/api/v1/regions' })).json().items.map((r: { id: number; name: string }) => [r.id, r.name]));
    for (const f of grids) {
      const res = await ask(as.office!, centre(f.geometry));
      expect(res.statusCode).toBe(200);
      const a = res.json();
      expect(a.grid.id, f.properties.name).toBe(f.properties.id);
      expect(a.community.name).toBe(communities.get(f.properties.parentId));
      expect(a.street).not.toBeNull();
      expect(a.communityUnit.name).toMatch(/居委会|社区/);
      expect(a.leaders.length, `${f.properties.name} has a covering leader`).toBe(1);
      expect(a.pairings.length).toBe(1);
    }
  });

  it('answers with the assignment valid on the date asked (东关社区 changed leader on 1 April 2024)', async () => {
    const dg = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features
      .find((f: { properties: { name: string } }) => f.properties.name === '东关社区');
    const p = centre(dg.geometry);
    const march = (await ask(as.office!, p, '&date=2024-03-12')).json();
    const june = (await ask(as.office!, p, '&date=2024-06-01')).json();
    const before2024 = (await ask(as.office!, p, '&date=2023-06-01')).json();
    expect(march.leaders).toHaveLength(1);
    expect(june.leaders).toHaveLength(1);
    expect(march.leaders[0].person.name).not.toBe(june.leaders[0].person.name);
    expect(before2024.leaders).toEqual([]);
  });

  it('finds the road segment, its unit and the nearest shop’s frontage contract, and routes by the rules', async () => {
    const segs = (await as.office!.request({ method: 'GET', url: '/api/v1/segments' })).json().items;
    const renmin = segs.find((s: { name: string }) => s.name === '人民路中段');
    const [a, b] = renmin.geometry.coordinates;
    const onRoad: Position = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const r = (await ask(as.office!, onRoad)).json();
    expect(r.segment).toMatchObject({ name: '人民路中段', assignmentId: expect.any(Number) });
    expect(r.segment.unit.name).toMatch(/局|办|委/);
    expect(r.segment.distanceM).toBeLessThan(5);

    const shops = (await as.office!.request({ method: 'GET', url: '/api/v1/units?kind=merchant&pageSize=50' })).json().items;
    const shop = shops.find((s: { lng: number | null }) => s.lng !== null);
    const near = (await ask(as.office!, [shop.lng + 0.00005, shop.lat])).json();
    expect(near.frontage.shop.name).toBe(shop.name);
    expect(near.frontage.duties).toEqual(['卫生', '秩序', '绿化', '设施', '文明']);
    expect(near.routing).toMatchObject({ answeredBy: 'frontage', unit: { name: shop.name } });

    // A category whose rule puts the road's unit first.
    const put = await as.office!.request({ method: 'PUT', url: '/api/v1/routing-rules/street_vending', payload: { steps: ['segment_cover', 'community'] } });
    expect(put.statusCode).toBe(200);
    const routed = (await ask(as.office!, [shop.lng + 0.00005, shop.lat], '&category=street_vending')).json();
    expect(routed.routing.steps).toEqual(['segment_cover', 'community']);
    expect(['segment_cover', 'community']).toContain(routed.routing.answeredBy);
    expect(routed.routing.unit.name).not.toBe(shop.name);
  });

  it('falls back to the city’s default routing when a category’s rule is deleted', async () => {
    await as.office!.request({ method: 'PUT', url: '/api/v1/routing-rules/0501', payload: { steps: ['community'] } });
    const shop = (await as.office!.request({ method: 'GET', url: '/api/v1/units?kind=merchant' })).json().items[0];
    const q = `/api/v1/responsibility?lng=${shop.lng + 0.00005}&lat=${shop.lat}&category=0501`;
    expect((await as.office!.request({ method: 'GET', url: q })).json().routing).toMatchObject({ steps: ['community'], answeredBy: 'community' });
    expect((await as.office!.request({ method: 'DELETE', url: '/api/v1/routing-rules/0501' })).statusCode).toBe(204);
    expect((await as.office!.request({ method: 'GET', url: q })).json().routing).toMatchObject({ steps: ['frontage', 'segment_cover', 'zone', 'community'], answeredBy: 'frontage' });
    const gone = await as.office!.request({ method: 'DELETE', url: '/api/v1/routing-rules/0501' });
    expect(gone.json().error.message).toBe('未找到分派规则');
    expect((await as.office!.request({ method: 'PUT', url: '/api/v1/routing-rules/*', payload: { steps: ['community'] } })).statusCode).toBe(422);
  });

  it('lists every located shop in scope with its contract status for the map', async () => {
    const all = (await as.office!.request({ method: 'GET', url: '/api/v1/map/shops' })).json().items;
    const mine = (await as.community!.request({ method: 'GET', url: '/api/v1/map/shops' })).json().items;
    expect(all.length).toBe(12);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(all.length);
    expect(new Set(all.map((s: { status: string }) => s.status))).toEqual(new Set(['active'])); // the test clock is in March 2026
    const november = (await as.office!.request({ method: 'GET', url: '/api/v1/map/shops?date=2026-11-22' })).json().items;
    expect(new Set(november.map((s: { status: string }) => s.status))).toEqual(new Set(['active', 'expiring', 'expired']));
    const before = (await as.office!.request({ method: 'GET', url: '/api/v1/map/shops?date=2023-01-01' })).json().items;
    expect(before.every((s: { status: string }) => s.status === 'none')).toBe(true);
  });

  it('answers nothing but the point for a place outside the county', async () => {
    const r = (await ask(as.office!, [100.0, 30.0])).json();
    expect(r).toMatchObject({ grid: null, community: null, street: null, segment: null, frontage: null, leaders: [], routing: { unit: null } });
  });

  it('refuses a community asking about its neighbour’s streets', async () => {
    const xg = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features
      .find((f: { properties: { name: string } }) => f.properties.name === '西关社区');
    expect((await ask(as.community2!, centre(xg.geometry))).statusCode).toBe(200);
    const res = await ask(as.community!, centre(xg.geometry));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('OUT_OF_SCOPE');
  });
});

describe('assignments', () => {
  it('refuses a second unit on a road segment for an overlapping period, and allows it after a handover', async () => {
    const seg = (await as.office!.request({ method: 'GET', url: '/api/v1/segments?q=建设路东段' })).json().items[0];
    const current = (await as.office!.request({ method: 'GET', url: `/api/v1/assignments?kind=segment_cover&targetId=${seg.id}` })).json().items[0];
    const units = (await as.office!.request({ method: 'GET', url: '/api/v1/units?kind=department&pageSize=50' })).json().items;
    const other = units.find((u: { id: number }) => u.id !== current.responsibleUnit.id);
    const clash = await as.office!.request({ method: 'POST', url: '/api/v1/assignments', payload: { kind: 'segment_cover', targetId: seg.id, responsibleUnitId: other.id, validFrom: '2025-01-01' } });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('ASSIGNMENT_OVERLAP');
    expect(clash.json().error.message).toContain(current.responsibleUnit.name);

    const handed = await as.office!.request({ method: 'POST', url: `/api/v1/assignments/${current.id}/reassign`, payload: { from: '2025-01-01', responsibleUnitId: other.id, version: current.version } });
    expect(handed.statusCode).toBe(200);
    expect(handed.json()).toMatchObject({ validFrom: '2025-01-01', validTo: null, replacesId: current.id, responsibleUnit: { id: other.id } });
    const history = (await as.office!.request({ method: 'GET', url: `/api/v1/assignments/history?targetType=road_segment&targetId=${seg.id}` })).json();
    expect(history.items.map((a: { validFrom: string; validTo: string | null }) => [a.validFrom, a.validTo])).toEqual([['2025-01-01', null], ['2024-01-01', '2024-12-31']]);
    const [x, y] = seg.geometry.coordinates[0];
    const then = (await ask(as.office!, [x + 0.0002, y], '&date=2024-06-01')).json();
    const now = (await ask(as.office!, [x + 0.0002, y], '&date=2025-06-01')).json();
    expect(then.segment.unit.id).toBe(current.responsibleUnit.id);
    expect(now.segment.unit.id).toBe(other.id);
  });

  it('refuses a bad period, a wrong target level and a person where a unit is required', async () => {
    const regions = (await as.office!.request({ method: 'GET', url: '/api/v1/regions' })).json().items;
    const grid = regions.find((r: { level: string }) => r.level === 'grid');
    const community = regions.find((r: { level: string }) => r.level === 'community');
    const dept = (await as.office!.request({ method: 'GET', url: '/api/v1/units?kind=department' })).json().items[0];
    const person = (await as.office!.request({ method: 'GET', url: '/api/v1/people' })).json().items[0];
    const bad = (payload: object) => as.office!.request({ method: 'POST', url: '/api/v1/assignments', payload });
    expect((await bad({ kind: 'pairing', targetId: community.id, responsibleUnitId: dept.id, validFrom: '2025-05-01', validTo: '2025-04-01' })).json().error.code).toBe('PERIOD_INVALID');
    expect((await bad({ kind: 'pairing', targetId: grid.id, responsibleUnitId: dept.id, validFrom: '2025-05-01' })).json().error.code).toBe('ASSIGNMENT_TARGET_INVALID');
    expect((await bad({ kind: 'pairing', targetId: community.id, responsiblePersonId: person.id, validFrom: '2025-05-01' })).json().error.code).toBe('ASSIGNMENT_PARTY_INVALID');
    expect((await bad({ kind: 'pairing', targetId: community.id, responsibleUnitId: dept.id, validFrom: '2025-02-30' })).statusCode).toBe(422);
  });

  it('lets a community see and sign only its own shops’ frontage contracts', async () => {
    const mine = (await as.community!.request({ method: 'GET', url: '/api/v1/frontage-contracts?pageSize=100' })).json();
    const all = (await as.office!.request({ method: 'GET', url: '/api/v1/frontage-contracts?pageSize=100' })).json();
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.total).toBeLessThan(all.total);
    const foreign = all.items.find((c: { id: number }) => !mine.items.some((m: { id: number }) => m.id === c.id));
    expect((await as.community!.request({ method: 'GET', url: `/api/v1/frontage-contracts/${foreign.id}` })).statusCode).toBe(403);
    const renew = await as.community!.request({ method: 'POST', url: `/api/v1/frontage-contracts/${foreign.id}/renew`, payload: { signedOn: '2026-01-01', signerName: 'x', validFrom: '2026-01-01', version: foreign.version } });
    expect(renew.statusCode).toBe(403);

    const own = mine.items[0];
    const renewed = await as.community!.request({ method: 'POST', url: `/api/v1/frontage-contracts/${own.id}/renew`, payload: { signedOn: '2026-01-05', signerName: '店主', validFrom: '2026-01-05', expiresOn: '2028-01-04', version: own.version } });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json()).toMatchObject({ renewedFromId: own.id, validFrom: '2026-01-05', status: 'active' });
    const old = (await as.community!.request({ method: 'GET', url: `/api/v1/frontage-contracts/${own.id}` })).json();
    expect(old).toMatchObject({ validTo: '2026-01-04', status: 'ended' });
    const check = await as.community!.request({ method: 'POST', url: `/api/v1/frontage-contracts/${renewed.json().id}/checks`, payload: { checkedOn: '2026-02-01', passed: false, failedDuties: ['卫生'], penaltyYuan: 200, note: '门前堆放杂物' } });
    expect(check.statusCode).toBe(201);
    expect((await as.community!.request({ method: 'GET', url: `/api/v1/frontage-contracts/${renewed.json().id}` })).json()).toMatchObject({ checks: 1, failedChecks: 1 });
    const badDuty = await as.community!.request({ method: 'POST', url: `/api/v1/frontage-contracts/${renewed.json().id}/checks`, payload: { checkedOn: '2026-02-01', passed: false, failedDuties: ['亮化'] } });
    expect(badDuty.statusCode).toBe(422);
  });

  it('flags contracts near expiry in the register', async () => {
    const expiring = (await as.office!.request({ method: 'GET', url: '/api/v1/frontage-contracts?status=expiring' })).json();
    const expired = (await as.office!.request({ method: 'GET', url: '/api/v1/frontage-contracts?status=expired' })).json();
    for (const c of expiring.items) expect(c.status).toBe('expiring');
    for (const c of expired.items) expect(c.status).toBe('expired');
  });
});

describe('geometry input', () => {
  it('refuses polygons that do not close or that cross themselves, and grids outside their community', async () => {
    const regions = (await as.office!.request({ method: 'GET', url: '/api/v1/regions' })).json().items;
    const grid = regions.find((r: { level: string }) => r.level === 'grid');
    const put = (geometry: unknown) => as.office!.request({ method: 'PUT', url: `/api/v1/regions/${grid.id}/geometry`, payload: { geometry, version: grid.version } });
    const open = await put({ type: 'Polygon', coordinates: [[[113.6, 34.7], [113.61, 34.7], [113.61, 34.71], [113.6, 34.71]]] });
    expect(open.json().error.code).toBe('GEOMETRY_RING_NOT_CLOSED');
    const bow = await put({ type: 'Polygon', coordinates: [[[113.6, 34.7], [113.61, 34.71], [113.61, 34.7], [113.6, 34.71], [113.6, 34.7]]] });
    expect(bow.json().error.code).toBe('GEOMETRY_SELF_INTERSECTION');
    const far = await put({ type: 'Polygon', coordinates: [[[100, 30], [100.01, 30], [100.01, 30.01], [100, 30.01], [100, 30]]] });
    expect(far.json().error).toMatchObject({ code: 'GRID_OUTSIDE_COMMUNITY' });
    expect(far.json().error.message).toMatch(/^网格超出了所属社区\/村“.+”的范围$/);
    const badCoord = await put({ type: 'Polygon', coordinates: [[[200, 30], [100.01, 30], [100.01, 30.01], [200, 30]]] });
    expect(badCoord.json().error.code).toBe('GEOMETRY_BAD_COORDINATE');
  });
});
