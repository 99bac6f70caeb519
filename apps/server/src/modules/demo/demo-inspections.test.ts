import { addDays, localDate } from '@cc/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, login, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoInspectionSheets } from './demo-inspections.js';
import { loadDemoCity } from './load-demo-city.js';

let t: TestApp;
let seeded = 0;
let seedMs = 0;
const now = new Date();
const today = localDate(now);
type Plan = { id: number; name: string; kind: string; mode: string; edition: { standardName: string }; ownerUnit: { name: string }; team: { name: string }[]; targetCount: number; startsOn: string; recheck: { samplePercent: number; regions: { name: string }[] } | null };

beforeAll(async () => {
  t = await createTestApp();
  t.clock.set(now);
  const tenantId = await loadDemoCity(t.db);
  const started = Date.now();
  seeded = await loadDemoInspectionSheets(t.db, tenantId, now);
  seedMs = Date.now() - started;
});
afterAll(() => t.close());

const get = async <T>(s: Session, url: string): Promise<T> => {
  const res = await s.request({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
};

it('gives the demo county assessment points with a responsible unit and a 点位长 inside its communities', async () => {
  const office = await login(t.app, 'office', 'Demo@2026');
  const points = await get<{ total: number; items: { type: { code: string }; responsibleUnit: unknown; chief: { name: string } | null; region: { name: string } | null }[] }>(office, '/api/v1/assessment-points?pageSize=100');
  expect(points.total).toBeGreaterThanOrEqual(12);
  expect(new Set(points.items.map((p) => p.type.code)).size).toBeGreaterThanOrEqual(10);
  for (const p of points.items) {
    expect(p.responsibleUnit).not.toBeNull();
    expect(p.chief?.name).toBeTruthy();
    expect(p.region?.name).toMatch(/社区$/);
  }
});

it('has the four plans of the users’ documents and a weekly re-check plan, started weeks before today', async () => {
  const office = await login(t.app, 'office', 'Demo@2026');
  const plans = (await get<{ items: Plan[] }>(office, '/api/v1/inspection-plans?pageSize=50')).items;
  const by = (name: string) => plans.find((p) => p.name === name)!;
  expect(plans.map((p) => p.name).sort()).toEqual(['东关西关每周回头看', '创卫每周检查', '集镇十分制日评比', '模拟测评', '门内达标月检'].sort());
  expect(by('东关西关每周回头看')).toMatchObject({ kind: 'recheck', edition: null, team: [{ name: '陈立新' }], recheck: { samplePercent: 50 } });
  expect(by('东关西关每周回头看').recheck!.regions.map((r) => r.name).sort()).toEqual(['东关社区', '西关社区'].sort());
  expect(by('创卫每周检查')).toMatchObject({ kind: 'routine', mode: 'announced', ownerUnit: { name: '青岚县创建办' }, team: [] });
  expect(by('创卫每周检查').edition.standardName).toContain('金牛山');
  expect(by('创卫每周检查').targetCount).toBeGreaterThan(10);
  expect(by('门内达标月检')).toMatchObject({ kind: 'inside_gate', ownerUnit: { name: '城关镇人民政府' } });
  expect(by('集镇十分制日评比')).toMatchObject({ kind: 'zone_daily', targetCount: 5 });
  expect(by('模拟测评')).toMatchObject({ kind: 'simulated', mode: 'unannounced', team: [{ name: '陈立新' }] });
  for (const p of plans) expect(p.startsOn <= addDays(today, -14), p.name).toBe(true);
  // The unannounced one is hidden from the inspected.
  const community = await login(t.app, 'community', 'Demo@2026');
  expect((await get<{ items: Plan[] }>(community, '/api/v1/inspection-plans')).items.some((p) => p.mode === 'unannounced')).toBe(false);
});

it('lists today’s inspections for the inspector; a community scores the units inside it in the 门内达标 window', async () => {
  const inspector = await login(t.app, 'inspector', 'Demo@2026');
  const tasks = await get<{ plan: { name: string }; target: { name: string; kind: string } }[]>(inspector, '/api/v1/inspection-tasks');
  const names = (plan: string) => tasks.filter((x) => x.plan.name === plan).map((x) => x.target.name);
  expect(names('创卫每周检查')).toContain('东关社区居委会');
  expect(names('集镇十分制日评比')).toHaveLength(5);
  // The simulated assessment has visited every point but the public toilet.
  expect(names('模拟测评')).toEqual(['南大街公共厕所']);

  const community = await login(t.app, 'community', 'Demo@2026');
  const day = `${today.slice(0, 7)}-27`;
  const theirs = await get<{ plan: { name: string }; target: { name: string } }[]>(community, `/api/v1/inspection-tasks?date=${day}`);
  const gate = theirs.filter((x) => x.plan.name === '门内达标月检').map((x) => x.target.name).sort();
  expect(gate).toEqual(['城关镇第一小学', '县邮政分公司营业部'].sort());
});

it('adds submitted past sheets through the inspections service: deductions open cases, coverage has history, fast', async () => {
  expect(seeded).toBeGreaterThanOrEqual(10);
  console.info(`demo sheets: ${seeded} in ${seedMs} ms`);
  // About 2 s on an idle machine (28 sheets); the bound leaves room for a CI box shared with other suites.
  expect(seedMs).toBeLessThan(8000);
  const office = await login(t.app, 'office', 'Demo@2026');
  const sheets = await get<{ total: number; items: { id: number; state: string; findingCount: number; plan: { name: string }; score: number | null; publishedAt: string | null }[] }>(office, '/api/v1/inspections?pageSize=100');
  expect(sheets.total).toBe(seeded);
  expect(sheets.items.every((s) => s.state === 'submitted' && s.score !== null)).toBe(true);
  // Unannounced sheets open their cases only when published.
  const withFindings = sheets.items.filter((s) => s.findingCount > 0 && s.publishedAt !== null);
  expect(withFindings.length).toBeGreaterThan(0);
  const v = await get<{ findings: { case: { number: string } | null }[] }>(office, `/api/v1/inspections/${withFindings[0]!.id}`);
  expect(v.findings.every((f) => f.case !== null)).toBe(true);
  const cases = await get<{ total: number; items: { source: string }[] }>(office, '/api/v1/cases?pageSize=100');
  expect(cases.items.filter((c) => c.source === 'inspection').length).toBe(withFindings.reduce((s, x) => s + x.findingCount, 0));

  const plans = (await get<{ items: Plan[] }>(office, '/api/v1/inspection-plans?pageSize=50')).items;
  const weekly = plans.find((p) => p.name === '创卫每周检查')!;
  const cov = await get<{ windows: unknown[]; rows: { cells: { done: number }[] }[]; missed: number }>(office, `/api/v1/inspection-plans/${weekly.id}/coverage?from=${addDays(today, -21)}&to=${today}`);
  expect(cov.windows.length).toBeGreaterThanOrEqual(3);
  expect(cov.rows.some((r) => r.cells.some((c) => c.done > 0))).toBe(true);
  expect(cov.missed).toBeGreaterThan(0);

  // Deterministic: a second run adds nothing (the client keys are taken and the content is the same).
  const again = await loadDemoInspectionSheets(t.db, (await t.db.selectFrom('tenant').select('id').executeTakeFirstOrThrow()).id, now);
  expect(again).toBe(seeded);
  expect((await get<{ total: number }>(office, '/api/v1/inspections?pageSize=1')).total).toBe(seeded);
});

type Sheet = { id: number; number: string; inspectedOn: string; target: { id: number; name: string }; rate: number | null; score: number | null; maxScore: number | null; findingCount: number; publishedAt: string | null; plan: { name: string } };
type Results = { rows: { target: { id: number; name: string }; sheets: number; rate: number | null; findings: number }[]; byType: { name: string; rate: number | null }[]; byUnit: { name: string; rate: number | null }[] };

it('adds unpublished 模拟测评 sheets for most points: hidden from the inspected, rated per point, type and unit, published by the office', async () => {
  const office = await login(t.app, 'office', 'Demo@2026');
  const row = await t.db.selectFrom('inspection_plan').select(['id', 'starts_on']).where('name', '=', '模拟测评').executeTakeFirstOrThrow();
  const plan = { id: row.id, startsOn: row.starts_on };
  const points = await get<{ total: number; items: { id: number; name: string; responsibleUnit: { id: number; name: string } | null }[] }>(office, '/api/v1/assessment-points?pageSize=100');
  const sheets = (await get<{ items: Sheet[] }>(office, `/api/v1/inspections?planId=${plan.id}&pageSize=100`)).items;
  expect(sheets.length).toBeGreaterThan(points.total / 2);
  expect(sheets.length).toBeLessThan(points.total);
  expect(sheets.every((s) => s.publishedAt === null)).toBe(true);
  for (const s of sheets) expect(s.inspectedOn >= plan.startsOn && s.inspectedOn <= today, s.number).toBe(true);
  // Varied: fully compliant points, a few deductions, one poor point (below 80 %).
  const rates = sheets.map((s) => s.rate!);
  expect(rates.filter((r) => r === 1).length).toBeGreaterThanOrEqual(2);
  expect(rates.filter((r) => r < 1 && r >= 0.9).length).toBeGreaterThanOrEqual(2);
  expect(rates.filter((r) => r < 0.9 && r >= 0.8).length).toBeGreaterThanOrEqual(1);
  expect(rates.filter((r) => r < 0.8)).toHaveLength(1);

  // The inspected community does not find them: not listed, and 404 by number.
  const community = await login(t.app, 'community', 'Demo@2026');
  // Its points: those whose responsible unit is the community or a unit inside it (the school).
  const dg = await t.db.selectFrom('unit').select('path').where('name', '=', '东关社区居委会').executeTakeFirstOrThrow();
  const inside = await t.db.selectFrom('unit').select('id').where('path', 'like', `${dg.path}%`).execute();
  const mine = points.items.filter((p) => inside.some((u) => u.id === p.responsibleUnit?.id));
  expect(mine.length).toBeGreaterThanOrEqual(2);
  const theirs = sheets.filter((s) => mine.some((p) => p.id === s.target.id));
  expect(theirs.length).toBeGreaterThan(0);
  expect(theirs.some((s) => s.findingCount > 0)).toBe(true);
  const visible = (await get<{ items: Sheet[] }>(community, '/api/v1/inspections?pageSize=100')).items;
  expect(visible.some((s) => s.plan.name === '模拟测评')).toBe(false);
  for (const s of theirs) expect((await community.request({ method: 'GET', url: `/api/v1/inspections/${s.id}` })).statusCode).toBe(404);

  // The results endpoint rates each visited point as its sheet does, and groups by type and unit.
  const res = await get<Results>(office, `/api/v1/inspection-results?planId=${plan.id}&from=${plan.startsOn}&to=${today}`);
  expect(res.rows).toHaveLength(sheets.length);
  for (const s of sheets) expect(res.rows.find((r) => r.target.id === s.target.id)?.rate, s.target.name).toBe(s.rate);
  expect(res.byType.length).toBeGreaterThanOrEqual(10);
  expect(res.byUnit.find((u) => u.name === '东关社区居委会')?.rate).toBeLessThan(1);
  expect(res.byType.every((g) => g.rate !== null && g.name !== '')).toBe(true);

  // Published: the community sees its sheets and the cases opened from their deductions.
  const pub = await office.request({ method: 'POST', url: `/api/v1/inspection-plans/${plan.id}/publish-results` });
  expect(pub.statusCode, pub.body).toBe(200);
  expect(pub.json()).toEqual({ published: sheets.length });
  const after = (await get<{ items: Sheet[] }>(community, '/api/v1/inspections?pageSize=100')).items.filter((s) => s.plan.name === '模拟测评');
  expect(after.map((s) => s.id).sort()).toEqual(theirs.map((s) => s.id).sort());
  const numbers = new Set<string>();
  for (const s of theirs) {
    const v = await get<{ findings: { case: { number: string } | null }[] }>(community, `/api/v1/inspections/${s.id}`);
    expect(v.findings).toHaveLength(s.findingCount);
    for (const f of v.findings) numbers.add(f.case!.number);
  }
  const cases = (await get<{ items: { number: string; source: string }[] }>(community, '/api/v1/cases?pageSize=100')).items;
  expect([...numbers].every((n) => cases.some((c) => c.number === n && c.source === 'inspection'))).toBe(true);
});
