import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { bboxCentre, CASE_MAP_LIMIT, CASE_STATE_CATEGORY, CASE_STATES, decodeCaseMap, type AreaGeometry, type CaseMap, type Position } from '@cc/domain';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
const centre: Record<string, Position> = {};
const USERS = ['office', 'inspector', 'community', 'community2', 'volunteer'];

async function at(when: string) {
  t.clock.set(new Date(when));
  for (const u of USERS) as[u] = await login(t.app, u, 'Demo@2026');
}

let n = 0;
async function photo(s: Session) {
  const res = await s.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', Buffer.concat([PNG_1x1, Buffer.from(`m${n++}`)])) });
  return res.json().id as number;
}
async function report(where: Position, categoryCode: string, description: string) {
  const res = await as.inspector!.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode, description, lat: where[1], lng: where[0] } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; version: number; state: string; community: { name: string } };
}
const COLUMNS = ['id', 'latE6', 'lngE6', 'state', 'category', 'overdue'] as const;
/** The columnar answer, checked for shape, with its points decoded. */
async function map(s: Session, query = '') {
  const res = await s.request({ method: 'GET', url: `/api/v1/case-map${query}` });
  expect(res.statusCode, res.body).toBe(200);
  const m = res.json() as CaseMap;
  expect(Object.keys(m).sort()).toEqual(['categories', 'count', 'limit', 'states', 'truncated', ...COLUMNS].sort());
  for (const c of COLUMNS) expect(m[c], c).toHaveLength(m.count);
  return { ...m, items: decodeCaseMap(m) };
}

const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  await at('2026-03-12T09:00:00+08:00');
  const features = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features as { properties: { name: string }; geometry: AreaGeometry }[];
  for (const name of ['东关社区', '西关社区']) centre[name] = bboxCentre(features.find((f) => f.properties.name === name)!.geometry);
  ids.dgOpen = (await report(centre['东关社区']!, '0107', '东关：积水')).id;
  ids.dgOther = (await report(centre['东关社区']!, '0101', '东关：暴露垃圾')).id;
  const closing = await report(centre['东关社区']!, '0107', '东关：已整改');
  ids.dgClosed = closing.id;
  ids.xgOpen = (await report(centre['西关社区']!, '0107', '西关：积水')).id;
  // Close one: the unit submits with a photo, the inspector passes it.
  const s = await as.community!.request({ method: 'POST', url: `/api/v1/cases/${closing.id}/transitions`, payload: { event: 'submit', version: closing.version, photos: [{ fileId: await photo(as.community!) }] } });
  expect(s.statusCode, s.body).toBe(200);
  const v = await as.inspector!.request({ method: 'POST', url: `/api/v1/cases/${closing.id}/transitions`, payload: { event: 'verify_pass', version: s.json().version } });
  expect(v.statusCode, v.body).toBe(200);
  expect(v.json().state).toBe('closed');
});
afterAll(() => t.close());

