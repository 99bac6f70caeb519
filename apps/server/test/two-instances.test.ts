import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre } from '@cc/domain';
import { buildApp } from '../src/app.js';
import { sealAuditChain, verifyAuditChain } from '../src/platform/audit.js';
import { ManualClock } from '../src/platform/clock.js';
import { createDb, type DB } from '../src/platform/database.js';
import type { SchedulerResult } from '../src/modules/cases/scheduler.js';
import { loadDemoCity } from '../src/modules/demo/load-demo-city.js';
import { createTestDb, login, multipartFile, PNG_1x1, testConfig, type Session } from './harness.js';

/**
 * Two app instances on one PostgreSQL, as behind a load balancer (docs/adr/0008-scaling-out.md):
 * each with its own pool, clock and background jobs, sharing the database and the file store.
 * Writes raced through both lose nothing (the version guard lets exactly one win), a session made
 * on one is valid on the other, and the background jobs of both, run at the same moments, do each
 * piece of scheduled work once: one overdue mark, one 督办 per step, one inbox message per person
 * and one webhook call per delivery.
 */
interface Instance {
  app: FastifyInstance;
  db: DB;
  clock: ManualClock;
}
let A: Instance;
let B: Instance;
let tenantId: number;
let drop: () => Promise<void>;
const T0 = new Date('2026-03-12T09:00:00+08:00');

// A webhook receiver that answers slowly (widening any window for a double send) and counts by delivery id.
const received = new Map<string, number>();
let server: http.Server;
let receiverUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-cc-delivery-id'] ?? 'none');
      received.set(id, (received.get(id) ?? 0) + 1);
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 15);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  const t = await createTestDb();
  drop = t.drop;
  const config = testConfig({ dataDir: path.join(os.tmpdir(), `cc-two-${process.pid}`) });
  const instance = async (db: DB): Promise<Instance> => {
    const clock = new ManualClock(T0);
    const app = await buildApp({ db, config, clock });
    await app.ready();
    return { app, db, clock };
  };
  A = await instance(t.db);
  B = await instance(createDb(t.url, 5));
  tenantId = await loadDemoCity(A.db);
}, 60_000);

afterAll(async () => {
  await A?.app.close();
  await B?.app.close();
  await B?.db.destroy();
  await drop?.();
  await new Promise((r) => server.close(r));
});

/** A session made on one instance, used on another (sessions live in PostgreSQL). */
function on(app: FastifyInstance, s: Session) {
  return (opts: InjectOptions) => app.inject({ ...opts, cookies: { cc_session: s.cookie }, headers: { 'x-csrf-token': s.csrf, ...(opts.headers ?? {}) } });
}

const setClocks = (d: Date) => {
  A.clock.set(d);
  B.clock.set(d);
};

