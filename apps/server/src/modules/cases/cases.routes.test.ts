import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type Position } from '@cc/domain';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
let dongguan: Position;
let xiguan: Position;

const centre = bboxCentre;

const USERS = ['office', 'inspector', 'community', 'community2', 'street', 'grid', 'leader', 'volunteer'];
/** Move the clock and log everyone in again (sessions end after 30 idle minutes). */
async function at(when: string) {
  t.clock.set(new Date(when));
  for (const u of USERS) as[u] = await login(t.app, u, 'Demo@2026');
}

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  await at('2026-03-12T09:00:00+08:00');
  const communities = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features;
  dongguan = centre(communities.find((f: { properties: { name: string } }) => f.properties.name === '东关社区').geometry);
  xiguan = centre(communities.find((f: { properties: { name: string } }) => f.properties.name === '西关社区').geometry);
});
afterAll(() => t.close());

let photoCounter = 0;
/** Upload a distinct image (a PNG with a trailing counter, still a valid PNG to the sniffer). */
async function photo(s: Session): Promise<number> {
  const data = Buffer.concat([PNG_1x1, Buffer.from(`#${photoCounter++}`)]);
  const res = await s.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', data) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function report(s: Session, body: Record<string, unknown> = {}) {
  return s.request({
    method: 'POST', url: '/api/v1/cases',
    payload: { source: 'inspector', categoryCode: '0107', description: '农贸市场后积水孳生蚊虫', lat: dongguan[1], lng: dongguan[0], photos: [{ fileId: await photo(s) }], ...body },
  });
}
const fire = (s: Session, id: number, body: Record<string, unknown>) => s.request({ method: 'POST', url: `/api/v1/cases/${id}/transitions`, payload: body });
const count = async () => Number((await t.db.selectFrom('case_record').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('a case from report to strike-off (S3)', () => {
  it('routes by place and category, numbers it, sets the deadline in working days and issues a slip', async () => {
    const res = await report(as.inspector!);
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    expect(c.state).toBe('assigned');
    expect(c.community.name).toBe('东关社区');
    expect(c.unit.name).toMatch(/东关/);
    expect(c.routedBy).toBe('community');
    // Thursday 12 March 09:00 + 3 working days → Tuesday 17 March, end of office hours.
    expect(c.deadline).toMatchObject({ amount: 3, cls: 'working_days', at: '2026-03-17T10:00:00.000Z' });
    expect(c.number).toMatch(/^20260312\d{4}$/);
    expect(c.documents).toHaveLength(1);
    expect(c.documents[0].number).toBe('创城交〔2026〕1号');
    expect(c.photos).toHaveLength(1);
    expect(c.photos[0].stage).toBe('before');
    expect(c.events.map((e: { event: string }) => e.event)).toEqual(['report', 'register', 'assign']);
    const img = await as.community!.request({ method: 'GET', url: c.photos[0].url });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    const outbox = await t.db.selectFrom('outbox').select('topic').where('case_id', '=', c.id).orderBy('id').execute();
    expect(outbox.map((o) => o.topic)).toEqual(['case.register', 'case.assign']);
  });

  it('walks rectify → return → rectify → verify → close, then a re-check reopens it as a relapse', async () => {
    let c = (await report(as.inspector!)).json();
    expect(c.actions).not.toContain('accept'); // the inspector is not the unit
    const mine = (await as.community!.request({ method: 'GET', url: `/api/v1/cases/${c.id}` })).json();
    expect(mine.actions).toEqual(expect.arrayContaining(['accept', 'submit', 'request_return']));

    c = (await fire(as.community!, c.id, { event: 'accept', version: c.version })).json();
    expect(c.state).toBe('rectifying');
    const noPhoto = await fire(as.community!, c.id, { event: 'submit', version: c.version });
    expect(noPhoto.statusCode).toBe(422);
    expect(noPhoto.json().error.code).toBe('CASE_PHOTO_REQUIRED');
    c = (await fire(as.community!, c.id, { event: 'submit', version: c.version, photos: [{ fileId: await photo(as.community!) }], note: '已清理' })).json();
    expect(c.state).toBe('submitted');

    const noReason = await fire(as.inspector!, c.id, { event: 'verify_fail', version: c.version });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().error.message).toBe('请填写返工的原因');
    const inEnglish = await as.inspector!.request({ method: 'POST', url: `/api/v1/cases/${c.id}/transitions`, payload: { event: 'verify_fail', version: c.version }, headers: { 'accept-language': 'en' } });
    expect(inEnglish.json().error.message).toBe('Please give the reason for rework');
    c = (await fire(as.inspector!, c.id, { event: 'verify_fail', version: c.version, note: '仍有积水' })).json();
    expect(c).toMatchObject({ state: 'returned', returnedCount: 1 });
    c = (await fire(as.community!, c.id, { event: 'submit', version: c.version, photos: [{ fileId: await photo(as.community!) }] })).json();
    c = (await fire(as.inspector!, c.id, { event: 'verify_pass', version: c.version })).json();
    expect(c).toMatchObject({ state: 'closed', stateCategory: 'closed', closedOnTime: true });

    c = (await fire(as.inspector!, c.id, { event: 'relapse', version: c.version, note: '回头看发现积水复现', photos: [{ fileId: await photo(as.inspector!) }] })).json();
    expect(c).toMatchObject({ state: 'assigned', relapseCount: 1, closedAt: null });
    expect(c.documents.map((d: { number: string }) => d.number)).toHaveLength(2);
    expect(new Set(c.documents.map((d: { number: string }) => d.number)).size).toBe(2);
    expect(c.photos.map((p: { stage: string }) => p.stage)).toEqual(['before', 'after', 'after', 'recheck']);
  });

  it('downloads the 交办单 as Word and PDF, only within scope', async () => {
    const c = (await report(as.inspector!)).json();
    const slip = c.documents[0];
    const docx = await as.community!.request({ method: 'GET', url: `/api/v1/cases/${c.id}/documents/${slip.id}/docx` });
    expect(docx.statusCode).toBe(200);
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    expect(decodeURIComponent(String(docx.headers['content-disposition']))).toContain(`交办单-${c.number}.docx`);
    const pdf = await as.community!.request({ method: 'GET', url: `/api/v1/cases/${c.id}/documents/${slip.id}/pdf` });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await as.community2!.request({ method: 'GET', url: `/api/v1/cases/${c.id}/documents/${slip.id}/docx` })).statusCode).toBe(404);
    expect((await as.community!.request({ method: 'GET', url: `/api/v1/cases/${c.id}/documents/999999/docx` })).statusCode).toBe(404);
  });

  it('lets exactly one of two simultaneous verifications win; the other gets 409', async () => {
    let c = (await report(as.inspector!)).json();
    c = (await fire(as.community!, c.id, { event: 'submit', version: c.version, photos: [{ fileId: await photo(as.community!) }] })).json();
    const office = as.office!;
    const [a, b] = await Promise.all([
      fire(as.inspector!, c.id, { event: 'verify_pass', version: c.version }),
      fire(office, c.id, { event: 'verify_pass', version: c.version }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error.code).toBe('CASE_VERSION_CONFLICT');
    const events = await t.db.selectFrom('case_event').select('event').where('case_id', '=', c.id).where('event', '=', 'verify_pass').execute();
    expect(events).toHaveLength(1);
  });

  it('refuses a stale version and a transition the table does not allow', async () => {
    const c = (await report(as.inspector!)).json();
    const stale = await fire(as.community!, c.id, { event: 'accept', version: c.version - 1 });
    expect(stale.statusCode).toBe(409);
    const early = await fire(as.inspector!, c.id, { event: 'verify_pass', version: c.version });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('TRANSITION_NOT_ALLOWED');
    const role = await fire(as.inspector!, c.id, { event: 'accept', version: c.version });
    expect(role.statusCode).toBe(403);
    expect(role.json().error.code).toBe('ROLE_NOT_ALLOWED');
    const notOverdue = await fire(as.office!, c.id, { event: 'escalate', version: c.version });
    expect(notOverdue.statusCode).toBe(409);
  });
});

describe('scope', () => {
  it('a community sees its own cases, not its neighbour’s, and cannot act on them', async () => {
    const c = (await report(as.inspector!)).json();
    expect((await as.community2!.request({ method: 'GET', url: `/api/v1/cases/${c.id}` })).statusCode).toBe(404);
    expect((await fire(as.community2!, c.id, { event: 'accept', version: c.version })).statusCode).toBe(404);
    const list2 = (await as.community2!.request({ method: 'GET', url: '/api/v1/cases?pageSize=500' })).json();
    expect(list2.items.map((x: { id: number }) => x.id)).not.toContain(c.id);
    const list1 = (await as.community!.request({ method: 'GET', url: '/api/v1/cases?pageSize=500' })).json();
    expect(list1.items.map((x: { id: number }) => x.id)).toContain(c.id);
    // The street above both sees it; the volunteer sees no cases at all.
    expect((await as.street!.request({ method: 'GET', url: `/api/v1/cases/${c.id}` })).statusCode).toBe(200);
    expect((await as.volunteer!.request({ method: 'GET', url: '/api/v1/cases' })).statusCode).toBe(403);
    const photoUrl = c.photos[0].url;
    expect((await as.community2!.request({ method: 'GET', url: photoUrl })).statusCode).toBe(404);
  });

  it('only the office overrides the unit or the deadline, and records hotline and media cases', async () => {
    const override = await report(as.inspector!, { unitId: 1 });
    expect(override.statusCode).toBe(403);
    expect(override.json().error.code).toBe('CASE_OVERRIDE_NOT_ALLOWED');
    const hotline = await report(as.grid!, { source: 'hotline' });
    expect(hotline.statusCode).toBe(403);
    expect(hotline.json().error.code).toBe('CASE_SOURCE_NOT_ALLOWED');
    // A grid worker's report waits for the office to register it.
    const fromGrid = (await report(as.grid!, { source: 'grid_worker' })).json();
    expect(fromGrid.state).toBe('reported');
    expect(fromGrid.unit.name).toMatch(/东关/);
    const units = (await as.office!.request({ method: 'GET', url: '/api/v1/units?pageSize=200' })).json().items;
    const other = units.find((u: { name: string }) => u.name.includes('西关'));
    const byOffice = (await report(as.office!, { source: 'hotline', unitId: other.id, deadlineAt: '2026-03-13T10:00:00.000Z' })).json();
    expect(byOffice).toMatchObject({ state: 'assigned', routedBy: 'office', unit: { id: other.id }, deadline: { at: '2026-03-13T10:00:00.000Z' } });
  });

  it('answers a report with the case exactly as reading it back shows it, to the reporter', async () => {
    // The POST builds its answer from what the write returned (no read-back): it must not drift
    // from GET /cases/:id — assigned with a 交办单 and a photo, waiting for the office, recorded by
    // the office with its own unit and deadline, and without a photo.
    const units = (await as.office!.request({ method: 'GET', url: '/api/v1/units?pageSize=200' })).json().items;
    const other = units.find((u: { name: string }) => u.name.includes('西关'));
    // Another category than the other tests' 0107, so their duplicate suggestions do not see these.
    const categoryCode = '0102';
    const made = [
      [as.inspector!, await report(as.inspector!, { categoryCode })],
      [as.grid!, await report(as.grid!, { categoryCode, source: 'grid_worker', address: '  东关市场北门  ' })],
      [as.office!, await report(as.office!, { categoryCode, source: 'hotline', unitId: other.id, deadlineAt: '2026-03-13T10:00:00.000Z', reporterName: '王先生', reporterPhone: '13800000000' })],
      [as.leader!, await report(as.leader!, { categoryCode, source: 'leader', photos: [], lat: xiguan[1], lng: xiguan[0] })],
    ] as const;
    for (const [s, res] of made) {
      expect(res.statusCode, res.body).toBe(201);
      const posted = res.json();
      const read = (await s.request({ method: 'GET', url: `/api/v1/cases/${posted.id}` })).json();
      expect(posted).toEqual(read);
    }
    const [inspector, grid, office, leader] = made.map(([, r]) => r.json());
    expect(inspector.documents[0].number).toMatch(/^创城交〔2026〕\d+号$/);
    expect(grid).toMatchObject({ state: 'reported', address: '东关市场北门', documents: [] });
    expect(office).toMatchObject({ routedBy: 'office', unit: { id: other.id }, reporter: { name: '王先生', phone: '13800000000' } });
    expect(leader).toMatchObject({ state: 'assigned', photos: [], community: { name: '西关社区' } });
  });
});

describe('bad input leaves nothing half-created', () => {
  it('refuses a position outside the city, an unknown category and a deadline in the past', async () => {
    const before = await count();
    const outside = await report(as.inspector!, { lat: 39.9, lng: 116.4 });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.code).toBe('CASE_OUTSIDE_CITY');
    const unknown = await report(as.inspector!, { categoryCode: '9999' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.message).toBe('问题类别“9999”不存在或已停用');
    const past = await report(as.office!, { source: 'office', deadlineAt: '2026-03-01T00:00:00Z' });
    expect(past.statusCode).toBe(422);
    expect(past.json().error.code).toBe('CASE_DEADLINE_PAST');
    const badPhoto = await report(as.inspector!, { photos: [{ fileId: 999999 }] });
    expect(badPhoto.statusCode).toBe(422);
    expect(await count()).toBe(before);
  });

  it('refuses uploads that are not images, disguised scripts and files over 10 MB', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
    for (const [name, type, data] of [['x.svg', 'image/svg+xml', svg], ['x.png', 'image/png', html], ['x.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n%%EOF\n')]] as const) {
      const res = await as.inspector!.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile(name, type, data) });
      expect(res.statusCode, name).toBe(415);
    }
    const big = Buffer.concat([PNG_1x1, Buffer.alloc(11 * 1024 * 1024)]);
    const res = await as.inspector!.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('big.png', 'image/png', big) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toContain('10 MB');
  });
});

