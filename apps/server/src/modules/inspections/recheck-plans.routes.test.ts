import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type AreaGeometry, type Position } from '@cc/domain';
import { createTestApp, login, makeUser, multipartFile, PNG_1x1, TEST_PASSWORD, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
const USERS = ['office', 'inspector', 'community', 'community2'];
let stranger: { username: string };
async function at(when: string) {
  t.clock.set(new Date(when));
  for (const u of USERS) as[u] = await login(t.app, u, 'Demo@2026');
  as.stranger = await login(t.app, stranger.username, TEST_PASSWORD);
}
const schedule = () => t.app.backgroundJobs.find((j) => j.name === 'case scheduler')!.run();
const noTargets = { unitKinds: [], withinUnitId: null, unitIds: [], zoneIds: [], pointIds: [], pointTypeIds: [] };

let dongguan: Position;
let dongguanRegion: number;
let gridRegion: number;
let office: number;
let inspectorId: number;
let category0107: number;
let otherCategory: number;

let n = 0;
async function photo(s: Session) {
  const res = await s.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', Buffer.concat([PNG_1x1, Buffer.from(`rp${n++}`)])) });
  return res.json().id as number;
}
const fire = async (s: Session, id: number, body: Record<string, unknown>) => {
  const res = await s.request({ method: 'POST', url: `/api/v1/cases/${id}/transitions`, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
/** A case in 东关社区 reported, fixed and closed now. */
async function closedCase(description: string): Promise<{ id: number }> {
  const res = await as.inspector!.request({
    method: 'POST', url: '/api/v1/cases',
    payload: { source: 'inspector', categoryCode: '0107', description, lat: dongguan[1], lng: dongguan[0], photos: [{ fileId: await photo(as.inspector!) }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  const s = await fire(as.community!, res.json().id, { event: 'submit', version: res.json().version, photos: [{ fileId: await photo(as.community!) }] });
  const c = await fire(as.inspector!, s.id, { event: 'verify_pass', version: s.version });
  expect(c.state).toBe('closed');
  return c;
}
const base = () => ({
  name: '东关社区回头看', kind: 'recheck', editionId: null, mode: 'announced', recurrence: { type: 'weekly', atLeast: 1 }, targets: noTargets,
  recheck: { regionIds: [dongguanRegion], categoryIds: [category0107], samplePercent: 100 },
  ownerUnitId: office, teamUserIds: [inspectorId], startsOn: '2026-03-01', endsOn: null, reopenHours: 48, active: true,
});
const createPlan = (s: Session, body: Record<string, unknown>, lang = 'zh-CN') =>
  s.request({ method: 'POST', url: '/api/v1/inspection-plans', payload: body, headers: { 'accept-language': lang } });
const rechecksOf = async (s: Session, query: string) => {
  const res = await s.request({ method: 'GET', url: `/api/v1/rechecks?pageSize=100&${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { id: number; case: { id: number }; plan: { id: number; name: string } | null; dueDate: string; state: string; actions: string[] }[];
};

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  const region = await t.db.selectFrom('region').select(['id', 'tenant_id']).where('name', '=', '东关社区').where('level', '=', 'community').executeTakeFirstOrThrow();
  dongguanRegion = region.id;
  gridRegion = (await t.db.selectFrom('region').select('id').where('level', '=', 'grid').executeTakeFirstOrThrow()).id;
  office = (await t.db.selectFrom('unit').select('id').where('code', '=', 'CJB').executeTakeFirstOrThrow()).id;
  inspectorId = (await t.db.selectFrom('app_user').select('id').where('username', '=', 'inspector').executeTakeFirstOrThrow()).id;
  category0107 = (await t.db.selectFrom('case_category').select('id').where('code', '=', '0107').executeTakeFirstOrThrow()).id;
  otherCategory = (await t.db.selectFrom('case_category').select('id').where('code', '<>', '0107').orderBy('id').executeTakeFirstOrThrow()).id;
  stranger = await makeUser(t.db, region.tenant_id, { unitId: office, roles: ['inspector'] });
  await at('2026-03-05T09:00:00+08:00');
  const f = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features
    .find((x: { properties: { name: string } }) => x.properties.name === '东关社区');
  dongguan = bboxCentre(f.geometry as AreaGeometry);
});
afterAll(() => t.close());

describe('re-check plans (回头看计划)', () => {
  it('refuses a malformed plan with a specific message, and lets only the office create one', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ editionId: 1 }, 'PLAN_RECHECK_EDITION'],
      [{ kind: 'routine' }, 'PLAN_EDITION_REQUIRED'],
      [{ recheck: { regionIds: [], categoryIds: [], samplePercent: 0 } }, 'PLAN_RECHECK_PERCENT'],
      [{ recheck: { regionIds: [], categoryIds: [], samplePercent: 101 } }, 'PLAN_RECHECK_PERCENT'],
      [{ recheck: null }, 'PLAN_RECHECK_SPEC_REQUIRED'],
      [{ recurrence: { type: 'once', from: '2026-03-01', to: '2026-03-31' } }, 'PLAN_RECHECK_RECURRENCE'],
      [{ recheck: { regionIds: [gridRegion], categoryIds: [], samplePercent: 10 } }, 'PLAN_RECHECK_SCOPE_INVALID'],
      [{ recheck: { regionIds: [], categoryIds: [99999999], samplePercent: 10 } }, 'PLAN_RECHECK_SCOPE_INVALID'],
    ];
    for (const [patch, code] of cases) {
      const res = await createPlan(as.office!, { ...base(), ...patch });
      expect(res.statusCode, `${code}: ${res.body}`).toBe(422);
      expect(res.json().error.code).toBe(code);
    }
    const zh = await createPlan(as.office!, { ...base(), recheck: { regionIds: [], categoryIds: [], samplePercent: 150 } });
    expect(zh.json().error.message).toBe('抽查比例须为 1–100 之间的整数');
    const en = await createPlan(as.office!, { ...base(), recheck: { regionIds: [], categoryIds: [], samplePercent: 150 } }, 'en');
    expect(en.json().error.message).toBe('The sample percentage must be a whole number from 1 to 100');
    expect((await createPlan(as.inspector!, base())).statusCode).toBe(403);
    // Nothing was saved by the refused attempts: only the demo's own re-check plan exists.
    expect((await t.db.selectFrom('inspection_plan').select('name').where('kind', '=', 'recheck').execute()).map((p) => p.name)).toEqual(['东关西关每周回头看']);
    // The database holds the same rule.
    const tenantId = (await t.db.selectFrom('unit').select('tenant_id').where('id', '=', office).executeTakeFirstOrThrow()).tenant_id;
    await expect(t.db.insertInto('inspection_plan').values({
      tenant_id: tenantId, name: 'x', kind: 'routine', edition_id: null, mode: 'announced', recurrence: '{"type":"weekly","atLeast":1}', targets: JSON.stringify(noTargets),
      recheck: null, owner_unit_id: office, team_user_ids: [], starts_on: '2026-03-01', reopen_hours: 48, active: true, updated_at: new Date(),
    }).execute()).rejects.toThrow(/inspection_plan_edition_ck/);
  });

  let planId: number;
  let early: { id: number };
  let late: { id: number };

  it('fills the current window when created, then each new window from the scheduler, once', async () => {
    early = await closedCase('回头看计划：上周关闭'); // Thu 5 March (week 10)
    await at('2026-03-12T09:00:00+08:00'); // Thu of week 11: samples closings of 2–8 March
    const res = await createPlan(as.office!, base());
    expect(res.statusCode, res.body).toBe(201);
    const plan = res.json();
    planId = plan.id;
    expect(plan).toMatchObject({ kind: 'recheck', edition: null, targetCount: 0, mode: 'announced' });
    expect(plan.recheck).toMatchObject({ samplePercent: 100, regions: [{ id: dongguanRegion, name: '东关社区' }], categories: [{ id: category0107 }] });
    const first = await t.db.selectFrom('case_recheck').selectAll().where('plan_id', '=', planId).execute();
    expect(first.map((r) => r.case_id)).toContain(early.id);
    expect(first.every((r) => r.window_key === '2026-W11' && r.due_date === '2026-03-15')).toBe(true);

    late = await closedCase('回头看计划：本周关闭'); // week 11: belongs to week 12's sample
    await schedule();
    expect(await t.db.selectFrom('case_recheck').select('id').where('case_id', '=', late.id).execute()).toEqual([]);

    await at('2026-03-17T09:00:00+08:00');
    const before = await t.db.selectFrom('case_recheck').select('id').where('plan_id', '=', planId).execute();
    await schedule();
    await Promise.all([schedule(), schedule()]);
    const rows = await t.db.selectFrom('case_recheck').selectAll().where('plan_id', '=', planId).orderBy('id').execute();
    const mine = rows.filter((r) => r.case_id === late.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ window_key: '2026-W12', due_date: '2026-03-22', state: 'pending' });
    expect(rows.filter((r) => r.case_id === early.id)).toHaveLength(1);
    // A second pass adds nothing: every W12 row was new in the first pass.
    expect(rows.length - before.length).toBe(rows.filter((r) => r.window_key === '2026-W12').length);
  });

  it('a category outside the plan is not sampled', async () => {
    const other = await createPlan(as.office!, { ...base(), name: '其他类别回头看', recheck: { regionIds: [], categoryIds: [otherCategory], samplePercent: 100 } });
    expect(other.statusCode, other.body).toBe(201);
    const rows = await t.db.selectFrom('case_recheck').select('case_id').where('plan_id', '=', other.json().id).execute();
    expect(rows.map((r) => r.case_id)).not.toContain(late.id);
    expect(rows.map((r) => r.case_id)).not.toContain(early.id);
  });

  it('shows a plan’s re-checks to its team, the office and the case’s own community — not to other inspectors or the neighbours', async () => {
    const team = await rechecksOf(as.inspector!, `planId=${planId}`);
    const r = team.find((x) => x.case.id === late.id)!;
    expect(r).toMatchObject({ plan: { id: planId, name: '东关社区回头看' }, dueDate: '2026-03-22', state: 'pending', actions: ['record'] });
    expect((await rechecksOf(as.office!, `planId=${planId}`)).map((x) => x.id)).toContain(r.id);
    expect((await rechecksOf(as.community!, `planId=${planId}`)).map((x) => x.id)).toContain(r.id);
    expect(await rechecksOf(as.stranger!, `planId=${planId}`)).toEqual([]);
    expect(await rechecksOf(as.community2!, `planId=${planId}`)).toEqual([]);
    const refused = await as.stranger!.request({ method: 'POST', url: `/api/v1/rechecks/${r.id}/result`, payload: { result: 'passed' } });
    expect(refused.statusCode).toBe(404);
    expect((await as.community!.request({ method: 'POST', url: `/api/v1/rechecks/${r.id}/result`, payload: { result: 'passed' } })).statusCode).toBe(403);
    // Overdue: the week-11 sample was due on Sunday 15 March.
    const overdue = await rechecksOf(as.inspector!, `planId=${planId}&overdue=true`);
    expect(overdue.map((x) => x.case.id)).toContain(early.id);
    expect(overdue.map((x) => x.case.id)).not.toContain(late.id);

    const tasks = (await as.inspector!.request({ method: 'GET', url: '/api/v1/inspection-tasks/rechecks' })).json();
    const task = tasks.find((x: { plan: { id: number } }) => x.plan.id === planId);
    expect(task).toMatchObject({ dueDate: '2026-03-15', overdue: overdue.length, pending: team.filter((x) => x.state === 'pending').length });
    expect((await as.stranger!.request({ method: 'GET', url: '/api/v1/inspection-tasks/rechecks' })).json()).toEqual([]);
    // The field sheet list never offers a re-check plan, and a sheet cannot be synced to one.
    const sheetTasks = (await as.inspector!.request({ method: 'GET', url: '/api/v1/inspection-tasks' })).json();
    expect(sheetTasks.some((x: { plan: { id: number } }) => x.plan.id === planId)).toBe(false);
    const sync = await as.inspector!.request({
      method: 'PUT', url: '/api/v1/inspections/sync',
      payload: { clientKey: 'recheck-plan-sheet', planId, target: { kind: 'unit', id: office }, inspectedOn: '2026-03-17', items: [], findings: [], submit: false },
    });
    expect(sync.statusCode).toBe(422);
  });

  it('records results through the re-check route, and coverage counts sampled, checked and overdue per window', async () => {
    const r = (await rechecksOf(as.inspector!, `planId=${planId}`)).find((x) => x.case.id === late.id)!;
    const done = await as.inspector!.request({ method: 'POST', url: `/api/v1/rechecks/${r.id}/result`, payload: { result: 'passed', note: '未反弹' } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ state: 'passed', plan: { id: planId } });
    const audit = await t.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'recheck').where('entity_id', '=', String(r.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(['recheck.passed']);

    const rows = await t.db.selectFrom('case_recheck').select(['window_key', 'state', 'due_date']).where('plan_id', '=', planId).execute();
    const count = (key: string, f: (x: (typeof rows)[number]) => boolean) => rows.filter((x) => x.window_key === key && f(x)).length;
    const cov = await as.office!.request({ method: 'GET', url: `/api/v1/inspection-plans/${planId}/coverage?from=2026-03-09&to=2026-03-22` });
    expect(cov.statusCode, cov.body).toBe(200);
    const c = cov.json();
    expect(c.rows).toEqual([]);
    expect(c.rechecks.map((w: { key: string }) => w.key)).toEqual(['2026-W11', '2026-W12']);
    const w11 = c.rechecks[0];
    const w12 = c.rechecks[1];
    expect(w11).toMatchObject({ start: '2026-03-09', end: '2026-03-15', sampled: count('2026-W11', () => true), checked: 0, overdue: count('2026-W11', (x) => x.state === 'pending') });
    expect(w11.overdue).toBeGreaterThanOrEqual(1);
    expect(w12).toMatchObject({ sampled: count('2026-W12', () => true), checked: 1, relapsed: 0, overdue: 0 });
    expect(c.missed).toBe(w11.overdue);
    const board = (await as.office!.request({ method: 'GET', url: '/api/v1/inspection-coverage?from=2026-03-09&to=2026-03-22' })).json();
    expect(board.plans.find((p: { plan: { id: number } }) => p.plan.id === planId)).toMatchObject({ done: 1, missed: w11.overdue, cells: w11.sampled + w12.sampled });
  });

  it('a deactivated plan draws nothing; reactivating it fills the current window at once', async () => {
    await at('2026-03-24T09:00:00+08:00'); // week 13 samples closings of week 12
    const plan = (await as.office!.request({ method: 'GET', url: `/api/v1/inspection-plans/${planId}` })).json();
    const off = await as.office!.request({ method: 'PATCH', url: `/api/v1/inspection-plans/${planId}`, payload: { version: plan.version, active: false } });
    expect(off.statusCode, off.body).toBe(200);
    const c = await closedCase('回头看计划：停用期间关闭'); // week 13 — belongs to week 14
    await at('2026-03-31T09:00:00+08:00');
    await schedule();
    expect(await t.db.selectFrom('case_recheck').select('id').where('case_id', '=', c.id).where('plan_id', '=', planId).execute()).toEqual([]);
    const on = await as.office!.request({ method: 'PATCH', url: `/api/v1/inspection-plans/${planId}`, payload: { version: off.json().version, active: true } });
    expect(on.statusCode, on.body).toBe(200);
    const rows = await t.db.selectFrom('case_recheck').select(['window_key', 'due_date']).where('case_id', '=', c.id).where('plan_id', '=', planId).execute();
    expect(rows).toEqual([{ window_key: '2026-W14', due_date: '2026-04-05' }]);
  });
});
