/**
 * The case ledger (问题台账: filter + page over all cases) and the open-case map, through the real
 * API with a logged-in session, sequential requests from one client (latency); against bare
 * routes on the same database: one indexed page of 20 cases, and all open cases' points.
 *
 *   npm run bench:ledger                       # embedded PostgreSQL, city scale (1 M cases)
 *   DATABASE_URL=postgres://… npm run bench:ledger
 *   BENCH_SCALE=county BENCH_REQUESTS=50 npm run bench:ledger
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { sql } from 'kysely';
// The state lists as the map's own query writes them (the partial index case_record_open_map_ix has the open list).
import { OPEN_STATES_ARRAY_SQL, OPEN_STATES_SQL, TIMED_STATES_SQL } from '../apps/server/src/modules/cases/state-sql.js';
import { cityCounts, header, isMain, login, standalone, startApp, writeResult, type BenchCity } from './lib/context.js';
import { ms, timeGets, WARMUP } from './lib/stats.js';

const N = Number(process.env.BENCH_REQUESTS ?? 30);
export async function runLedger(b: BenchCity): Promise<string> {
  const { db, city } = b;
  const server = await startApp(db);
  const office = await login(server.base, city.username, city.password);
  const m = city.model;
  const staffUser = await db.selectFrom('app_user').select('username').where('tenant_id', '=', city.tenantId).where('id', '=', m.communities[0]!.userId).executeTakeFirstOrThrow();
  const community = await login(server.base, staffUser.username, city.password);
  const month = await sql<{ d: string }>`select to_char(max(created_at) - interval '60 days', 'YYYY-MM-DD') as d from case_record where tenant_id = ${city.tenantId}`.execute(db);
  const from = month.rows[0]!.d;
  const to = new Date(Date.parse(from) + 30 * 86_400_000).toISOString().slice(0, 10);
  const category = await db.selectFrom('case_category').select('id').where('tenant_id', '=', city.tenantId).where('code', '=', '0101').executeTakeFirstOrThrow();

  const api = (q: string) => `${server.base}/api/v1/cases?${q}`;
  const ledgerQueries: [string, string, { cookie: string }][] = [
    ['first page, newest first (the ledger as it opens)', api('page=1&pageSize=20'), office],
    ['open cases', api('stateCategory=open&pageSize=20'), office],
    ['overdue cases', api('overdue=true&pageSize=20'), office],
    ['one street, open, by deadline', api(`regionId=${m.streets[0]!.id}&stateCategory=open&sort=deadline_asc&pageSize=20`), office],
    ['one responsible unit (a community)', api(`unitId=${m.communities[1]!.unitId}&pageSize=20`), office],
    [`closed in a month (${from} … ${to})`, api(`state=closed&from=${from}&to=${to}&pageSize=20`), office],
    ['category 暴露垃圾, relapsed', api(`categoryId=${category.id}&relapsed=true&pageSize=20`), office],
    ['text search “暴露垃圾”', api(`q=${encodeURIComponent('暴露垃圾')}&pageSize=20`), office],
    ['page 500 (offset 9,980)', api('page=500&pageSize=20'), office],
    ['a community’s staff (scoped), first page', api('page=1&pageSize=20'), community],
  ];

  // The floors: bare routes on the same database and pool.
  const bare = Fastify();
  bare.get('/page', async () => (await sql`select * from case_record where tenant_id = ${city.tenantId} order by created_at desc, id desc limit 20`.execute(db)).rows);
  // The map's columnar answer without a session, scope, category dictionary, filters or limit:
  // one statement builds the JSON text, sent as it is.
  bare.get('/points', async (_request, reply) => {
    const { rows } = await sql<{ body: string }>`
      select json_build_object(
               'count', count(*)::int,
               'id', coalesce(array_agg(id), '{}'),
               'latE6', coalesce(array_agg(round(lat * 1e6)::int), '{}'),
               'lngE6', coalesce(array_agg(round(lng * 1e6)::int), '{}'),
               'state', coalesce(array_agg(array_position(${OPEN_STATES_ARRAY_SQL}, state) - 1), '{}'),
               'category', coalesce(array_agg(category_id), '{}'),
               'overdue', coalesce(array_agg(((state in (${TIMED_STATES_SQL}) and deadline_at < now()) is true)::int), '{}'))::text as body
        from case_record
       where tenant_id = ${city.tenantId} and state in (${OPEN_STATES_SQL})`.execute(db);
    return reply.type('application/json; charset=utf-8').send(rows[0]!.body);
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareBase = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;

  const ledger: { label: string; r: Awaited<ReturnType<typeof timeGets>> }[] = [];
  const map: { label: string; r: Awaited<ReturnType<typeof timeGets>> }[] = [];
  let floorPage: Awaited<ReturnType<typeof timeGets>>;
  let floorPoints: Awaited<ReturnType<typeof timeGets>>;
  try {
    for (const [label, url, who] of ledgerQueries) {
      console.log(`ledger: ${label} …`);
      ledger.push({ label, r: await timeGets(url, { cookie: who.cookie }, N) });
    }
    floorPage = await timeGets(`${bareBase}/page`, {}, N);
    const mapN = Math.max(10, Math.round(N / 5));
    console.log('map …');
    map.push({ label: 'GET /api/v1/cases?stateCategory=open&pageSize=500 (the most points one request can carry)', r: await timeGets(api('stateCategory=open&pageSize=500'), { cookie: office.cookie }, mapN) });
    map.push({ label: 'GET /api/v1/case-hotspots (relapse hot spots, all cases grouped by 100 m cell)', r: await timeGets(`${server.base}/api/v1/case-hotspots`, { cookie: office.cookie }, mapN) });
    const today = new Date().toISOString().slice(0, 10);
    map.push({ label: `GET /api/v1/case-hotspots?from=${today.slice(0, 4)}-01-01&to=${today} (as the 统计分析 page asks by default: this year so far)`, r: await timeGets(`${server.base}/api/v1/case-hotspots?from=${today.slice(0, 4)}-01-01&to=${today}`, { cookie: office.cookie }, mapN) });
    map.push({ label: 'GET /api/v1/case-map (every open case as a point, columnar: id, micro-degree lat/lng, state, category, overdue)', r: await timeGets(`${server.base}/api/v1/case-map`, { cookie: office.cookie }, mapN) });
    map.push({ label: 'GET /api/v1/case-map as a community’s staff (scoped)', r: await timeGets(`${server.base}/api/v1/case-map`, { cookie: community.cookie }, mapN) });
    floorPoints = await timeGets(`${bareBase}/points`, {}, mapN);
  } finally {
    await bare.close();
    await server.close();
  }
  // The map row (every open case): its point count is the number of open cases (the list's count stops at its cap).
  const caseMap = map.find((x) => x.label.startsWith('GET /api/v1/case-map ('))!;
  const openTotal = caseMap.r.total ?? 0;
  const pages = Math.ceil(openTotal / 500);
  const allLedgerP95 = Math.max(...ledger.map((x) => x.r.s.p95));
  const row = (label: string, r: Awaited<ReturnType<typeof timeGets>>) => `| ${label} | ${r.total?.toLocaleString('en') ?? ''} | ${(r.bytes / 1024).toFixed(0)} KB | ${r.s.n} | ${ms(r.s.p50)} | ${ms(r.s.p95)} | ${ms(r.s.max)} |`;
  const lines = [
    ...header('Case ledger and open-case map', { engine: b.engine, scale: b.scale, genSeconds: b.genSeconds, counts: cityCounts(b) }, 'npm run bench:ledger'),
    `Sequential requests over HTTP on loopback from one client, ${N} per ledger query (${Math.max(10, Math.round(N / 5))} per map request) after ${WARMUP} warm-up requests; as the office account (whole city) unless noted. Every ledger page also counts its matches, up to 10,000 (the page shows the count, or “10,000+”: a count of 10,000 below means at least that many).`,
    '',
    '## Ledger: `GET /api/v1/cases` (filter + page of 20)',
    '',
    '| query | matching cases | response | n | p50 | p95 | max |',
    '|---|---|---|---|---|---|---|',
    ...ledger.map((x) => row(x.label, x.r)),
    row('floor: bare route, `select * … order by created_at desc, id desc limit 20` (index scan, no count, no joins)', floorPage!),
    '',
    `Ratio first page / floor: p50 ${(ledger[0]!.r.s.p50 / floorPage!.s.p50).toFixed(1)}×, p95 ${(ledger[0]!.r.s.p95 / floorPage!.s.p95).toFixed(1)}×.`,
    `Target (issue 6): ledger p95 < 100 ms → ${allLedgerP95 < 100 ? 'met' : 'NOT met'} (worst query p95 ${ms(allLedgerP95)}; ${ledger.filter((x) => x.r.s.p95 >= 100).map((x) => x.label).join('; ') || 'none over'}).`,
    '',
    '## Open-case map',
    '',
    `\`GET /api/v1/case-map\` returns every open case in the caller's scope as a point in one request, columnar (one array per field: id, latitude and longitude as integer micro-degrees, state and category as indexes into dictionaries, overdue as 0/1; one query, JSON text built by PostgreSQL and sent as it is, partial index on the open states; at most 200,000 points, \`truncated\` beyond). For comparison, the ledger list (at most 500 per request, each with the full case view and a count) needs ${pages} requests for all ${openTotal.toLocaleString('en')} open cases, and the map page's relapse hot spots. The floor is what one purpose-made request costs: a bare route (no session, scope, category dictionary or filters) running one statement that builds the same columnar JSON text for every open case (id, micro-degree lat/lng, state index, category id, overdue), sent as it is.`,
    '',
    '| request | points / total | response | n | p50 | p95 | max |',
    '|---|---|---|---|---|---|---|',
    ...map.map((x) => row(x.label, x.r)),
    row('floor: bare route, one statement, all open cases as the same columnar JSON text (id, latE6, lngE6, state, category id, overdue)', floorPoints!),
    '',
    `Estimated time to load every open case through the list: ${pages} × p50 ≈ ${((pages * map[0]!.r.s.p50) / 1000).toFixed(1)} s (sequential), against ${ms(floorPoints!.s.p50)} for the floor's one request.`,
    `Target (issue 6): map < 300 ms → ${caseMap.r.s.p95 < 300 ? 'met' : 'NOT met'} (\`/case-map\` p95 ${ms(caseMap.r.s.p95)} for ${(caseMap.r.total ?? 0).toLocaleString('en')} points, ${(caseMap.r.s.p95 / floorPoints!.s.p95).toFixed(2)}× the floor's p95 of ${ms(floorPoints!.s.p95)}).`,
  ];
  await writeResult('ledger', b.engineKey, b.scale, lines);
  return lines.join('\n');
}

if (isMain(import.meta.url)) await standalone(async (b) => { await runLedger(b); });
