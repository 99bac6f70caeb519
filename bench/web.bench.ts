/**
 * The web app: initial JS (gzip) of a production build, and the time to a usable dashboard in
 * headless Chromium on loopback — from navigation to the dashboard's figures shown, logged in,
 * with an empty cache and again with a warm one — against the floor: the same browser loading a
 * bare page whose one small script writes a line into it, from a bare Fastify server.
 *
 * The build goes to a temporary folder (apps/web/dist is left alone).
 *
 *   npm run bench:web                          # embedded PostgreSQL, city scale
 *   DATABASE_URL=postgres://… BENCH_SCALE=county npm run bench:web
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import chromium from '@sparticuz/chromium';
import { chromium as playwright } from 'playwright-core';
import { repoRoot } from '../apps/server/src/platform/config.js';
import { cityCounts, header, isMain, standalone, startApp, writeResult, type BenchCity } from './lib/context.js';
import { ms, summarize } from './lib/stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BUDGET_KB = 400;

function initialJs(dist: string): { files: [string, number][]; total: number } {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]!);
  const sized = files.map((f) => [f, gzipSync(readFileSync(path.join(dist, f)), { level: 9 }).length] as [string, number]);
  return { files: sized, total: sized.reduce((n, [, s]) => n + s, 0) };
}

export async function runWeb(b: BenchCity): Promise<string> {
  const dist = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-bench-web-'));
  console.log(`Building the web app into ${dist} …`);
  const tb = performance.now();
  execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'vite'), ['build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], { cwd: path.join(repoRoot, 'apps', 'web'), stdio: 'inherit' });
  const buildSeconds = (performance.now() - tb) / 1000;
  const js = initialJs(dist);

  const server = await startApp(b.db, { webDist: dist });
  const bare = Fastify();
  bare.get('/', async (_req, reply) => reply.type('text/html').send('<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/a.js"></script></head><body><div id="root"></div></body></html>'));
  bare.get('/a.js', async (_req, reply) => reply.type('text/javascript').send("document.getElementById('root').innerHTML = '<p id=\"ready\">ready</p>';"));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareBase = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;

  const browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args.filter((a) => a !== '--single-process'), '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    headless: true,
  });
  const cold: number[] = [];
  const warm: number[] = [];
  const floorCold: number[] = [];
  const floorWarm: number[] = [];
  let transferred = 0;
  try {
    for (let i = 0; i < RUNS + 1; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' });
      const login = await ctx.request.post(`${server.base}/api/v1/auth/login`, { data: { username: b.city.username, password: b.city.password } });
      if (login.status() !== 200) throw new Error(`login: ${login.status()}`);
      const page = await ctx.newPage();
      let bytes = 0;
      page.on('response', (r) => { void r.body().then((x) => { bytes += x.length; }, () => undefined); });
      const usable = async () => {
        const t0 = performance.now();
        await page.goto(`${server.base}/`, { waitUntil: 'commit' });
        await page.waitForFunction(() => {
          // (this file is type-checked without the DOM library)
          const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
          return /[1-9]/.test(doc.querySelector('[data-testid="stat-units"] .ant-statistic-content-value')?.textContent ?? '');
        }, null, { timeout: 60_000, polling: 'raf' });
        return performance.now() - t0;
      };
      const c = await usable();
      const w = await usable();
      if (i > 0) { cold.push(c); warm.push(w); transferred = bytes; } // the first run warms the server
      await ctx.close();

      const fctx = await browser.newContext();
      const fpage = await fctx.newPage();
      const bareLoad = async () => {
        const t0 = performance.now();
        await fpage.goto(`${bareBase}/`, { waitUntil: 'commit' });
        await fpage.waitForSelector('#ready');
        return performance.now() - t0;
      };
      const fc = await bareLoad();
      const fw = await bareLoad();
      if (i > 0) { floorCold.push(fc); floorWarm.push(fw); }
      await fctx.close();
    }
  } finally {
    await browser.close();
    await bare.close();
    await server.close();
    await fs.rm(dist, { recursive: true, force: true });
  }
  const s = { cold: summarize(cold), warm: summarize(warm), fcold: summarize(floorCold), fwarm: summarize(floorWarm) };
  const row = (label: string, x: ReturnType<typeof summarize>) => `| ${label} | ${x.n} | ${ms(x.p50)} | ${ms(x.p95)} | ${ms(x.max)} |`;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const lines = [
    ...header('Web: initial JS and time to a usable dashboard', { engine: b.engine, scale: b.scale, genSeconds: b.genSeconds, counts: cityCounts(b) }, 'npm run bench:web'),
    `Production build (vite build, ${buildSeconds.toFixed(0)} s) served by the real app on loopback; headless Chromium (@sparticuz/chromium via playwright-core), 1366×860, zh-CN, logged in as the office account.`,
    '',
    '## Initial JS',
    '',
    'The entry script of index.html and the modules it preloads, gzip level 9 (as `npm run size -w apps/web`):',
    '',
    '| file | gzip |',
    '|---|---|',
    ...js.files.map(([f, n]) => `| ${f} | ${kb(n)} |`),
    `| **total** | **${kb(js.total)}** |`,
    '',
    `Target (issue 6): initial JS ≤ ${BUDGET_KB} KB gzip → ${js.total <= BUDGET_KB * 1024 ? 'met' : 'NOT met'} (${kb(js.total)}).`,
    '',
    '## Time to a usable dashboard',
    '',
    `From \`page.goto('/')\` to the dashboard's unit count shown (its data fetched and rendered), ${RUNS} runs after one warm-up run; each run in a new browser context (empty cache), then once more in the same context (cached assets). Data transferred by the cold load: ${(transferred / 1024).toFixed(0)} KB (uncompressed bodies).`,
    '',
    '| load | n | p50 | p95 | max |',
    '|---|---|---|---|---|',
    row('app, empty cache', s.cold),
    row('app, warm cache', s.warm),
    row('floor: bare page, one tiny module script, empty cache', s.fcold),
    row('floor: same, warm cache', s.fwarm),
    '',
    `Ratio app / floor (p50): empty cache ${(s.cold.p50 / s.fcold.p50).toFixed(1)}×, warm cache ${(s.warm.p50 / s.fwarm.p50).toFixed(1)}×.`,
  ];
  await writeResult('web', b.engineKey, b.scale, lines);
  return lines.join('\n');
}

if (isMain(import.meta.url)) await standalone(async (b) => { await runWeb(b); }, { cases: false });