describe('two app instances on one database', () => {
  it('counts the login limit once for both instances: the counters live in PostgreSQL', async () => {
    const config = testConfig({ loginRateLimit: 3, dataDir: path.join(os.tmpdir(), `cc-two-${process.pid}`) });
    const C = await buildApp({ db: A.db, config, clock: new ManualClock(T0) });
    const D = await buildApp({ db: B.db, config, clock: new ManualClock(T0) });
    try {
      const attempt = (app: FastifyInstance, i: number, ip = '203.0.113.77') =>
        app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { username: `nobody-rl-${i}`, password: 'x' } });
      const codes: number[] = [];
      for (const [i, app] of [C, D, C, D].entries()) codes.push((await attempt(app, i)).statusCode);
      // Per process, each instance would have seen two attempts and let all four through.
      expect(codes).toEqual([401, 401, 401, 429]);
      expect((await attempt(C, 9)).statusCode).toBe(429);
      expect((await attempt(D, 10, '203.0.113.78')).statusCode).toBe(401);
    } finally {
      await C.close();
      await D.close();
    }
  });

  it('accepts a session made on the other instance', async () => {
    const s = await login(A.app, 'office', 'Demo@2026');
    const me = await on(B.app, s)({ method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode, me.body).toBe(200);
  });

  it('loses no update when both change the same unit at once: exactly one wins each round', async () => {
    const s = await login(A.app, 'admin', 'Demo@2026');
    const unit = await A.db.selectFrom('unit').select(['id', 'version']).where('tenant_id', '=', tenantId).where('kind', '=', 'community').orderBy('id').executeTakeFirstOrThrow();
    const rounds = 12;
    let wins = 0;
    for (let i = 0; i < rounds; i++) {
      const v = (await on(B.app, s)({ method: 'GET', url: `/api/v1/units/${unit.id}` })).json().version as number;
      const [ra, rb] = await Promise.all([
        on(A.app, s)({ method: 'PATCH', url: `/api/v1/units/${unit.id}`, payload: { name: `东关社区居委会A${i}`, version: v } }),
        on(B.app, s)({ method: 'PATCH', url: `/api/v1/units/${unit.id}`, payload: { name: `东关社区居委会B${i}`, version: v } }),
      ]);
      expect([ra.statusCode, rb.statusCode].sort(), `${ra.body} ${rb.body}`).toEqual([200, 409]);
      const winner = ra.statusCode === 200 ? ra : rb;
      const now = (await on(A.app, s)({ method: 'GET', url: `/api/v1/units/${unit.id}` })).json();
      expect(now).toMatchObject({ name: winner.json().name, version: v + 1 });
      wins++;
    }
    const after = await A.db.selectFrom('unit').select('version').where('tenant_id', '=', tenantId).where('id', '=', unit.id).executeTakeFirstOrThrow();
    expect(after.version).toBe(unit.version + wins);
    const audited = await A.db.selectFrom('audit_log').select('id').where('tenant_id', '=', tenantId).where('action', '=', 'unit.updated').where('entity_id', '=', String(unit.id)).execute();
    expect(audited).toHaveLength(rounds);
  });

  it('runs the background jobs of both at once without doing any scheduled work twice', async () => {
    const office = await login(A.app, 'office', 'Demo@2026');
    const inspector = await login(B.app, 'inspector', 'Demo@2026');
    const community = await login(A.app, 'community', 'Demo@2026');
    const hook = await on(A.app, office)({ method: 'POST', url: '/api/v1/webhooks', payload: { name: '双实例', kind: 'generic', url: receiverUrl, topics: ['*'] } });
    expect(hook.statusCode, hook.body).toBe(201);

    // Cases reported through both instances; the unit races itself to accept half of them.
    const communities = (await on(A.app, office)({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features;
    const [lng, lat] = bboxCentre(communities.find((f: { properties: { name: string } }) => f.properties.name === '东关社区').geometry);
    const N = 10;
    const caseIds: number[] = [];
    for (let i = 0; i < N; i++) {
      const via = i % 2 ? B.app : A.app;
      const up = await on(via, inspector)({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', Buffer.concat([PNG_1x1, Buffer.from(`two-${i}`)])) });
      expect(up.statusCode, up.body).toBe(201);
      const r = await on(via, inspector)({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode: '0107', description: `双实例问题${i}`, lat, lng, photos: [{ fileId: up.json().id }] } });
      expect(r.statusCode, r.body).toBe(201);
      caseIds.push(r.json().id);
      if (i % 2 === 0) {
        const body = { event: 'accept', version: r.json().version };
        const res = await Promise.all([A.app, B.app].map((app) => on(app, community)({ method: 'POST', url: `/api/v1/cases/${r.json().id}/transitions`, payload: body })));
        expect(res.map((x) => x.statusCode).sort(), res.map((x) => x.body).join(' ')).toEqual([200, 409]);
      }
    }

    /** Every job of both instances, started together, as their timers would; `times` passes. */
    const totals: SchedulerResult = { overdue: 0, escalated: 0, sampled: 0 };
    const byInstance = [0, 0];
    const runBoth = async (times: number) => {
      for (let k = 0; k < times; k++) {
        const results = await Promise.all([A, B].flatMap((x, i) => [
          ...x.app.backgroundJobs.map((j) => j.run().then((r) => ({ i, name: j.name, r }))),
          sealAuditChain(x.db).then((r) => ({ i, name: 'audit sealer', r })),
        ]));
        for (const { i, name, r } of results) {
          if (name !== 'case scheduler') continue;
          const s = r as SchedulerResult;
          totals.overdue += s.overdue;
          totals.escalated += s.escalated;
          totals.sampled += s.sampled;
          byInstance[i]! += s.overdue + s.escalated;
        }
      }
    };
    await runBoth(2); // the register/assign/accept messages
    // Two weeks on: every deadline (3 working days) has passed, and all three 督办 steps (0, 48, 120 h) are due.
    setClocks(new Date(T0.getTime() + 14 * 86_400_000));
    await runBoth(5);

    console.log(`scheduled work done by instance A: ${byInstance[0]}, by B: ${byInstance[1]}`);
    expect(totals.overdue).toBe(N);
    expect(totals.escalated).toBe(3 * N);
    const events = await A.db.selectFrom('case_event').select(['case_id', 'event', 'data']).where('tenant_id', '=', tenantId).where('case_id', 'in', caseIds).execute();
    for (const id of caseIds) {
      const mine = events.filter((e) => e.case_id === id);
      expect(mine.filter((e) => e.event === 'overdue'), `overdue marks of case ${id}`).toHaveLength(1);
      const levels = mine.filter((e) => e.event === 'escalate').map((e) => (e.data as { level: number }).level).sort();
      expect(levels, `督办 of case ${id}`).toEqual([1, 2, 3]);
      expect(mine.filter((e) => e.event === 'accept').length).toBeLessThanOrEqual(1);
    }
    const cases = await A.db.selectFrom('case_record').select(['id', 'escalation_count']).where('tenant_id', '=', tenantId).where('id', 'in', caseIds).execute();
    expect(cases.every((c) => c.escalation_count === 3)).toBe(true);
    const letters = await A.db.selectFrom('case_document').select('number_text').where('tenant_id', '=', tenantId).where('case_id', 'in', caseIds).where('kind', '=', 'urging_letter').execute();
    expect(letters).toHaveLength(3 * N);
    expect(new Set(letters.map((l) => l.number_text)).size).toBe(3 * N);

    // One outbox message per event, each dispatched once: one inbox row per person, one delivery per endpoint.
    const outbox = await A.db.selectFrom('outbox').select(['id', 'topic', 'case_id', 'dispatched_at']).where('tenant_id', '=', tenantId).where('case_id', 'in', caseIds).execute();
    for (const id of caseIds) {
      expect(outbox.filter((o) => o.case_id === id && o.topic === 'case.overdue')).toHaveLength(1);
      expect(outbox.filter((o) => o.case_id === id && o.topic === 'case.escalate')).toHaveLength(3);
    }
    expect(outbox.every((o) => o.dispatched_at !== null)).toBe(true);
    const deliveries = await A.db.selectFrom('notification_delivery').select(['id', 'outbox_id', 'state', 'attempts']).where('tenant_id', '=', tenantId).execute();
    const mineDeliveries = deliveries.filter((d) => outbox.some((o) => o.id === d.outbox_id));
    // 督办 and assignments are announced (overdue marks, registration and acceptance only change the ledger).
    const announced = outbox.filter((o) => o.topic === 'case.assign' || o.topic === 'case.escalate').map((o) => o.id).sort((x, y) => x - y);
    expect(announced).toHaveLength(4 * N);
    expect(mineDeliveries.map((d) => d.outbox_id).sort((x, y) => x - y)).toEqual(announced);
    expect(deliveries.every((d) => d.state === 'sent' && d.attempts === 1)).toBe(true);
    // The receiver saw every delivery exactly once.
    expect([...received.keys()].sort()).toEqual(deliveries.map((d) => String(d.id)).sort());
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    const inbox = await A.db.selectFrom('notification').select(['outbox_id', 'user_id']).where('tenant_id', '=', tenantId).execute();
    expect(new Set(inbox.map((n) => `${n.outbox_id}:${n.user_id}`)).size).toBe(inbox.length);
    for (const id of announced) expect(inbox.some((n) => n.outbox_id === id), `inbox message for outbox ${id}`).toBe(true);

    // Both sealers built one chain without gaps.
    const v = await verifyAuditChain(A.db, tenantId);
    expect(v).toMatchObject({ ok: true, pending: 0 });
  }, 60_000);

  it('draws the 回头看 sample once, whichever instance finds the closed cases first', async () => {
    const office = await login(A.app, 'office', 'Demo@2026');
    const inspector = await login(B.app, 'inspector', 'Demo@2026');
    const community = await login(A.app, 'community', 'Demo@2026');
    const put = await on(B.app, office)({ method: 'GET', url: '/api/v1/case-settings' });
    const settings = { ...put.json(), recheckSamplePercent: 100 };
    expect((await on(B.app, office)({ method: 'PUT', url: '/api/v1/case-settings', payload: settings })).statusCode).toBe(200);
    const open = await A.db.selectFrom('case_record').select(['id', 'version', 'state']).where('tenant_id', '=', tenantId).where('state', '=', 'rectifying').execute();
    expect(open.length).toBeGreaterThan(0);
    for (const c of open) {
      const up = await on(A.app, community)({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', Buffer.concat([PNG_1x1, Buffer.from(`after-${c.id}`)])) });
      const sub = await on(A.app, community)({ method: 'POST', url: `/api/v1/cases/${c.id}/transitions`, payload: { event: 'submit', version: c.version, photos: [{ fileId: up.json().id }] } });
      expect(sub.statusCode, sub.body).toBe(200);
      const pass = await on(B.app, inspector)({ method: 'POST', url: `/api/v1/cases/${c.id}/transitions`, payload: { event: 'verify_pass', version: sub.json().version } });
      expect(pass.statusCode, pass.body).toBe(200);
    }
    setClocks(new Date(A.clock.now().getTime() + (settings.recheckAfterDays + 1) * 86_400_000));
    const sched = (x: Instance) => x.app.backgroundJobs.find((j) => j.name === 'case scheduler')!;
    const runs = await Promise.all([sched(A).run(), sched(B).run(), sched(A).run(), sched(B).run()]) as SchedulerResult[];
    const rechecks = await A.db.selectFrom('case_recheck').select(['case_id', 'closed_at']).where('tenant_id', '=', tenantId).where('case_id', 'in', open.map((c) => c.id)).execute();
    expect(rechecks).toHaveLength(open.length);
    expect(runs.reduce((n, r) => n + r.sampled, 0)).toBe(open.length);
  }, 60_000);
});
