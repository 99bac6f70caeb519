import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityPos, generateCity, type CityScale, type GeneratedCity } from '../../../bench/lib/generate-city.js';
import { generateCases } from '../../../bench/lib/generate-cases.js';
import { createTestApp, login, type TestApp } from './harness.js';

/**
 * The bench generator's cases (bench/lib/generate-cases.ts) on a tiny generated city: every case
 * in the state its last event left it in, a 交办单 for every assignment and relapse and a 督办函 for
 * every escalation, numbered without gaps per year; then read and continued through the real app.
 */

const TINY: CityScale = { streets: 2, communityCols: 2, communityRows: 2, gridCols: 1, gridRows: 2, shops: 60, departments: 4, otherUnits: 16, inspectors: 8, cases: 0, residents: 3_001 };
const UNTIL = '2026-03-12'; // the harness clock's day: cases up to the day before

let t: TestApp;
let city: GeneratedCity;
let counts: Record<string, number>;
const n = async (q: ReturnType<typeof sql<{ n: string }>>) => Number((await q.execute(t.db)).rows[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
  city = await generateCity(t.db, TINY, 11);
  // 400 days: the documents of two years, and cases old enough to have been escalated.
  counts = await generateCases(t.db, city, { count: 3000, seed: 11, until: UNTIL, days: 400 });
});
afterAll(() => t.close());

describe('generated city', () => {
  it('spreads the residents over the grids, every level above holding its children’s sum', async () => {
    const rows = await t.db.selectFrom('region').select(['id', 'parent_id', 'level', 'population']).where('tenant_id', '=', city.tenantId).execute();
    expect(rows.every((r) => r.population !== null && r.population > 0)).toBe(true);
    const sumOfChildren = (id: number) => rows.filter((c) => c.parent_id === id).reduce((a, c) => a + c.population!, 0);
    for (const r of rows.filter((x) => x.level !== 'grid')) expect(r.population, `${r.level} ${r.id}`).toBe(sumOfChildren(r.id));
    expect(rows.filter((r) => r.level === 'grid').reduce((a, r) => a + r.population!, 0)).toBe(TINY.residents);
    expect(rows.find((r) => r.level === 'county')!.population).toBe(TINY.residents);
    expect(city.counts.residents).toBe(TINY.residents);
    // The spread is skewed, not even: the biggest grid holds well over the smallest.
    const grids = rows.filter((r) => r.level === 'grid').map((r) => r.population!);
    expect(Math.max(...grids)).toBeGreaterThan(Math.min(...grids) * 1.5);
  });
});

describe('generated cases', () => {
  it('leaves every case in the state its last event left it in, after one report', async () => {
    const tid = city.tenantId;
    expect(await n(sql`select count(*) as n from case_record where tenant_id = ${tid}`)).toBe(3000);
    expect(await n(sql`select count(*) as n from case_event where tenant_id = ${tid}`)).toBe(counts.caseEvents);
    expect(await n(sql`select count(*) as n from case_record c where tenant_id = ${tid} and state <> (
        select e.to_state from case_event e where e.tenant_id = c.tenant_id and e.case_id = c.id order by e.at desc, e.id desc limit 1)`)).toBe(0);
    expect(await n(sql`select count(*) as n from case_record c where tenant_id = ${tid} and 1 <> (
        select count(*) from case_event e where e.tenant_id = c.tenant_id and e.case_id = c.id and e.event = 'report')`)).toBe(0);
    expect(counts['state.closed']).toBeGreaterThan(1000);
  });

  it('writes a 交办单 for every assignment and relapse and a 督办函 for every escalation, numbered per year without gaps', async () => {
    const tid = city.tenantId;
    const events = await n(sql`select count(*) as n from case_event where tenant_id = ${tid} and event in ('assign', 'relapse', 'escalate')`);
    expect(counts.caseDocuments).toBe(events);
    expect(await n(sql`select count(*) as n from case_document where tenant_id = ${tid}`)).toBe(events);
    // Each document belongs to its event and case, of the kind the event issues.
    expect(await n(sql`select count(*) as n from case_document d join case_event e on e.tenant_id = d.tenant_id and e.id = d.event_id
        where d.tenant_id = ${tid} and (e.case_id <> d.case_id or d.kind <> case when e.event = 'escalate' then 'urging_letter' else 'assignment_slip' end
          or d.created_at <> e.at or d.unit_id is null)`)).toBe(0);
    const kinds = await sql<{ kind: string; year: number; n: string; max: number; min: number; last: number }>`
      select d.kind, d.year, count(*) as n, max(d.seq) as max, min(d.seq) as min, s.last
        from case_document d join doc_sequence s on s.tenant_id = d.tenant_id and s.kind = d.kind and s.period = d.year::text
       where d.tenant_id = ${tid} group by d.kind, d.year, s.last order by 1, 2`.execute(t.db);
    expect(kinds.rows.map((r) => `${r.kind} ${r.year}`)).toEqual(['assignment_slip 2025', 'assignment_slip 2026', 'urging_letter 2025', 'urging_letter 2026']);
    for (const r of kinds.rows) expect([r.min, r.max, r.last], `${r.kind} ${r.year}`).toEqual([1, Number(r.n), Number(r.n)]);
    const sample = await t.db.selectFrom('case_document').select(['kind', 'year', 'seq', 'number_text']).where('tenant_id', '=', tid).orderBy('id').limit(50).execute();
    for (const d of sample) expect(d.number_text).toBe(`${d.kind === 'urging_letter' ? '创城督' : '创城交'}〔${d.year}〕${d.seq}号`);
    // 2025's 交办单 were issued in the city's year 2025 (UTC+8), in the order of their events.
    expect(await n(sql`select count(*) as n from case_document where tenant_id = ${tid} and year <> extract(year from (created_at at time zone 'UTC') + interval '8 hours')`)).toBe(0);
    expect(await n(sql`select count(*) as n from (select seq, lag(created_at) over (partition by kind, year order by seq) as prev, created_at from case_document where tenant_id = ${tid}) x
        where prev > created_at`)).toBe(0);
  });

  it('shows a generated case’s documents in the app, and numbers a new case’s 交办单 after them', async () => {
    const office = await login(t.app, city.username, city.password);
    const escalated = await t.db.selectFrom('case_document').select('case_id').where('tenant_id', '=', city.tenantId).where('kind', '=', 'urging_letter').orderBy('id').executeTakeFirstOrThrow();
    const view = await office.request({ method: 'GET', url: `/api/v1/cases/${escalated.case_id}` });
    expect(view.statusCode, view.body).toBe(200);
    const docs = view.json().documents as { kind: string; number: string }[];
    expect(docs.some((d) => d.kind === 'assignment_slip' && /^创城交〔\d{4}〕\d+号$/.test(d.number))).toBe(true);
    expect(docs.some((d) => d.kind === 'urging_letter' && /^创城督〔\d{4}〕\d+号$/.test(d.number))).toBe(true);

    const last = await n(sql`select max(seq) as n from case_document where tenant_id = ${city.tenantId} and kind = 'assignment_slip' and year = 2026`);
    const inspector = await login(t.app, city.inspectorUsernames[0]!, city.password);
    const g = city.model.grids[0]!;
    const [lng, lat] = cityPos(g.x0 + 0.1, g.y0 + 0.1);
    const res = await inspector.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode: '0101', description: '生成城市之后的新问题', lat, lng } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().documents.map((d: { number: string }) => d.number)).toEqual([`创城交〔2026〕${last + 1}号`]);
    expect(res.json().number).toMatch(/^20260312\d{4}$/);
  });
});
