import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type AreaGeometry, type Position } from '@cc/domain';
import { createTestApp, login, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';
import { systemAuditContext } from '../../platform/audit.js';
import { createRoutingIndex } from '../responsibility/routing-index.js';
import { createRoutingService } from '../responsibility/routing.service.js';
import { createCaseCatalog } from './catalog.service.js';
import { createCasesService } from './cases.service.js';
import { createDocumentNumberer, createGapsAllowedSequence, numberDocuments } from './sequences.js';

let t: TestApp;
let office: Session;
let inspector: Session;
let dongguan: Position;

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  t.clock.set(new Date('2026-03-12T09:00:00+08:00'));
  office = await login(t.app, 'office', 'Demo@2026');
  inspector = await login(t.app, 'inspector', 'Demo@2026');
  const f = (await office.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features
    .find((x: { properties: { name: string } }) => x.properties.name === '东关社区');
  dongguan = bboxCentre(f.geometry as AreaGeometry);
});
afterAll(() => t.close());

describe('concurrent intake', () => {
  it('gives 40 cases reported at once unique case numbers and gapless 交办单 numbers, each with its events, audit and outbox rows', async () => {
    const N = 40;
    const results = await Promise.all(Array.from({ length: N }, (_, i) => (i % 2 ? inspector : office).request({
      method: 'POST', url: '/api/v1/cases',
      payload: { source: 'inspector', categoryCode: '0107', description: `并发上报 ${i}`, lat: dongguan[1] + i * 1e-5, lng: dongguan[0] },
    })));
    for (const r of results) expect(r.statusCode, r.body).toBe(201);
    const cases = results.map((r) => r.json() as { id: number; number: string; state: string; documents: { number: string }[] });
    expect(cases.every((c) => c.state === 'assigned')).toBe(true);

    // Case numbers: unique, of the day's 12-digit form (gaps are allowed after a failed intake; none failed here).
    const numbers = cases.map((c) => c.number);
    expect(new Set(numbers).size).toBe(N);
    for (const x of numbers) expect(x).toMatch(/^202603120\d{3}$/);
    expect(numbers.map((x) => Number(x.slice(8))).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));

    // 交办单: one per case, gapless 1..N for the year, the text matching the stored sequence.
    const docs = await t.db.selectFrom('case_document').select(['case_id', 'seq', 'number_text', 'year']).where('kind', '=', 'assignment_slip').orderBy('seq').execute();
    expect(docs.map((d) => d.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(new Set(docs.map((d) => d.case_id)).size).toBe(N);
    for (const d of docs) expect(d.number_text).toContain(`〔2026〕${d.seq}号`);
    for (const c of cases) expect(c.documents.map((d) => d.number)).toEqual([docs.find((d) => d.case_id === c.id)!.number_text]);

    // Everything of each intake in one transaction: three events, one audit row, two outbox rows.
    const ids = cases.map((c) => c.id);
    const count = async (table: 'case_event' | 'outbox') => (await t.db.selectFrom(table).select('case_id').where('case_id', 'in', ids).execute()).length;
    expect(await count('case_event')).toBe(N * 3);
    expect(await count('outbox')).toBe(N * 2);
    const audits = await t.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'case.reported').where('entity_id', 'in', ids.map(String)).execute();
    expect(audits).toHaveLength(N);
  });

  it('keeps 交办单 numbers gapless when an intake fails inside its transaction', async () => {
    // An unknown photo fails the intake inside its transaction: no slip is used, the next intake continues the series.
    const before = await t.db.selectFrom('case_document').select((eb) => eb.fn.max('seq').as('m')).where('kind', '=', 'assignment_slip').executeTakeFirstOrThrow();
    const bad = await inspector.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode: '0107', description: '照片无效', lat: dongguan[1], lng: dongguan[0], photos: [{ fileId: 999999 }] } });
    expect(bad.statusCode).toBe(422);
    const ok = await inspector.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode: '0107', description: '照片有效', lat: dongguan[1], lng: dongguan[0] } });
    expect(ok.statusCode, ok.body).toBe(201);
    const after = await t.db.selectFrom('case_document').select('seq').where('case_id', '=', ok.json().id).executeTakeFirstOrThrow();
    expect(after.seq).toBe(Number(before.m) + 1);
  });
});