describe('GET /api/v1/case-map', () => {
  it('returns the open cases of the whole city to the office as compact points, closed ones absent', async () => {
    const m = await map(as.office!);
    expect(m.limit).toBe(CASE_MAP_LIMIT);
    expect(m.truncated).toBe(false);
    expect(m.count).toBe(3);
    expect(m.items.map((p) => p.id).sort((a, b) => a - b)).toEqual([ids.dgOpen, ids.dgOther, ids.xgOpen].sort((a, b) => a! - b!));
    const p = m.items.find((x) => x.id === ids.dgOpen)!;
    expect(Object.keys(p).sort()).toEqual(['category', 'id', 'lat', 'lng', 'overdue', 'state']);
    expect(p).toMatchObject({ state: 'assigned', category: '0107', overdue: false });
    expect(p.lat).toBeCloseTo(centre['东关社区']![1], 6);
    expect(p.lng).toBeCloseTo(centre['东关社区']![0], 6);
  });

  it('is columnar: dictionaries of the open states and the tenant’s categories, integer micro-degrees, 0/1 overdue', async () => {
    const m = await map(as.office!);
    expect(m.states).toEqual(CASE_STATES.filter((s) => CASE_STATE_CATEGORY[s] === 'open'));
    const tenantId = (await t.db.selectFrom('case_record').select('tenant_id').where('id', '=', ids.dgOpen!).executeTakeFirstOrThrow()).tenant_id;
    const codes = await t.db.selectFrom('case_category').select('code').where('tenant_id', '=', tenantId).orderBy('id').execute();
    expect(codes.length).toBeGreaterThan(2);
    expect(m.categories).toEqual(codes.map((c) => c.code));
    for (const c of ['latE6', 'lngE6', 'state', 'category', 'overdue'] as const) expect(m[c].every(Number.isInteger), c).toBe(true);
    expect(m.overdue.every((o) => o === 0 || o === 1)).toBe(true);
    const stored = await sql<{ id: number; lat: number; lng: number; state: string; code: string }>`
      select c.id, c.lat, c.lng, c.state, k.code from case_record c join case_category k on k.tenant_id = c.tenant_id and k.id = c.category_id
       where c.id in (${sql.join([ids.dgOpen, ids.dgOther, ids.xgOpen])})`.execute(t.db);
    expect(stored.rows).toHaveLength(3);
    for (const r of stored.rows) {
      const i = m.id.indexOf(Number(r.id));
      expect(m.latE6[i]).toBe(Math.round(r.lat * 1e6));
      expect(m.lngE6[i]).toBe(Math.round(r.lng * 1e6));
      expect(Math.abs(m.items[i]!.lat - r.lat)).toBeLessThan(1e-6);
      expect(Math.abs(m.items[i]!.lng - r.lng)).toBeLessThan(1e-6);
      expect(m.states[m.state[i]!]).toBe(r.state);
      expect(m.categories[m.category[i]!]).toBe(r.code);
    }
  });

  it('answers empty columns, not nulls, when nothing matches', async () => {
    const m = await map(as.office!, '?category=0203');
    expect(m).toMatchObject({ count: 0, truncated: false, id: [], latE6: [], lngE6: [], state: [], category: [], overdue: [] });
    expect(m.categories.length).toBeGreaterThan(2);
    expect(m.items).toEqual([]);
  });

  it('is data-scoped like the ledger: a community sees only its own cases, the neighbour none of them', async () => {
    const own = await map(as.community!);
    expect(own.items.map((p) => p.id).sort((a, b) => a - b)).toEqual([ids.dgOpen, ids.dgOther].sort((a, b) => a! - b!));
    const neighbour = await map(as.community2!);
    expect(neighbour.items.map((p) => p.id)).toEqual([ids.xgOpen]);
    // And the same scope as the ledger's open cases.
    for (const who of ['community', 'community2'] as const) {
      const ledger = (await as[who]!.request({ method: 'GET', url: '/api/v1/cases?stateCategory=open&pageSize=100' })).json() as { items: { id: number }[] };
      expect((await map(as[who]!)).items.map((p) => p.id).sort((a, b) => a - b)).toEqual(ledger.items.map((c) => c.id).sort((a, b) => a - b));
    }
  });

  it('filters by category, overdue and bbox', async () => {
    expect((await map(as.office!, '?category=0101')).items.map((p) => p.id)).toEqual([ids.dgOther]);
    expect((await map(as.office!, '?category=0101,0107')).items).toHaveLength(3);
    expect((await map(as.office!, '?overdue=true')).items).toEqual([]);
    const [lng, lat] = centre['西关社区']!;
    const box = `${lng - 0.001},${lat - 0.001},${lng + 0.001},${lat + 0.001}`;
    expect((await map(as.office!, `?bbox=${box}`)).items.map((p) => p.id)).toEqual([ids.xgOpen]);
    // Weeks later every deadline has passed: all three are overdue.
    await at('2026-04-20T09:00:00+08:00');
    const late = await map(as.office!, '?overdue=true');
    expect(late.items.map((p) => p.id).sort((a, b) => a - b)).toEqual([ids.dgOpen, ids.dgOther, ids.xgOpen].sort((a, b) => a! - b!));
    expect(late.items.every((p) => p.overdue)).toBe(true);
    expect((await map(as.office!, '?overdue=false')).items).toEqual([]);
  });

  it('refuses a malformed bbox with 422 and says what is wrong', async () => {
    for (const bad of ['1,2,3', '113.1,34.7,abc,34.8', '113.2,34.7,113.1,34.8', '113.1,34.7,200,34.8']) {
      const res = await as.office!.request({ method: 'GET', url: `/api/v1/case-map?bbox=${encodeURIComponent(bad)}`, headers: { 'accept-language': 'en' } });
      expect(res.statusCode, bad).toBe(422);
      const e = res.json().error;
      expect(e.code).toBe('CASE_MAP_BBOX_INVALID');
      expect(e.message).toContain('minLng,minLat,maxLng,maxLat');
      expect(e.details[0].field).toBe('bbox');
    }
    const zh = await as.office!.request({ method: 'GET', url: '/api/v1/case-map?bbox=1,2,3' });
    expect(zh.json().error.message).toContain('最小经度');
  });

  it('needs case.read (403) and a session (401)', async () => {
    expect((await as.volunteer!.request({ method: 'GET', url: '/api/v1/case-map' })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/case-map' })).statusCode).toBe(401);
  });
});