describe('around the main path', () => {
  it('pauses the deadline while deferred and carries the rest over', async () => {
    let c = (await report(as.inspector!)).json();
    c = (await fire(as.community!, c.id, { event: 'accept', version: c.version })).json();
    c = (await fire(as.community!, c.id, { event: 'request_deferral', version: c.version, note: '需协调产权单位' })).json();
    expect(c.state).toBe('deferral_requested');
    await at('2026-03-13T09:00:00+08:00'); // one working day used (Friday)
    c = (await fire(as.office!, c.id, { event: 'approve_deferral', version: c.version })).json();
    expect(c).toMatchObject({ state: 'deferred', deadline: { at: null, paused: true } });
    await at('2026-03-20T09:00:00+08:00'); // a week later (Friday)
    c = (await fire(as.office!, c.id, { event: 'end_deferral', version: c.version })).json();
    // 3 − 1 = 2 working days from Friday 20 March → Tuesday 24 March 18:00.
    expect(c).toMatchObject({ state: 'rectifying', deadline: { at: '2026-03-24T10:00:00.000Z', paused: false } });
    await at('2026-03-12T09:00:00+08:00');
  });

  it('sends a case back to the office on request and reassigns it to another unit', async () => {
    let c = (await report(as.inspector!)).json();
    c = (await fire(as.community!, c.id, { event: 'request_return', version: c.version, note: '属西关社区辖区' })).json();
    c = (await fire(as.office!, c.id, { event: 'approve_return', version: c.version })).json();
    expect(c).toMatchObject({ state: 'registered', unit: null });
    const units = (await as.office!.request({ method: 'GET', url: '/api/v1/units?pageSize=200' })).json().items;
    const xg = units.find((u: { name: string; kind: string }) => u.name.includes('西关') && u.kind === 'community');
    c = (await fire(as.office!, c.id, { event: 'assign', version: c.version, unitId: xg.id })).json();
    expect(c).toMatchObject({ state: 'assigned', unit: { id: xg.id }, routedBy: 'office' });
    expect((await as.community2!.request({ method: 'GET', url: `/api/v1/cases/${c.id}` })).json().actions).toContain('accept');
  });

  it('suggests duplicates nearby and merges one case into another', async () => {
    const a = (await report(as.inspector!)).json();
    const preview = (await as.inspector!.request({ method: 'GET', url: `/api/v1/cases/preview?lat=${dongguan[1]}&lng=${dongguan[0]}&categoryCode=0107` })).json();
    expect(preview.duplicates.map((d: { id: number }) => d.id)).toContain(a.id);
    expect(preview.unit.name).toMatch(/东关/);
    const far = (await as.inspector!.request({ method: 'GET', url: `/api/v1/cases/preview?lat=${xiguan[1]}&lng=${xiguan[0]}&categoryCode=0107` })).json();
    expect(far.duplicates.map((d: { id: number }) => d.id)).not.toContain(a.id);
    const b = (await report(as.grid!, { source: 'grid_worker' })).json();
    const self = await fire(as.office!, b.id, { event: 'merge', version: b.version, intoCaseId: b.id });
    expect(self.statusCode).toBe(422);
    const merged = (await fire(as.office!, b.id, { event: 'merge', version: b.version, intoCaseId: a.id })).json();
    expect(merged).toMatchObject({ state: 'merged', mergedInto: { id: a.id, number: a.number } });
  });

  it('filters the ledger by state, unit, overdue and text', async () => {
    const c = (await report(as.inspector!, { description: '台账筛选专用问题' })).json();
    const byText = (await as.office!.request({ method: 'GET', url: `/api/v1/cases?q=${encodeURIComponent('台账筛选')}` })).json();
    expect(byText.items.map((x: { id: number }) => x.id)).toEqual([c.id]);
    const open = (await as.office!.request({ method: 'GET', url: `/api/v1/cases?stateCategory=open&unitId=${c.unit.id}&pageSize=500` })).json();
    expect(open.items.every((x: { stateCategory: string; unit: { id: number } }) => x.stateCategory === 'open' && x.unit.id === c.unit.id)).toBe(true);
    await at('2026-03-18T09:00:00+08:00');
    const overdue = (await as.office!.request({ method: 'GET', url: '/api/v1/cases?overdue=true&pageSize=500' })).json();
    expect(overdue.items.map((x: { id: number }) => x.id)).toContain(c.id);
    const x = overdue.items.find((i: { id: number }) => i.id === c.id);
    expect(x.overdue).toBe(true);
    expect(x.actions).toContain('escalate');
    const esc = (await fire(as.office!, c.id, { event: 'escalate', version: c.version })).json();
    expect(esc).toMatchObject({ state: 'assigned', escalationCount: 1 });
    expect(esc.documents.map((d: { kind: string }) => d.kind)).toEqual(['assignment_slip', 'urging_letter']);
    await at('2026-03-12T09:00:00+08:00');
    const bad = await as.office!.request({ method: 'GET', url: '/api/v1/cases?state=nonsense' });
    expect(bad.statusCode).toBe(422);
  });
});

