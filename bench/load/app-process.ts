import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from '../../apps/server/src/platform/config.js';
import { buildServerIfStale, serverBundle } from '../../scripts/build-server.mjs';

/**
 * The app as an operator runs it (`node --enable-source-maps apps/server/dist/server/main.mjs`,
 * the server bundle `npm start` runs; built here first if it is missing or older than the
 * sources), as a child process on a fixed loopback port, so the load and crash runners can
 * `kill -9` it, start it again on the same port, and read its memory.
 * The runner is its supervisor: an exit nobody asked for is counted and the app restarted.
 */
export interface AppProcessOptions {
  dataDir: string;
  /** A PostgreSQL server database; null = the embedded engine under dataDir. */
  databaseUrl: string | null;
  /** Extra environment (e.g. TRUST_PROXY, LOGIN_RATE_LIMIT). */
  env?: Record<string, string>;
  log?: (m: string) => void;
  startTimeoutMs?: number;
}

export interface ExitRecord {
  at: number;
  code: number | null;
  signal: string | null;
  expected: boolean;
}

export class AppProcess {
  child: ChildProcess | null = null;
  port = 0;
  starts = 0;
  lastStartedAt = 0;
  /** Seconds from spawn to healthy, per start. */
  readonly startSeconds: number[] = [];
  readonly exits: ExitRecord[] = [];
  /** Pino records at level error (50) or fatal (60), and non-JSON lines that look like errors. */
  readonly errorLines: string[] = [];
  errorLineCount = 0;
  private tail: string[] = [];
  private expecting = false;
  private restarting: Promise<void> | null = null;
  private supervise = true;

  constructor(private readonly opts: AppProcessOptions) {}

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The last lines the app wrote (for diagnostics). */
  output(lines = 40): string {
    return this.tail.slice(-lines).join('\n');
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.port), HOST: '127.0.0.1', DATA_DIR: this.opts.dataDir, DEMO: '1', WEB_DIST: '', LOG_LEVEL: 'warn',
      ...this.opts.env,
    };
    if (this.opts.databaseUrl) env.DATABASE_URL = this.opts.databaseUrl;
    else delete env.DATABASE_URL;
    // Once per runner in practice: later starts find the bundle up to date (and are not timed for it).
    await buildServerIfStale();
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--enable-source-maps', serverBundle], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.starts++;
    this.expecting = false;
    const onData = (d: Buffer) => {
      for (const line of d.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.tail.push(line);
        if (this.tail.length > 400) this.tail.splice(0, 200);
        if (/"level":(50|60)/.test(line) || (!line.startsWith('{') && /\b(ERROR|FATAL|PANIC)\b/.test(line))) {
          this.errorLineCount++;
          if (this.errorLines.length < 20) this.errorLines.push(line.slice(0, 600));
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      const expected = this.expecting;
      this.exits.push({ at: Date.now(), code, signal, expected });
      if (!expected && this.supervise && this.child === child) {
        this.opts.log?.(`app exited unexpectedly (code ${code}, signal ${signal}); restarting it`);
        this.restarting = this.start().finally(() => (this.restarting = null));
        this.restarting.catch((err) => this.opts.log?.(`restart failed: ${String(err)}`));
      }
    });
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 180_000);
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`app exited during start (code ${child.exitCode}, signal ${child.signalCode}):\n${this.output()}`);
      }
      if (await healthy(this.base)) {
        this.lastStartedAt = Date.now();
        this.startSeconds.push((performance.now() - t0) / 1000);
        return;
      }
      await sleep(200);
    }
    throw new Error(`app did not become healthy within ${(this.opts.startTimeoutMs ?? 180_000) / 1000} s:\n${this.output()}`);
  }

  /** Waits for a restart the supervisor began after an unexpected exit. */
  async settled(): Promise<void> {
    while (this.restarting) await this.restarting.catch(() => undefined);
  }

  /** kill -9 the app and wait until it is gone (its embedded PostgreSQL, if any, keeps running). */
  async kill9(): Promise<void> {
    await this.settled();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.expecting = true;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** SIGTERM, as an operator stops it; resolves with the exit code. */
  async stop(timeoutMs = 60_000): Promise<number | null> {
    this.supervise = false;
    await this.settled();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    this.expecting = true;
    const gone = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await gone;
    } finally {
      clearTimeout(timer);
    }
  }

  /** For cleaning up after a failure: kill the app and any postmaster it left. */
  async destroy(): Promise<void> {
    this.supervise = false;
    await this.kill9().catch(() => undefined);
    const pm = this.postmasterPid();
    if (pm && alive(pm)) {
      process.kill(pm, 'SIGQUIT');
      for (let i = 0; i < 100 && alive(pm); i++) await sleep(100);
    }
  }

  /** Resident memory of the app process in bytes (Linux /proc), or null. */
  rssBytes(): number | null {
    const pid = this.pid;
    if (!pid || this.child?.exitCode !== null) return null;
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : null;
    } catch {
      return null;
    }
  }

  /** The embedded postmaster's pid from DATA_DIR/postgres/pgdata/postmaster.pid. */
  postmasterPid(): number | null {
    const f = path.join(this.opts.dataDir, 'postgres', 'pgdata', 'postmaster.pid');
    if (!existsSync(f)) return null;
    const pid = Number(readFileSync(f, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  /** Connection string of the embedded database as it runs now (port from postmaster.pid). */
  embeddedUrl(): string | null {
    const dir = path.join(this.opts.dataDir, 'postgres');
    const f = path.join(dir, 'pgdata', 'postmaster.pid');
    if (!existsSync(f)) return null;
    const port = Number(readFileSync(f, 'utf8').split('\n')[3]);
    const password = readFileSync(path.join(dir, 'password'), 'utf8').trim();
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/chuangcheng`;
  }
}

export async function healthy(base: string): Promise<boolean> {
  try {
    const r = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(5000) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
