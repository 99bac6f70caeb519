import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, migrateToLatest, type DB } from '../../apps/server/src/platform/database.js';
import { startEmbeddedPostgres } from '../../apps/server/src/platform/embedded-postgres.js';

/**
 * A fresh, migrated database for a benchmark: on the server in DATABASE_URL (a new database is
 * created and dropped there), or on the embedded engine in a temporary folder.
 */
export async function benchDatabase(): Promise<{ db: DB; url: string; engine: string; close: () => Promise<void> }> {
  const name = `cc_bench_${randomBytes(4).toString('hex')}`;
  let adminUrl: string;
  let stop: () => Promise<void> = async () => undefined;
  let dir: string | null = null;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-bench-pg-'));
    await fs.chmod(dir, 0o755);
    const pgEmbedded = await startEmbeddedPostgres({ dir, database: 'postgres', log: () => undefined });
    adminUrl = pgEmbedded.adminUrl;
    stop = () => pgEmbedded.stop();
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  // Its own cache: what decides, at city scale, whether indexes are read from memory or disk.
  const buffers = (await admin.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]!.shared_buffers;
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const db = createDb(u.toString(), 20);
  await migrateToLatest(db);
  return {
    db,
    url: u.toString(),
    engine: `${process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PostgreSQL'} ${version}, shared_buffers ${buffers}`,
    close: async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      await stop();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a bulk load on one connection with the foreign-key triggers off (`session_replication_role
 * = replica`; the generated rows are consistent by construction, and checking every reference row
 * by row triples the load time). Needs a superuser, as the bench databases have; without one the
 * checks simply stay on — `fkOff` tells the loader which.
 */
export async function withForeignKeysOff<T>(pool: DB, load: (db: DB, fkOff: boolean) => Promise<T>): Promise<T> {
  return pool.connection().execute(async (conn) => {
    let fkOff = false;
    try {
      await sql`set session_replication_role = replica`.execute(conn);
      fkOff = true;
    } catch {
      /* not a superuser: load with the checks */
    }
    try {
      return await load(conn as unknown as DB, fkOff);
    } finally {
      if (fkOff) await sql`set session_replication_role = default`.execute(conn);
    }
  });
}