describe('configuration', () => {
  it('serves the seeded categories with their routing, and lets the office load a holiday year', async () => {
    const cats = (await as.inspector!.request({ method: 'GET', url: '/api/v1/case-categories' })).json();
    expect(cats.length).toBeGreaterThanOrEqual(27);
    expect(cats.find((c: { code: string }) => c.code === '0101')).toMatchObject({ name: '暴露垃圾', deadline: { amount: 4, cls: 'working_hours' }, routing: ['frontage', 'segment_cover', 'zone', 'community'] });
    const put = await as.office!.request({ method: 'PUT', url: '/api/v1/holiday-calendars/2027', payload: { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [{ date: '2026-12-31', name: '错' }] } });
    expect(put.statusCode).toBe(422);
    expect(put.json().error.details[0].message).toBe('日期 2026-12-31 不在 2027 年内');
    const ok = await as.office!.request({ method: 'PUT', url: '/api/v1/holiday-calendars/2027', payload: { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [] } });
    expect(ok.statusCode).toBe(200);
    const years = (await as.office!.request({ method: 'GET', url: '/api/v1/holiday-calendars' })).json();
    expect(years.map((y: { year: number; source: string }) => `${y.year}:${y.source}`)).toEqual(['2025:shipped', '2026:shipped', '2027:city']);
    expect((await as.community!.request({ method: 'PUT', url: '/api/v1/holiday-calendars/2027', payload: { holidays: [], workdays: [] } })).statusCode).toBe(403);
  });

  it('edits a category (routing included) with a version check', async () => {
    const cats = (await as.office!.request({ method: 'GET', url: '/api/v1/case-categories' })).json();
    const c = cats.find((x: { code: string }) => x.code === '0601');
    const res = await as.office!.request({ method: 'PATCH', url: `/api/v1/case-categories/${c.id}`, payload: { version: c.version, deadline: { amount: 5, cls: 'calendar_days' }, routing: ['segment_cover', 'community'] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ deadline: { amount: 5, cls: 'calendar_days' }, routing: ['segment_cover', 'community'], version: c.version + 1 });
    const stale = await as.office!.request({ method: 'PATCH', url: `/api/v1/case-categories/${c.id}`, payload: { version: c.version, name: '其他' } });
    expect(stale.statusCode).toBe(409);
    const rule = (await as.office!.request({ method: 'GET', url: '/api/v1/routing-rules' })).json();
    expect(JSON.stringify(rule)).toContain('0601');
  });
});
