/**
 * Case intake throughput through the real API — POST /api/v1/cases as logged-in inspectors
 * (session, CSRF, validation, routing by place and category, deadline in working time, number,
 * register + assign with the 交办单 number, audit row, outbox rows) — against the machine's own
 * ceiling: a bare Fastify route on the same database and pool doing one INSERT into case_record.
 * Closed-loop clients (10, 50, 100) in a worker thread; req/s and latency percentiles.
 *
 *   npm run bench:intake                       # embedded PostgreSQL, city scale
 *   DATABASE_URL=postgres://… npm run bench:intake
 *   BENCH_SCALE=county BENCH_SECONDS=5 npm run bench:intake
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { CATEGORY_SEEDS } from '@cc/domain';
import { cityCounts, header, isMain, login, standalone, startApp, writeResult, type BenchCity } from './lib/context.js';
import { cpuDuring, type CpuSample } from './lib/cpu.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { ms, rng, summarize } from './lib/stats.js';

const LEVELS = (process.env.BENCH_CLIENTS ?? '10,50,100').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);

export async function runIntake(b: BenchCity): Promise<string> {
  const { db, city } = b;
  const server = await startApp(db);
  const maxClients = Math.max(...LEVELS);
  const users = city.inspectorUsernames.slice(0, maxClients);
  if (users.length < maxClients) throw new Error(`only ${users.length} inspectors for ${maxClients} clients`);
  console.log(`Logging in ${users.length} inspectors …`);
  const sessions: { cookie: string; csrf: string }[] = [];
  for (const u of users) sessions.push(await login(server.base, u, city.password));

  const rand = rng(11);
  const { minLng, minLat, maxLng, maxLat } = city.bounds;
  const codes = CATEGORY_SEEDS.map((c) => c.code);
  const bodies = Array.from({ length: 2000 }, (_, i) => JSON.stringify({
    source: 'inspector', categoryCode: codes[i % codes.length], description: `基准测试问题 ${i}：路口暴露垃圾，需尽快清运`,
    lat: minLat + 0.02 * (maxLat - minLat) + rand() * 0.96 * (maxLat - minLat), lng: minLng + 0.02 * (maxLng - minLng) + rand() * 0.96 * (maxLng - minLng),
    address: `测试路${i}号`,
  }));

  // The ceiling: a bare route, same database and pool, one INSERT of a case row (same table and indexes).
  const category = await db.selectFrom('case_category').select(['id']).where('tenant_id', '=', city.tenantId).orderBy('id').executeTakeFirstOrThrow();
  const bare = Fastify();
  let n = 0;
  bare.post('/insert', async (req, reply) => {
    const c = req.body as { description: string; lat: number; lng: number; address: string };
    const r = await sql<{ id: number }>`insert into case_record (tenant_id, number, source, category_id, description, address, lat, lng, state, deadline_amount, deadline_class)
      values (${city.tenantId}, ${`B${process.pid}-${++n}`}, 'inspector', ${category.id}, ${c.description}, ${c.address}, ${c.lat}, ${c.lng}, 'reported', 4, 'working_hours') returning id`.execute(db);
    return reply.status(201).send({ id: r.rows[0]!.id });
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareBase = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;

  const results: { clients: number; app: LoadResult; floor: LoadResult; lockWaiters: number; appCpu: CpuSample | null; floorCpu: CpuSample | null }[] = [];
  const window = [WARMUP * 1000, (WARMUP + SECONDS) * 1000] as const;
  try {
    for (const clients of LEVELS) {
      console.log(`${clients} clients: app …`);
      // Meanwhile: how many of the database's sessions wait on a lock (evidence for serialisation).
      const waits: number[] = [];
      const sampler = setInterval(() => {
        void sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db)
          .then((r) => { waits.push(r.rows[0]!.n); }, () => undefined);
      }, 200);
      const { result: app, cpu: appCpu } = await cpuDuring(runLoad(sessions.slice(0, clients).map((s, i) => ({
        url: `${server.base}/api/v1/cases`, headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
        bodies: bodies.slice((i * 20) % bodies.length, ((i * 20) % bodies.length) + 20),
      })), { seconds: SECONDS, warmupSeconds: WARMUP, expectStatus: 201 }), ...window);
      clearInterval(sampler);
      const lockWaiters = waits.length ? waits.reduce((a, x) => a + x, 0) / waits.length : 0;
      console.log(`  ${(app.ok / SECONDS).toFixed(0)} req/s, ${app.failed} failed${app.firstError ? ` (${app.firstError})` : ''}; ${lockWaiters.toFixed(1)} sessions waiting on locks on average`);
      console.log(`${clients} clients: bare INSERT …`);
      const { result: floor, cpu: floorCpu } = await cpuDuring(runLoad(Array.from({ length: clients }, (_, i) => ({
        url: `${bareBase}/insert`, headers: { 'content-type': 'application/json' }, bodies: bodies.slice((i * 20) % bodies.length, ((i * 20) % bodies.length) + 20),
      })), { seconds: SECONDS, warmupSeconds: WARMUP, expectStatus: 201 }), ...window);
      console.log(`  ${(floor.ok / SECONDS).toFixed(0)} req/s, ${floor.failed} failed${floor.firstError ? ` (${floor.firstError})` : ''}`);
      results.push({ clients, app, floor, lockWaiters, appCpu, floorCpu });
    }
  } finally {
    await bare.close();
    await server.close();
  }
  const check = await db.selectFrom('case_record').select((eb) => [eb.fn.countAll<number>().as('n')]).where('tenant_id', '=', city.tenantId).where('number', 'not like', 'B%')
    .where('created_at', '>', new Date(Date.now() - 3_600_000)).executeTakeFirstOrThrow();

  const row = (label: string, r: LoadResult) => {
    const s = summarize(r.latencies);
    return `| ${r.clients} | ${label} | ${(r.ok / r.seconds).toFixed(0)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | ${r.failed} |`;
  };
  // CPU per answered request over the measured window: where the machine's time went.
  const perRequest = (v: number | null, r: LoadResult) => (v === null ? 'n/a' : `${(v / Math.max(1, r.ok)).toFixed(2)} ms`);
  // The server's share: the machine's busy time less the load clients' own thread.
  const serverMs = (r: LoadResult, c: CpuSample | null) => (c?.machine == null || r.clientCpuMs === null ? null : c.machine - r.clientCpuMs);
  const cpuRow = (label: string, r: LoadResult, c: CpuSample | null) =>
    `| ${r.clients} | ${label} | ${r.clientCpuMs === null ? 'n/a' : perRequest(r.clientCpuMs, r)} | ${c && r.clientCpuMs !== null ? perRequest(c.node - r.clientCpuMs, r) : 'n/a'} | ${c ? perRequest(c.postgres, r) : 'n/a'} | ${c ? perRequest(c.machine, r) : 'n/a'} | ${perRequest(serverMs(r, c), r)} | ${c?.machine != null ? `${(c.machine / (SECONDS * 1000)).toFixed(2)}` : 'n/a'} |`;
  // Requests per second of server CPU: what each would answer if the clients ran on other machines.
  const capacity = (r: LoadResult, c: CpuSample | null) => { const v = serverMs(r, c); return v === null || v <= 0 ? null : r.ok / v; };
  const capacityRatio = (r: (typeof results)[number]) => {
    const a = capacity(r.app, r.appCpu);
    const f = capacity(r.floor, r.floorCpu);
    return a === null || f === null ? '' : ` per second of server CPU (machine less clients) ${((a / f) * 100).toFixed(1)} %;`;
  };
  const at100 = results.find((r) => r.clients === 100) ?? results[results.length - 1]!;
  const ratio100 = at100.app.ok / Math.max(1, at100.floor.ok);
  const p99at100 = summarize(at100.app.latencies).p99;
  const lines = [
    ...header('Case intake', { engine: b.engine, scale: b.scale, genSeconds: b.genSeconds, counts: cityCounts(b) }, 'npm run bench:intake'),
    `Closed-loop clients in a worker thread (raw HTTP/1.1, one kept-alive connection each, requests built before the run), each sending its next request when the previous one answered; ${WARMUP} s warm-up, then ${SECONDS} s measured per row. Database pool: 20 connections, shared by the app and the bare route.`,
    '',
    '- **app**: `POST /api/v1/cases` as one of 100 logged-in inspectors (session + CSRF check, TypeBox validation, routing by place and category, register and assign at once — the default for inspector reports — with the deadline in working time; the routing answer and the intake’s context (category, settings, calendar) in one statement; the day’s case number from `doc_sequence` in a statement shared with the intakes asking at the same time; then one statement writing the case, its three event rows, the audit row, two outbox rows and the 交办单 row and returning the case as the answer shows it; after commit the 交办单 gets its gapless number in a batch shared with the other intakes committed meanwhile; the answer is the full case view, built from what the write returned; session checks arriving together share one query).',
    '- **floor**: a bare Fastify route, same process, database and pool, doing one `INSERT INTO case_record … RETURNING id` of the same body.',
    '',
    '| clients | request | req/s | p50 | p99 | max | failed |',
    '|---|---|---|---|---|---|---|',
    ...results.flatMap((r) => [row('app: POST /api/v1/cases', r.app), row('floor: bare INSERT', r.floor)]),
    '',
    'CPU time per answered request in the measured window (Linux /proc): the load clients’ thread; the rest of the Node process (the app or the bare route, its garbage collector); every postgres process on this machine (n/a for a server elsewhere); the whole machine; the machine less the clients (the server’s cost); and how many of the machine’s cores were busy:',
    '',
    '| clients | request | load clients | Node less clients | PostgreSQL | whole machine | server (machine − clients) | cores busy |',
    '|---|---|---|---|---|---|---|---|',
    ...results.flatMap((r) => [cpuRow('app', r.app, r.appCpu), cpuRow('floor', r.floor, r.floorCpu)]),
    '',
    ...results.map((r) => `- ${r.clients} clients: app / floor throughput ${((r.app.ok / Math.max(1, r.floor.ok)) * 100).toFixed(1)} %;${capacityRatio(r)} p99 ${(summarize(r.app.latencies).p99 / summarize(r.floor.latencies).p99).toFixed(1)}× the floor's; during the app's run on average ${r.lockWaiters.toFixed(1)} database sessions were waiting on a lock (pg_stat_activity, sampled every 200 ms).`),
    '',
    `Target (issue 6): at 100 clients ≥ 50 % of the bare-INSERT ceiling → ${ratio100 >= 0.5 ? 'met' : 'NOT met'} (${(ratio100 * 100).toFixed(1)} %); p99 < 50 ms → ${p99at100 < 50 ? 'met' : 'NOT met'} (${ms(p99at100)}).`,
    `Cases created through the API in this run: ${Number(check.n).toLocaleString('en')}.`,
    ...(results.some((r) => r.app.firstError) ? ['', `First error seen: ${results.find((r) => r.app.firstError)!.app.firstError}`] : []),
  ];
  await writeResult('intake', b.engineKey, b.scale, lines);
  return lines.join('\n');
}

if (isMain(import.meta.url)) await standalone(async (b) => { await runIntake(b); });
