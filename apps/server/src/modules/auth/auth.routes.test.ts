import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, makeUser, TEST_PASSWORD, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
});
afterAll(() => t.close());

const loginReq = (username: string, password: string, lang = 'zh-CN') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, headers: { 'accept-language': lang } });

describe('login', () => {
  it('logs in by username and returns the user, permissions and a CSRF token; the cookie is httpOnly and SameSite', async () => {
    const res = await loginReq(city.users.office.username, TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user.username).toBe(city.users.office.username);
    expect(body.user.roles).toEqual(['campaign_office']);
    expect(body.user.permissions).toContain('unit.write');
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    const cookie = res.cookies.find((c) => c.name === 'cc_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy(); // plain HTTP here; `Secure` behind HTTPS
  });

  it('logs in by mobile number', async () => {
    const u = await makeUser(t.db, city.tenantId, { unitId: city.units.office.id, roles: ['leader'], mobile: '13912345678' });
    const res = await loginReq('13912345678', u.password);
    expect(res.statusCode).toBe(200);
    expect(res.json().user.username).toBe(u.username);
  });

  it('refuses a wrong password and an unknown user alike, in Chinese or English', async () => {
    const a = await loginReq(city.users.leader.username, 'Wrong@pass1');
    const b = await loginReq('nobody-here', 'Wrong@pass1', 'en');
    expect(a.statusCode).toBe(401);
    expect(a.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: '用户名或密码错误', details: null } });
    expect(b.statusCode).toBe(401);
    expect(b.json().error.message).toBe('Wrong username or password');
  });

  it('locks the account for 15 minutes after 5 failed attempts, even for the right password', async () => {
    const u = await makeUser(t.db, city.tenantId, { unitId: city.units.office.id, roles: ['inspector'] });
    for (let i = 1; i <= 4; i++) expect((await loginReq(u.username, 'Bad@pass' + i)).statusCode).toBe(401);
    const fifth = await loginReq(u.username, 'Bad@pass5');
    expect(fifth.statusCode).toBe(403);
    expect(fifth.json().error.code).toBe('ACCOUNT_LOCKED');
    const right = await loginReq(u.username, u.password);
    expect(right.statusCode).toBe(403);
    expect(right.json().error.message).toMatch(/账号已锁定/);
    const audit = await t.db.selectFrom('audit_log').select('action').where('entity_id', '=', String(u.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['auth.login_failed', 'auth.login_failed', 'auth.login_failed', 'auth.login_failed', 'auth.locked']);

    t.clock.advance(14 * 60_000);
    expect((await loginReq(u.username, u.password)).statusCode).toBe(403);
    t.clock.advance(2 * 60_000);
    expect((await loginReq(u.username, u.password)).statusCode).toBe(200);
  });

  it('refuses a disabled account', async () => {
    const u = await makeUser(t.db, city.tenantId, { unitId: city.units.office.id, roles: ['inspector'] });
    await t.db.updateTable('app_user').set({ status: 'disabled' }).where('id', '=', u.id).execute();
    const res = await loginReq(u.username, u.password);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('ACCOUNT_DISABLED');
  });
});