describe('numbering 交办单 after commit', () => {
  /** The case service without its routes: its intake commits a 交办单 that nobody has numbered yet (as after a crash). */
  function bareService() {
    const catalog = createCaseCatalog({ db: t.db });
    const routing = createRoutingService({ db: t.db, clock: t.clock, index: createRoutingIndex(t.db) });
    return createCasesService({ db: t.db, clock: t.clock, catalog, routing });
  }
  const tenantId = async () => (await t.db.selectFrom('tenant').select('id').executeTakeFirstOrThrow()).id;
  const maxSeq = async () => Number((await t.db.selectFrom('case_document').select((eb) => eb.fn.max('seq').as('m')).where('kind', '=', 'assignment_slip').executeTakeFirstOrThrow()).m);

  it('shows a committed 交办单 as being numbered, then the dispatcher numbers it and its message quotes the number', async () => {
    const cases = bareService();
    const before = await maxSeq();
    const id = await cases.intake(await tenantId(), {
      source: 'inspector', categoryCode: '0107', description: '编号前', lat: dongguan[1], lng: dongguan[0], photos: [], reporter: { userId: null, label: '测试' },
    }, systemAuditContext(await tenantId(), 'test'));
    const pending = (await office.request({ method: 'GET', url: `/api/v1/cases/${id}` })).json();
    expect(pending.state).toBe('assigned');
    expect(pending.documents).toEqual([expect.objectContaining({ kind: 'assignment_slip', number: null })]);

    await t.app.backgroundJobs.find((j) => j.name === 'outbox dispatcher')!.run();
    const doc = await t.db.selectFrom('case_document').select(['seq', 'number_text']).where('case_id', '=', id).executeTakeFirstOrThrow();
    expect(doc.seq).toBe(before + 1);
    expect((await office.request({ method: 'GET', url: `/api/v1/cases/${id}` })).json().documents[0].number).toBe(doc.number_text);
    const msg = await t.db.selectFrom('outbox').select(['payload', 'dispatched_at']).where('case_id', '=', id).where('topic', '=', 'case.assign').executeTakeFirstOrThrow();
    expect(msg.dispatched_at).not.toBeNull();
    expect((msg.payload as { notice: { zh: string } }).notice.zh).toContain(`交办单：${doc.number_text}`);
  });

  it('numbers the Word download of a document committed without a number', async () => {
    const cases = bareService();
    const id = await cases.intake(await tenantId(), {
      source: 'inspector', categoryCode: '0107', description: '下载前编号', lat: dongguan[1], lng: dongguan[0], photos: [], reporter: { userId: null, label: '测试' },
    }, systemAuditContext(await tenantId(), 'test'));
    const docId = (await t.db.selectFrom('case_document').select(['id', 'seq']).where('case_id', '=', id).executeTakeFirstOrThrow()).id;
    const res = await office.request({ method: 'GET', url: `/api/v1/cases/${id}/documents/${docId}/docx` });
    expect(res.statusCode).toBe(200);
    expect((await t.db.selectFrom('case_document').select('seq').where('id', '=', docId).executeTakeFirstOrThrow()).seq).not.toBeNull();
  });

  it('gives racing numbering runs of many waiting documents one gapless series, each number once', async () => {
    const cases = bareService();
    const before = await maxSeq();
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => tenantId().then((tid) => cases.intake(tid, {
      source: 'inspector', categoryCode: '0107', description: `批量编号 ${i}`, lat: dongguan[1] + i * 1e-5, lng: dongguan[0], photos: [], reporter: { userId: null, label: '测试' },
    }, systemAuditContext(tid, 'test')))));
    const counts = await Promise.all([numberDocuments(t.db), numberDocuments(t.db), cases.settleDocuments(), numberDocuments(t.db)]);
    expect(counts.filter((n): n is number => typeof n === 'number').reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30);
    const docs = await t.db.selectFrom('case_document').select(['seq', 'number_text']).where('case_id', 'in', ids).orderBy('seq').execute();
    expect(docs.map((d) => d.seq)).toEqual(Array.from({ length: 30 }, (_, i) => before + 1 + i));
    expect(docs.every((d) => d.number_text!.includes(`〔2026〕${d.seq}号`))).toBe(true);
    const seqRow = await t.db.selectFrom('doc_sequence').select('last').where('kind', '=', 'assignment_slip').where('period', '=', '2026').executeTakeFirstOrThrow();
    expect(Number(seqRow.last)).toBe(before + 30);
    expect(await numberDocuments(t.db)).toBe(0);
  });

  it('writes intakes asked for together in shared statements, each answered with its own case, and one failing write fails only itself', async () => {
    const cases = bareService();
    const tid = await tenantId();
    const ctx = systemAuditContext(tid, 'test');
    // A NUL cannot be stored in text: that intake's write fails in the database (the HTTP layer refuses it earlier).
    const descriptions = Array.from({ length: 24 }, (_, i) => (i === 13 ? `共享写入 ${i} \u0000` : `共享写入 ${i}`));
    const settled = await Promise.allSettled(descriptions.map((description, i) => cases.intake(tid, {
      source: 'inspector', categoryCode: '0107', description, lat: dongguan[1] + i * 1e-5, lng: dongguan[0], photos: [], reporter: { userId: null, label: `测试${i}` },
    }, ctx)));
    expect(settled[13]!.status).toBe('rejected');
    const ids = settled.flatMap((r, i) => (i === 13 ? [] : [(r as PromiseFulfilledResult<number>).value]));
    expect(ids).toHaveLength(23);
    const rows = await t.db.selectFrom('case_record').select(['id', 'description', 'lat']).where('id', 'in', ids).execute();
    // Each caller got the id of the case it reported, not of another in the same statement.
    ids.forEach((id, k) => {
      const i = k < 13 ? k : k + 1;
      const row = rows.find((r) => r.id === id)!;
      expect(row.description).toBe(`共享写入 ${i}`);
      expect(row.lat).toBeCloseTo(dongguan[1] + i * 1e-5, 9);
    });
    // Each with its own three events (in order, by its own reporter), audit row and two outbox rows.
    const events = await t.db.selectFrom('case_event').select(['case_id', 'event', 'actor_label']).where('case_id', 'in', ids).orderBy('id').execute();
    for (const [k, id] of ids.entries()) {
      const mine = events.filter((e) => e.case_id === id);
      expect(mine.map((e) => e.event)).toEqual(['report', 'register', 'assign']);
      expect(mine[0]!.actor_label).toBe(`测试${k < 13 ? k : k + 1}`);
    }
    const outbox = await t.db.selectFrom('outbox').select(['case_id', 'payload']).where('case_id', 'in', ids).execute();
    expect(outbox).toHaveLength(46);
    for (const o of outbox) expect((o.payload as { caseId: number }).caseId).toBe(o.case_id);
    const audits = await t.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'case.reported').where('entity_id', 'in', ids.map(String)).execute();
    expect(audits).toHaveLength(23);
    // Nothing of the failed one: no case with its description.
    expect(await t.db.selectFrom('case_record').select('id').where('description', 'like', '共享写入 13%').execute()).toEqual([]);
  });

  it('answers with the number of a document that a batch numbered between its commit and the question', async () => {
    const cases = bareService();
    const numberer = createDocumentNumberer(t.db);
    const id = await cases.intake(await tenantId(), {
      source: 'inspector', categoryCode: '0107', description: '编号后才问', lat: dongguan[1], lng: dongguan[0], photos: [], reporter: { userId: null, label: '测试' },
    }, systemAuditContext(await tenantId(), 'test'));
    const docId = (await t.db.selectFrom('case_document').select('id').where('case_id', '=', id).executeTakeFirstOrThrow()).id;
    // Another intake's settle() runs a batch that takes this document too …
    const first = await numberer.settle();
    const number = first.get(docId);
    expect(number).toMatch(/〔2026〕\d+号/);
    // … and this intake asks only afterwards: the next batch finds nothing, the kept one answers.
    const later = await numberer.settle();
    expect(later.get(docId)).toBe(number);
    expect((await t.db.selectFrom('case_document').select('number_text').where('id', '=', docId).executeTakeFirstOrThrow()).number_text).toBe(number);
  });

  it('hands out each day’s case numbers once, in batches shared by the intakes asking at the same time, also from two instances', async () => {
    const tid = (await t.db.selectFrom('tenant').select('id').executeTakeFirstOrThrow()).id;
    // Two instances’ allocators, each sending while two statements are under way and batching the rest.
    const [a, b] = [createGapsAllowedSequence(t.db), createGapsAllowedSequence(t.db)];
    const asks = Array.from({ length: 300 }, (_, i) => ({ take: i % 3 ? a : b, period: i % 2 ? '29990101' : '29990102' }));
    const got = await Promise.all(asks.map((x) => x.take(tid, 'case-test', x.period)));
    for (const period of ['29990101', '29990102']) {
      const mine = got.filter((_, i) => asks[i]!.period === period).sort((x, y) => x - y);
      expect(mine).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
      const row = await t.db.selectFrom('doc_sequence').select('last').where('tenant_id', '=', tid).where('kind', '=', 'case-test').where('period', '=', period).executeTakeFirstOrThrow();
      expect(Number(row.last)).toBe(150);
    }
  });

  it('hands the numbers of one statement out in the order they were asked for', async () => {
    const tid = (await t.db.selectFrom('tenant').select('id').executeTakeFirstOrThrow()).id;
    const take = createGapsAllowedSequence(t.db);
    // The first two asks leave alone, each in its own statement; the eight asked meanwhile wait and
    // leave together when the first answers. Two statements under way may reach the row in either
    // order (each has its own connection), so only the numbers of one statement have an order.
    const got = await Promise.all(Array.from({ length: 10 }, () => take(tid, 'case-test', '29990103')));
    expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    const waited = got.slice(2);
    expect(waited).toEqual(Array.from({ length: 8 }, (_, i) => waited[0]! + i));
  });
});
