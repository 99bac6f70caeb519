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

  it('keeps a resident population (常住人口): set, left alone by a rename, cleared with null, audited', async () => {
    const created = await office.request({ method: 'POST', url: '/api/v1/regions', payload: { parentId: city.regions.commA.id, level: 'grid', code: 'G-POP', name: '人口网格', population: 1260 } });
    expect(created.statusCode, created.body).toBe(201);
    const grid = created.json();
    expect(grid.population).toBe(1260);
    const renamed = await office.request({ method: 'PATCH', url: `/api/v1/regions/${grid.id}`, payload: { name: '人口网格（改）', version: grid.version } });
    expect(renamed.json()).toMatchObject({ name: '人口网格（改）', population: 1260 });
    const recounted = await office.request({ method: 'PATCH', url: `/api/v1/regions/${grid.id}`, payload: { population: 1318, version: renamed.json().version } });
    expect(recounted.json().population).toBe(1318);
    const cleared = await office.request({ method: 'PATCH', url: `/api/v1/regions/${grid.id}`, payload: { population: null, version: recounted.json().version } });
    expect(cleared.json().population).toBeNull();
    expect((await office.request({ method: 'GET', url: `/api/v1/regions/${grid.id}` })).json().population).toBeNull();
    const audit = await t.db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'region.updated').where('entity_id', '=', String(grid.id)).orderBy('id').execute();
    expect(audit.map((a) => [(a.before as { population: number | null }).population, (a.after as { population: number | null }).population])).toEqual([[1260, 1260], [1260, 1318], [1318, null]]);
  });

  it('refuses a negative, fractional, oversized or textual population in the user’s language and saves nothing', async () => {
    const before = (await office.request({ method: 'GET', url: `/api/v1/regions/${city.regions.commB.id}` })).json();
    for (const population of [-1, 12.5, 2147483648, '3000']) {
      const res = await office.request({ method: 'PATCH', url: `/api/v1/regions/${city.regions.commB.id}`, payload: { population, version: before.version } });
      expect(res.statusCode, String(population)).toBe(422);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(res.json().error.details.some((d: { field: string }) => d.field === 'population'), res.body).toBe(true);
    }
    const created = await office.request({ method: 'POST', url: '/api/v1/regions', payload: { parentId: city.regions.commA.id, level: 'grid', code: 'G-NEG', name: '负人口', population: -5 } });
    expect(created.statusCode).toBe(422);
    expect((await office.request({ method: 'GET', url: `/api/v1/regions/${city.regions.commB.id}` })).json()).toEqual(before);
    expect((await office.request({ method: 'GET', url: '/api/v1/regions' })).json().items.some((r: { code: string }) => r.code === 'G-NEG')).toBe(false);
  });
});
