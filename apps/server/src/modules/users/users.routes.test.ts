import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, makeUser, TEST_PASSWORD, type Session, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  admin = await login(t.app, city.users.admin.username, TEST_PASSWORD);
});
afterAll(() => t.close());

describe('administrators manage users', () => {
  it('creates a user with a generated initial password that must be changed', async () => {
    const res = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'wangwu', displayName: '王五', mobile: '13700000001', unitId: city.units.unitA.id, roles: ['unit_staff'] } });
    expect(res.statusCode).toBe(201);
    const { user, initialPassword } = res.json();
    expect(user).toMatchObject({ username: 'wangwu', roles: ['unit_staff'], status: 'active', mustChangePassword: true, unit: { name: '东关社区居委会' } });
    expect(initialPassword).toMatch(/^.{12}$/);
    const s = await login(t.app, 'wangwu', initialPassword);
    expect((await s.request({ method: 'GET', url: '/api/v1/units' })).json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('refuses a duplicate username (any case) and mobile', async () => {
    const a = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'WangWu', displayName: 'x', unitId: city.units.unitA.id, roles: ['unit_staff'] } });
    expect(a.statusCode).toBe(409);
    const b = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'other', displayName: 'x', mobile: '13700000001', unitId: city.units.unitA.id, roles: ['unit_staff'] } });
    expect(b.statusCode).toBe(409);
    expect(b.json().error.details[0].field).toBe('mobile');
  });

  it('refuses a weak chosen password, an unknown role and an unknown unit', async () => {
    const weak = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'weak1', displayName: 'x', unitId: city.units.unitA.id, roles: ['unit_staff'], password: 'password' } });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.code).toBe('PASSWORD_TOO_FEW_CLASSES');
    const role = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'weak2', displayName: 'x', unitId: city.units.unitA.id, roles: ['mayor'] } });
    expect(role.statusCode).toBe(422);
    const unit = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'weak3', displayName: 'x', unitId: 987654, roles: ['unit_staff'] } });
    expect(unit.statusCode).toBe(422);
    const n = await t.db.selectFrom('app_user').select('username').where('username', 'in', ['weak1', 'weak2', 'weak3']).execute();
    expect(n).toEqual([]);
  });

  it('disables and enables through the status table, with event rows, ending the user’s sessions', async () => {
    const victim = await login(t.app, city.users.grid.username, TEST_PASSWORD);
    const off = await admin.request({ method: 'POST', url: `/api/v1/users/${city.users.grid.id}/disable`, payload: { note: '离职' } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ status: 'disabled', actions: ['update', 'enable', 'reset-password'] });
    expect((await victim.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const twice = await admin.request({ method: 'POST', url: `/api/v1/users/${city.users.grid.id}/disable`, payload: {} });
    expect(twice.statusCode).toBe(409);
    const on = await admin.request({ method: 'POST', url: `/api/v1/users/${city.users.grid.id}/enable`, payload: {} });
    expect(on.json().status).toBe('active');
    const events = await t.db.selectFrom('user_event').select(['event', 'from_status', 'to_status', 'note']).where('user_id', '=', city.users.grid.id).orderBy('id').execute();
    expect(events).toEqual([
      { event: 'disabled', from_status: 'active', to_status: 'disabled', note: '离职' },
      { event: 'enabled', from_status: 'disabled', to_status: 'active', note: null },
    ]);
  });

  it('resets a password: the old one stops working and the new one must be changed', async () => {
    const res = await admin.request({ method: 'POST', url: `/api/v1/users/${city.users.volunteer.id}/reset-password`, payload: {} });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: city.users.volunteer.username, password: TEST_PASSWORD } })).statusCode).toBe(401);
    const s = await login(t.app, city.users.volunteer.username, res.json().initialPassword);
    expect((await s.request({ method: 'GET', url: '/api/v1/auth/me' })).json().user.mustChangePassword).toBe(true);
  });

  it('an administrator cannot disable themself', async () => {
    const res = await admin.request({ method: 'POST', url: `/api/v1/users/${city.users.admin.id}/disable`, payload: {} });
    expect(res.statusCode).toBe(403);
  });
});

describe('who may see and manage users', () => {
  it('refuses user management to the campaign office (read only) and to unit staff', async () => {
    const office = await login(t.app, city.users.office.username, TEST_PASSWORD);
    expect((await office.request({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
    const create = await office.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'x1', displayName: 'x', unitId: city.units.unitA.id, roles: ['unit_staff'] } });
    expect(create.statusCode).toBe(403);
    const v = await makeUser(t.db, city.tenantId, { unitId: city.units.unitA.id, roles: ['volunteer'] });
    const volunteer = await login(t.app, v.username, v.password);
    expect((await volunteer.request({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(403);
  });

  it('a community lists only the users of its own units', async () => {
    const s = await login(t.app, city.users.communityB.username, TEST_PASSWORD);
    const res = await s.request({ method: 'GET', url: '/api/v1/users?pageSize=100' });
    expect(res.json().items.map((u: { username: string }) => u.username)).toEqual([city.users.communityB.username]);
    const other = await s.request({ method: 'GET', url: `/api/v1/users/${city.users.communityA.id}` });
    expect(other.statusCode).toBe(403);
  });
});
