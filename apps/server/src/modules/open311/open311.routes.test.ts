import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type Position } from '@cc/domain';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { sha256 } from '../../platform/auth.js';
import { loadDemoCity } from '../demo/load-demo-city.js';
import { escapeXml, toXml } from './open311.xml.js';

// ---- the GeoReport v2 schemas (copies of shared/open311/georeport-v2, see schemas/README.md) ----
const SCHEMAS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schemas');
const ajv = new Ajv.default({ strict: false, allErrors: true });
addFormats.default(ajv);
for (const name of ['request', 'requests', 'service', 'services', 'service-definition']) {
  ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, `${name}.json`), 'utf8')), `${name}.json`);
}
function expectValid(schema: 'request' | 'requests' | 'services' | 'service-definition', data: unknown) {
  const validate = ajv.getSchema(`${schema}.json`)!;
  const ok = validate(data);
  expect(ok, `${schema}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(data).slice(0, 500)}`).toBe(true);
}

/** Rough well-formedness: the declaration, one root, and every tag closed in order. */
function expectWellFormedXml(body: string, root: string) {
  expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const rest = body.replace(/^<\?xml[^?]*\?>/, '');
  expect(rest.startsWith(`<${root}`)).toBe(true);
  const stack: string[] = [];
  let roots = 0;
  for (const m of rest.matchAll(/<(\/?)([A-Za-z_][\w.-]*)(\/?)>|[<>]/g)) {
    expect(m[2], `stray bracket at ${m.index}: ${rest.slice(Math.max(0, m.index - 40), m.index + 40)}`).toBeDefined();
    if (stack.length === 0) roots++;
    if (m[3]) continue;
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else stack.push(m[2]!);
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

const specError = (res: { statusCode: number; json: () => unknown }, status: number) => {
  expect(res.statusCode).toBe(status);
  expect(res.json()).toEqual([{ code: status, description: expect.any(String) }]);
};

let t: TestApp;
let office: Session;
let dongguan: Position;
let apiKey: string;
let volunteerKey: string;

const centre = bboxCentre;

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  t.clock.set(new Date('2026-03-12T09:00:00+08:00'));
  office = await login(t.app, 'office', 'Demo@2026');
  const communities = (await office.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features;
  dongguan = centre(communities.find((f: { properties: { name: string } }) => f.properties.name === '东关社区').geometry);
  const created = await office.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: '12345 热线' } });
  expect(created.statusCode, created.body).toBe(201);
  apiKey = created.json().secret;
  // A token of a user who may not report (volunteers cannot create tokens; this one is planted).
  const vol = await t.db.selectFrom('app_user').select(['id', 'tenant_id']).where('username', '=', 'volunteer').executeTakeFirstOrThrow();
  volunteerKey = 'cc_volunteer_test_token_0123456789';
  await t.db.insertInto('api_token').values({ tenant_id: vol.tenant_id, user_id: vol.id, name: 'vol', token_hash: sha256(volunteerKey), prefix: 'cc_volun', created_at: new Date() }).execute();
});
afterAll(() => t.close());

const form = (fields: Record<string, string | number>) => ({
  payload: new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});
