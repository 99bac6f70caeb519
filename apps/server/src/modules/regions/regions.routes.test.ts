import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, TEST_PASSWORD, type Session, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
let office: Session;
beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  office = await login(t.app, city.users.office.username, TEST_PASSWORD);
});
afterAll(() => t.close());

describe('region tree', () => {
  it('creates a grid under a community with a 15-digit code', async () => {
    const res = await office.request({ method: 'POST', url: '/api/v1/regions', payload: { parentId: city.regions.commA.id, level: 'grid', code: '419901100001001', name: '东关社区第一网格' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ level: 'grid', parentId: city.regions.commA.id, name: '东关社区第一网格' });
  });

  it('refuses a level that does not fit the parent, and a second county under a county', async () => {
    const res = await office.request({ method: 'POST', url: '/api/v1/regions', payload: { parentId: city.regions.street.id, level: 'grid', code: 'G-BAD', name: '跳级网格' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('INVALID_PARENT');
    const top = await office.request({ method: 'POST', url: '/api/v1/regions', payload: { parentId: null, level: 'street', code: 'S-TOP', name: '无上级街道' } });
    expect(top.statusCode).toBe(422);
  });

  it('a community sees its own community and grids only, and cannot write', async () => {
    const s = await login(t.app, city.users.communityA.username, TEST_PASSWORD);
    const res = await s.request({ method: 'GET', url: '/api/v1/regions' });
    expect(res.json().items.map((r: { name: string }) => r.name)).toEqual(['东关社区', '东关社区第一网格']);
    expect((await s.request({ method: 'GET', url: `/api/v1/regions/${city.regions.commB.id}` })).statusCode).toBe(403);
    expect((await s.request({ method: 'POST', url: '/api/v1/regions', payload: { parentId: city.regions.commA.id, level: 'grid', code: 'G-X', name: 'x' } })).statusCode).toBe(403);
  });

  it('renames with a version check and refuses to delete a region in use', async () => {
    const r = await office.request({ method: 'PATCH', url: `/api/v1/regions/${city.regions.commB.id}`, payload: { name: '西关社区（新）', version: 1 } });
    expect(r.json()).toMatchObject({ name: '西关社区（新）', version: 2 });
    expect((await office.request({ method: 'PATCH', url: `/api/v1/regions/${city.regions.commB.id}`, payload: { name: 'x', version: 1 } })).statusCode).toBe(409);
    const inUse = await office.request({ method: 'DELETE', url: `/api/v1/regions/${city.regions.commB.id}` });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().error.code).toBe('IN_USE');
    expect((await office.request({ method: 'DELETE', url: `/api/v1/regions/${city.regions.county.id}` })).json().error.code).toBe('HAS_CHILDREN');
  });
});
