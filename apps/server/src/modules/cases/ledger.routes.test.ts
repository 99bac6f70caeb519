import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type AreaGeometry, type Position } from '@cc/domain';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
let dongguan: Position;
const USERS = ['office', 'inspector', 'community', 'community2'];

async function at(when: string) {
  t.clock.set(new Date(when));
  for (const u of USERS) as[u] = await login(t.app, u, 'Demo@2026');
}
const schedule = () => t.app.backgroundJobs.find((j) => j.name === 'case scheduler')!.run();

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  await at('2026-03-12T09:00:00+08:00');
  const f = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features
    .find((x: { properties: { name: string } }) => x.properties.name === '东关社区');
  dongguan = bboxCentre(f.geometry as AreaGeometry);
});
afterAll(() => t.close());

let n = 0;
async function photo(s: Session) {
  const res = await s.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', Buffer.concat([PNG_1x1, Buffer.from(`l${n++}`)])) });
  return res.json().id as number;
}
async function report(description = '市场后门积水') {
  const res = await as.inspector!.request({
    method: 'POST', url: '/api/v1/cases',
    payload: { source: 'inspector', categoryCode: '0107', description, lat: dongguan[1], lng: dongguan[0], photos: [{ fileId: await photo(as.inspector!) }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const fire = async (s: Session, id: number, body: Record<string, unknown>) => {
  const res = await s.request({ method: 'POST', url: `/api/v1/cases/${id}/transitions`, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
async function closeCase(c: { id: number; version: number }) {
  const s = await fire(as.community!, c.id, { event: 'submit', version: c.version, photos: [{ fileId: await photo(as.community!) }] });
  return fire(as.inspector!, c.id, { event: 'verify_pass', version: s.version });
}

describe('the scheduler', () => {
  it('marks overdue cases once and issues 督办 at the configured steps, also when two runs race', async () => {
    await at('2026-03-12T09:00:00+08:00');
    const c = await report('超期督办测试');
    await at('2026-03-18T09:00:00+08:00'); // deadline was Tue 17 March 18:00
    await schedule();
    await schedule();
    let v = (await as.office!.request({ method: 'GET', url: `/api/v1/cases/${c.id}` })).json();
    expect(v.overdue).toBe(true);
    expect(v.escalationCount).toBe(1); // step 0: at once
    expect(v.events.filter((e: { event: string }) => e.event === 'overdue')).toHaveLength(1);
    expect(v.documents.filter((d: { kind: string }) => d.kind === 'urging_letter')).toHaveLength(1);
    await at('2026-03-20T09:00:00+08:00'); // 63 hours late: step 2 (48 h)
    await Promise.all([schedule(), schedule(), schedule()]);
    v = (await as.office!.request({ method: 'GET', url: `/api/v1/cases/${c.id}` })).json();
    expect(v.escalationCount).toBe(2);
    const letters = v.documents.filter((d: { kind: string }) => d.kind === 'urging_letter').map((d: { number: string }) => d.number);
    expect(letters).toHaveLength(2);
    expect(new Set(letters).size).toBe(2);
    const outbox = await t.db.selectFrom('outbox').select('topic').where('case_id', '=', c.id).where('topic', 'in', ['case.overdue', 'case.escalate']).execute();
    expect(outbox.map((o) => o.topic).sort()).toEqual(['case.escalate', 'case.escalate', 'case.overdue']);
  });

  it('draws re-check samples of closed cases, and a relapse found there reopens the case', async () => {
    await at('2026-04-01T09:00:00+08:00');
    const settings = (await as.office!.request({ method: 'GET', url: '/api/v1/case-settings' })).json();
    const put = await as.office!.request({ method: 'PUT', url: '/api/v1/case-settings', payload: { ...settings, recheckSamplePercent: 100, recheckAfterDays: 30 } });
    expect(put.statusCode, put.body).toBe(200);
    const c = await closeCase(await report('回头看测试'));
    expect(c.state).toBe('closed');
    await at('2026-05-02T09:00:00+08:00');
    await schedule();
    await schedule();
    const rows = await t.db.selectFrom('case_recheck').selectAll().where('case_id', '=', c.id).execute();
    expect(rows).toHaveLength(1);
    const list = (await as.inspector!.request({ method: 'GET', url: '/api/v1/rechecks?state=pending&pageSize=100' })).json();
    const r = list.items.find((x: { case: { id: number } }) => x.case.id === c.id);
    expect(r).toMatchObject({ state: 'pending', dueDate: '2026-05-09', actions: ['record'] });
    expect((await as.community2!.request({ method: 'GET', url: '/api/v1/rechecks?pageSize=100' })).json().items.map((x: { id: number }) => x.id)).not.toContain(r.id);
    expect((await as.community!.request({ method: 'POST', url: `/api/v1/rechecks/${r.id}/result`, payload: { result: 'passed' } })).statusCode).toBe(403);

    const noNote = await as.inspector!.request({ method: 'POST', url: `/api/v1/rechecks/${r.id}/result`, payload: { result: 'relapsed' } });
    expect(noNote.statusCode).toBe(422);
    expect((await t.db.selectFrom('case_recheck').select('state').where('id', '=', r.id).executeTakeFirstOrThrow()).state).toBe('pending');
    const done = await as.inspector!.request({ method: 'POST', url: `/api/v1/rechecks/${r.id}/result`, payload: { result: 'relapsed', note: '积水再次出现', photos: [{ fileId: await photo(as.inspector!) }] } });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().state).toBe('relapsed');
    const again = await as.inspector!.request({ method: 'POST', url: `/api/v1/rechecks/${r.id}/result`, payload: { result: 'passed' } });
    expect(again.statusCode).toBe(409);
    const v = (await as.office!.request({ method: 'GET', url: `/api/v1/cases/${c.id}` })).json();
    expect(v).toMatchObject({ state: 'assigned', relapseCount: 1 });
  });
});

describe('statistics, hot spots and exports', () => {
  it('counts per unit within the reader’s scope', async () => {
    const stats = (await as.office!.request({ method: 'GET', url: '/api/v1/case-stats' })).json();
    const dg = stats.units.find((u: { unit: { name: string } }) => u.unit.name.includes('东关'));
    expect(dg.assigned).toBeGreaterThanOrEqual(2);
    expect(dg.escalated).toBeGreaterThanOrEqual(1);
    expect(dg.relapsed).toBeGreaterThanOrEqual(1);
    expect(dg.closingRate).toBe(Math.round((dg.closed / dg.assigned) * 1000) / 10);
    expect(stats.totals.all).toBe(stats.byState.reduce((s: number, x: { count: number }) => s + x.count, 0));
    const other = (await as.community2!.request({ method: 'GET', url: '/api/v1/case-stats' })).json();
    expect(other.units.find((u: { unit: { name: string } }) => u.unit.name.includes('东关'))).toBeUndefined();
    const bad = await as.office!.request({ method: 'GET', url: '/api/v1/case-stats?from=2026-13-01' });
    expect(bad.statusCode).toBe(422);
  });

  it('shows relapse hot spots where a closed problem came back', async () => {
    const spots = (await as.office!.request({ method: 'GET', url: '/api/v1/case-hotspots' })).json().items;
    const here = spots.find((s: { category: { code: string } }) => s.category.code === '0107');
    expect(here.relapses).toBeGreaterThanOrEqual(1);
    expect(Math.abs(here.lat - dongguan[1])).toBeLessThan(0.01);
    expect((await as.community2!.request({ method: 'GET', url: '/api/v1/case-hotspots' })).json().items).toEqual([]);
  });

  it('exports the filtered ledger to Excel through a job', async () => {
    const total = (await as.office!.request({ method: 'GET', url: '/api/v1/cases?stateCategory=open' })).json().total;
    const start = await as.office!.request({ method: 'POST', url: '/api/v1/case-exports', payload: { stateCategory: 'open' } });
    expect(start.statusCode, start.body).toBe(202);
    let job = start.json();
    for (let i = 0; i < 50 && job.state !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await as.office!.request({ method: 'GET', url: `/api/v1/case-exports/${job.id}` })).json();
    }
    expect(job).toMatchObject({ state: 'done', processed: total, total });
    expect((await as.community!.request({ method: 'GET', url: `/api/v1/case-exports/${job.id}` })).statusCode).toBe(404);
    const file = await as.office!.request({ method: 'GET', url: `/api/v1/case-exports/${job.id}/file` });
    expect(file.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(1).value).toBe('问题编号');
    expect(ws.actualRowCount - 1).toBe(total);
    const bad = await as.office!.request({ method: 'POST', url: '/api/v1/case-exports', payload: { state: 'nonsense' } });
    expect(bad.statusCode).toBe(422);
  });
});
