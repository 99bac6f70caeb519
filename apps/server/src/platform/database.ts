import { createHash } from 'node:crypto';
import { Kysely, Migrator, PostgresDialect, sql, type RawBuilder, type Transaction } from 'kysely';
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

/**
 * How long the app keeps one database connection, in seconds. A session caches the plan of every
 * prepared statement and PL/pgSQL statement it runs, made with the table sizes of that moment, and
 * PostgreSQL replaces it only after an ANALYZE. Where none comes (autovacuum off, or not yet), a
 * plan made while a table was empty (sequential scans) stays as the table grows: a case view then
 * read every document and event of the city. A new connection plans again, with the tables' current
 * size. Ten minutes bounds how long a stale plan can live at a few milliseconds per reconnect.
 */
export const APP_CONNECTION_LIFETIME_S = 600;

/**
 * A Kysely database over a pool of `poolSize` connections. With `maxLifetimeSeconds`, a
 * connection is closed when it is next idle after that age and a new one takes its place (the
 * app's pool: `APP_CONNECTION_LIFETIME_S`); tools that keep session state between queries leave it
 * at 0 (never).
 */
export function createDb(connectionString: string, poolSize = 10, opts: { maxLifetimeSeconds?: number } = {}): DB {
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 30_000, maxLifetimeSeconds: opts.maxLifetimeSeconds ?? 0 });
  // An idle client losing its server (restart, network) must not crash the process.
  pool.on('error', () => undefined);
  // Nor one that is checked out (pg-pool listens only on idle clients): a FATAL from a dying server
  // would be an unhandled 'error' event. Its query fails on its own, and the pool drops the client.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    prepareMarked(client);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Prepared statements for the hot paths (ADR 0007 amendment "third step"). A statement whose text
 * starts with the marker `prepared('name')` (or has it right after `select`, where Kysely's
 * `modifyFront` puts it) is sent as a named statement: each connection parses and plans it once
 * and then runs the plan it keeps (PostgreSQL switches to a generic plan after five runs when that
 * costs no more). On this machine planning was half of the database's time per case intake: the
 * case view 2.4 ms, the routing query 1.7 ms, the session check 0.9 ms (pg log, 10 clients).
 *
 * Only for statements whose text takes a bounded number of forms (a connection keeps every form it
 * has seen) and whose plan does not depend on the parameters' values: primary-key and small-index
 * lookups, never the ledger's filters (a generic plan cannot use a partial index whose predicate
 * would need a parameter's value). The name carries a hash of the text, so two forms of one marked
 * statement never collide.
 */
export function prepared(name: string): RawBuilder<unknown> {
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(name)) throw new Error(`prepared statement name ${name}`);
  return sql.raw(`/* prepared:${name} */`);
}

const MARK = /^\s*(?:select\s+)?\/\* prepared:([a-z][a-z0-9_]{0,39}) \*\//;

/** The statement names of the marked texts seen (a bounded number of forms; cleared if that ever fails to hold). */
const names = new Map<string, string>();

function prepareMarked(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (first: unknown, ...rest: unknown[]) => {
    if (typeof first === 'string') {
      const m = MARK.exec(first);
      if (m) {
        let name = names.get(first);
        if (name === undefined) {
          name = `${m[1]}_${createHash('sha1').update(first).digest('base64url').slice(0, 16)}`;
          if (names.size >= 1_000) names.clear();
          names.set(first, name);
        }
        return query({ name, text: first, values: rest[0] }, ...rest.slice(1));
      }
    }
    return query(first, ...rest);
  };
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

/**
 * What the database's own maintenance lacks, as warnings for the operator (logged at start-up).
 * With autovacuum off (or the statistics it needs not collected), dead rows and planner statistics
 * are never brought up to date: plans cached while a table was small stay, and every update leaves
 * a row that scans keep reading — the app slows down as its tables change (bench/README.md: the
 * 交办单 numbering on such a server went from 1 ms to 300 ms a batch within a minute of intakes).
 */
export async function maintenanceWarnings<T>(db: Kysely<T>): Promise<string[]> {
  const { rows } = await sql<{ autovacuum: string; track_counts: string }>`
    select current_setting('autovacuum') as autovacuum, current_setting('track_counts') as track_counts`.execute(db);
  const s = rows[0]!;
  const warnings: string[] = [];
  if (s.autovacuum !== 'on' || s.track_counts !== 'on') {
    warnings.push(`PostgreSQL's autovacuum is not running (autovacuum = ${s.autovacuum}, track_counts = ${s.track_counts}): `
      + 'dead rows and planner statistics are never maintained and the app slows down as its tables change. '
      + 'Turn both on in postgresql.conf, or run VACUUM ANALYZE on a schedule.');
  }
  return warnings;
}
