import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, TEST_PASSWORD, type Session, type TestApp } from './harness.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp({ bodyLimitBytes: 64 * 1024 });
  city = await makeCity(t.db);
  admin = await login(t.app, city.users.admin.username, TEST_PASSWORD);
});
afterAll(() => t.close());

describe('one error shape for every failure', () => {
  it('400 for malformed JSON', async () => {
    const res = await admin.request({ method: 'POST', url: '/api/v1/units', headers: { 'content-type': 'application/json' }, payload: '{"name": "缺引号}' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'BAD_JSON', message: '请求内容不是有效的 JSON', details: null } });
  });

  it('413 for an oversize body', async () => {
    const res = await admin.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: 'BIG', name: 'x'.repeat(100_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('422 naming an unknown field, a wrong type and a missing field, in the caller’s language', async () => {
    const zh = await admin.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: '12', kind: 'castle', name: 'x', colour: 'red' } });
    expect(zh.statusCode).toBe(422);
    expect(zh.json().error.code).toBe('VALIDATION_FAILED');
    const fields = zh.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['colour', 'parentId', 'kind', 'code']));
    expect(zh.json().error.details.find((d: { field: string }) => d.field === 'colour').message).toBe('不允许的字段');
    expect(zh.json().error.details.find((d: { field: string }) => d.field === 'code').message).toMatch(/应当有必需属性/);
    const en = await admin.request({ method: 'POST', url: '/api/v1/units', headers: { 'accept-language': 'en' }, payload: { parentId: null, kind: 'department', code: 'x y', name: 'x' } });
    expect(en.json().error.message).toBe('The submitted data is invalid');
    expect(en.json().error.details[0]).toMatchObject({ field: 'code', rule: 'pattern' });
  });

  it('404 in the same shape for unknown routes and records', async () => {
    const route = await admin.request({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(route.statusCode).toBe(404);
    expect(route.json().error.code).toBe('ROUTE_NOT_FOUND');
    const rec = await admin.request({ method: 'GET', url: '/api/v1/units/99999999', headers: { 'accept-language': 'en' } });
    expect(rec.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Unit not found', details: null } });
  });

  it('422 for a bad path parameter', async () => {
    const res = await admin.request({ method: 'GET', url: '/api/v1/units/abc' });
    expect(res.statusCode).toBe(422);
  });
});

describe('service endpoints', () => {
  it('health checks the database', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.json()).toMatchObject({ status: 'ok', database: 'ok' });
  });

  it('publishes the OpenAPI document and browsable docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.0.3');
    for (const p of ['/api/v1/auth/login', '/api/v1/units', '/api/v1/users/{id}/disable', '/api/v1/audit/verify', '/api/health']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.paths['/api/v1/units'].post.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['kind', 'code', 'name']));
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
    expect(ui.body).not.toMatch(/https?:\/\/(unpkg|cdn|cdnjs)/);
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
  });

  it('tells the web client its settings before login', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/config' });
    expect(res.json()).toMatchObject({ demo: false, tileUrl: expect.any(String) });
  });

  it('counts the dashboard within the caller’s scope', async () => {
    const all = (await admin.request({ method: 'GET', url: '/api/v1/dashboard' })).json();
    const community = await login(t.app, city.users.communityA.username, TEST_PASSWORD);
    const mine = (await community.request({ method: 'GET', url: '/api/v1/dashboard' })).json();
    expect(all).toMatchObject({ units: 6, regions: 4 });
    expect(mine).toMatchObject({ units: 2, regions: 1 });
  });
});

describe('login rate limit', () => {
  it('answers 429 in the error shape once one address tries too often', async () => {
    const limited = await createTestApp({ loginRateLimit: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: `nobody${i}`, password: 'x' } });
        codes.push(r.statusCode);
        if (i === 3) expect(r.json().error).toMatchObject({ code: 'RATE_LIMITED', message: '请求过于频繁，请稍后再试' });
      }
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });
});
