import { Kysely, Migrator, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { migrations } from '../db/migrations/index.js';
import type { Database } from '../db/schema.js';

export type DB = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Repositories take an executor: the database or an open transaction. */
export type Executor = DB | Tx;

// bigint ids and counts fit in a JS number for any realistic city; numeric scores too.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
// Calendar dates stay 'YYYY-MM-DD': a Date would shift them by the server's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export function createDb(connectionString: string, poolSize = 10): DB {
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 30_000 });
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on('error', () => undefined);
  // Nor one that is checked out (pg-pool listens only on idle clients): a FATAL from a dying server
  // would be an unhandled 'error' event. Its query fails on its own, and the pool drops the client.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export async function migrateToLatest<T>(db: Kysely<T>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
