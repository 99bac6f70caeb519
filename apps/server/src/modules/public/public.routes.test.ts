import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type Position } from '@cc/domain';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
let office: Session;
let dongguan: Position;

const centre = bboxCentre;

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  t.clock.set(new Date('2026-03-12T09:00:00+08:00'));
  office = await login(t.app, 'office', 'Demo@2026');
  const communities = (await office.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features;
  dongguan = centre(communities.find((f: { properties: { name: string } }) => f.properties.name === '东关社区').geometry);
});
afterAll(() => t.close());

// Each test speaks from its own address, so the hourly limits of one do not touch another.
let ipCounter = 1;
const newIp = () => `10.0.0.${ipCounter++}`;

let photoCounter = 0;
async function upload(ip: string, data: Buffer = Buffer.concat([PNG_1x1, Buffer.from(`#${photoCounter++}`)]), name = 'p.png', type = 'image/png') {
  return t.app.inject({ method: 'POST', url: '/api/v1/public/uploads', remoteAddress: ip, ...multipartFile(name, type, data) });
}
async function token(ip: string): Promise<string> {
  const res = await upload(ip);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token;
}
function report(ip: string, body: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST', url: '/api/v1/public/reports', remoteAddress: ip,
    payload: { categoryCode: '0101', description: '小区门口垃圾堆了三天没人清理', lat: dongguan[1], lng: dongguan[0], phone: '13800001234', ...body },
  });
}
const status = (number: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${number}`, headers });
const count = async (table: 'case_record' | 'public_upload' | 'stored_file') =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('the citizen’s side, without login (S10)', () => {
  it('tells the city, its map and its categories', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/public/city' });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({ code: 'qinglan', name: '青岚县', tileCrs: 'wgs84', mapCenter: { lng: expect.any(Number), lat: expect.any(Number), zoom: expect.any(Number) } });
    expect(c.categories).toEqual(expect.arrayContaining([{ code: '0101', name: '暴露垃圾', majorName: '市容环境' }]));
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/public/city?city=qinglan' })).statusCode).toBe(200);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/public/city?city=nowhere' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
  });

  it('uploads a photo, reports, and follows the report by its number', async () => {
    const ip = newIp();
    const tok = await token(ip);
    expect(tok).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await report(ip, { photos: [tok], address: '东关大街 12 号' });
    expect(res.statusCode, res.body).toBe(201);
    const { number } = res.json();
    expect(number).toMatch(/^20260312\d{4}$/);

    const s = await status(number);
    expect(s.statusCode, s.body).toBe(200);
    const v = s.json();
    expect(v).toMatchObject({ number, category: '暴露垃圾', state: 'reported', stateLabel: '已受理', stateCategory: 'open', area: '东关社区' });
    expect(v.steps).toEqual([{ label: '已受理', at: expect.any(String) }]);
    expect(s.body).not.toContain('13800001234');
    expect(s.body).not.toMatch(/phone|reporter|photo/i);
    const en = (await status(number, { 'accept-language': 'en' })).json();
    expect(en).toMatchObject({ stateLabel: 'Received', category: 'Exposed garbage' });

    // The upload was claimed by the case, and the IP itself is stored nowhere.
    const up = await t.db.selectFrom('public_upload').selectAll().execute();
    const c = await t.db.selectFrom('case_record').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(up.find((u) => u.claimed_by_case_id === c.id)).toBeDefined();
    expect(c.reporter_ip_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(c)).not.toContain(ip);
    const audit = await t.db.selectFrom('audit_log').select(['actor_label', 'ip']).where('action', '=', 'case.reported').where('entity_id', '=', String(c.id)).executeTakeFirstOrThrow();
    expect(audit.actor_label).toMatch(/^citizen \([0-9a-f]{8}\)$/);
    expect(audit.ip).toBeNull();

    // The office sees the report in its ledger, waiting to be registered, with the phone number.
    const list = (await office.request({ method: 'GET', url: '/api/v1/cases?source=citizen' })).json();
    const item = list.items.find((x: { number: string }) => x.number === number);
    expect(item).toMatchObject({ source: 'citizen', state: 'reported' });
    const full = (await office.request({ method: 'GET', url: `/api/v1/cases/${item.id}` })).json();
    expect(full.reporter.phone).toBe('13800001234');
    expect(full.photos).toHaveLength(1);

    // Registered and assigned by the office: the citizen sees the steps, not who did them.
    let cur = (await office.request({ method: 'POST', url: `/api/v1/cases/${item.id}/transitions`, payload: { event: 'register', version: full.version } })).json();
    cur = (await office.request({ method: 'POST', url: `/api/v1/cases/${item.id}/transitions`, payload: { event: 'assign', version: cur.version } })).json();
    expect(cur.state).toBe('assigned');
    const later = (await status(number)).json();
    expect(later.steps.map((x: { label: string }) => x.label)).toEqual(['已受理', '已立案', '已交办']);
    expect(JSON.stringify(later)).not.toContain('刘海燕');
  });

  it('answers a robot that fills the honeypot with a number and creates nothing', async () => {
    const ip = newIp();
    const tok = await token(ip);
    const before = await count('case_record');
    const res = await report(ip, { photos: [tok], website: 'http://spam.example' });
    expect(res.statusCode).toBe(201);
    expect(res.json().number).toMatch(/^\d{12}$/);
    expect(await count('case_record')).toBe(before);
    expect((await status(res.json().number)).statusCode).toBe(404);
  });

  it('refuses the sixth report within an hour from one address (429) but not from another', async () => {
    const ip = newIp();
    for (let i = 0; i < 5; i++) {
      const res = await report(ip, { photos: [await token(ip)] });
      expect(res.statusCode, res.body).toBe(201);
    }
    const sixth = await report(ip, { photos: [await token(ip)] });
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error.code).toBe('RATE_LIMITED');
    expect(sixth.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    const other = newIp();
    expect((await report(other, { photos: [await token(other)] })).statusCode).toBe(201);
    // An hour later the address may report again.
    t.clock.advance(3_600_000 + 1000);
    try {
      expect((await report(ip, { photos: [await token(ip)] })).statusCode).toBe(201);
    } finally {
      t.clock.set(new Date('2026-03-12T09:00:00+08:00'));
    }
  });

  it('lets exactly five of eight reports sent at the same instant from one address through', async () => {
    const ip = newIp();
    const tokens: string[] = [];
    for (let i = 0; i < 8; i++) tokens.push(await token(ip));
    const before = await count('case_record');
    const codes = (await Promise.all(tokens.map((tok) => report(ip, { photos: [tok] })))).map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    expect(await count('case_record')).toBe(before + 5);
  });

  it('limits uploads per address to three times the report limit', async () => {
    const ip = newIp();
    for (let i = 0; i < 15; i++) expect((await upload(ip)).statusCode).toBe(201);
    const res = await upload(ip);
    expect(res.statusCode).toBe(429);
    expect(res.json().error.code).toBe('RATE_LIMITED');
  });

  it('accepts only images, by their content (415), and nothing too large (413)', async () => {
    const ip = newIp();
    const before = await count('stored_file');
    const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const resSvg = await upload(ip, svg, 'x.svg', 'image/svg+xml');
    expect(resSvg.statusCode).toBe(415);
    expect(resSvg.json().error.code).toBe('FILE_TYPE_NOT_ALLOWED');
    const html = await upload(ip, Buffer.from('<html><body><script>alert(1)</script></body></html>'), 'x.png', 'image/png');
    expect(html.statusCode).toBe(415);
    const big = await upload(ip, Buffer.concat([PNG_1x1, Buffer.alloc(10 * 1024 * 1024 + 1)]));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('FILE_TOO_LARGE');
    expect(await count('stored_file')).toBe(before);
  });

  it('refuses unknown, reused, foreign and expired tokens (422) and creates no case', async () => {
    const ip = newIp();
    const before = await count('case_record');
    const unknown = await report(ip, { photos: ['x'.repeat(43)] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('PUBLIC_UPLOAD_INVALID');

    const tok = await token(ip);
    const twice = await report(ip, { photos: [tok, tok] });
    expect(twice.statusCode).toBe(422);
    expect(await count('case_record')).toBe(before);

    expect((await report(ip, { photos: [tok] })).statusCode).toBe(201);
    const reused = await report(ip, { photos: [tok] });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().error.code).toBe('PUBLIC_UPLOAD_INVALID');
    expect(await count('case_record')).toBe(before + 1);

    // A fresh token and a used one together: nothing is created, the fresh one stays usable.
    const fresh = await token(ip);
    expect((await report(ip, { photos: [fresh, tok] })).statusCode).toBe(422);
    expect(await count('case_record')).toBe(before + 1);

    // Tokens last a day.
    t.clock.advance(25 * 3_600_000);
    try {
      expect((await report(ip, { photos: [fresh] })).statusCode).toBe(422);
    } finally {
      t.clock.set(new Date('2026-03-12T09:00:00+08:00'));
    }
    expect(await count('case_record')).toBe(before + 1);
  });

  it('lets one of two simultaneous reports with the same token win', async () => {
    const ip1 = newIp();
    const ip2 = newIp();
    const tok = await token(ip1);
    const before = await count('case_record');
    const [a, b] = await Promise.all([report(ip1, { photos: [tok] }), report(ip2, { photos: [tok] })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 422]);
    expect(await count('case_record')).toBe(before + 1);
  });

  it('refuses a place outside the city and an unknown category (422)', async () => {
    const ip = newIp();
    const before = await count('case_record');
    const outside = await report(ip, { photos: [await token(ip)], lat: 31.2, lng: 121.5 });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().error.code).toBe('CASE_OUTSIDE_CITY');
    const unknown = await report(ip, { photos: [await token(ip)], categoryCode: '9999' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('CASE_UNKNOWN_CATEGORY');
    expect(await count('case_record')).toBe(before);
  });

  it('hides hidden reports and staff cases from the public (404)', async () => {
    const ip = newIp();
    const { number } = (await report(ip, { photos: [await token(ip)], description: '辱骂内容的恶意举报测试' })).json();
    const c = await t.db.selectFrom('case_record').select(['id', 'version']).where('number', '=', number).executeTakeFirstOrThrow();
    const hide = await office.request({ method: 'POST', url: `/api/v1/cases/${c.id}/visibility`, payload: { hidden: true, reason: '恶意举报', version: c.version } });
    expect(hide.statusCode, hide.body).toBe(200);
    const res = await status(number);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('PUBLIC_CASE_NOT_FOUND');
    expect((await status('209901010001')).json().error.code).toBe('PUBLIC_CASE_NOT_FOUND');

    const staff = await office.request({
      method: 'POST', url: '/api/v1/cases',
      payload: { source: 'office', categoryCode: '0101', description: '创建办自行发现的问题', lat: dongguan[1], lng: dongguan[0] },
    });
    expect(staff.statusCode, staff.body).toBe(201);
    expect((await status(staff.json().number)).statusCode).toBe(404);
  });

  it('needs the city named when the deployment hosts several', async () => {
    const other = await t.db.insertInto('tenant').values({ code: 'second', name: '第二市', is_demo: false }).returning('id').executeTakeFirstOrThrow();
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/public/city' });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('CITY_REQUIRED');
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/public/city?city=qinglan' })).statusCode).toBe(200);
    } finally {
      await t.db.deleteFrom('tenant').where('id', '=', other.id).execute();
    }
  });
});
