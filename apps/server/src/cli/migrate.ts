import path from 'node:path';
import { loadConfig } from '../platform/config.js';
import { createDb, migrateToLatest } from '../platform/database.js';
import { startEmbeddedPostgres } from '../platform/embedded-postgres.js';

/** `npm run migrate`: bring the database (DATABASE_URL or the embedded one) to the latest schema. */
const config = loadConfig();
const embedded = config.databaseUrl
  ? null
  : await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'postgres'), database: 'chuangcheng', log: () => undefined, sharedBuffersMb: config.pgSharedBuffersMb });
const db = createDb(config.databaseUrl ?? embedded!.url, 2);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
} finally {
  await db.destroy();
  await embedded?.stop();
}
