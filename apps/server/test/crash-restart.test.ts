import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/platform/config.js';
import { isRunning, startEmbeddedPostgres } from '../src/platform/embedded-postgres.js';
import { buildServerIfStale, serverBundle } from '../../../scripts/build-server.mjs';

/**
 * The app as an operator runs it, on the embedded database: `kill -9` it, start it again, and the
 * data is there. (Always the embedded engine: that is where an orphaned postmaster can bite.)
 */
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-crash-'));
await fs.chmod(dataDir, 0o755);
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const pid = postmasterPid();
  if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
  await fs.rm(dataDir, { recursive: true, force: true });
});

function postmasterPid(): number | null {
  const f = path.join(dataDir, 'postgres', 'pgdata', 'postmaster.pid');
  return existsSync(f) ? Number(readFileSync(f, 'utf8').split('\n')[0]) : null;
}
/** Running, as the app judges it: an exited process that init has not reaped yet (a zombie) has stopped. */
function alive(pid: number): boolean {
  return isRunning(pid);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startApp(): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir, DEMO: '1', WEB_DIST: '', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  // The server bundle, as `npm start` runs it (built first if missing or older than the sources).
  await buildServerIfStale();
  const child = spawn(process.execPath, ['--enable-source-maps', serverBundle], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, base, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`app did not become healthy:\n${out}`);
}

async function loginAdmin(base: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'Demo@2026' }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrfToken };
}

describe('kill -9 and start again', () => {
  it('comes back with its data after the app is killed, then shuts down cleanly on SIGTERM', async () => {
    const first = await startApp();
    const s = await loginAdmin(first.base);
    const created = await fetch(`${first.base}/api/v1/units`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrfToken },
      body: JSON.stringify({ parentId: null, kind: 'department', code: 'CRASH-1', name: '断电前建的局' }),
    });
    expect(created.status).toBe(201);

    const orphan = postmasterPid();
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(orphan && alive(orphan)).toBe(true); // the trap: PostgreSQL outlives the app

    const second = await startApp();
    const s2 = await loginAdmin(second.base);
    const list = await fetch(`${second.base}/api/v1/units?q=CRASH-1`, { headers: { cookie: s2.cookie } });
    const body = (await list.json()) as { items: { name: string }[] };
    expect(body.items.map((u) => u.name)).toEqual(['断电前建的局']);
    expect(alive(orphan!)).toBe(false);
    expect(second.output()).toContain(`Found PostgreSQL (pid ${orphan}) still running`);
    const demoUnits = await fetch(`${second.base}/api/v1/dashboard`, { headers: { cookie: s2.cookie } });
    expect(((await demoUnits.json()) as { units: number }).units).toBeGreaterThan(40); // the demo city was not loaded twice

    // A second process on the same folder (e.g. `npm run migrate` while the app runs) must not
    // mistake the live database for an orphan and stop it.
    await expect(startEmbeddedPostgres({ dir: path.join(dataDir, 'postgres'), database: 'chuangcheng', log: () => undefined }))
      .rejects.toThrow(/in use by a running Chuangcheng process/);
    expect((await fetch(`${second.base}/api/health`)).status).toBe(200);

    second.child.kill('SIGTERM');
    const code = await new Promise((r) => second.child.once('exit', r));
    expect(code).toBe(0);
    expect(postmasterPid()).toBeNull(); // PostgreSQL stopped with the app
  }, 180_000); // two app starts (tsx, migrations, embedded PostgreSQL) can take over 30 s on a busy 2-core machine
});
