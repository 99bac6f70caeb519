import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROLES } from '@cc/domain';
import { createTestApp, login, makeUser, makeCity, type Session, type TestApp } from './harness.js';

/**
 * Every /api/v1 route × every role: a role without the route's permission gets 403 FORBIDDEN, a
 * role with it never does, and nobody gets in without logging in (except the public routes).
 */
let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
const sessions = new Map<string, Session>();
beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  for (const role of DEFAULT_ROLES) {
    const u = await makeUser(t.db, city.tenantId, { unitId: city.units.unitA.id, roles: [role.code] });
    sessions.set(role.code, await login(t.app, u.username, u.password));
  }
});
afterAll(() => t.close());

const fill = (url: string) => url.replace(':id', String(city.units.schoolA.id));

describe('authorization matrix', () => {
  it('covers the routes', () => {
    expect(t.app.routeCatalog.length).toBeGreaterThan(20);
  });

  it('refuses every non-public route without a login', async () => {
    for (const r of t.app.routeCatalog.filter((x) => !x.access.public)) {
      const res = await t.app.inject({ method: r.method as 'GET', url: fill(r.url), payload: r.method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
    }
  });

  for (const role of DEFAULT_ROLES) {
    it(`as ${role.code}: 403 exactly where the role lacks the permission`, async () => {
      const s = sessions.get(role.code)!;
      for (const r of t.app.routeCatalog.filter((x) => x.access.permission)) {
        const res = await s.request({ method: r.method as 'GET', url: fill(r.url), payload: r.method === 'GET' ? undefined : {} });
        const allowed = role.permissions.includes(r.access.permission!);
        const isJson = String(res.headers['content-type'] ?? '').includes('json') && res.body.length > 0;
        const code = isJson ? (res.json() as { error?: { code?: string } }).error?.code : null;
        const label = `${role.code} ${r.method} ${r.url} → ${res.statusCode} ${isJson ? res.body.slice(0, 120) : res.headers['content-type']}`;
        if (allowed) {
          expect(code, label).not.toBe('FORBIDDEN');
          expect(res.statusCode, label).not.toBe(401);
        } else {
          expect(res.statusCode, label).toBe(403);
          expect(code, label).toBe('FORBIDDEN');
        }
      }
    });
  }
});
