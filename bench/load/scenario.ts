import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { AppProcess, alive, healthy, sleep } from './app-process.js';
import { LoadDriver, type DriverStats } from './driver.js';
import { Journal, readJournal } from './journal.js';
import { startReceiver } from './receiver.js';
import { prepareLoad, login } from './setup.js';
import { plantSchedulerCanary, verifyRun, waitForQuiet, type Verification } from './verify.js';
import { rng } from '../lib/stats.js';

/**
 * One load run against the app as a child process: start it (embedded PostgreSQL in a temporary
 * DATA_DIR, or a fresh database on the server in DATABASE_URL), create the load's users and plan,
 * drive inspectors and citizens for `seconds`, meanwhile `kill -9` the app `appKills` times (and
 * then the embedded postmaster `dbKills` times) at random moments and start it again, then stop
 * the load, let the background jobs catch up, verify (verify.ts) and stop the app with SIGTERM.
 * Used by bench/soak.ts (no kills), bench/crash.ts and apps/server/test/crash-soak.test.ts.
 */
export interface ScenarioOptions {
  seconds: number;
  inspectors: number;
  citizens: number;
  concurrency: number;
  thinkMs: [number, number];
  rampMs: number;
  appKills: number;
  /** kill -9 of the embedded postmaster, after the app kills; not possible on a PostgreSQL server (0 there). */
  dbKills: number;
  /** How long to wait for the outbox, deliveries, audit sealer and scheduler after the load. */
  graceMs: number;
  /** Plant an overdue case after the last restart and wait for the scheduler to mark it (its first pass comes 60 s after a start). */
  canary: boolean;
  requestTimeoutMs?: number;
  retryForMs?: number;
  seed?: number;
  keep?: boolean;
  log?: (m: string) => void;
}

export interface KillRecord {
  at: number;
  /** app: seconds from kill to healthy again; db: seconds until the app answered /api/health again */
  recoverySeconds: number;
  /** app kills: was the orphaned postmaster still running when the app died (embedded) */
  orphan?: boolean;
  /** db kills: how the app came back */
  how?: 'reconnected' | 'app restarted';
}

