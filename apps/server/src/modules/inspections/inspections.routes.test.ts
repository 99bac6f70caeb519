import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
const USERS = ['office', 'inspector', 'community', 'community2', 'street', 'leader'];
async function at(when: string) {
  t.clock.set(new Date(when));
  for (const u of USERS) as[u] = await login(t.app, u, 'Demo@2026');
}
const unitId = async (code: string) => (await t.db.selectFrom('unit').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
const caseCount = async () => Number((await t.db.selectFrom('case_record').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const noTargets = { unitKinds: [] as string[], withinUnitId: null, unitIds: [] as number[], zoneIds: [] as number[], pointIds: [] as number[], pointTypeIds: [] as number[] };

type Node = { id: number; parentId: number | null; kind: string; code: string; title: string; points: number | null; method: string | null; naAllowed: boolean; appliesTo: string[]; categoryCode: string | null };
let jns: { id: number; nodes: Node[] };
let zone10: { id: number; nodes: Node[] };
let office: number;
let dongguan: number;

async function edition(code: string) {
  const list = (await as.office!.request({ method: 'GET', url: '/api/v1/standards' })).json() as { code: string; editions: { id: number }[] }[];
  const s = list.find((x) => x.code === code)!;
  return (await as.office!.request({ method: 'GET', url: `/api/v1/standard-editions/${s.editions[0]!.id}` })).json() as { id: number; nodes: Node[]; state: string; problems: unknown[] };
}
/** The items of a section that applies to a unit kind, in order. */
const itemsFor = (e: { nodes: Node[] }, token: string) => {
  const section = e.nodes.find((n) => n.kind === 'section' && n.appliesTo.includes(token));
  return e.nodes.filter((n) => n.kind === 'item' && (section ? n.parentId === section.id : n.appliesTo.includes(token) || true));
};
const criteriaOf = (e: { nodes: Node[] }, item: Node) => e.nodes.filter((n) => n.parentId === item.id && n.kind === 'criterion');

let photoCounter = 0;
async function photo(s: Session, key?: string) {
  const data = Buffer.concat([PNG_1x1, Buffer.from(`#${photoCounter++}`)]);
  const part = multipartFile('p.png', 'image/png', data);
  const res = await s.request({ method: 'POST', url: '/api/v1/inspection-photos', payload: part.payload, headers: { ...part.headers, ...(key ? { 'idempotency-key': key } : {}) } });
  expect([200, 201], res.body).toContain(res.statusCode);
  return res.json() as { id: number };
}
async function plan(s: Session, body: Record<string, unknown>) {
  return s.request({
    method: 'POST', url: '/api/v1/inspection-plans',
    payload: { kind: 'routine', mode: 'announced', recurrence: { type: 'weekly', atLeast: 1 }, ownerUnitId: office, teamUserIds: [], startsOn: '2026-03-01', endsOn: null, reopenHours: 48, active: true, ...body },
  });
}
const sync = (s: Session, body: Record<string, unknown>) => s.request({ method: 'PUT', url: '/api/v1/inspections/sync', payload: { items: [], findings: [], submit: false, ...body } });

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  await at('2026-03-12T09:00:00+08:00');
  jns = await edition('JNS-2024');
  zone10 = await edition('ZONE-10');
  office = await unitId('CJB');
  dongguan = await unitId('C-DG');
});
afterAll(() => t.close());

describe('standards as data', () => {
  it('every city starts with the built-in standards, published', async () => {
    const list = (await as.office!.request({ method: 'GET', url: '/api/v1/standards' })).json() as { code: string; builtin: boolean; editions: { state: string; itemCount: number }[] }[];
    expect(list.map((s) => s.code)).toEqual(expect.arrayContaining(['SANITARY-2021', 'SANITARY-2014-PRE', 'CIVILIZED', 'JNS-2024', 'INSIDE-GATE', 'ZONE-10', 'POINTS-CIVILIZED']));
    expect(list.every((s) => s.builtin && s.editions[0]!.state === 'published')).toBe(true);
    expect(itemsFor(jns, 'community')).toHaveLength(9);
    expect(itemsFor(jns, 'department')).toHaveLength(3);
    expect(itemsFor(jns, 'resident_unit')).toHaveLength(6);
  });

  it('a published edition is not edited; a copy is, and publishing refuses points that do not add up and criteria without a category', async () => {
    const full = await edition('JNS-2024');
    const put = await as.office!.request({ method: 'PUT', url: `/api/v1/standard-editions/${full.id}`, payload: { version: 1, label: 'x' } });
    expect(put.statusCode).toBe(409);
    expect(put.json().error.code).toBe('EDITION_NOT_DRAFT');
    const copy = await as.office!.request({ method: 'POST', url: `/api/v1/standard-editions/${full.id}/copy`, payload: { label: '2025' } });
    expect(copy.statusCode, copy.body).toBe(201);
    const draft = copy.json();
    expect(draft.state).toBe('draft');
    expect(draft.problems).toEqual([]);
    const nodes = (draft.nodes as Node[]).map((n) => ({
      key: String(n.id), parentKey: n.parentId === null ? null : String(n.parentId), kind: n.kind, code: n.code, title: n.title, points: n.points, method: n.method,
      naAllowed: n.naAllowed, appliesTo: n.appliesTo, categoryCode: n.categoryCode,
    }));
    const firstItem = nodes.find((n) => n.kind === 'item')!;
    firstItem.points = (firstItem.points ?? 0) + 5;
    const firstCriterion = nodes.find((n) => n.kind === 'criterion')!;
    firstCriterion.categoryCode = null;
    const saved = await as.office!.request({ method: 'PUT', url: `/api/v1/standard-editions/${draft.id}`, payload: { version: draft.version, nodes } });
    expect(saved.statusCode, saved.body).toBe(200);
    const problems = saved.json().problems.map((p: { problem: string }) => p.problem);
    expect(problems).toEqual(expect.arrayContaining(['EDITION_POINTS_MISMATCH', 'EDITION_CRITERION_NO_CATEGORY']));
    const pub = await as.office!.request({ method: 'POST', url: `/api/v1/standard-editions/${draft.id}/publish`, payload: { version: saved.json().version }, headers: { 'accept-language': 'en' } });
    expect(pub.statusCode).toBe(422);
    expect(pub.json().error.code).toBe('EDITION_INVALID');
    expect(pub.json().error.details.map((d: { message: string }) => d.message).join(' ')).toMatch(/add up to .* not the section maximum/);
    // Inspectors read standards but do not edit them.
    expect((await as.inspector!.request({ method: 'POST', url: `/api/v1/standard-editions/${draft.id}/copy`, payload: { label: 'y' } })).statusCode).toBe(403);
  });
});

describe('plans', () => {
  it('refuse a plan with no targets, a draft edition, and an impossible window', async () => {
    let res = await plan(as.office!, { name: '空计划', editionId: jns.id, targets: noTargets });
    expect(res.json().error.code).toBe('PLAN_NO_TARGETS');
    const created = await as.office!.request({ method: 'POST', url: '/api/v1/standards', payload: { code: 'LOCAL-1', name: '本地方案', kind: 'local', label: '2026' } });
    expect(created.statusCode, created.body).toBe(201);
    res = await plan(as.office!, { name: '草稿计划', editionId: created.json().id, targets: { ...noTargets, unitKinds: ['community'] } });
    expect(res.json().error.code).toBe('EDITION_NOT_PUBLISHED');
    res = await plan(as.office!, { name: '月检', editionId: jns.id, targets: { ...noTargets, unitKinds: ['community'] }, recurrence: { type: 'monthly', fromDay: 28, toDay: 26, atLeast: 1 } });
    expect(res.json().error.code).toBe('RECURRENCE_DAYS');
    expect((await plan(as.inspector!, { name: 'x', editionId: jns.id, targets: { ...noTargets, unitKinds: ['community'] } })).statusCode).toBe(403);
  });
});

describe('a weekly inspection scored on a phone (S2)', () => {
  let planId: number;
  let sheetId: number;
  const key = 'sheet-dongguan-0001';
  let item: Node;
  let archive: Node;

  it('the inspector sees the week’s targets', async () => {
    const res = await plan(as.office!, { name: '创卫每周检查', editionId: jns.id, targets: { ...noTargets, unitKinds: ['community', 'department', 'resident_unit'] } });
    expect(res.statusCode, res.body).toBe(201);
    planId = res.json().id;
    expect(res.json().targetCount).toBeGreaterThan(10);
    const tasks = (await as.inspector!.request({ method: 'GET', url: '/api/v1/inspection-tasks' })).json() as { plan: { id: number }; target: { id: number; name: string } }[];
    expect(tasks.filter((x) => x.plan.id === planId).map((x) => x.target.name)).toContain('东关社区居委会');
    // A community does not score itself.
    const own = (await as.community!.request({ method: 'GET', url: '/api/v1/inspection-tasks' })).json() as { target: { id: number } }[];
    expect(own.some((x) => x.target.id === dongguan)).toBe(false);
  });

  it('uploads a photo once, however often the phone retries', async () => {
    const a = await photo(as.inspector!, 'photo-key-000001');
    const b = await photo(as.inspector!, 'photo-key-000001');
    expect(b.id).toBe(a.id);
  });

  it('refuses a score above the maximum and N/A where it is not allowed, naming the item', async () => {
    const items = itemsFor(jns, 'community');
    item = items[1]!;
    archive = items.find((i) => i.naAllowed)!;
    const notNa = items.find((i) => !i.naAllowed)!;
    const res = await sync(as.inspector!, {
      clientKey: 'bad-sheet-000001', planId, target: { kind: 'unit', id: dongguan }, inspectedOn: '2026-03-12', submit: true,
      items: [{ nodeId: notNa.id, na: true }],
      findings: [{ clientKey: 'f-bad-0001', itemNodeId: item.id, points: 500, note: '垃圾', photos: [] }],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('INSPECTION_INVALID');
    const problems = res.json().error.details.map((d: { problem: string }) => d.problem);
    expect(problems).toEqual(expect.arrayContaining(['NA_NOT_ALLOWED', 'DEDUCTION_ABOVE_MAX']));
    expect(await t.db.selectFrom('inspection').select('id').where('client_key', '=', 'bad-sheet-000001').executeTakeFirst()).toBeUndefined();
  });

  it('saves a draft, then submits it: the deduction opens a case for the place, the N/A item leaves the maximum', async () => {
    const draft = await sync(as.inspector!, { clientKey: key, planId, target: { kind: 'unit', id: dongguan }, inspectedOn: '2026-03-12', items: [{ nodeId: archive.id, na: true }] });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json().state).toBe('draft');
    sheetId = draft.json().id;
    const before = await caseCount();
    const p = await photo(as.inspector!, 'photo-key-000002');
    const crit = criteriaOf(jns, item)[0]!;
    const body = {
      clientKey: key, planId, target: { kind: 'unit', id: dongguan }, inspectedOn: '2026-03-12', submit: true,
      items: [{ nodeId: archive.id, na: true }],
      findings: [{ clientKey: 'finding-0001', itemNodeId: item.id, criterionNodeId: crit.id, points: 2, note: '背街小巷垃圾堆积', photos: [{ fileId: p.id }] }],
    };
    const res = await sync(as.inspector!, body);
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    expect(v.state).toBe('submitted');
    const max = itemsFor(jns, 'community').filter((i) => i.id !== archive.id).reduce((s, i) => s + (i.points ?? 0), 0);
    expect(v.maxScore).toBe(max);
    expect(v.score).toBe(max - 2);
    expect(v.rate).toBeCloseTo((max - 2) / max, 4);
    expect(v.findings[0].case.number).toMatch(/^20260312/);
    expect(await caseCount()).toBe(before + 1);
    const c = (await as.office!.request({ method: 'GET', url: `/api/v1/cases/${v.findings[0].case.id}` })).json();
    expect(c.source).toBe('inspection');
    expect(c.inspectionRef).toBe(v.number);
    expect(c.category.code).toBe(crit.categoryCode);
    expect(c.photos).toHaveLength(1);

    // The phone never heard back and sends it again: the same sheet, no second case.
    const again = await sync(as.inspector!, body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(sheetId);
    expect(await caseCount()).toBe(before + 1);
    // Different content on a submitted sheet is refused.
    const changed = await sync(as.inspector!, { ...body, findings: [] });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('INSPECTION_ALREADY_SUBMITTED');
  });

  it('the inspected community sees its sheet; its neighbour does not', async () => {
    expect((await as.community!.request({ method: 'GET', url: `/api/v1/inspections/${sheetId}` })).statusCode).toBe(200);
    expect((await as.community2!.request({ method: 'GET', url: `/api/v1/inspections/${sheetId}` })).statusCode).toBe(404);
    const list = (await as.community2!.request({ method: 'GET', url: '/api/v1/inspections' })).json();
    expect(list.items.some((i: { id: number }) => i.id === sheetId)).toBe(false);
  });

  it('the office may reopen within the window; after that the sheet is locked', async () => {
    let v = (await as.office!.request({ method: 'GET', url: `/api/v1/inspections/${sheetId}` })).json();
    expect(v.actions).toContain('reopen');
    expect((await as.inspector!.request({ method: 'POST', url: `/api/v1/inspections/${sheetId}/reopen`, payload: { version: v.version, note: 'x' } })).statusCode).toBe(403);
    const reopened = await as.office!.request({ method: 'POST', url: `/api/v1/inspections/${sheetId}/reopen`, payload: { version: v.version, note: '请补充第二处问题' } });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(reopened.json().state).toBe('reopened');
    expect(reopened.json().events.map((e: { event: string }) => e.event)).toEqual(['start', 'submit', 'reopen']);
    // The finding that opened a case stays; a second one opens one more case.
    const base = { clientKey: key, planId, target: { kind: 'unit', id: dongguan }, inspectedOn: '2026-03-12', items: [{ nodeId: archive.id, na: true }] };
    const dropped = await sync(as.inspector!, { ...base, submit: true, findings: [] });
    expect(dropped.statusCode).toBe(409);
    expect(dropped.json().error.code).toBe('INSPECTION_FINDING_HAS_CASE');
    const before = await caseCount();
    const first = reopened.json().findings[0];
    const other = itemsFor(jns, 'community')[3]!;
    const resubmitted = await sync(as.inspector!, { ...base, submit: true, findings: [
      { clientKey: first.clientKey, itemNodeId: first.itemNodeId, criterionNodeId: first.criterionNodeId, points: first.points, note: first.note, photos: [{ fileId: first.photos[0].fileId }] },
      { clientKey: 'finding-0002', itemNodeId: other.id, criterionNodeId: criteriaOf(jns, other)[0]!.id, points: 1, note: '宣传栏破损', photos: [{ fileId: (await photo(as.inspector!)).id }] },
    ] });
    expect(resubmitted.statusCode, resubmitted.body).toBe(200);
    expect(resubmitted.json().state).toBe('submitted');
    expect(await caseCount()).toBe(before + 1);
    expect(resubmitted.json().findings.map((f: { case: { id: number } }) => f.case.id)[0]).toBe(first.case.id);
    v = resubmitted.json();
    await at('2026-03-14T10:00:00+08:00');
    const late = await as.office!.request({ method: 'POST', url: `/api/v1/inspections/${sheetId}/reopen`, payload: { version: v.version, note: '补充照片' } });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('INSPECTION_LOCKED');
  });

  it('coverage names the targets not inspected in an ended week', async () => {
    const res = await as.office!.request({ method: 'GET', url: `/api/v1/inspection-plans/${planId}/coverage?from=2026-03-09&to=2026-03-15` });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c.windows.map((w: { key: string }) => w.key)).toEqual(['2026-W11']);
    const row = c.rows.find((r: { target: { id: number } }) => r.target.id === dongguan);
    expect(row.cells[0]).toMatchObject({ done: 1, required: 1 });
    await at('2026-03-16T09:00:00+08:00');
    const later = (await as.office!.request({ method: 'GET', url: `/api/v1/inspection-plans/${planId}/coverage?from=2026-03-09&to=2026-03-15` })).json();
    expect(later.missed).toBe(later.rows.length - 1);
  });

  it('explains a target’s month (得分说明): the items that lost points, its sheets and findings — to the office and the community, not its neighbour', async () => {
    const url = (q: string) => `/api/v1/inspection-results/explanation?planId=${planId}&from=2026-03-01&to=2026-03-31&${q}`;
    const res = await as.office!.request({ method: 'GET', url: url(`targetKind=unit&targetId=${dongguan}`) });
    expect(res.statusCode, res.body).toBe(200);
    const x = res.json();
    const max = itemsFor(jns, 'community').filter((i) => i.id !== archive.id).reduce((s, i) => s + (i.points ?? 0), 0);
    expect(x).toMatchObject({ sheets: 1, score: max - 3, maxScore: max, findings: 2, vetoed: 0, target: { kind: 'unit', id: dongguan, name: '东关社区居委会' } });
    // Most points lost first; the N/A item counted as not applying; items without loss follow.
    expect(x.items[0]).toMatchObject({ nodeId: item.id, code: item.code, lost: 2, failedSheets: 1, findings: 1, scored: 1, maxTotal: item.points, scoreTotal: (item.points ?? 0) - 2 });
    expect(x.items[1]).toMatchObject({ lost: 1, findings: 1 });
    expect(x.items.find((i: { nodeId: number }) => i.nodeId === archive.id)).toMatchObject({ na: 1, scored: 0, lost: 0, maxTotal: 0 });
    expect(x.items.reduce((a: number, i: { lost: number }) => a + i.lost, 0)).toBe(3);
    expect(x.items).toHaveLength(itemsFor(jns, 'community').length);
    expect(x.sheetList).toEqual([expect.objectContaining({ id: sheetId, inspectedOn: '2026-03-12', score: max - 3, findingCount: 2 })]);
    expect(x.findingList.map((f: { note: string }) => f.note).sort()).toEqual(['宣传栏破损', '背街小巷垃圾堆积']);
    expect(x.findingList.every((f: { case: { number: string } | null }) => /^20260312/.test(f.case?.number ?? ''))).toBe(true);
    // The ranking row and its explanation agree.
    const ranking = (await as.office!.request({ method: 'GET', url: `/api/v1/inspection-results?planId=${planId}&from=2026-03-01&to=2026-03-31` })).json();
    expect(ranking.rows.find((r: { target: { id: number } }) => r.target.id === dongguan)).toMatchObject({ sheets: x.sheets, score: x.score, maxScore: x.maxScore, findings: x.findings });

    // The leader reads it too; the inspected community and its neighbour do not see the city's plan (its ranking is published by notice).
    expect((await as.leader!.request({ method: 'GET', url: url(`targetKind=unit&targetId=${dongguan}`) })).json().score).toBe(max - 3);
    for (const u of ['community', 'community2']) {
      const refused = await as[u]!.request({ method: 'GET', url: url(`targetKind=unit&targetId=${dongguan}`) });
      expect(refused.statusCode).toBe(404);
      expect(refused.json().error.message).toBe('未找到检查计划');
    }
    // Another month has no sheets; a reversed period, a wrong kind and a missing target are refused.
    expect((await as.office!.request({ method: 'GET', url: `/api/v1/inspection-results/explanation?planId=${planId}&from=2026-04-01&to=2026-04-30&targetKind=unit&targetId=${dongguan}` })).statusCode).toBe(404);
    const reversed = await as.office!.request({ method: 'GET', url: `/api/v1/inspection-results/explanation?planId=${planId}&from=2026-03-31&to=2026-03-01&targetKind=unit&targetId=${dongguan}` });
    expect(reversed.statusCode).toBe(422);
    expect(reversed.json().error.message).toBe('开始日期不能晚于结束日期');
    for (const bad of [`targetKind=shop&targetId=${dongguan}`, 'targetKind=unit', `targetKind=unit&targetId=${dongguan}&extra=1`]) {
      const res = await as.office!.request({ method: 'GET', url: url(bad) });
      expect(res.statusCode, bad).toBe(422);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('unannounced visits (暗访)', () => {
  let planId: number;
  let sheetId: number;
  it('are refused to the inspected unit’s staff until the results are published', async () => {
    await at('2026-03-17T09:00:00+08:00');
    const inspectorId = (await t.db.selectFrom('app_user').select('id').where('username', '=', 'inspector').executeTakeFirstOrThrow()).id;
    const res = await plan(as.office!, { name: '三月暗访', mode: 'unannounced', editionId: jns.id, teamUserIds: [inspectorId], targets: { ...noTargets, unitIds: [dongguan] }, recurrence: { type: 'once', from: '2026-03-16', to: '2026-03-31' } });
    expect(res.statusCode, res.body).toBe(201);
    planId = res.json().id;
    for (const u of ['community', 'street', 'community2']) {
      expect((await as[u]!.request({ method: 'GET', url: `/api/v1/inspection-plans/${planId}` })).statusCode).toBe(404);
      const plans = (await as[u]!.request({ method: 'GET', url: '/api/v1/inspection-plans' })).json();
      expect(plans.items.some((p: { id: number }) => p.id === planId)).toBe(false);
    }
    expect((await as.community!.request({ method: 'GET', url: `/api/v1/inspection-plans/${planId}/coverage?from=2026-03-16&to=2026-03-31` })).statusCode).toBe(404);
    // Only the team scores it.
    const item = itemsFor(jns, 'community')[0]!;
    const body = { clientKey: 'unannounced-0001', planId, target: { kind: 'unit', id: dongguan }, inspectedOn: '2026-03-17', submit: true,
      findings: [{ clientKey: 'ua-f-0001', itemNodeId: item.id, criterionNodeId: criteriaOf(jns, item)[0]!.id, points: 1, note: '门前乱堆放', photos: [{ fileId: (await photo(as.inspector!)).id }] }] };
    expect((await sync(as.office!, { ...body, clientKey: 'unannounced-0002' })).statusCode).toBe(403);
    const before = await caseCount();
    const sub = await sync(as.inspector!, body);
    expect(sub.statusCode, sub.body).toBe(201);
    sheetId = sub.json().id;
    expect(sub.json().publishedAt).toBeNull();
    expect(await caseCount()).toBe(before);
    expect((await as.community!.request({ method: 'GET', url: `/api/v1/inspections/${sheetId}` })).statusCode).toBe(404);
    expect((await as.community!.request({ method: 'GET', url: '/api/v1/inspections' })).json().items.some((i: { id: number }) => i.id === sheetId)).toBe(false);

    const pub = await as.office!.request({ method: 'POST', url: `/api/v1/inspection-plans/${planId}/publish-results` });
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().published).toBe(1);
    expect(await caseCount()).toBe(before + 1);
    const seen = await as.community!.request({ method: 'GET', url: `/api/v1/inspections/${sheetId}` });
    expect(seen.statusCode).toBe(200);
    expect(seen.json().findings[0].case).not.toBeNull();
  });
});

describe('daily 10-point zone scoring summed over a month (S7)', () => {
  it('sums each zone’s daily scores and ranks the zones', async () => {
    const zones = await t.db.selectFrom('responsibility_zone').select(['id', 'name']).orderBy('code').execute();
    const res = await plan(as.office!, { name: '集镇十分制日评比', kind: 'zone_daily', editionId: zone10.id, recurrence: { type: 'daily' }, targets: { ...noTargets, zoneIds: zones.map((z) => z.id) }, startsOn: '2026-04-01' });
    expect(res.statusCode, res.body).toBe(201);
    const planId = res.json().id;
    const items = zone10.nodes.filter((n) => n.kind === 'item');
    const scale = items.find((i) => i.method === 'scale');
    const deduct = items.find((i) => i.method === 'deduct')!;
    const crit = criteriaOf(zone10, deduct)[0]!;
    // Three days, two zones: zone A loses 1 point a day, zone B nothing.
    for (const day of ['2026-04-01', '2026-04-02', '2026-04-03']) {
      await at(`${day}T17:00:00+08:00`);
      for (const [i, z] of zones.slice(0, 2).entries()) {
        const r = await sync(as.inspector!, {
          clientKey: `zone-${z.id}-${day}`, planId, target: { kind: 'zone', id: z.id }, inspectedOn: day, submit: true,
          items: scale ? [{ nodeId: scale.id, score: scale.points }] : [],
          findings: i === 0 ? [{ clientKey: `zf-${z.id}-${day}`, itemNodeId: deduct.id, criterionNodeId: crit.id, points: 1, note: '路面有垃圾', photos: [{ fileId: (await photo(as.inspector!)).id }] }] : [],
        });
        expect(r.statusCode, r.body).toBe(201);
        expect(r.json().maxScore).toBe(10);
      }
    }
    const out = (await as.office!.request({ method: 'GET', url: `/api/v1/inspection-results?planId=${planId}&from=2026-04-01&to=2026-04-30` })).json();
    const a = out.rows.find((r: { target: { id: number } }) => r.target.id === zones[0]!.id);
    const b = out.rows.find((r: { target: { id: number } }) => r.target.id === zones[1]!.id);
    expect(a).toMatchObject({ sheets: 3, score: 27, maxScore: 30, average: 9 });
    expect(b).toMatchObject({ sheets: 3, score: 30, maxScore: 30, rank: 1 });
    expect(a.rank).toBe(2);
    expect(a.rate).toBeCloseTo(0.9, 4);
    const why = (await as.office!.request({ method: 'GET', url: `/api/v1/inspection-results/explanation?planId=${planId}&from=2026-04-01&to=2026-04-30&targetKind=zone&targetId=${zones[0]!.id}` })).json();
    expect(why).toMatchObject({ sheets: 3, score: 27, maxScore: 30, average: 9, findings: 3 });
    expect(why.items[0]).toMatchObject({ nodeId: deduct.id, lost: 3, failedSheets: 3, findings: 3, scored: 3 });
    expect(why.sheetList.map((x: { inspectedOn: string }) => x.inspectedOn)).toEqual(['2026-04-03', '2026-04-02', '2026-04-01']);
  });
});

describe('inside-the-gate monthly check run by communities (S6)', () => {
  it('a community scores the units inside it on the 26th–28th, not its neighbour’s', async () => {
    await at('2026-03-26T10:00:00+08:00');
    const gate = await edition('INSIDE-GATE');
    const street = await unitId('S-CGZ');
    const res = await plan(as.office!, {
      name: '门内达标月检', kind: 'inside_gate', editionId: gate.id, ownerUnitId: street, recurrence: { type: 'monthly', fromDay: 26, toDay: 28, atLeast: 1 },
      targets: { ...noTargets, unitKinds: ['resident_unit', 'school', 'hospital', 'enterprise'], withinUnitId: street },
    });
    expect(res.statusCode, res.body).toBe(201);
    const planId = res.json().id;
    const mine = await unitId('R-01');
    const theirs = await unitId('R-02');
    const tasks = (await as.community!.request({ method: 'GET', url: '/api/v1/inspection-tasks' })).json() as { plan: { id: number }; target: { id: number } }[];
    const ids = tasks.filter((x) => x.plan.id === planId).map((x) => x.target.id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);
    const ok = await sync(as.community!, { clientKey: 'gate-r01-000001', planId, target: { kind: 'unit', id: mine }, inspectedOn: '2026-03-26', submit: true });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().rate).toBe(1);
    const refused = await sync(as.community!, { clientKey: 'gate-r02-000001', planId, target: { kind: 'unit', id: theirs }, inspectedOn: '2026-03-26', submit: true });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('INSPECTION_NOT_ON_TEAM');
    // Outside the window the sheet is refused with the date named.
    const early = await sync(as.community!, { clientKey: 'gate-r01-000002', planId, target: { kind: 'unit', id: mine }, inspectedOn: '2026-03-20', submit: true });
    expect(early.json().error.code).toBe('INSPECTION_OUTSIDE_WINDOW');
    // The street that runs the plan reads its sheets; the neighbouring community does not.
    expect((await as.street!.request({ method: 'GET', url: `/api/v1/inspections/${ok.json().id}` })).statusCode).toBe(200);
    expect((await as.community2!.request({ method: 'GET', url: `/api/v1/inspections/${ok.json().id}` })).statusCode).toBe(404);
    // Results and their explanation count the same sheets: the street's all, the community its own; the neighbour none of them.
    const q = `planId=${planId}&from=2026-03-01&to=2026-03-31`;
    for (const u of ['street', 'community']) {
      const why = await as[u]!.request({ method: 'GET', url: `/api/v1/inspection-results/explanation?${q}&targetKind=unit&targetId=${mine}` });
      expect(why.statusCode, `${u}: ${why.body}`).toBe(200);
      expect(why.json()).toMatchObject({ sheets: 1, rate: 1, sheetList: [{ id: ok.json().id }] });
      const ranking = (await as[u]!.request({ method: 'GET', url: `/api/v1/inspection-results?${q}` })).json();
      expect(ranking.rows.map((r: { target: { id: number } }) => r.target.id)).toEqual([mine]);
    }
    const notTheirs = await as.community2!.request({ method: 'GET', url: `/api/v1/inspection-results/explanation?${q}&targetKind=unit&targetId=${mine}`, headers: { 'accept-language': 'en' } });
    expect(notTheirs.statusCode).toBe(404);
    expect(notTheirs.json().error.message).toBe('Inspection results for this target and period not found');
    expect((await as.community2!.request({ method: 'GET', url: `/api/v1/inspection-results?${q}` })).json().rows).toEqual([]);
  });

  it('flags a sheet scored far from its target, without refusing it', async () => {
    const gate = await edition('INSIDE-GATE');
    const plans = (await as.office!.request({ method: 'GET', url: '/api/v1/inspection-plans?kind=inside_gate' })).json().items as { id: number }[];
    const u = await t.db.selectFrom('unit').select(['id', 'lat', 'lng']).where('code', '=', 'R-01').executeTakeFirstOrThrow();
    expect(gate.id).toBeGreaterThan(0);
    const res = await sync(as.inspector!, { clientKey: 'gate-far-000001', planId: plans[0]!.id, target: { kind: 'unit', id: u.id }, inspectedOn: '2026-03-26', lat: u.lat! + 0.05, lng: u.lng!, submit: false });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().flags[0]).toMatchObject({ code: 'FAR_FROM_TARGET' });
    expect(res.json().flags[0].distanceM).toBeGreaterThan(5000);
  });
});
