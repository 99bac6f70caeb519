import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { bboxCentre, CASE_STATE_CATEGORY, CASE_STATES, type AreaGeometry, type CaseState, type Position } from '@cc/domain';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';
import { listTuning } from './cases.service.js';
import { exportTuning } from './ledger.service.js';

let t: TestApp;
const as: Record<string, Session> = {};
let dongguan: Position;
const BULK = 240;
const defaults = { countCap: listTuning.countCap, searchWindow: listTuning.searchWindow, pageSize: exportTuning.pageSize };

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  for (const u of ['office', 'inspector', 'community', 'community2']) as[u] = await login(t.app, u, 'Demo@2026');
  const f = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features
    .find((x: { properties: { name: string } }) => x.properties.name === '东关社区');
  dongguan = bboxCentre(f.geometry as AreaGeometry);
  // One case through the API, then many copies of it (a minute apart) straight into the table.
  const photo = await as.inspector!.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', PNG_1x1) });
  const res = await as.inspector!.request({
    method: 'POST', url: '/api/v1/cases',
    payload: { source: 'inspector', categoryCode: '0107', description: '东关市场后门积水，污水外溢', lat: dongguan[1], lng: dongguan[0], photos: [{ fileId: photo.json().id }] },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { id: _id, search_terms: _terms, ...base } = await t.db.selectFrom('case_record').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
  await t.db.insertInto('case_record').values(Array.from({ length: BULK }, (_, i) => ({
    ...base, number: `${base.number}-${String(i).padStart(3, '0')}`, description: `积水第${i}处「暴露垃圾」`,
    routing: JSON.stringify(base.routing), created_at: new Date(base.created_at.getTime() - (i + 1) * 60_000),
  }))).execute();
});
afterAll(() => t.close());
afterEach(() => {
  listTuning.countCap = defaults.countCap;
  listTuning.searchWindow = defaults.searchWindow;
  exportTuning.pageSize = defaults.pageSize;
});

const list = async (s: Session, qs: string) => {
  const res = await s.request({ method: 'GET', url: `/api/v1/cases?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: number; number: string; createdAt: string }[]; total: number; totalCapped: boolean; page: number };
};

async function exportAll(s: Session, filters: Record<string, unknown>) {
  const start = await s.request({ method: 'POST', url: '/api/v1/case-exports', payload: filters });
  expect(start.statusCode, start.body).toBe(202);
  let job = start.json();
  for (let i = 0; i < 100 && job.state !== 'done' && job.state !== 'failed'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    job = (await s.request({ method: 'GET', url: `/api/v1/case-exports/${job.id}` })).json();
  }
  expect(job.state, JSON.stringify(job)).toBe('done');
  const file = await s.request({ method: 'GET', url: `/api/v1/case-exports/${job.id}/file` });
  expect(file.statusCode).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.rawPayload as unknown as ExcelJS.Buffer);
  const ws = wb.worksheets[0]!;
  const rows: string[][] = [];
  ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return { job, header: rows[0]!, rows: rows.slice(1) };
}

describe('the ledger at scale', () => {
  it('counts up to the cap and says so, exactly below it', async () => {
    const exact = await list(as.office!, 'pageSize=5');
    expect(exact.totalCapped).toBe(false);
    expect(exact.total).toBeGreaterThan(BULK);
    listTuning.countCap = 100;
    const capped = await list(as.office!, 'pageSize=5');
    expect(capped).toMatchObject({ total: 100, totalCapped: true });
    expect(capped.items.map((c) => c.id)).toEqual(exact.items.map((c) => c.id));
    expect(await list(as.office!, `q=${encodeURIComponent('积水第1')}&pageSize=5`)).toMatchObject({ total: 100, totalCapped: true }); // 111 match
    expect(await list(as.office!, `q=${encodeURIComponent('积水第2')}&pageSize=5`)).toMatchObject({ total: 51, totalCapped: false }); // 第2, 第20–29, 第200–239
  });

  it('pages deep through the newest-first order without gaps or repeats', async () => {
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const p = await list(as.community!, `pageSize=37&page=${page}`);
      if (!p.items.length) break;
      seen.push(...p.items.map((c) => c.id));
    }
    const all = await list(as.community!, 'pageSize=500');
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all.items.map((c) => c.id));
    expect(seen.length).toBe(all.total);
    const times = all.items.map((c) => Date.parse(c.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const asc = await list(as.community!, 'pageSize=500&sort=created_asc');
    expect(asc.items.map((c) => c.id)).toEqual([...seen].reverse());
  });

  it('pages a text search the same through the newest-cases probe as through the text index', async () => {
    const pages = async (qs: string) => {
      const out: { ids: number[]; total: number }[] = [];
      for (let page = 1; page <= 12; page++) {
        const p = await list(as.office!, `${qs}&pageSize=5&page=${page}`);
        out.push({ ids: p.items.map((c) => c.id), total: p.total });
      }
      return out;
    };
    for (const [q, sort] of [['积水第2', ''], ['积水第2', '&sort=created_asc'], ['积水', '&sort=deadline_asc'], ['暴露垃圾', '']] as const) {
      const qs = `q=${encodeURIComponent(q)}${sort}`;
      listTuning.searchWindow = 0; // no probe: the index plan
      const byIndex = await pages(qs);
      expect(byIndex.flatMap((p) => p.ids).length, qs).toBeGreaterThan(5);
      for (const window of [7, 30, 100_000]) { // the probe gives up, succeeds on the first pages only, holds every candidate
        listTuning.searchWindow = window;
        expect(await pages(qs), `${qs} window ${window}`).toEqual(byIndex);
      }
    }
  });

  it('filters by region through the path index and by relapse through its own index, as the plain conditions do', async () => {
    const regions = await t.db.selectFrom('region').select(['id', 'path', 'level']).where('level', 'in', ['street', 'community', 'grid']).execute();
    const withCases = await t.db.selectFrom('case_record').select(['id', 'region_path', 'state', 'relapse_count', 'category_id']).execute();
    const open = new Set(CASE_STATES.filter((s) => CASE_STATE_CATEGORY[s] === 'open'));
    for (const level of ['street', 'community', 'grid']) {
      const r = regions.find((x) => x.level === level && withCases.some((c) => c.region_path?.startsWith(x.path)))!;
      const expected = withCases.filter((c) => c.region_path?.startsWith(r.path) && open.has(c.state as CaseState)).length;
      expect(expected, level).toBeGreaterThan(0);
      const p = await list(as.office!, `regionId=${r.id}&stateCategory=open&sort=deadline_asc&pageSize=500`);
      expect(p.total, level).toBe(expected);
    }
    expect((await list(as.office!, 'regionId=999999999&pageSize=5')).total).toBe(0);
    // Two relapsed copies: the filter finds exactly them, newest first, and by category.
    const two = withCases.filter((c) => c.region_path !== null).slice(0, 2).map((c) => c.id);
    await t.db.updateTable('case_record').set({ relapse_count: 1 }).where('id', 'in', two).execute();
    const relapsed = await list(as.office!, 'relapsed=true&pageSize=50');
    expect(relapsed.items.map((c) => c.id).sort()).toEqual([...two].sort());
    const cat = withCases.find((c) => c.id === two[0])!.category_id;
    expect((await list(as.office!, `relapsed=true&categoryId=${cat}&pageSize=50`)).total).toBe(withCases.filter((c) => two.includes(c.id) && c.category_id === cat).length);
    await t.db.updateTable('case_record').set({ relapse_count: 0 }).where('id', 'in', two).execute();
  });

  it('keeps the open-state partial indexes on the domain’s list of open states', async () => {
    const open = CASE_STATES.filter((s) => CASE_STATE_CATEGORY[s] === 'open').sort();
    const { rows } = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where tablename = 'case_record' and indexdef like '%WHERE%state%'`.execute(t.db);
    const names = rows.map((r) => r.indexname);
    expect(names).toEqual(expect.arrayContaining(['case_record_open_map_ix', 'case_record_open_region_ix']));
    for (const r of rows.filter((x) => x.indexname.includes('_open_'))) {
      const states = [...r.indexdef.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort();
      expect(states, r.indexname).toEqual(open);
    }
  });

  it('keeps the scope: the community sees its cases, its neighbour none of them, the office all', async () => {
    const mine = await list(as.community!, `q=${encodeURIComponent('积水第')}&pageSize=500`);
    expect(mine.total).toBe(BULK);
    expect((await list(as.community2!, `q=${encodeURIComponent('积水第')}&pageSize=500`)).total).toBe(0);
    expect((await list(as.office!, `q=${encodeURIComponent('积水第')}&pageSize=500`)).total).toBe(BULK);
  });
});

