import path from 'node:path';
import { existsSync } from 'node:fs';
import { restoreBackup, RestoreRefused } from '../platform/backup.js';
import { loadConfig } from '../platform/config.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../platform/embedded-postgres.js';
import { createLocalFileStore } from '../platform/files.js';

/**
 * `npm run restore -- <backup.tar.gz> [--force]`: restore a backup into an empty database
 * (DATABASE_URL, or the embedded one in DATA_DIR; stop the app first) and its files into
 * DATA_DIR/files, then check rows, files and every city's audit chain. `--force` drops what the
 * target database holds first.
 */
const args = process.argv.slice(2);
const force = args.includes('--force');
const file = args.find((a) => !a.startsWith('-'));
if (!file || args.includes('--help') || args.includes('-h')) {
  console.log('Usage: npm run restore -- <backup.tar.gz> [--force]');
  process.exit(file ? 0 : 2);
}
const inFile = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
const config = loadConfig();
let embedded: EmbeddedPostgres | null = null;
let code = 0;
try {
  if (!existsSync(inFile)) throw new RestoreRefused(`no such file: ${inFile}`);
  let url = config.databaseUrl;
  if (!url) {
    const dir = path.join(config.dataDir, 'postgres');
    try {
      embedded = await startEmbeddedPostgres({ dir, database: 'chuangcheng', log: () => undefined, notice: (m) => console.log(m), sharedBuffersMb: config.pgSharedBuffersMb });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      throw new RestoreRefused(/in use by a running Chuangcheng process/.test(msg) ? `${msg}\nA restore needs the database to itself: stop the app, restore, then start it again.` : msg);
    }
    url = embedded.url;
  }
  console.log(`Restoring ${inFile} into ${config.databaseUrl ? 'DATABASE_URL' : `the embedded database in ${config.dataDir}`} …`);
  const r = await restoreBackup({ url, files: createLocalFileStore(path.join(config.dataDir, 'files')), inFile, force, log: (m) => console.log(m) });
  for (const a of r.audit) console.log(`  audit chain of city ${a.tenantId}: ${a.checked} rows verified, ${a.pending} pending`);
  if (r.migratedAfter.length) console.log(`  then migrated to this version: ${r.migratedAfter.join(', ')}`);
  console.log(`✔ Restored ${r.tables} tables, ${r.rows} rows and ${r.files} files in ${(r.ms / 1000).toFixed(1)} s`);
} catch (err) {
  const msg = err instanceof Error ? err.message : String(err);
  console.error(err instanceof RestoreRefused ? `✘ Not restored: ${msg}` : `✘ Restore failed: ${msg}`);
  code = err instanceof RestoreRefused ? 2 : 1;
} finally {
  await embedded?.stop();
}
process.exit(code);
