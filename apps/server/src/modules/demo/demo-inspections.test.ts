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
type Plan = { id: number; name: string; kind: string; mode: string; edition: { standardName: string }; ownerUnit: { name: string }; team: { name: string }[]; targetCount: number; startsOn: string };

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

it('has the four plans of the users’ documents, started weeks before today', async () => {
  const office = await login(t.app, 'office', 'Demo@2026');
  const plans = (await get<{ items: Plan[] }>(office, '/api/v1/inspection-plans?pageSize=50')).items;
  const by = (name: string) => plans.find((p) => p.name === name)!;
  expect(plans.map((p) => p.name).sort()).toEqual(['创卫每周检查', '集镇十分制日评比', '模拟测评', '门内达标月检'].sort());
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
  expect(names('模拟测评').length).toBeGreaterThanOrEqual(12);

  const community = await login(t.app, 'community', 'Demo@2026');
  const day = `${today.slice(0, 7)}-27`;
  const theirs = await get<{ plan: { name: string }; target: { name: string } }[]>(community, `/api/v1/inspection-tasks?date=${day}`);
  const gate = theirs.filter((x) => x.plan.name === '门内达标月检').map((x) => x.target.name).sort();
  expect(gate).toEqual(['城关镇第一小学', '县邮政分公司营业部'].sort());
});

it('adds submitted past sheets through the inspections service: deductions open cases, coverage has history, fast', async () => {
  expect(seeded).toBeGreaterThanOrEqual(10);
  console.info(`demo sheets: ${seeded} in ${seedMs} ms`);
  // About 1.5 s on an idle machine; the bound leaves room for a CI box shared with other suites.
  expect(seedMs).toBeLessThan(5000);
  const office = await login(t.app, 'office', 'Demo@2026');
  const sheets = await get<{ total: number; items: { id: number; state: string; findingCount: number; plan: { name: string }; score: number | null }[] }>(office, '/api/v1/inspections?pageSize=100');
  expect(sheets.total).toBe(seeded);
  expect(sheets.items.every((s) => s.state === 'submitted' && s.score !== null)).toBe(true);
  const withFindings = sheets.items.filter((s) => s.findingCount > 0);
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
