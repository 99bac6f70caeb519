import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { repoRoot } from '../../apps/server/src/platform/config.js';
import { APP_CONNECTION_LIFETIME_S, createDb, migrateToLatest, type DB } from '../../apps/server/src/platform/database.js';
import { startEmbeddedPostgres } from '../../apps/server/src/platform/embedded-postgres.js';

/**
 * A kept generated city (BENCH_TEMPLATE): `fill` ran once into the database of that name, and each
 * benchmark gets a copy of it (`create database … template`, a file copy: about a minute for the
 * million-case city where generating takes ten). `key` says what was generated (scale, counts,
 * seed); a kept database made with another key is refused, not silently reused.
 */
export interface BenchTemplate<T> {
  name: string;
  key: string;
  fill: (db: DB) => Promise<T>;
}

export interface BenchDatabase<T = never> {
  db: DB;
  url: string;
  engine: string;
  /** what `fill` returned: now, or when the kept database was made */
  filled?: T;
  /** the kept database was reused (not filled in this run) */
  reused: boolean;
  close: () => Promise<void>;
}

const TEMPLATE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A fresh, migrated database for a benchmark: on the server in DATABASE_URL (a new database is
 * created and dropped there), or on the embedded engine in a temporary folder. With a template
 * (`benchTemplateFromEnv`), a copy of the kept database, filled first if it does not exist yet; on
 * the embedded engine the kept cluster lives in BENCH_PGDATA (default: tmp/postgres in the bench
 * folder of the checkout), which is not deleted.
 */
export async function benchDatabase<T = never>(template?: BenchTemplate<T>): Promise<BenchDatabase<T>> {
  const name = `cc_bench_${randomBytes(4).toString('hex')}`;
  let adminUrl: string;
  let stop: () => Promise<void> = async () => undefined;
  let dir: string | null = null;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    const kept = template ? path.resolve(process.env.BENCH_PGDATA ?? path.join(repoRoot, 'bench', 'tmp', 'postgres')) : null;
    if (!kept) {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-bench-pg-'));
      await fs.chmod(dir, 0o755);
    } else {
      await fs.mkdir(kept, { recursive: true, mode: 0o755 });
    }
    const pgEmbedded = await startEmbeddedPostgres({ dir: kept ?? dir!, database: 'postgres', log: () => undefined });
    adminUrl = pgEmbedded.adminUrl;
    stop = () => pgEmbedded.stop();
  }
  const urlOf = (db: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${db}`;
    return u.toString();
  };
  let filled: T | undefined;
  let reused = false;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if (template) {
      if (!TEMPLATE_NAME.test(template.name)) throw new Error(`BENCH_TEMPLATE=${template.name}: a database name of lower-case letters, digits and _`);
      ({ filled, reused } = await keptDatabase(admin, urlOf(template.name), template));
      await admin.query(`create database ${name} template ${template.name} strategy file_copy`);
    } else {
      await admin.query(`create database ${name}`);
    }
  } catch (err) {
    await admin.end();
    await stop();
    throw err;
  }
  const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
  // Its own cache: what decides, at city scale, whether indexes are read from memory or disk.
  const buffers = (await admin.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]!.shared_buffers;
  await admin.end();
  const db = createDb(urlOf(name), 20, { maxLifetimeSeconds: APP_CONNECTION_LIFETIME_S }); // as the app's pool
  await migrateToLatest(db);
  if (template) await sql`drop table if exists bench_template`.execute(db);
  return {
    db,
    url: urlOf(name),
    engine: `${process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PostgreSQL'} ${version}, shared_buffers ${buffers}${template ? `, copied from the kept database ${template.name}${reused ? '' : ' (made in this run)'}` : ''}`,
    filled,
    reused,
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
 * The kept database: made, migrated and filled when it does not exist (its row in bench_template,
 * written last, says it is whole); migrated when it does, and its key checked. No connection to it
 * stays open (a template must have none while it is copied).
 */
async function keptDatabase<T>(admin: pg.Client, url: string, template: BenchTemplate<T>): Promise<{ filled: T; reused: boolean }> {
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [template.name])).rowCount === 1;
  if (!exists) {
    console.log(`Keeping the generated data in the database ${template.name} (BENCH_TEMPLATE) …`);
    await admin.query(`create database ${template.name}`);
  }
  const db = createDb(url, 4);
  let made = false;
  try {
    await migrateToLatest(db);
    if (exists) {
      const row = await sql<{ key: string; filled: T }>`select key, filled from bench_template`.execute(db).then((r) => r.rows[0], () => undefined);
      if (!row) throw new Error(`The database ${template.name} exists but holds no finished bench data (a generation that did not finish?): drop it (drop database ${template.name}) or name another BENCH_TEMPLATE`);
      if (row.key !== template.key) throw new Error(`The database ${template.name} holds ${row.key}, this run asks for ${template.key}: drop it (drop database ${template.name}) or name another BENCH_TEMPLATE`);
      console.log(`Copying the kept database ${template.name} (${row.key}) …`);
      return { filled: row.filled, reused: true };
    }
    const filled = await template.fill(db);
    await sql`create table bench_template (key text not null, filled jsonb not null, made_at timestamptz not null default now())`.execute(db);
    await sql`insert into bench_template (key, filled) values (${template.key}, ${JSON.stringify(filled)}::jsonb)`.execute(db);
    made = true;
    return { filled, reused: false };
  } finally {
    await db.destroy();
    // A generation that failed leaves no half-filled database to be found next time.
    if (!exists && !made) await admin.query(`drop database if exists ${template.name} with (force)`);
  }
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
