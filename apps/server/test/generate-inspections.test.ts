import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCity, type CityScale, type GeneratedCity } from '../../../bench/lib/generate-city.js';
import { generateInspections } from '../../../bench/lib/generate-inspections.js';
import { createTestApp, login, type Session, type TestApp } from './harness.js';

/**
 * The bench generator's inspection sheets (bench/lib/generate-inspections.ts) on a tiny generated
 * city, read back through the real app: the list, a sheet, a plan's ranking, and a new sheet's
 * number continuing the generated ones.
 */

// Two streets, four communities of two grids, a few units and inspectors: the county's shape, small.
const TINY: CityScale = { streets: 2, communityCols: 2, communityRows: 2, gridCols: 1, gridRows: 2, shops: 60, departments: 4, otherUnits: 16, inspectors: 8, cases: 0, residents: 3_001 };
const UNTIL = '2026-03-12'; // the harness clock's day: sheets up to the day before
const YESTERDAY = '2026-03-11';

type Item = { nodeId: number; method: string; max: number; score: number | null; na: boolean; observed: number | null; passed: number | null; deducted: number };
type View = {
  id: number; number: string; state: string; score: number | null; maxScore: number | null; findingCount: number; plan: { id: number }; target: { kind: string; id: number };
  items: Item[]; findings: { itemNodeId: number; points: number; case: unknown }[]; events: { event: string; fromState: string | null; toState: string }[];
};

let t: TestApp;
let city: GeneratedCity;
let counts: Record<string, number>;
let office: Session;
const r2 = (n: number) => Math.round(n * 100) / 100;
const n = async (q: ReturnType<typeof sql<{ n: string }>>) => Number((await q.execute(t.db)).rows[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
  city = await generateCity(t.db, TINY, 7);
  counts = await generateInspections(t.db, city, { seed: 7, sheets: 300, until: UNTIL, days: 56 });
  office = await login(t.app, city.username, city.password);
});
afterAll(() => t.close());

