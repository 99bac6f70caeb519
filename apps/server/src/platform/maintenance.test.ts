import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/harness.js';
import { maintenanceWarnings, type DB } from './database.js';

let db: DB;
let drop: () => Promise<void>;
beforeAll(async () => ({ db, drop } = await createTestDb()));
afterAll(() => drop());

describe('start-up warnings about the database’s maintenance', () => {
  it('warns, naming the settings, exactly when autovacuum cannot run (the embedded engine runs it; this machine’s PG 15 server does not)', async () => {
    const { rows } = await sql<{ av: string; tc: string }>`select current_setting('autovacuum') as av, current_setting('track_counts') as tc`.execute(db);
    const off = rows[0]!.av !== 'on' || rows[0]!.tc !== 'on';
    const warnings = await maintenanceWarnings(db);
    expect(warnings).toHaveLength(off ? 1 : 0);
    if (off) expect(warnings[0]).toContain(`autovacuum = ${rows[0]!.av}, track_counts = ${rows[0]!.tc}`);
  });
});
