import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/harness.js';
import { prepared, type DB } from './database.js';

let db: DB;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDb());
});
afterAll(() => drop());

describe('prepared statements for the hot paths', () => {
  it('prepares a marked statement once per connection, each form of it under its own name, and leaves the rest unnamed', async () => {
    await db.connection().execute(async (c) => {
      const names = async () => (await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(c)).rows.map((r) => r.name);
      expect(await names()).toEqual([]);
      for (let i = 0; i < 7; i++) {
        const r = await sql<{ n: number }>`${prepared('probe')} select ${i}::int + 1 as n`.execute(c);
        expect(r.rows[0]!.n).toBe(i + 1);
      }
      // The same marker on another text: a second statement, not an error about a name in use.
      expect((await sql<{ s: string }>`${prepared('probe')} select ${'x'}::text || 'y' as s`.execute(c)).rows[0]!.s).toBe('xy');
      // Kysely's builder with the marker right after "select".
      const t = await c.selectFrom('tenant').select((eb) => eb.fn.countAll<number>().as('n')).modifyFront(prepared('migrations')).execute();
      expect(t).toHaveLength(1);
      await sql`select 1`.execute(c);
      const all = await names();
      expect(all.filter((n) => n.startsWith('probe_'))).toHaveLength(2);
      expect(all.filter((n) => n.startsWith('migrations_'))).toHaveLength(1);
      expect(all).toHaveLength(3);
    });
  });

  it('refuses a name that is not a plain identifier', () => {
    expect(() => prepared('x; drop table y')).toThrow();
    expect(() => prepared('Upper')).toThrow();
  });

  it('keeps working on a connection whose server session ended (the pool opens a new one and prepares again)', async () => {
    const q = () => sql<{ n: number }>`${prepared('again')} select 41 + 1 as n`.execute(db);
    expect((await q()).rows[0]!.n).toBe(42);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(db);
    let answer: number | null = null;
    for (let i = 0; i < 10 && answer === null; i++) answer = await q().then((r) => r.rows[0]!.n, () => null);
    expect(answer).toBe(42);
  });
});
