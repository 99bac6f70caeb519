import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, TEST_PASSWORD, type Session, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
const as: Record<string, Session> = {};
beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  for (const [k, u] of Object.entries(city.users)) as[k] = await login(t.app, u.username, TEST_PASSWORD);
});
afterAll(() => t.close());

const names = (res: { json: () => { items: { name: string }[] } }) => res.json().items.map((u) => u.name).sort();

describe('unit scope', () => {
  it('the campaign office sees every unit of the city', async () => {
    const res = await as.office!.request({ method: 'GET', url: '/api/v1/units?pageSize=100' });
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBe(6);
    expect(res.json().actions).toContain('create');
  });

  it('a community sees its own subtree, not its neighbour', async () => {
    const res = await as.communityA!.request({ method: 'GET', url: '/api/v1/units' });
    expect(names(res)).toEqual(['东关小学', '东关社区居委会']);
  });

  it('a street sees all its communities', async () => {
    const res = await as.street!.request({ method: 'GET', url: '/api/v1/units?pageSize=50' });
    expect(names(res)).toEqual(['东关小学', '东关社区居委会', '城关街道办', '西关小学', '西关社区居委会']);
  });

  it('refuses a community asking for, editing or deleting its neighbour’s unit', async () => {
    const get = await as.communityA!.request({ method: 'GET', url: `/api/v1/units/${city.units.schoolB.id}` });
    expect(get.statusCode).toBe(403);
    expect(get.json().error).toMatchObject({ code: 'OUT_OF_SCOPE', message: '该数据不在您的管辖范围内' });
    const patch = await as.communityA!.request({ method: 'PATCH', url: `/api/v1/units/${city.units.schoolB.id}`, payload: { name: '改名', version: 1 } });
    expect(patch.statusCode).toBe(403);
    const del = await as.communityA!.request({ method: 'DELETE', url: `/api/v1/units/${city.units.schoolB.id}` });
    expect(del.statusCode).toBe(403);
    const create = await as.communityA!.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: city.units.unitB.id, kind: 'school', code: 'X-1', name: '越界小学' } });
    expect(create.statusCode).toBe(403);
    const unchanged = await t.db.selectFrom('unit').select('name').where('id', '=', city.units.schoolB.id).executeTakeFirstOrThrow();
    expect(unchanged.name).toBe('西关小学');
  });

  it('a community edits units below it but not its own identity', async () => {
    const own = await as.communityA!.request({ method: 'GET', url: `/api/v1/units/${city.units.unitA.id}` });
    expect(own.json().actions).toEqual(['create-child']);
    const school = await as.communityA!.request({ method: 'GET', url: `/api/v1/units/${city.units.schoolA.id}` });
    expect(school.json().actions).toEqual(['update', 'delete', 'create-child']);
    const rename = await as.communityA!.request({ method: 'PATCH', url: `/api/v1/units/${city.units.unitA.id}`, payload: { name: '改名', version: 1 } });
    expect(rename.statusCode).toBe(403);
    const created = await as.communityA!.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: city.units.unitA.id, kind: 'merchant', code: 'M-A1', name: '东关烩面馆', address: '人民路 1 号' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: '东关烩面馆', parentId: city.units.unitA.id, address: '人民路 1 号' });
  });

  it('read-only roles cannot write', async () => {
    for (const who of ['leader', 'inspector', 'grid']) {
      const res = await as[who]!.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: `RO-${who}`, name: '只读' } });
      expect(res.statusCode, who).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
  });
});

describe('unit writes', () => {
  it('refuses a stale version with 409 and keeps the first edit', async () => {
    const a = await as.office!.request({ method: 'PATCH', url: `/api/v1/units/${city.units.schoolA.id}`, payload: { address: '东关路 8 号', version: 1 } });
    expect(a.statusCode).toBe(200);
    const b = await as.office!.request({ method: 'PATCH', url: `/api/v1/units/${city.units.schoolA.id}`, payload: { address: '东关路 9 号', version: 1 } });
    expect(b.statusCode).toBe(409);
    expect(b.json().error.code).toBe('CONFLICT');
    expect((await as.office!.request({ method: 'GET', url: `/api/v1/units/${city.units.schoolA.id}` })).json()).toMatchObject({ address: '东关路 8 号', version: 2 });
  });

  it('refuses a duplicate code, an unknown parent and a unit with children or users', async () => {
    const dup = await as.office!.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: 'DUP-1', name: '甲' } });
    expect(dup.statusCode).toBe(201);
    const again = await as.office!.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: 'DUP-1', name: '乙' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('DUP-1');
    const orphan = await as.office!.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: 999999, kind: 'school', code: 'ORPH', name: '孤儿' } });
    expect(orphan.statusCode).toBe(422);
    expect((await as.office!.request({ method: 'DELETE', url: `/api/v1/units/${city.units.streetOffice.id}` })).json().error.code).toBe('HAS_CHILDREN');
    expect((await as.office!.request({ method: 'DELETE', url: `/api/v1/units/${city.units.schoolB.id}` })).statusCode).toBe(204);
  });

  it('filters by text and kind, and pages', async () => {
    const res = await as.office!.request({ method: 'GET', url: '/api/v1/units?q=社区&kind=community&pageSize=1&page=2' });
    expect(res.json()).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(res.json().items).toHaveLength(1);
  });
});
