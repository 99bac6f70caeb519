import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, TEST_PASSWORD, type Session, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
const as: Record<string, Session> = {};
beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  for (const k of ['office', 'communityA', 'communityB', 'leader'] as const) as[k] = await login(t.app, city.users[k].username, TEST_PASSWORD);
});
afterAll(() => t.close());

describe('people', () => {
  it('a community records its own people, links a login, and names a first responsible person', async () => {
    const p = await as.communityA!.request({ method: 'POST', url: '/api/v1/people', payload: { name: '刘书记', unitId: city.units.unitA.id, position: '党支部书记', phone: '13800138000', userId: city.users.communityA.id } });
    expect(p.statusCode).toBe(201);
    expect(p.json()).toMatchObject({ name: '刘书记', unit: { id: city.units.unitA.id }, userId: city.users.communityA.id, actions: ['update', 'delete'] });
    const u = await as.office!.request({ method: 'PATCH', url: `/api/v1/units/${city.units.schoolA.id}`, payload: { firstResponsiblePersonId: p.json().id, lng: 113.65, lat: 34.75, version: 1 } });
    expect(u.json()).toMatchObject({ firstResponsiblePerson: { name: '刘书记' }, lng: 113.65, lat: 34.75 });
    expect((await as.communityA!.request({ method: 'DELETE', url: `/api/v1/people/${p.json().id}` })).json().error.code).toBe('IN_USE');
  });

  it('refuses a neighbour’s people and units', async () => {
    const other = await as.communityA!.request({ method: 'POST', url: '/api/v1/people', payload: { name: '越界', unitId: city.units.unitB.id } });
    expect(other.statusCode).toBe(403);
    const list = (await as.communityB!.request({ method: 'GET', url: '/api/v1/people' })).json();
    expect(list.items.map((x: { name: string }) => x.name)).not.toContain('刘书记');
    expect((await as.leader!.request({ method: 'POST', url: '/api/v1/people', payload: { name: 'x', unitId: city.units.office.id } })).statusCode).toBe(403);
  });

  it('refuses a bad phone number and a location with one coordinate', async () => {
    const phone = await as.office!.request({ method: 'POST', url: '/api/v1/people', payload: { name: 'x', unitId: city.units.office.id, phone: 'call me' } });
    expect(phone.statusCode).toBe(422);
    expect(phone.json().error.details[0].field).toBe('phone');
    const half = await as.office!.request({ method: 'PATCH', url: `/api/v1/units/${city.units.schoolB.id}`, payload: { lng: 113.6, version: 1 } });
    expect(half.statusCode).toBe(422);
    const far = await as.office!.request({ method: 'PATCH', url: `/api/v1/units/${city.units.schoolB.id}`, payload: { lng: 190, lat: 34, version: 1 } });
    expect(far.statusCode).toBe(422);
  });
});