describe('sessions', () => {
  it('answers /auth/me with the session, and 401 without one', async () => {
    const s = await login(t.app, city.users.leader.username, TEST_PASSWORD);
    const me = await s.request({ method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(200);
    expect(me.json().csrfToken).toBe(s.csrf);
    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('expires after 30 minutes without a request, and not while in use', async () => {
    const s = await login(t.app, city.users.leader.username, TEST_PASSWORD);
    t.clock.advance(29 * 60_000);
    expect((await s.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    t.clock.advance(29 * 60_000); // 58 minutes after login, 29 after the last request
    expect((await s.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    const res = await s.request({ method: 'GET', url: '/api/v1/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 'SESSION_EXPIRED', message: '登录已超时，请重新登录' });
  });

  it('refuses a write without the CSRF token, or with a wrong one', async () => {
    const s = await login(t.app, city.users.admin.username, TEST_PASSWORD);
    const body = { parentId: city.units.office.id, kind: 'department', code: 'CSRF-1', name: '测试局' };
    const none = await t.app.inject({ method: 'POST', url: '/api/v1/units', cookies: { cc_session: s.cookie }, payload: body });
    expect(none.statusCode).toBe(403);
    expect(none.json().error.code).toBe('CSRF_INVALID');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/units', cookies: { cc_session: s.cookie }, headers: { 'x-csrf-token': 'x'.repeat(43) }, payload: body });
    expect(wrong.statusCode).toBe(403);
    const count = await t.db.selectFrom('unit').select((eb) => eb.fn.countAll().as('n')).where('code', '=', 'CSRF-1').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    expect((await s.request({ method: 'POST', url: '/api/v1/units', payload: body })).statusCode).toBe(201);
  });

  it('logs out: the cookie no longer works', async () => {
    const s = await login(t.app, city.users.leader.username, TEST_PASSWORD);
    expect((await s.request({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    expect((await s.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  });
});

describe('passwords', () => {
  it('forces a user with an initial password to change it before anything else', async () => {
    const u = await makeUser(t.db, city.tenantId, { unitId: city.units.office.id, roles: ['campaign_office'], mustChangePassword: true });
    const s = await login(t.app, u.username, u.password);
    const blocked = await s.request({ method: 'GET', url: '/api/v1/units' });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await s.request({ method: 'GET', url: '/api/v1/auth/me' })).json().user.mustChangePassword).toBe(true);

    const weak = await s.request({ method: 'POST', url: '/api/v1/auth/change-password', payload: { currentPassword: u.password, newPassword: 'abcdefgh' } });
    expect(weak.statusCode).toBe(422);
    expect(weak.json().error.code).toBe('PASSWORD_TOO_FEW_CLASSES');
    expect(weak.json().error.details[0].field).toBe('newPassword');
    const wrongCurrent = await s.request({ method: 'POST', url: '/api/v1/auth/change-password', payload: { currentPassword: 'nope', newPassword: 'Better@2026' } });
    expect(wrongCurrent.json().error.code).toBe('PASSWORD_WRONG');
    const same = await s.request({ method: 'POST', url: '/api/v1/auth/change-password', payload: { currentPassword: u.password, newPassword: u.password } });
    expect(same.json().error.code).toBe('PASSWORD_REUSED');

    const ok = await s.request({ method: 'POST', url: '/api/v1/auth/change-password', payload: { currentPassword: u.password, newPassword: 'Better@2026' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.mustChangePassword).toBe(false);
    expect((await s.request({ method: 'GET', url: '/api/v1/units' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: u.username, password: u.password } })).statusCode).toBe(401);
    await login(t.app, u.username, 'Better@2026');
  });

  it('ends the user’s other sessions when the password changes', async () => {
    const u = await makeUser(t.db, city.tenantId, { unitId: city.units.office.id, roles: ['leader'] });
    const phone = await login(t.app, u.username, u.password);
    const desk = await login(t.app, u.username, u.password);
    await desk.request({ method: 'POST', url: '/api/v1/auth/change-password', payload: { currentPassword: u.password, newPassword: 'Another@2026' } });
    expect((await phone.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    expect((await desk.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
  });
});

describe('API tokens', () => {
  it('authenticates an integration by bearer token without CSRF, until revoked', async () => {
    const s = await login(t.app, city.users.office.username, TEST_PASSWORD);
    const created = await s.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: '数字城管对接', expiresInDays: 30 } });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json();
    expect(secret).toMatch(/^cc_/);
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/units', headers: bearer })).statusCode).toBe(200);
    const write = await t.app.inject({ method: 'POST', url: '/api/v1/units', headers: bearer, payload: { parentId: null, kind: 'department', code: 'TOKEN-1', name: '接口建的局' } });
    expect(write.statusCode).toBe(201);
    const list = await s.request({ method: 'GET', url: '/api/v1/tokens' });
    expect(list.json().items[0]).toMatchObject({ name: '数字城管对接', revokedAt: null });
    expect(JSON.stringify(list.json())).not.toContain(secret);
    await s.request({ method: 'POST', url: `/api/v1/tokens/${token.id}/revoke` });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/units', headers: bearer })).statusCode).toBe(401);
  });

  it('refuses token management to roles without it', async () => {
    const s = await login(t.app, city.users.communityA.username, TEST_PASSWORD);
    expect((await s.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'x' } })).statusCode).toBe(403);
  });
});
