import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type AreaGeometry } from '@cc/domain';
import { buildApp } from '../app.js';
import { createTestDb, login, testConfig, type Session } from '../../test/harness.js';
import { loadDemoCity } from '../modules/demo/load-demo-city.js';
import { ManualClock } from './clock.js';
import { createDb, type DB } from './database.js';

// The app on ONE connection that lives LIFETIME_S seconds (the app's own pool: ten minutes).
const LIFETIME_S = 2;
let db: DB;
let other: DB; // setup and reading the statistics
let close: () => Promise<void>;
let app: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  const t = await createTestDb();
  other = t.db;
  db = createDb(t.url, 1, { maxLifetimeSeconds: LIFETIME_S });
  await loadDemoCity(db);
  // A city whose statistics say its case tables are empty, and no autovacuum to say otherwise.
  for (const table of ['case_record', 'case_event', 'case_document', 'case_photo']) {
    await sql.raw(`alter table ${table} set (autovacuum_enabled = off)`).execute(other);
  }
  await sql`truncate case_record, case_event, case_document, case_photo, outbox cascade`.execute(other);
  await sql`analyze case_record, case_event, case_document, case_photo`.execute(other);
  app = await buildApp({ db, config: testConfig(), clock: new ManualClock(new Date('2026-03-12T09:00:00+08:00')) });
  await app.ready();
  close = async () => { await app.close(); await db.destroy(); await t.drop(); };
});
afterAll(() => close());

/** Rows read so far from case_event and case_document, sequentially and through any index, once `db`'s counts are in. */
async function reads(): Promise<Record<string, number>> {
  await sql`select pg_stat_force_next_flush()`.execute(db); // `db` reports its counts as it goes idle
  const { rows } = await sql<{ name: string; seq: string; idx: string }>`
    select relname as name, coalesce(seq_tup_read, 0) as seq, coalesce(idx_tup_fetch, 0) as idx
      from pg_stat_user_tables where relname in ('case_event', 'case_document')`.execute(other);
  return Object.fromEntries(rows.flatMap((r) => [[`${r.name}.seq`, Number(r.seq)], [`${r.name}.idx`, Number(r.idx)]]));
}

async function backendPid(): Promise<number> {
  return (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
}

describe('plans made while the tables were empty', () => {
  it('last no longer than a connection: after it, a case view reads that case’s rows, not the city’s', async () => {
    const s: Session = await login(app, 'office', 'Demo@2026');
    const f = (await s.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features[0];
    const [lng, lat] = bboxCentre(f.geometry as AreaGeometry);
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) { // the view's statement runs often enough to keep a generic plan
      const res = await s.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode: '0107', description: `计划寿命 ${i}`, lat: lat + i * 1e-5, lng } });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
      expect((await s.request({ method: 'GET', url: `/api/v1/cases/${ids[i]}` })).statusCode).toBe(200);
    }
    // The city grows: 5,000 交办单 rows on another case (the numbers of an earlier year).
    const c = await other.selectFrom('case_record').select(['tenant_id', 'id']).where('id', '=', ids[0]!).executeTakeFirstOrThrow();
    await sql`insert into case_document (tenant_id, case_id, kind, year, seq, number_text, created_at)
      select ${c.tenant_id}, ${c.id}, 'assignment_slip', 2020, g, '旧〔2020〕' || g || '号', now() from generate_series(1, 5000) g`.execute(other);

    // Once the connection has been replaced, the view is planned with the tables as they are.
    const first = await backendPid();
    const deadline = Date.now() + (LIFETIME_S + 5) * 1000;
    while ((await backendPid()) === first) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 200));
    }
    const view = async () => {
      const before = await reads();
      const res = await s.request({ method: 'GET', url: `/api/v1/cases/${ids[5]}` });
      expect(res.statusCode).toBe(200);
      expect(res.json().documents).toHaveLength(1);
      const after = await reads();
      return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
    };
    for (let i = 0; i < 6; i++) await view(); // custom plans first, then the generic one it keeps
    const read = await view();
    // Its own events and document, not the 5,000 others: the stale plan read all 5,008 documents.
    // (The 24 events of eight cases may still be read whole: for a one-page table that is the plan.)
    const total = Object.values(read).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(100);
  });
});
