import path from 'node:path';
import { loadConfig } from '../platform/config.js';
import { createDb } from '../platform/database.js';
import { startEmbeddedPostgres } from '../platform/embedded-postgres.js';
import { sealAuditChain, verifyAuditChain } from '../platform/audit.js';

/**
 * `npm run audit:verify`: seal pending rows, recompute every city's hash chain, and print the first
 * broken link. Exit code 0 = intact, 1 = broken. Stop the app first when it uses the embedded database.
 */
const config = loadConfig();
const embedded = config.databaseUrl
  ? null
  : await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'postgres'), database: 'chuangcheng', log: () => undefined, sharedBuffersMb: config.pgSharedBuffersMb });
const db = createDb(config.databaseUrl ?? embedded!.url, 2);
let broken = false;
try {
  await sealAuditChain(db);
  const tenants = await db.selectFrom('tenant').select(['id', 'name']).orderBy('id').execute();
  for (const t of tenants) {
    const r = await verifyAuditChain(db, t.id);
    if (r.ok) {
      console.log(`✔ ${t.name} (city ${t.id}): ${r.checked} audit rows verified, ${r.pending} pending`);
    } else {
      broken = true;
      const b = r.firstBroken!;
      console.log(`✘ ${t.name} (city ${t.id}): chain broken at audit row ${b.id} (sequence ${b.chainSeq}): ${b.reason}; ${r.checked} rows before it verified`);
    }
  }
} finally {
  await db.destroy();
  await embedded?.stop();
}
process.exit(broken ? 1 : 0);
