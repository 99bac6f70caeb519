import { crc32, deflateSync } from 'node:zlib';
import JSZip from 'jszip';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type Position } from '@cc/domain';
import { loadDemoCity } from '../src/modules/demo/load-demo-city.js';
import { problemWith } from './abuse-support.js';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from './harness.js';

/**
 * Hostile uploads on every upload route (issue 6): SVG with script, HTML polyglots, a file whose
 * name lies about its content, oversize files, decompression bombs (an image declaring a huge
 * canvas, a workbook that inflates to gigabytes); then what comes back when an accepted file is
 * read. Also the login lockout and the security headers. The existing tests of each route
 * (files, cases, public, imports) cover the plain cases; this file runs the same attacks on all.
 */
let t: TestApp;
let office: Session;
let inspector: Session;
let admin: Session;
let dongguan: Position;
let ip = 0;

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  office = await login(t.app, 'office', 'Demo@2026');
  inspector = await login(t.app, 'inspector', 'Demo@2026');
  admin = await login(t.app, 'admin', 'Demo@2026');
  const communities = (await office.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features;
  dongguan = bboxCentre(communities.find((f: { properties: { name: string } }) => f.properties.name === '东关社区').geometry);
}, 120_000);
afterAll(() => t?.close());

/** A PNG chunk: length, type, data, CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A well-formed PNG that declares width × height but holds one compressed row of zeros: kilobytes that decode to gigabytes. */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([PNG_1x1.subarray(0, 8), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(width * 4 + 1))), chunk('IEND', Buffer.alloc(0))]);
}

/** A baseline JPEG header (SOI, SOF0) declaring the size, then end of image. */
function jpegDeclaring(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'), sof, Buffer.from([0xff, 0xd9])]);
}

const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>');
const HTML = '<html><body><script>alert(document.cookie)</script></body></html>';
const GIF_POLYGLOT = Buffer.concat([Buffer.from('GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=1;', 'latin1'), Buffer.from(HTML)]);
const PNG_POLYGLOT = Buffer.concat([PNG_1x1, Buffer.from(HTML)]);
const PDF_POLYGLOT = Buffer.from(`%PDF-1.4\n${HTML}\n%%EOF\n`);

interface Route {
  url: string;
  send: (payload: { payload: Buffer; headers: Record<string, string> }) => Promise<LightMyRequestResponse>;
  images: boolean;
  xlsx: boolean;
  max: number;
}
const routes = (): Route[] => [
  { url: '/api/v1/files', send: (m) => office.request({ method: 'POST', url: '/api/v1/files', ...m }), images: true, xlsx: false, max: 20 * 2 ** 20 },
  { url: '/api/v1/case-photos', send: (m) => inspector.request({ method: 'POST', url: '/api/v1/case-photos', ...m }), images: true, xlsx: false, max: 10 * 2 ** 20 },
  { url: '/api/v1/public/uploads', send: (m) => t.app.inject({ method: 'POST', url: '/api/v1/public/uploads', remoteAddress: `10.9.${ip >> 8}.${ip++ & 255}`, ...m }), images: true, xlsx: false, max: 10 * 2 ** 20 },
  ...['regions', 'units', 'people', 'segments', 'shops', 'assignments'].map((k) => ({
    url: `/api/v1/imports/${k}`, send: (m: { payload: Buffer; headers: Record<string, string> }) => admin.request({ method: 'POST', url: `/api/v1/imports/${k}`, ...m }), images: false, xlsx: true, max: 20 * 2 ** 20,
  })),
];

const code = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;

