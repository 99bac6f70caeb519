import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/harness.js';
import type { DB } from './database.js';
import { countHit, purgeRateLimits } from './rate-limit-store.js';

let db: DB;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDb());
});
afterAll(() => drop());

describe('rate-limit counters in PostgreSQL', () => {
  it('counts hits per key within a fixed window, then starts again', async () => {
    const a = [await countHit(db, 'k:a', 400), await countHit(db, 'k:a', 400), await countHit(db, 'k:a', 400)];
    expect(a.map((r) => r.current)).toEqual([1, 2, 3]);
    expect(a.every((r) => r.ttl > 0 && r.ttl <= 400)).toBe(true);
    // Another key counts on its own.
    expect((await countHit(db, 'k:b', 400)).current).toBe(1);
    await new Promise((r) => setTimeout(r, 450));
    const again = await countHit(db, 'k:a', 400);
    expect(again.current).toBe(1);
    expect(again.ttl).toBeGreaterThan(300);
  });

  it('counts concurrent hits once each', async () => {
    const hits = await Promise.all(Array.from({ length: 20 }, () => countHit(db, 'k:burst', 60_000)));
    expect(hits.map((r) => r.current).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('purges counters whose window ended more than a minute ago, and only those', async () => {
    await countHit(db, 'k:old', 60_000);
    await sql`update rate_limit_counter set reset_at = clock_timestamp() - interval '2 minutes' where key = 'k:old'`.execute(db);
    const before = Number((await sql<{ n: string }>`select count(*) as n from rate_limit_counter`.execute(db)).rows[0]!.n);
    expect(await purgeRateLimits(db)).toBe(1);
    const keys = (await sql<{ key: string }>`select key from rate_limit_counter order by key`.execute(db)).rows.map((r) => r.key);
    expect(keys).not.toContain('k:old');
    expect(keys).toHaveLength(before - 1);
  });
});