const post = (fields: Record<string, string | number>, format = 'json', ip = '10.1.0.1') =>
  t.app.inject({ method: 'POST', url: `/open311/v2/requests.${format}`, remoteAddress: ip, ...form(fields) });
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: `/open311/v2${url}`, headers });
const valid = () => ({ api_key: apiKey, service_code: '0101', lat: dongguan[1], long: dongguan[0], description: '人行道上有一堆生活垃圾', address_string: '东关大街 8 号' });
const count = async () => Number((await t.db.selectFrom('case_record').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('Open311 GeoReport v2', () => {
  it('describes itself (discovery) in JSON and XML', async () => {
    const res = await get('/discovery.json');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toMatchObject({ endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: expect.stringMatching(/\/open311\/v2$/), type: 'production' }] });
    const xml = await get('/discovery.xml');
    expect(xml.headers['content-type']).toBe('application/xml; charset=utf-8');
    expectWellFormedXml(xml.body, 'discovery');
    expect(xml.body).toContain('<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>');
    expect(xml.body).toContain('<formats><format>application/json</format><format>text/xml</format></formats>');
  });

  it('lists the active categories as services and defines each', async () => {
    const res = await get('/services.json');
    expect(res.statusCode).toBe(200);
    expectValid('services', res.json());
    expect(res.json()).toEqual(expect.arrayContaining([expect.objectContaining({ service_code: '0101', service_name: '暴露垃圾', group: '市容环境', metadata: false, type: 'realtime' })]));
    expect((await get('/services.json', { 'accept-language': 'en' })).json()).toEqual(expect.arrayContaining([expect.objectContaining({ service_code: '0101', service_name: 'Exposed garbage' })]));
    expect((await get('/services.json?jurisdiction_id=qinglan')).statusCode).toBe(200);
    specError(await get('/services.json?jurisdiction_id=nowhere'), 404);

    const xml = await get('/services.xml');
    expectWellFormedXml(xml.body, 'services');
    expect(xml.body).toContain('<service><service_code>0101</service_code><service_name>暴露垃圾</service_name>');
    expect(xml.body).toContain('<metadata>false</metadata><type>realtime</type>');

    const def = await get('/services/0101.json');
    expect(def.statusCode).toBe(200);
    expectValid('service-definition', def.json());
    expect(def.json()).toEqual({ service_code: '0101', attributes: [] });
    const defXml = await get('/services/0101.xml');
    expectWellFormedXml(defXml.body, 'service_definition');

    specError(await get('/services/9999.json'), 404);
    const missingXml = await get('/services/9999.xml');
    expect(missingXml.statusCode).toBe(404);
    expect(missingXml.headers['content-type']).toBe('application/xml; charset=utf-8');
    expectWellFormedXml(missingXml.body, 'errors');
    expect(missingXml.body).toMatch(/^<\?xml[^>]*><errors><error><code>404<\/code><description>[^<]+<\/description><\/error><\/errors>$/);
    specError(await get('/services.html'), 400);
    specError(await get('/nothing-here.json'), 404);
  });

  it('refuses posts without a valid api_key of a user who may report (403)', async () => {
    const before = await count();
    const { api_key: _key, ...noKey } = valid();
    specError(await post(noKey), 403);
    specError(await post({ ...valid(), api_key: 'cc_not_a_token' }), 403);
    specError(await post({ ...valid(), api_key: volunteerKey }), 403);
    const xml = await post(noKey, 'xml');
    expect(xml.statusCode).toBe(403);
    expectWellFormedXml(xml.body, 'errors');
    expect(await count()).toBe(before);
  });

  it('refuses bad input in the spec’s error format (400)', async () => {
    const before = await count();
    const { lat: _lat, long: _long, ...noPlace } = valid();
    const res = await post(noPlace);
    specError(res, 400);
    expect(res.json()[0].description).toBe('lat/long required');
    specError(await post({ ...valid(), service_code: '9999' }), 400);
    specError(await post({ ...valid(), service_code: '' }), 400);
    specError(await post({ ...valid(), description: '' }), 400);
    specError(await post({ ...valid(), lat: 'north' }), 400);
    specError(await post({ ...valid(), lat: 31.2, long: 121.5 }), 400); // outside the city
    specError(await post({ ...valid(), jurisdiction_id: 'nowhere' }), 404);
    expect(await count()).toBe(before);
  });

  let number: string;
  it('creates a case from a form post, visible to the office as source open311', async () => {
    const res = await post({ ...valid(), first_name: '小明', last_name: '张', phone: '13900002222', email: 'zhang@example.com', media_url: 'http://example.com/x.jpg' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toEqual([{ service_request_id: expect.stringMatching(/^20260312\d{4}$/), service_notice: expect.stringContaining('已受理'), account_id: null }]);
    number = body[0].service_request_id;

    const list = (await office.request({ method: 'GET', url: '/api/v1/cases?source=open311' })).json();
    const item = list.items.find((x: { number: string }) => x.number === number);
    expect(item).toMatchObject({ source: 'open311', state: 'reported', address: '东关大街 8 号', category: { code: '0101' } });
    const full = (await office.request({ method: 'GET', url: `/api/v1/cases/${item.id}` })).json();
    expect(full.reporter).toMatchObject({ name: '张小明', phone: '13900002222' });
    expect(full.events[0]).toMatchObject({ event: 'report', actor: 'Open311 (12345 热线)' });
  });

  it('accepts JSON posts too and answers in XML when asked', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', remoteAddress: '10.1.0.2', payload: { ...valid(), description: 'Bins <overflowing> & "smelly"' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expectWellFormedXml(res.body, 'service_requests');
    expect(res.body).toMatch(/<service_requests><request><service_request_id>\d{12}<\/service_request_id><service_notice>[^<]+<\/service_notice><account_id\/><\/request><\/service_requests>/);
    const id = /<service_request_id>(\d+)</.exec(res.body)![1]!;
    const one = await get(`/requests/${id}.xml`);
    expectWellFormedXml(one.body, 'service_requests');
    expect(one.body).toContain('<description>Bins &lt;overflowing&gt; &amp; &quot;smelly&quot;</description>');
  });

  it('lists citizen cases as requests, with filters, and shows one by its id', async () => {
    // A citizen's report from the public form is a request as well.
    const up = await t.app.inject({ method: 'POST', url: '/api/v1/public/uploads', remoteAddress: '10.1.0.3', ...multipartFile('p.png', 'image/png', PNG_1x1) });
    const citizen = await t.app.inject({
      method: 'POST', url: '/api/v1/public/reports', remoteAddress: '10.1.0.3',
      payload: { categoryCode: '0102', description: '东关大街路面有大片油污', lat: dongguan[1], lng: dongguan[0], photos: [up.json().token], phone: '13700003333' },
    });
    expect(citizen.statusCode, citizen.body).toBe(201);
    // A case the office records itself is not.
    const staff = await office.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'office', categoryCode: '0101', description: '创建办自行发现的问题', lat: dongguan[1], lng: dongguan[0] } });
    expect(staff.statusCode, staff.body).toBe(201);

    const res = await get('/requests.json');
    expect(res.statusCode).toBe(200);
    const all = res.json();
    expectValid('requests', all);
    for (const r of all) expectValid('request', r);
    const ids = all.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toContain(number);
    expect(ids).toContain(citizen.json().number);
    expect(ids).not.toContain(staff.json().number);
    expect(res.body).not.toContain('13700003333');
    expect(res.body).not.toContain('13900002222');
    const mine = all.find((r: { service_request_id: string }) => r.service_request_id === number);
    expect(mine).toMatchObject({
      status: 'open', status_notes: '已受理', service_code: '0101', service_name: '暴露垃圾', address: '东关大街 8 号',
      requested_datetime: '2026-03-12T09:00:00+08:00', lat: dongguan[1], long: dongguan[0],
    });
    expect(mine).not.toHaveProperty('media_url');

    const byId = (await get(`/requests.json?service_request_id=${number},${citizen.json().number}`)).json();
    expect(byId.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([number, citizen.json().number].sort());
    expect((await get('/requests.json?service_code=0102')).json().map((r: { service_request_id: string }) => r.service_request_id)).toEqual([citizen.json().number]);
    expect((await get('/requests.json?status=closed')).json()).toEqual([]);
    expect((await get('/requests.json?status=open')).json().length).toBe(all.length);
    expect((await get('/requests.json?page_size=1')).json()).toHaveLength(1);
    expect((await get('/requests.json?page_size=1&page=2')).json()[0].service_request_id).toBe(all[1].service_request_id);
    expect((await get('/requests.json?start_date=2026-03-13T00:00:00%2B08:00')).json()).toEqual([]);
    expect((await get('/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-31T00:00:00Z')).json()).toHaveLength(all.length);
    specError(await get('/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2026-03-31T00:00:00Z'), 400);
    specError(await get('/requests.json?start_date=yesterday'), 400);
    specError(await get('/requests.json?status=pending'), 400);
    specError(await get('/requests.json?page_size=5000'), 400);

    const one = await get(`/requests/${number}.json`);
    expect(one.statusCode).toBe(200);
    expectValid('requests', one.json());
    expectValid('request', one.json()[0]);
    expect(one.json()).toHaveLength(1);
    specError(await get('/requests/209901010001.json'), 404);
    specError(await get(`/requests/${staff.json().number}.json`), 404);

    const xml = await get('/requests.xml');
    expect(xml.headers['content-type']).toBe('application/xml; charset=utf-8');
    expectWellFormedXml(xml.body, 'service_requests');
    expect(xml.body).toContain(`<request><service_request_id>${number}</service_request_id><status>open</status><status_notes>已受理</status_notes>`);
    expect(xml.body).toContain('<expected_datetime/>');

    const tok = await get(`/tokens/${number}.json`);
    expect(tok.json()).toEqual([{ service_request_id: number, token: number }]);
    expectWellFormedXml((await get(`/tokens/${number}.xml`)).body, 'service_requests');
    specError(await get('/tokens/nothing.json'), 404);
  });

  it('follows the case: agency, deadline and notes once the office assigns it; closed when struck off', async () => {
    const c = await t.db.selectFrom('case_record').select(['id', 'version']).where('number', '=', number).executeTakeFirstOrThrow();
    let cur = (await office.request({ method: 'POST', url: `/api/v1/cases/${c.id}/transitions`, payload: { event: 'register', version: c.version } })).json();
    cur = (await office.request({ method: 'POST', url: `/api/v1/cases/${c.id}/transitions`, payload: { event: 'assign', version: cur.version } })).json();
    expect(cur.state).toBe('assigned');
    let r = (await get(`/requests/${number}.json`)).json()[0];
    expectValid('request', r);
    expect(r).toMatchObject({ status: 'open', status_notes: '已交办', agency_responsible: cur.unit.name, expected_datetime: expect.stringMatching(/\+08:00$/) });
    cur = (await office.request({ method: 'POST', url: `/api/v1/cases/${c.id}/transitions`, payload: { event: 'cancel', version: cur.version, note: '重复上报' } })).json();
    r = (await get(`/requests/${number}.json`, { 'accept-language': 'en' })).json()[0];
    expect(r).toMatchObject({ status: 'closed', status_notes: 'Withdrawn', service_name: 'Exposed garbage' });
    expect((await get('/requests.json?status=closed')).json().map((x: { service_request_id: string }) => x.service_request_id)).toEqual([number]);
  });

  it('leaves hidden cases out', async () => {
    const res = await post(valid());
    const id = res.json()[0].service_request_id;
    const c = await t.db.selectFrom('case_record').select(['id', 'version']).where('number', '=', id).executeTakeFirstOrThrow();
    const hide = await office.request({ method: 'POST', url: `/api/v1/cases/${c.id}/visibility`, payload: { hidden: true, reason: '恶意', version: c.version } });
    expect(hide.statusCode, hide.body).toBe(200);
    expect((await get('/requests.json')).json().map((x: { service_request_id: string }) => x.service_request_id)).not.toContain(id);
    expect((await get(`/requests.json?service_request_id=${id}`)).json()).toEqual([]);
    specError(await get(`/requests/${id}.json`), 404);
    specError(await get(`/tokens/${id}.json`), 404);
  });

  it('limits posts per client (429 in the spec’s format)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) statuses.push((await post({ service_code: '0101' }, 'json', '10.9.9.9')).statusCode);
    expect(statuses.slice(0, 60).every((s) => s === 403)).toBe(true);
    const res = await post({ service_code: '0101' }, 'json', '10.9.9.9');
    specError(res, 429);
  });
});

describe('the XML writer', () => {
  it('escapes text and writes empty and nested elements', () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(toXml(['a', [['b', 'x & y'], ['c', null], ['d', undefined], ['e', [['f', 1]]], ['g', true]]]))
      .toBe('<?xml version="1.0" encoding="utf-8"?><a><b>x &amp; y</b><c/><e><f>1</f></e><g>true</g></a>');
    expect(() => toXml(['bad name', 'x'])).toThrow();
  });
});