describe('hostile uploads on every upload route', () => {
  it('refuses SVG with script, HTML, and HTML behind a GIF header, whatever the name and type claim', async () => {
    for (const r of routes()) {
      for (const [name, type, data] of [
        ['logo.svg', 'image/svg+xml', SVG], ['photo.png', 'image/png', SVG], ['page.html', 'text/html', Buffer.from(HTML)],
        ['photo.jpg', 'image/jpeg', Buffer.from(HTML)], ['anim.gif', 'image/gif', GIF_POLYGLOT], ['people.xlsx', XLSX_TYPE, Buffer.from(HTML)],
      ] as const) {
        const res = await r.send(multipartFile(name, type, data));
        expect(res.statusCode, `${r.url} ${name} ${res.body}`).toBe(415);
        expect(problemWith(res)).toBeNull();
        expect(code(res)).toMatch(/FILE_TYPE_NOT_ALLOWED|IMPORT_NOT_XLSX/);
      }
    }
  });

  it('refuses files over each route’s limit with 413 before reading them whole', async () => {
    for (const r of routes()) {
      const res = await r.send(multipartFile('big.png', 'image/png', Buffer.concat([PNG_1x1, Buffer.alloc(r.max)])));
      expect(res.statusCode, `${r.url} ${res.body}`).toBe(413);
      expect(code(res)).toBe('FILE_TOO_LARGE');
    }
  });

  it('refuses images that declare a canvas no browser should decode (decompression bombs), without decoding them', async () => {
    const bombs = [pngDeclaring(100_000, 100_000), pngDeclaring(30_000, 10), jpegDeclaring(65_000, 65_000)];
    for (const bomb of bombs) expect(bomb.length).toBeLessThan(500_000);
    const before = process.memoryUsage().rss;
    for (const r of routes().filter((x) => x.images)) {
      for (const bomb of bombs) {
        const started = Date.now();
        const res = await r.send(multipartFile('bomb.png', 'image/png', bomb));
        expect(res.statusCode, `${r.url} ${res.body}`).toBe(413);
        expect(code(res)).toBe('FILE_TOO_LARGE');
        expect(Date.now() - started).toBeLessThan(2_000);
      }
      // A photo of an ordinary size still goes in.
      const ok = await r.send(multipartFile('ok.png', 'image/png', pngDeclaring(4000, 3000)));
      expect(ok.statusCode, `${r.url} ${ok.body}`).toBe(201);
    }
    // Decoding 100 000² RGBA pixels would need 40 GB; nothing near that was allocated.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
  });

  it('refuses a workbook that inflates far beyond its size (zip bomb) before the spreadsheet reader sees it', async () => {
    const zip = new JSZip();
    zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
    zip.file('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="人员" sheetId="1"/></sheets></workbook>');
    zip.file('xl/sharedStrings.xml', Buffer.concat([Buffer.from('<?xml version="1.0"?><sst><si><t>'), Buffer.alloc(32 * 2 ** 20, 0x41), Buffer.from('</t></si></sst>')]));
    const bomb = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(200_000);
    for (const r of routes().filter((x) => x.xlsx)) {
      const started = Date.now();
      const res = await r.send(multipartFile('bomb.xlsx', XLSX_TYPE, bomb));
      expect(res.statusCode, `${r.url} ${res.body}`).toBe(413);
      expect(code(res)).toBe('FILE_TOO_LARGE');
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('stores a PNG+HTML polyglot or a misnamed file only as the image it is, and serves it as one', async () => {
    // Case photo: read back through the case.
    const up = await inspector.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('evil.html', 'text/html', PNG_POLYGLOT) });
    expect(up.statusCode, up.body).toBe(201);
    const c = await inspector.request({
      method: 'POST', url: '/api/v1/cases',
      payload: { source: 'inspector', categoryCode: '0107', description: '上传测试', lat: dongguan[1], lng: dongguan[0], photos: [{ fileId: up.json().id }] },
    });
    expect(c.statusCode, c.body).toBe(201);
    const img = await inspector.request({ method: 'GET', url: c.json().photos[0].url });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['x-content-type-options']).toBe('nosniff');
    expect(String(img.headers['content-security-policy'])).toContain("default-src 'self'");

    // A contract scan: the name it is downloaded under ends as its content is.
    const doc = await office.request({ method: 'POST', url: '/api/v1/files', ...multipartFile('../合同.html', 'text/html', PNG_POLYGLOT) });
    expect(doc.statusCode, doc.body).toBe(201);
    expect(doc.json()).toMatchObject({ name: '合同.html.png', mime: 'image/png' });
    const pdf = await office.request({ method: 'POST', url: '/api/v1/files', ...multipartFile('scan.pdf', 'application/pdf', PDF_POLYGLOT) });
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json()).toMatchObject({ name: 'scan.pdf', mime: 'application/pdf' });
    const contract = (await office.request({ method: 'GET', url: '/api/v1/frontage-contracts?pageSize=1' })).json().items[0];
    const patched = await office.request({ method: 'PATCH', url: `/api/v1/frontage-contracts/${contract.id}`, payload: { contractFileId: doc.json().id, version: contract.version } });
    expect(patched.statusCode, patched.body).toBe(200);
    const dl = await office.request({ method: 'GET', url: `/api/v1/frontage-contracts/${contract.id}/file` });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(String(dl.headers['content-disposition'])).toMatch(/^attachment; filename="__\.html\.png"; filename\*=UTF-8''%E5%90%88%E5%90%8C\.html\.png$/);
  });

  it('drops control characters and path parts from uploaded names', async () => {
    const res = await office.request({ method: 'POST', url: '/api/v1/files', ...multipartFile('..\\..\\a\u0000b\r\n.png', 'image/png', PNG_1x1) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().name).toBe('ab.png');
  });
});

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('login brute force and security headers', () => {
  it('locks the account after five wrong passwords, even for the right one, and audits it', async () => {
    // auth.routes.test.ts walks the lockout step by step; here, a burst from one attacker.
    const tries = await Promise.all(Array.from({ length: 8 }, (_, i) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: `Guess${i}!x` } })));
    expect(tries.map((r) => r.statusCode).every((s) => s === 401 || s === 403)).toBe(true);
    const right = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: 'Demo@2026' } });
    expect(right.statusCode).toBe(403);
    expect(code(right)).toBe('ACCOUNT_LOCKED');
    const audit = await t.db.selectFrom('audit_log').select('action').where('action', 'in', ['auth.login_failed', 'auth.locked']).execute();
    expect(audit.filter((a) => a.action === 'auth.locked').length).toBeGreaterThanOrEqual(1);
  });

  it('sends a CSP without inline scripts, frame-ancestors and nosniff on pages, API answers, errors and files', async () => {
    const answers = [
      await t.app.inject({ method: 'GET', url: '/api/health' }),
      await office.request({ method: 'GET', url: '/api/v1/units?pageSize=1' }),
      await t.app.inject({ method: 'GET', url: '/api/v1/units' }),
      await t.app.inject({ method: 'GET', url: '/api/nothing' }),
      await office.request({ method: 'POST', url: '/api/v1/units', payload: '{', headers: { 'content-type': 'application/json' } }),
      await t.app.inject({ method: 'GET', url: '/api/docs/' }),
      await office.request({ method: 'GET', url: '/api/v1/exports/units' }),
    ];
    for (const res of answers) {
      const csp = String(res.headers['content-security-policy'] ?? '');
      const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? /(?:^|;)\s*default-src ([^;]*)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc, `${res.statusCode} ${csp}`).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:/);
      expect(scriptSrc).toContain("'self'");
      expect(csp).toMatch(/frame-ancestors '(self|none)'/);
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toMatch(/SAMEORIGIN|DENY/);
    }
  });
});
