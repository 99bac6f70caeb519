import { sql } from 'kysely';
import type { DB } from './database.js';

// The plugin calls incr(key, cb, timeWindow, max); its typings name only the first two.
type Incr = (key: string, cb: (err: Error | null, res?: { current: number; ttl: number }) => void, timeWindow?: number, max?: number) => void;

/**
 * Counts one hit of `key` in a fixed window of `windowMs`, in PostgreSQL: the hits so far in the
 * window (this one included) and the milliseconds until it ends. One upsert on the key's row, so
 * concurrent hits from every app instance are counted once each, on the database's clock (the
 * instances' own clocks may differ).
 */
export async function countHit(db: DB, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  const { rows } = await sql<{ hits: number; ttl: number }>`
    insert into rate_limit_counter as c (key, hits, reset_at)
    values (${key}, 1, clock_timestamp() + ${Math.max(1, Math.round(windowMs))} * interval '1 millisecond')
    on conflict (key) do update
       set hits = case when c.reset_at <= clock_timestamp() then 1 else c.hits + 1 end,
           reset_at = case when c.reset_at <= clock_timestamp() then excluded.reset_at else c.reset_at end
    returning hits, greatest(0, ceil(extract(epoch from (reset_at - clock_timestamp())) * 1000))::integer as ttl`.execute(db);
  const r = rows[0]!;
  return { current: r.hits, ttl: r.ttl };
}

/** Deletes the counters whose window ended more than a minute ago. */
export async function purgeRateLimits(db: DB): Promise<number> {
  const r = await sql`delete from rate_limit_counter where reset_at < clock_timestamp() - interval '1 minute'`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * A store for `@fastify/rate-limit` (its `store` option) that keeps the counters in PostgreSQL
 * (ADR 0008): the same counts for every instance of the app. Each route's limit counts under its
 * own prefix (method and URL pattern), as the plugin's Redis store does. A fixed window only: the
 * plugin's `continueExceeding` and `exponentialBackoff` are not used by this app and not offered.
 */
export function pgRateLimitStore(db: DB) {
  return class PgRateLimitStore {
    constructor(_params?: unknown, private readonly prefix = '') {}

    incr: Incr = (key, cb, timeWindow) => {
      countHit(db, `${this.prefix}${key}`, timeWindow ?? 60_000).then((r) => cb(null, r), (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))));
    };

    // The plugin passes the route's merged limit options with the route as `routeInfo` (its
    // typings say the route options themselves).
    child(params: unknown) {
      const route = (params as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
      return new PgRateLimitStore(undefined, `${String(route.method ?? '')}${route.url ?? ''}-`);
    }
  };
}
