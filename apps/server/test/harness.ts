import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import type { RoleCode, UnitKind } from '@cc/domain';
import { buildApp } from '../src/app.js';
import { ManualClock } from '../src/platform/clock.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { createDb, type DB } from '../src/platform/database.js';
import { hashPassword } from '../src/platform/passwords.js';
import { insertRegion } from '../src/modules/regions/regions.repository.js';
import { insertUnit } from '../src/modules/units/units.repository.js';
import { roleIds, setUserRoles } from '../src/modules/users/users.repository.js';
import { createTenant } from '../src/modules/system/tenants.js';
import { adminQuery, withDatabase } from './global-setup.js';

let counter = 0;
const uniq = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

/** A fresh database cloned from the migrated template, for one test file. */
export async function createTestDb(): Promise<{ db: DB; url: string; drop: () => Promise<void> }> {
  const admin = inject('dbAdminUrl');
  const name = `cc_t_${inject('dbRunId')}_${uniq()}`;
  await adminQuery(admin, `create database ${name} template ${inject('dbTemplate')}`);
  const url = withDatabase(admin, name);
  const db = createDb(url, 5);
  return {
    db,
    url,
    drop: async () => {
      await db.destroy();
      await adminQuery(admin, `drop database if exists ${name} with (force)`);
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), webDist: null, demo: false, loginRateLimit: 10_000, dataDir: path.join(os.tmpdir(), 'cc-test-data'), ...overrides };
}

export interface TestApp {
  app: FastifyInstance;
  db: DB;
  /** Connection string of this test's database. */
  url: string;
  clock: ManualClock;
  close: () => Promise<void>;
}

/** The real app on a fresh database, with a clock the test controls. */
export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const { db, url, drop } = await createTestDb();
  const clock = new ManualClock(new Date('2026-03-12T09:00:00+08:00'));
  const app = await buildApp({ db, config: testConfig(overrides), clock });
  await app.ready();
  return { app, db, url, clock, close: async () => { await app.close(); await drop(); } };
}

// ---- factories: real rows with unique defaults ----

export async function makeTenant(db: DB, name = '测试市') {
  return createTenant(db, { code: `t${uniq()}`, name, isDemo: false });
}

export async function makeRegion(db: DB, tenantId: number, o: { parent?: { id: number; path: string }; level?: string; name?: string; code?: string } = {}) {
  return insertRegion(db, tenantId, {
    parentId: o.parent?.id ?? null, parentPath: o.parent?.path ?? null, level: o.level ?? 'county',
    code: o.code ?? `R${uniq()}`.slice(0, 32), name: o.name ?? '测试区划',
  });
}

export async function makeUnit(db: DB, tenantId: number, o: { parent?: { id: number; path: string }; kind?: UnitKind; name?: string; regionId?: number | null; code?: string } = {}) {
  const id = await insertUnit(db, tenantId, {
    parentId: o.parent?.id ?? null, parentPath: o.parent?.path ?? null, kind: o.kind ?? 'department',
    code: o.code ?? `U${uniq()}`.slice(0, 32), name: o.name ?? '测试单位', regionId: o.regionId ?? null,
  });
  return { id, path: `${o.parent?.path ?? '/'}${id}/` };
}

export const TEST_PASSWORD = 'Test@2026pw';

export async function makeUser(db: DB, tenantId: number, o: { unitId: number; roles: RoleCode[]; username?: string; password?: string; mustChangePassword?: boolean; mobile?: string }) {
  const username = o.username ?? `u${uniq()}`;
  const { id } = await db.insertInto('app_user').values({
    tenant_id: tenantId, username, display_name: `测试用户${username}`, mobile: o.mobile ?? null,
    password_hash: await hashPassword(o.password ?? TEST_PASSWORD), unit_id: o.unitId,
    must_change_password: o.mustChangePassword ?? false, updated_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow();
  const ids = await roleIds(db, tenantId, o.roles);
  await setUserRoles(db, tenantId, id, [...ids.values()]);
  return { id, username, password: o.password ?? TEST_PASSWORD };
}

/** A logged-in client: cookie and CSRF token applied to every request it makes. */
export interface Session {
  cookie: string;
  csrf: string;
  request: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
}

export async function login(app: FastifyInstance, username: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'cc_session')!.value;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    cookie,
    csrf,
    request: (opts) =>
      app.inject({
        ...opts,
        cookies: { cc_session: cookie, ...(opts.cookies ?? {}) },
        headers: { 'x-csrf-token': csrf, ...(opts.headers ?? {}) },
      }),
  };
}

/** A city with a county → street → two communities, their units and one user per role. */
export async function makeCity(db: DB) {
  const tenantId = await makeTenant(db);
  const county = await makeRegion(db, tenantId, { level: 'county', name: '测试县' });
  const street = await makeRegion(db, tenantId, { parent: county, level: 'street', name: '城关街道' });
  const commA = await makeRegion(db, tenantId, { parent: street, level: 'community', name: '东关社区' });
  const commB = await makeRegion(db, tenantId, { parent: street, level: 'community', name: '西关社区' });
  const office = await makeUnit(db, tenantId, { kind: 'campaign_office', name: '创建办', regionId: county.id });
  const streetOffice = await makeUnit(db, tenantId, { kind: 'street_office', name: '城关街道办', regionId: street.id });
  const unitA = await makeUnit(db, tenantId, { parent: streetOffice, kind: 'community', name: '东关社区居委会', regionId: commA.id });
  const unitB = await makeUnit(db, tenantId, { parent: streetOffice, kind: 'community', name: '西关社区居委会', regionId: commB.id });
  const schoolA = await makeUnit(db, tenantId, { parent: unitA, kind: 'school', name: '东关小学', regionId: commA.id });
  const schoolB = await makeUnit(db, tenantId, { parent: unitB, kind: 'school', name: '西关小学', regionId: commB.id });
  const users = {
    admin: await makeUser(db, tenantId, { unitId: office.id, roles: ['system_admin'] }),
    office: await makeUser(db, tenantId, { unitId: office.id, roles: ['campaign_office'] }),
    leader: await makeUser(db, tenantId, { unitId: office.id, roles: ['leader'] }),
    inspector: await makeUser(db, tenantId, { unitId: office.id, roles: ['inspector'] }),
    street: await makeUser(db, tenantId, { unitId: streetOffice.id, roles: ['unit_staff'] }),
    communityA: await makeUser(db, tenantId, { unitId: unitA.id, roles: ['unit_staff'] }),
    communityB: await makeUser(db, tenantId, { unitId: unitB.id, roles: ['unit_staff'] }),
    grid: await makeUser(db, tenantId, { unitId: unitA.id, roles: ['grid_worker'] }),
    volunteer: await makeUser(db, tenantId, { unitId: unitA.id, roles: ['volunteer'] }),
  };
  return { tenantId, regions: { county, street, commA, commB }, units: { office, streetOffice, unitA, unitB, schoolA, schoolB }, users };
}

/** A multipart body with one file part (field "file" unless named). */
export function multipartFile(name: string, type: string, data: Buffer, field = 'file') {
  const boundary = '----cc' + randomBytes(8).toString('hex');
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A valid 1×1 PNG. */
export const PNG_1x1 = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