describe('generated inspection sheets', () => {
  it('loads about the sheets asked for, every row consistent with its references', async () => {
    expect(counts.inspections).toBeGreaterThan(200);
    expect(counts.inspections).toBeLessThan(400);
    const tid = city.tenantId;
    expect(await n(sql`select count(*) as n from inspection where tenant_id = ${tid}`)).toBe(counts.inspections);
    expect(await n(sql`select count(*) as n from inspection_item where tenant_id = ${tid}`)).toBe(counts.inspectionItems);
    expect(await n(sql`select count(*) as n from inspection_finding where tenant_id = ${tid}`)).toBe(counts.inspectionFindings);
    expect(counts.inspectionFindings).toBeGreaterThan(0);
    // Loaded with the foreign-key triggers off: check the references by hand.
    expect(await n(sql`select count(*) as n from inspection i where tenant_id = ${tid} and (
        not exists (select 1 from inspection_plan p where p.tenant_id = i.tenant_id and p.id = i.plan_id and p.edition_id = i.edition_id)
        or not exists (select 1 from app_user u where u.tenant_id = i.tenant_id and u.id = i.inspector_id)
        or (i.target_unit_id is not null and not exists (select 1 from unit u where u.tenant_id = i.tenant_id and u.id = i.target_unit_id)))`)).toBe(0);
    expect(await n(sql`select count(*) as n from inspection_item it join inspection i on i.tenant_id = it.tenant_id and i.id = it.inspection_id
        where it.tenant_id = ${tid} and not exists (select 1 from standard_node s where s.tenant_id = it.tenant_id and s.id = it.node_id and s.edition_id = i.edition_id and s.kind = 'item')`)).toBe(0);
    expect(await n(sql`select count(*) as n from inspection_finding f join inspection i on i.tenant_id = f.tenant_id and i.id = f.inspection_id
        where f.tenant_id = ${tid} and (f.case_id is not null or not exists (select 1 from inspection_item it where it.tenant_id = f.tenant_id and it.inspection_id = f.inspection_id and it.node_id = f.item_node_id)
          or (f.criterion_node_id is not null and not exists (select 1 from standard_node c where c.tenant_id = f.tenant_id and c.id = f.criterion_node_id and c.parent_id = f.item_node_id)))`)).toBe(0);
    // Every sheet: its total is the sum of its items (deduct: points less the findings, floored; rate: by the counts), its findings counted.
    const bad = await sql<{ id: number }>`
      select i.id from inspection i
        join inspection_item it on it.tenant_id = i.tenant_id and it.inspection_id = i.id
        join standard_node s on s.tenant_id = it.tenant_id and s.id = it.node_id
       where i.tenant_id = ${tid}
       group by i.tenant_id, i.id, i.score, i.max_score, i.finding_count
      having i.score <> sum(case when it.na then 0 when s.method = 'deduct' then greatest(coalesce(s.floor, 0), s.points - it.deducted)
                                 when s.method = 'rate' then round(s.points * it.passed / it.observed, 2) when s.method = 'scale' then it.score end)
          or i.max_score <> sum(case when it.na then 0 else s.points end)
          or bool_or(s.method = 'pass_fail')
          or i.finding_count <> (select count(*) from inspection_finding f where f.tenant_id = i.tenant_id and f.inspection_id = i.id)
          or sum(it.deducted) <> coalesce((select sum(f.points) from inspection_finding f where f.tenant_id = i.tenant_id and f.inspection_id = i.id), 0)`.execute(t.db);
    expect(bad.rows).toEqual([]);
  });

  it('lists the sheets to the office and opens one whose items add up to its total', async () => {
    const list = await office.request({ method: 'GET', url: '/api/v1/inspections?pageSize=100' });
    expect(list.statusCode, list.body).toBe(200);
    const page = list.json() as { total: number; items: { id: number; inspectedOn: string }[] };
    expect(page.total).toBe(counts.inspections);
    expect(page.items).toHaveLength(100);
    expect(page.items[0]!.inspectedOn <= YESTERDAY).toBe(true);

    const sheet = await t.db.selectFrom('inspection').select(['id', 'finding_count']).where('tenant_id', '=', city.tenantId).where('state', '=', 'submitted')
      .where('finding_count', '>', 0).orderBy('id').executeTakeFirstOrThrow();
    const res = await office.request({ method: 'GET', url: `/api/v1/inspections/${sheet.id}` });
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json() as View;
    const rows = await t.db.selectFrom('inspection_item').select(['node_id']).where('tenant_id', '=', city.tenantId).where('inspection_id', '=', sheet.id).execute();
    expect(v.items.length).toBeGreaterThan(0);
    expect(v.items.map((i) => i.nodeId).sort()).toEqual(rows.map((r) => r.node_id).sort());
    const itemScore = (i: Item) => (i.na ? 0 : i.method === 'deduct' ? Math.max(0, r2(i.max - i.deducted)) : i.method === 'rate' ? r2((i.max * i.passed!) / i.observed!) : i.score ?? 0);
    expect(r2(v.items.reduce((s, i) => s + itemScore(i), 0))).toBe(v.score);
    expect(r2(v.items.reduce((s, i) => s + (i.na ? 0 : i.max), 0))).toBe(v.maxScore);
    expect(v.findings).toHaveLength(sheet.finding_count);
    expect(v.findingCount).toBe(sheet.finding_count);
    for (const i of v.items) expect(r2(v.findings.filter((f) => f.itemNodeId === i.nodeId).reduce((s, f) => s + f.points, 0))).toBe(i.deducted);
    expect(v.events.map((e) => [e.event, e.fromState, e.toState])).toEqual([['start', null, 'draft'], ['submit', 'draft', 'submitted']]);
  });

  it('ranks the targets of a plan from its sheets', async () => {
    const plans = await t.db.selectFrom('inspection_plan').select(['id', 'name']).where('tenant_id', '=', city.tenantId).orderBy('id').execute();
    expect(plans.map((p) => p.name)).toContain('创文实地考察（社区）');
    const plan = plans.find((p) => p.name === '创文实地考察（社区）')!;
    const res = await office.request({ method: 'GET', url: `/api/v1/inspection-results?planId=${plan.id}&from=2026-01-01&to=${YESTERDAY}` });
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json() as { rows: { sheets: number; findings: number; rank: number; rate: number | null }[] };
    expect(results.rows.length).toBeGreaterThan(0);
    const inDb = await t.db.selectFrom('inspection').select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.sum<string>('finding_count').as('f')])
      .where('tenant_id', '=', city.tenantId).where('plan_id', '=', plan.id).where('state', '=', 'submitted').where('inspected_on', '<=', YESTERDAY).executeTakeFirstOrThrow();
    expect(results.rows.reduce((s, r) => s + r.sheets, 0)).toBe(Number(inDb.n));
    expect(results.rows.reduce((s, r) => s + r.findings, 0)).toBe(Number(inDb.f));
    expect(results.rows[0]!.rank).toBe(1);
  });

  it('counts each sheet under the unit it recorded, and names a target as its newest sheet, when they changed within the period', async () => {
    const plan = await t.db.selectFrom('inspection_plan').select('id').where('tenant_id', '=', city.tenantId).where('name', '=', '创文实地考察（社区）').executeTakeFirstOrThrow();
    const from = `${YESTERDAY.slice(0, 8)}01`;
    const sheets = await t.db.selectFrom('inspection').select(['id', 'target_id', 'target_unit_id', 'target_name']).where('tenant_id', '=', city.tenantId).where('plan_id', '=', plan.id)
      .where('state', '=', 'submitted').where('inspected_on', '>=', from).where('inspected_on', '<=', YESTERDAY).orderBy('id').execute();
    const target = sheets[0]!.target_id;
    const oldest = sheets.find((x) => x.target_id === target)!;
    const other = city.model.departments[0]!;
    await t.db.updateTable('inspection').set({ target_unit_id: other, target_name: '龥旧名（排序在后）' }).where('tenant_id', '=', city.tenantId).where('id', '=', oldest.id).execute();
    try {
      const res = (await office.request({ method: 'GET', url: `/api/v1/inspection-results?planId=${plan.id}&from=${from}&to=${YESTERDAY}` })).json() as {
        rows: { target: { id: number; name: string; responsibleUnit: { id: number; name: string } | null }; sheets: number }[]; byUnit: { key: string; sheets: number }[];
      };
      const row = res.rows.find((r) => r.target.id === target)!;
      expect(row.sheets).toBe(sheets.filter((x) => x.target_id === target).length);
      expect(row.target.responsibleUnit?.id).toBe(oldest.target_unit_id);
      expect(row.target.name).toBe(oldest.target_name);
      expect(row.target.responsibleUnit?.name).toBe(oldest.target_name);
      const perUnit = new Map<string, number>();
      for (const x of sheets) {
        const unit = String(x.id === oldest.id ? other : x.target_unit_id ?? 0);
        perUnit.set(unit, (perUnit.get(unit) ?? 0) + 1);
      }
      expect(new Map(res.byUnit.map((g) => [g.key, g.sheets]))).toEqual(perUnit);
      expect(res.byUnit.find((g) => g.key === String(other))?.sheets).toBe(1);
    } finally {
      await t.db.updateTable('inspection').set({ target_unit_id: oldest.target_unit_id, target_name: oldest.target_name }).where('tenant_id', '=', city.tenantId).where('id', '=', oldest.id).execute();
    }
  });

  it('names the responsible unit and the type of a point ranked in a plan of units (its sheet from before the plan changed)', async () => {
    const plan = await t.db.selectFrom('inspection_plan').select(['id', 'targets']).where('tenant_id', '=', city.tenantId).where('name', '=', '创文实地考察（社区）').executeTakeFirstOrThrow();
    expect((plan.targets as { pointIds: number[] }).pointIds).toEqual([]);
    const from = `${YESTERDAY.slice(0, 8)}01`;
    const sheet = await t.db.selectFrom('inspection').select(['id', 'target_kind', 'target_id', 'target_subtype', 'target_unit_id', 'target_name']).where('tenant_id', '=', city.tenantId)
      .where('plan_id', '=', plan.id).where('state', '=', 'submitted').where('inspected_on', '>=', from).where('inspected_on', '<=', YESTERDAY).orderBy('id').executeTakeFirstOrThrow();
    const point = await t.db.selectFrom('assessment_point as p').innerJoin('assessment_point_type as ty', (j) => j.onRef('ty.tenant_id', '=', 'p.tenant_id').onRef('ty.id', '=', 'p.type_id'))
      .select(['p.id', 'p.name', 'ty.code as type_code', 'ty.name as type_name']).where('p.tenant_id', '=', city.tenantId).orderBy('p.id').executeTakeFirstOrThrow();
    const unit = await t.db.selectFrom('unit').select(['id', 'name']).where('tenant_id', '=', city.tenantId).where('id', '=', city.model.departments[1]!).executeTakeFirstOrThrow();
    await t.db.updateTable('inspection').set({ target_kind: 'point', target_id: point.id, target_subtype: point.type_code, target_unit_id: unit.id, target_name: point.name })
      .where('tenant_id', '=', city.tenantId).where('id', '=', sheet.id).execute();
    try {
      const res = (await office.request({ method: 'GET', url: `/api/v1/inspection-results?planId=${plan.id}&from=${from}&to=${YESTERDAY}` })).json() as {
        rows: { target: { kind: string; id: number; name: string; responsibleUnit: { id: number; name: string } | null } }[]; byUnit: { key: string; name: string }[]; byType: { key: string; name: string }[];
      };
      const row = res.rows.find((r) => r.target.kind === 'point')!;
      expect(row.target).toEqual({ kind: 'point', id: point.id, name: point.name, subtype: point.type_code, responsibleUnit: { id: unit.id, name: unit.name } });
      expect(res.byUnit.find((g) => g.key === String(unit.id))?.name).toBe(unit.name);
      expect(res.byType.find((g) => g.key === point.type_code)?.name).toBe(point.type_name);
    } finally {
      await t.db.updateTable('inspection').set({ target_kind: sheet.target_kind, target_id: sheet.target_id, target_subtype: sheet.target_subtype, target_unit_id: sheet.target_unit_id, target_name: sheet.target_name })
        .where('tenant_id', '=', city.tenantId).where('id', '=', sheet.id).execute();
    }
  });

  it('explains a ranked target: its items’ points add up to its row (best, worst and the middle)', async () => {
    const plan = await t.db.selectFrom('inspection_plan').select('id').where('tenant_id', '=', city.tenantId).where('name', '=', '创文实地考察（社区）').executeTakeFirstOrThrow();
    const q = `planId=${plan.id}&from=${YESTERDAY.slice(0, 8)}01&to=${YESTERDAY}`;
    const rows = (await office.request({ method: 'GET', url: `/api/v1/inspection-results?${q}` })).json().rows as { target: { kind: string; id: number }; sheets: number; score: number; maxScore: number; findings: number }[];
    expect(rows.length).toBeGreaterThan(2);
    for (const row of [rows[0]!, rows[Math.floor(rows.length / 2)]!, rows.at(-1)!]) {
      const res = await office.request({ method: 'GET', url: `/api/v1/inspection-results/explanation?${q}&targetKind=${row.target.kind}&targetId=${row.target.id}` });
      expect(res.statusCode, res.body).toBe(200);
      const x = res.json() as { sheets: number; score: number; maxScore: number; findings: number; items: { lost: number; scoreTotal: number; maxTotal: number; findings: number }[]; sheetList: unknown[]; findingList: unknown[] };
      expect(x).toMatchObject({ sheets: row.sheets, score: row.score, maxScore: row.maxScore, findings: row.findings });
      expect(x.sheetList).toHaveLength(row.sheets);
      expect(r2(x.items.reduce((s, i) => s + i.scoreTotal, 0))).toBe(row.score);
      expect(r2(x.items.reduce((s, i) => s + i.maxTotal, 0))).toBe(row.maxScore);
      expect(r2(x.items.reduce((s, i) => s + i.lost, 0))).toBe(r2(row.maxScore - row.score));
      expect(x.items.reduce((s, i) => s + i.findings, 0)).toBe(row.findings);
      expect(x.findingList).toHaveLength(Math.min(100, row.findings));
      expect(x.items.map((i) => i.lost)).toEqual([...x.items.map((i) => i.lost)].sort((a, b) => b - a));
    }
  });

  it('numbers a new sheet after the generated ones of its day', async () => {
    const generated = await n(sql`select count(*) as n from inspection where tenant_id = ${city.tenantId} and inspected_on = ${YESTERDAY}`);
    expect(generated).toBeGreaterThan(0);
    const plan = await t.db.selectFrom('inspection_plan').select('id').where('tenant_id', '=', city.tenantId).where('name', '=', '创卫每周检查').executeTakeFirstOrThrow();
    const inspector = await login(t.app, city.inspectorUsernames[0]!, city.password);
    const res = await inspector.request({
      method: 'PUT', url: '/api/v1/inspections/sync',
      payload: { clientKey: 'test-after-generated', planId: plan.id, target: { kind: 'unit', id: city.model.communities[0]!.unitId }, inspectedOn: YESTERDAY, items: [], findings: [], submit: true },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect((res.json() as View).number).toBe(`JC${YESTERDAY.replaceAll('-', '')}${String(generated + 1).padStart(4, '0')}`);
  });
});