describe('the streamed Excel export', () => {
  it('writes every row across several keyset pages, with its columns and Chinese text intact', async () => {
    exportTuning.pageSize = 7;
    const expected = await list(as.office!, `q=${encodeURIComponent('积水')}&pageSize=500`);
    const { job, header, rows } = await exportAll(as.office!, { q: '积水' });
    expect(header).toHaveLength(23);
    expect(header.slice(0, 5)).toEqual(['问题编号', '来源', '大类', '小类', '问题描述']);
    expect(job).toMatchObject({ processed: expected.total, total: expected.total });
    expect(rows).toHaveLength(expected.total);
    expect(expected.total).toBeGreaterThan(BULK);
    // Newest first by id, no row twice: the pages joined without gaps.
    expect(rows.map((r) => r[0])).toEqual([...expected.items].sort((a, b) => b.id - a.id).map((c) => c.number));
    const copy = rows.find((r) => r[0]!.endsWith('-007'))!;
    expect(copy[4]).toBe('积水第7处「暴露垃圾」');
    expect(copy[1]).toBe('督查员巡查');
    expect(copy[7]).toBe('东关社区');
    const stored = await t.db.selectFrom('export_job as j').innerJoin('stored_file as f', 'f.id', 'j.file_id').select(['f.size_bytes', 'f.original_name']).where('j.id', '=', job.id).executeTakeFirstOrThrow();
    expect(stored.original_name).toMatch(/^问题台账-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(Number(stored.size_bytes)).toBeGreaterThan(0);
  });

  it('honours the caller’s scope and filters', async () => {
    exportTuning.pageSize = 50;
    const mine = await exportAll(as.community!, { q: '积水第' });
    expect(mine.rows).toHaveLength(BULK);
    const filtered = await exportAll(as.community!, { q: '积水第2' });
    expect(filtered.rows.every((r) => r[4]?.startsWith('积水第2'))).toBe(true);
    expect(filtered.rows).toHaveLength(1 + 10 + 40); // 第2, 第20–29, 第200–239
    const neighbour = await exportAll(as.community2!, { q: '积水第' });
    expect(neighbour.rows).toHaveLength(0);
    expect(neighbour.job.total).toBe(0);
  });
});
