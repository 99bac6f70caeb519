import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type Position } from '@cc/domain';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';
import { backoffMs, deliverPending, dispatchOutbox, MAX_ATTEMPTS } from './dispatcher.js';
import { renderMessage } from './messages.js';
import { buildWebhookRequest, dingtalkSign, dingtalkSignedUrl, genericSignature } from './webhook.js';

// ---------- a local webhook receiver ----------

interface Hit {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const hits: Hit[] = [];
let server: http.Server;
let base: string;
const hitsOn = (path: string) => hits.filter((h) => h.path === path);

function startReceiver(): Promise<void> {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      hits.push({ path: url.pathname, query: url.searchParams, headers: req.headers, body });
      if (url.pathname.startsWith('/fail')) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      } else if (url.pathname.startsWith('/robot-err')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 93000, errmsg: 'invalid webhook url' }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resolve();
  }));
}

// ---------- the demo county ----------

let t: TestApp;
const as: Record<string, Session> = {};
let dongguan: Position;
const USERS = ['office', 'inspector', 'community', 'community2', 'street', 'grid'];

const centre = bboxCentre;

/** Move the clock and log everyone in again (sessions end after 30 idle minutes). */
async function at(when: Date | string) {
  t.clock.set(new Date(when));
  for (const u of USERS) as[u] = await login(t.app, u, 'Demo@2026');
}

beforeAll(async () => {
  await startReceiver();
  t = await createTestApp();
  await loadDemoCity(t.db);
  await at('2026-03-12T09:00:00+08:00');
  const communities = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features;
  dongguan = centre(communities.find((f: { properties: { name: string } }) => f.properties.name === '东关社区').geometry);
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => server.close(r));
});

