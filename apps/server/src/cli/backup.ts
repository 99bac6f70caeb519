import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createBackup } from '../platform/backup.js';
import { loadConfig } from '../platform/config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../platform/embedded-postgres.js';
import { createLocalFileStore } from '../platform/files.js';

/**
 * `npm run backup [-- --out <file>]`: a logical backup of the database (DATABASE_URL or the
 * embedded one) and of the uploaded files, as one .tar.gz (default DATA_DIR/backups/…).
 * It may run while the app runs: the rows are read in one snapshot. With the embedded database
 * and the app running, it connects to the app's PostgreSQL instead of starting its own.
 */
const args = process.argv.slice(2);
const outArg = args.indexOf('--out') >= 0 ? args[args.indexOf('--out') + 1] : args.find((a) => !a.startsWith('-'));
if (args.includes('--help') || args.includes('-h')) {
  console.log('Usage: npm run backup [-- --out <file.tar.gz>]');
  process.exit(0);
}
const config = loadConfig();
const cwd = process.env.INIT_CWD ?? process.cwd();
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const outFile = outArg ? path.resolve(cwd, outArg) : path.join(config.dataDir, 'backups', `chuangcheng-${stamp}.tar.gz`);

/** The embedded PostgreSQL a running app (or one killed with it still up) holds, if it answers. */
async function runningEmbedded(dir: string): Promise<string | null> {
  const pidFile = path.join(dir, 'pgdata', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  const password = readFileSync(path.join(dir, 'password'), 'utf8').trim();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/chuangcheng`;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return url;
  } catch {
    await c.end().catch(() => undefined);
    return null;
  }
}

let embedded: EmbeddedPostgres | null = null;
let url = config.databaseUrl;
let code = 0;
try {
  if (!url) {
    const dir = path.join(config.dataDir, 'postgres');
    if (!existsSync(path.join(dir, 'pgdata', 'PG_VERSION'))) throw new Error(`There is no embedded database in ${dir}: nothing to back up. (Set DATA_DIR or DATABASE_URL.)`);
    url = await runningEmbedded(dir);
    if (url) console.log('The app is running on the embedded database: backing up from it while it runs (one consistent snapshot).');
    else {
      embedded = await startEmbeddedPostgres({ dir, database: 'chuangcheng', log: () => undefined, notice: (m) => console.log(m), sharedBuffersMb: config.pgSharedBuffersMb });
      url = embedded.url;
    }
  }
  const r = await createBackup({ url, files: createLocalFileStore(path.join(config.dataDir, 'files')), outFile, log: (m) => console.log(m) });
  console.log(`✔ Backup written: ${r.file}`);
  console.log(`  ${r.tables} tables, ${r.rows} rows, ${r.files} files (${(r.fileBytes / 1048576).toFixed(1)} MB); archive ${(r.bytes / 1048576).toFixed(1)} MB in ${(r.ms / 1000).toFixed(1)} s`);
  if (r.missingFiles.length) {
    code = 3;
    console.log(`✘ ${r.missingFiles.length} stored files could not be read and are NOT in the backup:`);
    for (const f of r.missingFiles.slice(0, 20)) console.log(`  city ${f.tenantId} file ${f.sha256}: ${f.reason}`);
  }
} catch (err) {
  console.error(`✘ Backup failed: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
} finally {
  await embedded?.stop();
}
process.exit(code);