export interface ScenarioResult {
  engine: string;
  engineKey: 'embedded' | 'server';
  loadSeconds: number;
  options: ScenarioOptions;
  stats: DriverStats;
  rss: { t: number; rss: number; gen: number }[];
  appKills: KillRecord[];
  dbKills: KillRecord[];
  appStarts: number;
  startSeconds: number[];
  unexpectedExits: number;
  serverErrorLines: number;
  serverErrorSamples: string[];
  quiet: { outbox: number; deliveriesDue: number; unsealed: number; canaryPending: boolean; seconds: number };
  canaryCaseId: number | null;
  verification: Verification;
  audit: { ok: boolean; detail: string };
  shutdown: { code: number | null; postgresStopped: boolean };
  targets: number;
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const log = o.log ?? (() => undefined);
  const server = process.env.DATABASE_URL || null;
  const engineKey = server ? 'server' as const : 'embedded' as const;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-load-'));
  await fs.chmod(dataDir, 0o755);
  let dbName: string | null = null;
  let appDbUrl: string | null = null;
  if (server) {
    dbName = `cc_load_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(server);
    u.pathname = `/${dbName}`;
    appDbUrl = u.toString();
  }
  const receiver = await startReceiver();
  const app = new AppProcess({
    dataDir, databaseUrl: appDbUrl, log,
    // Citizens report from many addresses (X-Forwarded-For); 1,000 logins come from one address.
    env: { TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '100000', PG_POOL_SIZE: process.env.PG_POOL_SIZE ?? '10' },
  });
  const dbUrl = () => appDbUrl ?? app.embeddedUrl()!;
  const rand = rng(o.seed ?? 11);
  const stopSampling: (() => void)[] = [];
  try {
    log(`starting the app (${engineKey}, DATA_DIR ${dataDir}) …`);
    await app.start();
    const engine = await withDb(dbUrl(), async (c) => `${server ? 'PostgreSQL server' : 'embedded PostgreSQL'} ${(await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v}`)
      .catch(async () => `${engineKey} PostgreSQL`);
    log(`app up in ${app.startSeconds[0]!.toFixed(1)} s on ${engine}; creating ${o.inspectors} inspectors and the load plan …`);
    const setup = await prepareLoad({ base: app.base, dbUrl: dbUrl(), inspectors: o.inspectors, webhookUrl: receiver.url });
    log(`${setup.targets.length} targets; driving ${o.inspectors} inspectors and ${o.citizens} citizens for ${o.seconds} s (≤ ${o.concurrency} requests in flight)`);

    const journalFile = path.join(dataDir, 'journal.jsonl');
    const journal = new Journal(journalFile);
    const driver = new LoadDriver({
      base: () => app.base, setup, inspectors: o.inspectors, citizens: o.citizens, concurrency: o.concurrency, thinkMs: o.thinkMs, rampMs: o.rampMs, journal,
      retryForMs: o.retryForMs ?? 180_000, requestTimeoutMs: o.requestTimeoutMs ?? 30_000, seed: o.seed,
    });
    const runStartedAt = new Date();
    const rss: ScenarioResult['rss'] = [];
    const t0 = Date.now();
    const sampler = setInterval(() => {
      const r = app.rssBytes();
      if (r !== null) rss.push({ t: (Date.now() - t0) / 1000, rss: r, gen: app.starts });
    }, 1000);
    stopSampling.push(() => clearInterval(sampler));
    driver.start();

    // ---- kills ----
    const appKills: KillRecord[] = [];
    const dbKills: KillRecord[] = [];
    const dbKillCount = server ? 0 : o.dbKills;
    const endAt = t0 + o.seconds * 1000;
    const appPhaseEnd = dbKillCount ? t0 + o.seconds * 750 : endAt;
    const gap = (phaseEnd: number, left: number, typicalRecovery: number) =>
      Math.max(300, ((phaseEnd - Date.now()) / left - typicalRecovery) * (0.2 + 1.6 * rand()));
    for (let k = 0; k < o.appKills; k++) {
      const typical = appKills.length ? appKills.reduce((s, x) => s + x.recoverySeconds, 0) / appKills.length * 1000 : 4000;
      await sleep(gap(appPhaseEnd, o.appKills - k, typical));
      await app.settled();
      const pm = app.postmasterPid();
      const k0 = Date.now();
      await app.kill9();
      const orphan = pm !== null && alive(pm);
      await app.start();
      appKills.push({ at: (k0 - t0) / 1000, recoverySeconds: (Date.now() - k0) / 1000, ...(engineKey === 'embedded' ? { orphan } : {}) });
      log(`kill -9 app #${k + 1} at ${((k0 - t0) / 1000).toFixed(1)} s: back in ${((Date.now() - k0) / 1000).toFixed(1)} s`);
    }
    for (let k = 0; k < dbKillCount; k++) {
      await sleep(gap(endAt, dbKillCount - k, 5000));
      await app.settled();
      const pm = app.postmasterPid();
      if (!pm || !alive(pm)) throw new Error('no postmaster to kill');
      const startsBefore = app.starts;
      const k0 = Date.now();
      process.kill(pm, 'SIGKILL');
      // Back when /api/health (which queries the database) answers 200 again.
      await sleep(200);
      while (!(await healthy(app.base))) {
        if (Date.now() - k0 > 120_000) throw new Error(`the app did not recover within 120 s of the database being killed:\n${app.output()}`);
        await sleep(200);
      }
      await app.settled();
      const how = app.starts > startsBefore ? 'app restarted' as const : 'reconnected' as const;
      dbKills.push({ at: (k0 - t0) / 1000, recoverySeconds: (Date.now() - k0) / 1000, how });
      log(`kill -9 postgres #${k + 1} (pid ${pm}) at ${((k0 - t0) / 1000).toFixed(1)} s: ${how} in ${((Date.now() - k0) / 1000).toFixed(1)} s`);
    }
    const rest = endAt - Date.now();
    if (rest > 0) await sleep(rest);
    log('stopping the load (clients finish their current step) …');
    await driver.stop();
    const loadSeconds = (Date.now() - t0) / 1000;
    stopSampling.forEach((f) => f());
    await app.settled();

    // ---- catch up, verify ----
    const lastStart = new Date(app.lastStartedAt);
    const canaryCaseId = o.canary ? await plantSchedulerCanary(dbUrl(), runStartedAt) : null;
    const canary = canaryCaseId ? { caseId: canaryCaseId, after: lastStart } : null;
    log(`waiting for the background jobs (≤ ${o.graceMs / 1000} s)${canary ? `, and the scheduler to mark case ${canaryCaseId} overdue` : ''} …`);
    const quiet = await waitForQuiet(dbUrl(), canary, o.graceMs, log);
    const verification = await verifyRun({
      dbUrl: dbUrl(), journal: readJournal(journalFile), runStartedAt, dataDir, received: receiver.received, webhookEndpointId: setup.webhookEndpointId,
      kills: appKills.length + dbKills.length, canary,
    });
    if (o.canary && !canaryCaseId) verification.checks.push({ name: 'the case scheduler ran after the last restart (canary case marked overdue)', ok: false, detail: 'no open timed case to plant' });
    verification.ok = verification.checks.every((c) => c.ok);

    const admin = await login(app.base, 'admin', 'Demo@2026');
    const av = await fetch(`${app.base}/api/v1/audit/verify`, { headers: { cookie: admin.cookie } });
    const avBody = await av.text();
    const audit = { ok: av.status === 200 && /"ok":\s*true/.test(avBody), detail: `${av.status} ${avBody.slice(0, 300)}` };

    const code = await app.stop();
    const pm = app.postmasterPid();
    const shutdown = { code, postgresStopped: !(pm && alive(pm)) };
    return {
      engine, engineKey, loadSeconds, options: o, stats: driver.stats, rss, appKills, dbKills, appStarts: app.starts, startSeconds: app.startSeconds,
      unexpectedExits: app.exits.filter((e) => !e.expected).length, serverErrorLines: app.errorLineCount, serverErrorSamples: app.errorLines,
      quiet, canaryCaseId, verification, audit, shutdown, targets: setup.targets.length,
    };
  } finally {
    stopSampling.forEach((f) => f());
    await app.destroy();
    await receiver.close();
    if (dbName && server) {
      const admin = new pg.Client({ connectionString: server });
      await admin.connect();
      if (!o.keep) await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
    if (o.keep) log(`kept ${dataDir}${dbName ? ` and database ${dbName}` : ''}`);
    else await fs.rm(dataDir, { recursive: true, force: true });
  }
}

async function withDb<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}