let photoCounter = 0;
async function photo(s: Session): Promise<number> {
  const data = Buffer.concat([PNG_1x1, Buffer.from(`#n${photoCounter++}`)]);
  const res = await s.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', data) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** A vector breeding site in 东关社区: routed to 东关社区居委会 (user 'community'). */
async function report(s: Session = as.inspector!, body: Record<string, unknown> = {}) {
  const res = await s.request({
    method: 'POST', url: '/api/v1/cases',
    payload: { source: 'inspector', categoryCode: '0107', description: '农贸市场后积水孳生蚊虫', lat: dongguan[1], lng: dongguan[0], photos: [{ fileId: await photo(s) }], ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function addWebhook(body: Record<string, unknown>) {
  const res = await as.office!.request({ method: 'POST', url: '/api/v1/webhooks', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const dispatch = () => dispatchOutbox(t.db, { clock: t.clock });
const deliver = () => deliverPending(t.db, { clock: t.clock });
const inbox = async (s: Session, lang = 'zh-CN') => (await s.request({ method: 'GET', url: '/api/v1/notifications?pageSize=100', headers: { 'accept-language': lang } })).json();
const outboxOf = async (caseId: number, topic: string) =>
  t.db.selectFrom('outbox').selectAll().where('case_id', '=', caseId).where('topic', '=', topic).executeTakeFirstOrThrow();
const unitId = async (name: string) => (await t.db.selectFrom('unit').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

describe('the inbox, filled from the outbox after commit', () => {
  let wecomId: number;

  it('tells the responsible unit of an assignment, once, and a WeCom robot gets exactly one message', async () => {
    wecomId = (await addWebhook({ name: '东关社区工作群', kind: 'wecom', url: `${base}/wecom`, topics: ['case.assign'] })).id;
    const c = await report();
    expect(c.state).toBe('assigned');
    const slip = c.documents[0].number;

    expect(await dispatch()).toBeGreaterThanOrEqual(2); // case.register (silent) and case.assign
    const mine = await inbox(as.community!);
    const item = mine.items.find((n: { case: { id: number } | null }) => n.case?.id === c.id);
    expect(item).toMatchObject({ topic: 'case.assign', read: false, case: { id: c.id, number: c.number } });
    expect(item.title).toBe(`【交办】问题 ${c.number}（病媒生物孳生地）已交办给 东关社区居委会，请于 3月17日 18:00 前整改完毕。交办单：${slip}`);
    expect(mine.unread).toBeGreaterThanOrEqual(1);
    const en = await inbox(as.community!, 'en');
    expect(en.items.find((n: { id: number }) => n.id === item.id).title)
      .toBe(`[Assigned] Case ${c.number} (Vector breeding site) has been assigned to 东关社区居委会; rectify it by 17 Mar 18:00. Assignment slip: ${slip}`);
    // Not the grid worker of the same unit (no case.handle), not the neighbouring community, not the town above.
    for (const u of ['grid', 'community2', 'street']) {
      expect((await inbox(as[u]!)).items.filter((n: { case: { id: number } | null }) => n.case?.id === c.id), u).toHaveLength(0);
    }

    // Dispatching again adds nothing — not even when a row is dispatched a second time.
    expect(await dispatch()).toBe(0);
    const ob = await outboxOf(c.id, 'case.assign');
    await t.db.updateTable('outbox').set({ dispatched_at: null }).where('id', '=', ob.id).execute();
    expect(await dispatch()).toBe(1);
    const rows = await t.db.selectFrom('notification').select('user_id').where('outbox_id', '=', ob.id).execute();
    expect(rows).toHaveLength(1);
    const deliveries = await t.db.selectFrom('notification_delivery').selectAll().where('outbox_id', '=', ob.id).execute();
    expect(deliveries).toHaveLength(1);

    expect(await deliver()).toBe(1);
    expect(await deliver()).toBe(0);
    const posts = hitsOn('/wecom');
    expect(posts).toHaveLength(1);
    const body = JSON.parse(posts[0]!.body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toContain(c.number);
    expect(body.markdown.content.startsWith('**【交办】**')).toBe(true);
    const d = await t.db.selectFrom('notification_delivery').selectAll().where('id', '=', deliveries[0]!.id).executeTakeFirstOrThrow();
    expect(d).toMatchObject({ state: 'sent', attempts: 1, last_error: null });
    expect(d.sent_at).not.toBeNull();
  });

  it('goes to the nearest unit above that has staff when the responsible unit has none', async () => {
    const school = await unitId('城关镇第一小学');
    const c = await report(as.office!, { unitId: school, source: 'office' });
    await dispatch();
    const item = (await inbox(as.community!)).items.find((n: { case: { id: number } | null }) => n.case?.id === c.id);
    expect(item.title).toContain('已交办给 城关镇第一小学');
    expect((await inbox(as.street!)).items.filter((n: { case: { id: number } | null }) => n.case?.id === c.id)).toHaveLength(0);
  });

  it('tells the verifiers when the unit submits, and the unit when the work is sent back', async () => {
    let c = await report();
    const res = await as.community!.request({ method: 'POST', url: `/api/v1/cases/${c.id}/transitions`, payload: { event: 'submit', version: c.version, photos: [{ fileId: await photo(as.community!) }] } });
    expect(res.statusCode, res.body).toBe(200);
    c = res.json();
    await dispatch();
    const forInspector = (await inbox(as.inspector!)).items.find((n: { topic: string; case: { id: number } }) => n.topic === 'case.submit' && n.case.id === c.id);
    expect(forInspector.title).toBe(`【待核查】东关社区居委会 已完成问题 ${c.number}（病媒生物孳生地）的整改，请核查。`);
    const fail = await as.inspector!.request({ method: 'POST', url: `/api/v1/cases/${c.id}/transitions`, payload: { event: 'verify_fail', version: c.version, note: '仍有积水' } });
    expect(fail.statusCode, fail.body).toBe(200);
    await dispatch();
    const back = (await inbox(as.community!)).items.find((n: { topic: string; case: { id: number } }) => n.topic === 'case.verify_fail' && n.case.id === c.id);
    expect(back.title).toContain('【返工】');
    expect(back.title).toContain('原因：仍有积水');
  });

  it('keeps each inbox private, and marks read', async () => {
    const mine = await inbox(as.community!);
    const id = mine.items[0].id;
    const other = await as.community2!.request({ method: 'POST', url: `/api/v1/notifications/${id}/read` });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('NOT_FOUND');
    expect((await inbox(as.community2!)).items.map((n: { id: number }) => n.id)).not.toContain(id);

    const before = (await as.community!.request({ method: 'GET', url: '/api/v1/notifications/unread-count' })).json().unread;
    const read = await as.community!.request({ method: 'POST', url: `/api/v1/notifications/${id}/read` });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id, read: true });
    expect((await as.community!.request({ method: 'GET', url: '/api/v1/notifications/unread-count' })).json().unread).toBe(before - 1);
    expect((await as.community!.request({ method: 'GET', url: '/api/v1/notifications?unread=true' })).json().items.map((n: { id: number }) => n.id)).not.toContain(id);

    const all = await as.community!.request({ method: 'POST', url: '/api/v1/notifications/read-all' });
    expect(all.json()).toEqual({ updated: before - 1 });
    expect((await as.community!.request({ method: 'GET', url: '/api/v1/notifications/unread-count' })).json().unread).toBe(0);
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', 'in', ['notification.read', 'notification.read_all']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['notification.read', 'notification.read_all']);
  });

  it('turns the WeCom robot off without losing its history', async () => {
    const del = await as.office!.request({ method: 'DELETE', url: `/api/v1/webhooks/${wecomId}` });
    expect(del.json()).toEqual({ deleted: false });
    const list = (await as.office!.request({ method: 'GET', url: '/api/v1/webhooks' })).json().items;
    expect(list.find((w: { id: number }) => w.id === wecomId)).toMatchObject({ active: false, deliveries: { sent: 1 } });
  });
});

describe('webhook deliveries', () => {
  it('retries a failing endpoint with backoff and marks it failed after the limit', async () => {
    const secret = 'g3n3ric-s3cret';
    const ep = await addWebhook({ name: '对接平台', kind: 'generic', url: `${base}/fail`, secret, topics: ['case.assign'] });
    expect(ep).toMatchObject({ hasSecret: true });
    expect(ep).not.toHaveProperty('secret');
    const c = await report();
    await dispatch();
    const ob = await outboxOf(c.id, 'case.assign');
    const q = () => t.db.selectFrom('notification_delivery').selectAll().where('outbox_id', '=', ob.id).where('endpoint_id', '=', ep.id).executeTakeFirstOrThrow();

    const waits: number[] = [];
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      await deliver();
      expect(hitsOn('/fail')).toHaveLength(i);
      // Not due yet: nothing more is sent.
      await deliver();
      expect(hitsOn('/fail')).toHaveLength(i);
      const d = await q();
      expect(d.attempts).toBe(i);
      expect(d.last_error).toContain('HTTP 500');
      if (i < MAX_ATTEMPTS) {
        expect(d.state).toBe('pending');
        waits.push((new Date(d.next_attempt_at).getTime() - t.clock.now().getTime()) / 1000);
        t.clock.set(d.next_attempt_at);
      } else {
        expect(d.state).toBe('failed');
      }
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920]);
    expect(backoffMs(7)).toBe(3_600_000);
    t.clock.advance(86_400_000);
    await deliver();
    expect(hitsOn('/fail')).toHaveLength(MAX_ATTEMPTS);

    // Every try carried the body's signature and the same delivery id.
    const tries = hitsOn('/fail');
    for (const h of tries) expect(h.headers['x-cc-signature']).toBe(`sha256=${createHmac('sha256', secret).update(h.body).digest('hex')}`);
    expect(new Set(tries.map((h) => h.headers['x-cc-delivery-id'])).size).toBe(1);
    expect(JSON.parse(tries[0]!.body)).toMatchObject({ topic: 'case.assign', caseId: c.id, number: c.number, payload: { caseId: c.id, event: 'assign' } });
    expect(JSON.parse(tries[0]!.body).text).toContain('【交办】');

    // Switch it off: the next case does not go there.
    await at(t.clock.now());
    expect((await as.office!.request({ method: 'PATCH', url: `/api/v1/webhooks/${ep.id}`, payload: { active: false } })).json()).toMatchObject({ active: false, deliveries: { failed: 1 } });
  });

  it('signs DingTalk messages, sends one SMS per phone, and honours the unit filter', async () => {
    const secret = 'SECdingtalk-demo-secret';
    const street = await unitId('城关镇人民政府');
    const xiguan = await unitId('西关社区居委会');
    const ding = await addWebhook({ name: '城关镇钉钉群', kind: 'dingtalk', url: `${base}/ding?access_token=abc`, secret, topics: ['*'], unitIds: [street] });
    await addWebhook({ name: '西关社区钉钉群', kind: 'dingtalk', url: `${base}/ding-xiguan`, topics: ['case.assign'], unitIds: [xiguan] });
    await addWebhook({ name: '短信平台', kind: 'sms', url: `${base}/sms`, secret: 'sms-token', topics: ['case.assign'] });
    const c = await report();
    await dispatch();
    await deliver();

    const dings = hitsOn('/ding');
    expect(dings).toHaveLength(1); // case.register says nothing; case.assign once
    const d = dings[0]!;
    expect(d.query.get('access_token')).toBe('abc');
    const ts = Number(d.query.get('timestamp'));
    expect(ts).toBe(t.clock.now().getTime());
    expect(d.query.get('sign')).toBe(dingtalkSign(secret, ts));
    const body = JSON.parse(d.body);
    expect(body).toMatchObject({ msgtype: 'markdown', markdown: { title: `【交办】${c.number}` } });
    expect(body.markdown.text).toContain(c.number);
    expect(hitsOn('/ding-xiguan')).toHaveLength(0);
    expect(await t.db.selectFrom('notification_delivery').select('id').where('endpoint_id', '=', ding.id).execute()).toHaveLength(1);

    const sms = hitsOn('/sms');
    expect(sms).toHaveLength(1);
    expect(sms[0]!.headers.authorization).toBe('Bearer sms-token');
    expect(JSON.parse(sms[0]!.body)).toMatchObject({ phone: '15937650006' });
    expect(JSON.parse(sms[0]!.body).text).toContain(c.number);
  });

  it('sends each delivery once when several workers run side by side', async () => {
    const ep = await addWebhook({ name: '并发', kind: 'generic', url: `${base}/concurrent`, topics: ['case.assign'] });
    const cases = [await report(), await report(), await report()];
    await Promise.all([dispatch(), dispatch(), dispatch()]);
    const ids = cases.map((c) => c.id);
    const notes = await t.db.selectFrom('notification').select(['case_id', 'user_id']).where('case_id', 'in', ids).where('topic', '=', 'case.assign').execute();
    expect(notes).toHaveLength(3);
    await Promise.all([deliver(), deliver(), deliver()]);
    const got = hitsOn('/concurrent').map((h) => JSON.parse(h.body).caseId).sort();
    expect(got).toEqual([...ids].sort());
    const states = await t.db.selectFrom('notification_delivery').select('state').where('endpoint_id', '=', ep.id).execute();
    expect(states.map((s) => s.state)).toEqual(['sent', 'sent', 'sent']);
  });

  it('computes the DingTalk signature as documented', () => {
    const secret = 'SEC8f2e1c0b9a7d6e5f4c3b2a1908f7e6d5c4b3a2918070605040302010';
    // Python: base64.b64encode(hmac.new(secret, f"{ts}\n{secret}", sha256).digest()), then quote_plus
    expect(dingtalkSign(secret, 1700000000000)).toBe('6joBYNWFFnvRPtF3VVtMDg6NriMZ7d3w6x19/QvlPUI=');
    expect(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=T', secret, 1700000000000))
      .toBe('https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign=6joBYNWFFnvRPtF3VVtMDg6NriMZ7d3w6x19%2FQvlPUI%3D');
    expect(genericSignature('k', '{}')).toBe(`sha256=${createHmac('sha256', 'k').update('{}').digest('hex')}`);
  });

  it('builds the documented bodies of each kind', () => {
    const rendered = renderMessage({
      topic: 'case.escalate', payload: { level: 2, overdueHours: 26, document: '创城督〔2026〕3号' }, number: '202603120001',
      category: { zh: '病媒生物孳生地', en: 'Vector breeding site' }, description: '', address: null, unitName: '东关社区居委会', note: null, intoNumber: null,
    })!;
    expect(rendered.zh).toBe('【督办】问题 202603120001（病媒生物孳生地）已超过整改期限 26 小时，现予第 2 次督办，请 东关社区居委会 立即整改。督办函：创城督〔2026〕3号');
    const msg = { ...rendered, tenantId: 1, outboxId: 1, topic: 'case.escalate', caseId: 7, number: '202603120001', payload: { caseId: 7, notice: rendered } };
    const now = new Date(0);
    expect(JSON.parse(buildWebhookRequest(msg, { kind: 'wecom', url: 'http://x', secret: null, recipient: '' }, now).body))
      .toEqual({ msgtype: 'markdown', markdown: { content: rendered.zh.replace('【督办】', '**【督办】**') } });
    const sms = buildWebhookRequest(msg, { kind: 'sms', url: 'http://x', secret: null, recipient: '13800000000' }, now);
    expect(JSON.parse(sms.body)).toEqual({ phone: '13800000000', text: rendered.zh });
    expect(sms.headers.authorization).toBeUndefined();
    const generic = buildWebhookRequest(msg, { kind: 'generic', url: 'http://x', secret: null, recipient: '' }, now);
    expect(JSON.parse(generic.body)).toEqual({ topic: 'case.escalate', caseId: 7, number: '202603120001', text: rendered.zh, payload: { caseId: 7 } });
    expect(generic.headers['x-cc-signature']).toBeUndefined();
  });
});

describe('webhook administration', () => {
  it('is for the office only', async () => {
    expect((await as.community!.request({ method: 'GET', url: '/api/v1/webhooks' })).statusCode).toBe(403);
    const post = await as.community!.request({ method: 'POST', url: '/api/v1/webhooks', payload: { name: 'x', kind: 'wecom', url: `${base}/wecom`, topics: ['*'] } });
    expect(post.statusCode).toBe(403);
    expect(post.json().error.code).toBe('FORBIDDEN');
  });

  it('checks the URL, the topics and the units, and never shows the secret', async () => {
    const bad = async (payload: Record<string, unknown>) => {
      const res = await as.office!.request({ method: 'POST', url: '/api/v1/webhooks', payload: { name: '测试', kind: 'generic', url: `${base}/g`, topics: ['*'], ...payload } });
      expect(res.statusCode, res.body).toBe(422);
      return res.json().error;
    };
    await bad({ url: 'ftp://example.com/x' });
    expect((await bad({ url: 'http://' })).details[0]).toMatchObject({ field: 'url', problem: 'WEBHOOK_URL_INVALID' });
    expect((await bad({ topics: ['case.assign', 'case.nope'] })).details[0]).toMatchObject({ field: 'topics/1', problem: 'WEBHOOK_TOPIC_UNKNOWN' });
    expect((await bad({ unitIds: [999999] })).details[0]).toMatchObject({ field: 'unitIds/0', problem: 'WEBHOOK_UNIT_UNKNOWN' });

    const ep = await addWebhook({ name: '通用', kind: 'generic', url: `${base}/g`, secret: 'abc', topics: ['case.submit'] });
    const list = await as.office!.request({ method: 'GET', url: '/api/v1/webhooks' });
    expect(list.body).not.toContain('"secret"');
    expect(list.json().items.find((w: { id: number }) => w.id === ep.id)).toMatchObject({ hasSecret: true, deliveries: { pending: 0, sent: 0, failed: 0 } });
    const cleared = await as.office!.request({ method: 'PATCH', url: `/api/v1/webhooks/${ep.id}`, payload: { secret: null, name: '通用接口' } });
    expect(cleared.json()).toMatchObject({ hasSecret: false, name: '通用接口', topics: ['case.submit'] });
    const audit = await t.db.selectFrom('audit_log').select(['action', 'after']).where('entity_type', '=', 'webhook').where('entity_id', '=', String(ep.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['webhook.created', 'webhook.updated']);
    expect(JSON.stringify(audit)).not.toContain('abc');

    // Never used: deleted outright.
    expect((await as.office!.request({ method: 'DELETE', url: `/api/v1/webhooks/${ep.id}` })).json()).toEqual({ deleted: true });
    expect((await as.office!.request({ method: 'DELETE', url: `/api/v1/webhooks/${ep.id}` })).statusCode).toBe(404);
  });

  it('sends a test message and reports the answer', async () => {
    const ok = await addWebhook({ name: '测试群', kind: 'wecom', url: `${base}/test-ok`, topics: ['*'], active: false });
    const res = await as.office!.request({ method: 'POST', url: `/api/v1/webhooks/${ok.id}/test`, payload: {} });
    expect(res.json()).toEqual({ ok: true, error: null });
    expect(JSON.parse(hitsOn('/test-ok')[0]!.body).markdown.content).toContain('测试');

    const robotErr = await addWebhook({ name: '错群', kind: 'wecom', url: `${base}/robot-err`, topics: ['*'], active: false });
    const r2 = (await as.office!.request({ method: 'POST', url: `/api/v1/webhooks/${robotErr.id}/test`, payload: {} })).json();
    expect(r2.ok).toBe(false);
    expect(r2.error).toContain('93000');

    const failing = await addWebhook({ name: '坏接口', kind: 'generic', url: `${base}/fail-test`, topics: ['*'], active: false });
    const r3 = (await as.office!.request({ method: 'POST', url: `/api/v1/webhooks/${failing.id}/test`, payload: {} })).json();
    expect(r3).toMatchObject({ ok: false });
    expect(r3.error).toContain('HTTP 500');

    const sms = await addWebhook({ name: '短信', kind: 'sms', url: `${base}/sms-test`, topics: ['*'], active: false });
    expect((await as.office!.request({ method: 'POST', url: `/api/v1/webhooks/${sms.id}/test`, payload: {} })).json().ok).toBe(true);
    expect(JSON.parse(hitsOn('/sms-test')[0]!.body).phone).toBe('13937650002'); // the office user's own mobile
  });
});
