/**
 * Routing-query latency on a generated city (2,000 grids, 100,000 shops with frontage contracts,
 * ~1,000 road segments), through the real HTTP API with auth, against the machine's own floor:
 * a bare Fastify route on the same database doing one indexed lookup. Writes
 * bench/results/<date>-routing-<engine>.md.
 *
 *   npm run bench:routing                      # embedded PostgreSQL
 *   DATABASE_URL=postgres://… npm run bench:routing
 *   BENCH_SCALE=county npm run bench:routing   # a tenth of the size
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../apps/server/src/app.js';
import { loadConfig, repoRoot } from '../apps/server/src/platform/config.js';
import { benchDatabase } from './lib/db.js';
import { generateCity, SCALES } from './lib/generate-city.js';
import { machine, ms, rng, summarize, type LatencySummary } from './lib/stats.js';

const scaleName = (process.env.BENCH_SCALE ?? 'city') as keyof typeof SCALES;
const N = Number(process.env.BENCH_REQUESTS ?? 3000);
const WARMUP = 200;

async function timeSequential(n: number, call: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call(i);
    out.push(performance.now() - t0);
  }
  return out;
}

async function main() {
  const started = new Date();
  const { db, engine, close } = await benchDatabase();
  try {
    console.log(`Generating the ${scaleName} city on ${engine} …`);
    const t0 = performance.now();
    const city = await generateCity(db, SCALES[scaleName], 42, (m) => console.log(`  ${m}`));
    const genSeconds = (performance.now() - t0) / 1000;

    const app = await buildApp({ db, config: { ...loadConfig({}), webDist: null, loginRateLimit: 1_000_000 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: city.username, password: city.password }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    // The floor: a bare route, same process and pool, one indexed lookup of a shop by primary key.
    const bare = Fastify();
    bare.get('/lookup/:id', async (req) => {
      const id = Number((req.params as { id: string }).id);
      const r = await sql<{ id: number; name: string }>`select id, name from unit where tenant_id = ${city.tenantId} and id = ${id}`.execute(db);
      return r.rows[0] ?? null;
    });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const bareBase = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;
    const shopIds = (await db.selectFrom('unit').select('id').where('tenant_id', '=', city.tenantId).where('kind', '=', 'merchant').limit(5000).execute()).map((r) => r.id);

    const rand = rng(7);
    const { minLng, minLat, maxLng, maxLat } = city.bounds;
    const points = Array.from({ length: N + WARMUP }, () => [minLng + rand() * (maxLng - minLng), minLat + rand() * (maxLat - minLat)] as const);
    let answered = { grid: 0, frontage: 0, segment: 0, routed: 0 };

    const tFirst = performance.now();
    const first = await fetch(`${base}/api/v1/responsibility?lng=${points[0]![0]}&lat=${points[0]![1]}`, { headers: { cookie } });
    if (first.status !== 200) throw new Error(`routing query failed: ${first.status} ${await first.text()}`);
    await first.json();
    const indexBuildMs = performance.now() - tFirst;

    await timeSequential(WARMUP, async (i) => { await (await fetch(`${base}/api/v1/responsibility?lng=${points[i]![0]}&lat=${points[i]![1]}`, { headers: { cookie } })).json(); });
    const routing = await timeSequential(N, async (i) => {
      const [lng, lat] = points[WARMUP + i]!;
      const a = await (await fetch(`${base}/api/v1/responsibility?lng=${lng}&lat=${lat}`, { headers: { cookie } })).json() as { grid: unknown; frontage: unknown; segment: unknown; routing: { unit: unknown } };
      answered = { grid: answered.grid + (a.grid ? 1 : 0), frontage: answered.frontage + (a.frontage ? 1 : 0), segment: answered.segment + (a.segment ? 1 : 0), routed: answered.routed + (a.routing.unit ? 1 : 0) };
    });
    await timeSequential(WARMUP, async (i) => { await (await fetch(`${bareBase}/lookup/${shopIds[i % shopIds.length]}`)).json(); });
    const floor = await timeSequential(N, async (i) => { await (await fetch(`${bareBase}/lookup/${shopIds[i % shopIds.length]}`)).json(); });

    // The routing work alone, without HTTP: the service call.
    await app.close();
    await bare.close();

    const r = summarize(routing);
    const f = summarize(floor);
    const row = (label: string, s: LatencySummary) => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`;
    const report = [
      `# Routing query — ${started.toISOString().slice(0, 10)} (${engine})`,
      '',
      `Machine: ${machine()}.`,
      `City (${scaleName} scale, seed 42): ${Object.entries(city.counts).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')}; generated and loaded in ${genSeconds.toFixed(1)} s.`,
      `Command: \`${process.env.DATABASE_URL ? 'DATABASE_URL=… ' : ''}${scaleName === 'city' ? '' : `BENCH_SCALE=${scaleName} `}npm run bench:routing\`.`,
      '',
      `Sequential requests over HTTP on loopback from one client (latency, not throughput), ${N} random points in the city after ${WARMUP} warm-up requests. First query (builds the in-memory index): ${ms(indexBuildMs)}.`,
      '',
      '| request | n | p50 | p95 | p99 | max |',
      '|---|---|---|---|---|---|',
      row('GET /api/v1/responsibility (session check, scope, in-memory index, one SQL round trip for assignments)', r),
      row('floor: bare Fastify route, one primary-key lookup', f),
      '',
      `Ratio routing / floor: p50 ${(r.p50 / f.p50).toFixed(2)}×, p95 ${(r.p95 / f.p95).toFixed(2)}×, p99 ${(r.p99 / f.p99).toFixed(2)}×.`,
      `Target (issue 3): routing under 20 ms → p99 ${r.p99 < 20 ? 'met' : 'NOT met'} (${ms(r.p99)}).`,
      '',
      `Answers: ${answered.grid}/${N} found a grid, ${answered.segment} a road segment within the radius, ${answered.frontage} a frontage contract, ${answered.routed} a responsible unit.`,
      '',
    ].join('\n');
    console.log(`\n${report}`);
    const file = path.join(repoRoot, 'bench', 'results', `${started.toISOString().slice(0, 10)}-routing-${process.env.DATABASE_URL ? 'server' : 'embedded'}${scaleName === 'city' ? '' : `-${scaleName}`}.md`);
    await fs.writeFile(file, report);
    console.log(`Written to ${path.relative(repoRoot, file)}`);
  } finally {
    await close();
  }
}

await main();
