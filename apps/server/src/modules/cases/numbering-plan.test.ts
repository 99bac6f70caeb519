import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type AreaGeometry } from '@cc/domain';
import { buildApp } from '../../app.js';
import { createTestDb, login, testConfig } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';
import { ManualClock } from '../../platform/clock.js';
import { createDb, type DB } from '../../platform/database.js';
import { numberDocuments } from './sequences.js';

// The numbering runs on ONE connection here, so the plan its function caches is the one measured.
let db: DB; // that connection
let other: DB; // everything else: setup and reading the statistics
let close: () => Promise<void>;
let caseId: number;
beforeAll(async () => {
  const t = await createTestDb();
  other = t.db;
  db = createDb(t.url, 1);
  await loadDemoCity(db);
  const app = await buildApp({ db, config: testConfig(), clock: new ManualClock(new Date('2026-03-12T09:00:00+08:00')) });
  await app.ready();
  close = async () => { await app.close(); await db.destroy(); await t.drop(); };
  const office = await login(app, 'office', 'Demo@2026');
  const f = (await office.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features[0];
  const [lng, lat] = bboxCentre(f.geometry as AreaGeometry);
  const res = await office.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode: '0107', description: '编号计划检查', lat, lng } });
  expect(res.statusCode, res.body).toBe(201);
  caseId = res.json().id;
});
afterAll(() => close());

const tenantOf = async () => (await other.selectFrom('case_record').select('tenant_id').where('id', '=', caseId).executeTakeFirstOrThrow()).tenant_id;

async function addDocuments(n: number, numbered: boolean) {
  const tenantId = await tenantOf();
  await sql`
    insert into case_document (tenant_id, case_id, kind, year, seq, number_text, number_format, created_at)
    select ${tenantId}, ${caseId}, 'assignment_slip', ${numbered ? 2020 : 2026},
           case when ${numbered} then g end, case when ${numbered} then '旧〔2020〕' || g || '号' end,
           case when ${numbered} then null else '测〔2026〕{seq}号' end, now()
      from generate_series(1, ${n}) g`.execute(other);
}

/** Entries read from case_document's indexes so far, by index, and rows by sequential scans ('seq'), once `db`'s counts are in. */
async function indexReads(): Promise<Record<string, number>> {
  await sql`select pg_stat_force_next_flush()`.execute(db); // `db` reports its counts as it goes idle
  const rows = (await sql<{ name: string; n: string }>`
    select indexrelname as name, idx_tup_read as n from pg_stat_user_indexes where relname = 'case_document'
    union all select 'seq', seq_tup_read from pg_stat_user_tables where relname = 'case_document'`.execute(other)).rows;
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]));
}

describe('numbering 交办单 in a city whose statistics say it has none', () => {
  it('finds the rows it numbers without reading the city’s other documents, with the plan cached when the table was empty', async () => {
    // A new city (or a server with autovacuum off): the statistics say case_document is empty
    // when the numbering function first runs and caches its plan. On the PG 15 server that plan
    // looked each pending row up through case_document_case_ix by tenant alone — every call read
    // all of the city's documents, and numbering came to take 300 ms a batch in the intake bench.
    await sql`alter table case_document set (autovacuum_enabled = off)`.execute(other);
    await sql`truncate case_document`.execute(other);
    await sql`analyze case_document`.execute(other);
    for (let i = 0; i < 8; i++) { // custom plans for five calls, then the generic one stays
      await addDocuments(1, false);
      expect(await numberDocuments(db)).toBe(1);
    }
    await addDocuments(3_000, true);
    await addDocuments(5, false);

    const before = await indexReads();
    const given = new Map<number, string>();
    expect(await numberDocuments(db, given)).toBe(5);
    const after = await indexReads();

    // The intake numbered 1 before the truncate, the loop 2–9: the series goes on at 10.
    expect([...given.values()]).toEqual([10, 11, 12, 13, 14].map((n) => `测〔2026〕${n}号`));
    const read = (name: string) => after[name]! - (before[name] ?? 0);
    // The pending rows come from the partial index of unnumbered documents; no other index is read.
    expect(read('case_document_unnumbered_ix')).toBeGreaterThanOrEqual(5);
    expect({ pk: read('case_document_pk'), byCase: read('case_document_case_ix'), byNumber: read('case_document_number_uq'), sequential: read('seq') })
      .toEqual({ pk: 0, byCase: 0, byNumber: 0, sequential: 0 });
  });
});
