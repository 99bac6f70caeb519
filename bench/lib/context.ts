import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../apps/server/src/app.js';
import { loadConfig, repoRoot } from '../../apps/server/src/platform/config.js';
import type { DB } from '../../apps/server/src/platform/database.js';
import { benchDatabase } from './db.js';
import { generateCases } from './generate-cases.js';
import { generateCity, isScaleName, SCALES, type GeneratedCity, type ScaleName } from './generate-city.js';
import { generateInspections } from './generate-inspections.js';
import { machine } from './stats.js';

/**
 * A generated city with its cases in a fresh database: what every case benchmark runs on. With
 * BENCH_INSPECTIONS=1 also two years of inspection sheets (off by default: it adds ~1 M item scores
 * at county scale, 10 M at city scale, to every bench's set-up).
 */
export interface BenchCity {
  db: DB;
  engine: string;
  engineKey: 'embedded' | 'server';
  scale: ScaleName;
  city: GeneratedCity;
  genSeconds: number;
  caseCounts: Record<string, number>;
  /** inspections, inspectionItems, … when BENCH_INSPECTIONS=1; otherwise empty */
  inspectionCounts: Record<string, number>;
  close: () => Promise<void>;
}

export function scaleFromEnv(def: ScaleName = 'city'): ScaleName {
  const s = process.env.BENCH_SCALE ?? def;
  if (!isScaleName(s)) throw new Error(`BENCH_SCALE=${s}: one of ${Object.keys(SCALES).join(', ')}`);
  return s;
}

interface Generated {
  city: GeneratedCity;
  caseCounts: Record<string, number>;
  inspectionCounts: Record<string, number>;
  genSeconds: number;
}

export async function prepareCity(scale: ScaleName, opts: { cases?: boolean } = {}): Promise<BenchCity> {
  const cases = opts.cases === false ? 0 : Number(process.env.BENCH_CASES ?? SCALES[scale].cases);
  const inspections = process.env.BENCH_INSPECTIONS === '1';
  const sheets = process.env.BENCH_SHEETS ? Number(process.env.BENCH_SHEETS) : undefined;
  const generate = async (db: DB, engine: string): Promise<Generated> => {
    console.log(`Generating the ${scale} city on ${engine} …`);
    const t0 = performance.now();
    const city = await generateCity(db, SCALES[scale], 42, (m) => console.log(`  ${m}`));
    const caseCounts = cases === 0 ? {} : await generateCases(db, city, { count: cases, seed: 42, log: (m) => console.log(`  ${m}`) });
    const inspectionCounts = inspections
      ? await generateInspections(db, city, { seed: 42, ...(sheets !== undefined ? { sheets } : {}), log: (m) => console.log(`  ${m}`) })
      : {};
    const genSeconds = (performance.now() - t0) / 1000;
    console.log(`  generated in ${genSeconds.toFixed(1)} s`);
    return { city, caseCounts, inspectionCounts, genSeconds };
  };
  const templateName = process.env.BENCH_TEMPLATE;
  const key = `the ${scale} city, seed 42, ${cases} cases, ${inspections ? `inspections${sheets !== undefined ? ` (${sheets} sheets)` : ''}` : 'no inspections'}`;
  const target = process.env.DATABASE_URL ? 'the server' : 'the embedded engine';
  const bench = await benchDatabase<Generated>(templateName ? { name: templateName, key, fill: (db) => generate(db, target) } : undefined);
  const { db, engine, close } = bench;
  try {
    const g = bench.filled ?? await generate(db, engine);
    // The load leaves gigabytes of dirty pages: write them now, or the next checkpoint does it
    // while a benchmark runs (an intake run straight after the load measured 241 req/s, one after
    // the ledger bench 332). Needs superuser or pg_checkpoint; without, the bench says so and goes on.
    const c0 = performance.now();
    await sql`checkpoint`.execute(db).then(
      () => console.log(`  checkpoint in ${((performance.now() - c0) / 1000).toFixed(1)} s`),
      (err: unknown) => console.log(`  no checkpoint (${err instanceof Error ? err.message : String(err)}): the first measurements may share the disk with it`),
    );
    return { db, engine, engineKey: process.env.DATABASE_URL ? 'server' : 'embedded', scale, ...g, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The real app (buildApp) on the bench database, listening on loopback, files in a temporary folder. */
export async function startApp(db: DB, opts: { webDist?: string | null } = {}): Promise<{ app: FastifyInstance; base: string; close: () => Promise<void> }> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-bench-data-'));
  const app = await buildApp({ db, config: { ...loadConfig({}), dataDir, webDist: opts.webDist ?? null, loginRateLimit: 1_000_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: async () => {
      await app.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function login(base: string, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const body = (await r.json()) as { csrfToken: string };
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrfToken };
}

function commit(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    const head = execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    // Say so when the code measured is not exactly that commit (results files themselves aside).
    const dirty = execFileSync('git', ['-C', repoRoot, 'status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results'], { encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

/** The common head of a result file: machine, engine, data, command. */
export function header(title: string, c: { engine: string; scale: string; genSeconds?: number; counts?: Record<string, number> }, command: string): string[] {
  const started = new Date().toISOString().slice(0, 10);
  return [
    `# ${title} — ${started} (${c.engine})`,
    '',
    `Machine: ${machine()}. Commit: ${commit()}.`,
    ...(c.counts ? [`Data (${c.scale} scale, seed 42): ${Object.entries(c.counts).filter(([k]) => !k.startsWith('state.')).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')}${c.genSeconds ? `; generated and loaded in ${c.genSeconds.toFixed(1)} s` : ''}.`] : []),
    `Command: \`${process.env.DATABASE_URL ? 'DATABASE_URL=… ' : ''}${c.scale === 'city' ? '' : `BENCH_SCALE=${c.scale} `}${command}\`.`,
    '',
  ];
}

export function cityCounts(b: BenchCity): Record<string, number> {
  return { ...b.city.counts, ...b.caseCounts, ...b.inspectionCounts };
}

/** Writes bench/results/<date>-<name>-<engine>[-<scale>].md and echoes it. */
export async function writeResult(name: string, engineKey: string, scale: string, lines: string[]): Promise<string> {
  const text = `${lines.join('\n')}\n`;
  console.log(`\n${text}`);
  const dir = process.env.BENCH_RESULTS_DIR ?? path.join(repoRoot, 'bench', 'results');
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}-${name}-${engineKey}${scale === 'city' ? '' : `-${scale}`}.md`);
  await fs.writeFile(file, text);
  console.log(`Written to ${path.relative(repoRoot, file)}`);
  return file;
}

/** Run a benchmark alone: its own database and city, closed afterwards. */
export async function standalone(run: (b: BenchCity) => Promise<void>, opts: { cases?: boolean } = {}): Promise<void> {
  const b = await prepareCity(scaleFromEnv(), opts);
  try {
    await run(b);
  } finally {
    await b.close();
  }
}

/** True when this module is the script node was started with. */
export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(metaUrl).pathname);
}
