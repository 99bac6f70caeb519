import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  for (const u of ['office', 'community', 'community2']) as[u] = await login(t.app, u, 'Demo@2026');
});
afterAll(() => t.close());

const multipart = multipartFile;
// The smallest valid PDF header file-type recognises, and a 1×1 PNG.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PNG = PNG_1x1;

describe('uploads', () => {
  it('stores a scanned contract and serves it only to those who may see the contract', async () => {
    const up = await as.community!.request({ method: 'POST', url: '/api/v1/files', ...multipart('门前五包责任书.pdf', 'application/pdf', PDF) });
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ name: '门前五包责任书.pdf', mime: 'application/pdf', sizeBytes: PDF.length });
    const contract = (await as.community!.request({ method: 'GET', url: '/api/v1/frontage-contracts' })).json().items[0];
    const set = await as.community!.request({ method: 'PATCH', url: `/api/v1/frontage-contracts/${contract.id}`, payload: { contractFileId: up.json().id, version: contract.version } });
    expect(set.json().contractFileId).toBe(up.json().id);
    const dl = await as.community!.request({ method: 'GET', url: `/api/v1/frontage-contracts/${contract.id}/file` });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['content-disposition']).toContain("filename*=UTF-8''%E9%97%A8");
    expect(dl.rawPayload.equals(PDF)).toBe(true);
    expect((await as.community2!.request({ method: 'GET', url: `/api/v1/frontage-contracts/${contract.id}/file` })).statusCode).toBe(403);
  });

  it('accepts an image by its bytes', async () => {
    const up = await as.office!.request({ method: 'POST', url: '/api/v1/files', ...multipart('photo.png', 'image/png', PNG) });
    expect(up.statusCode).toBe(201);
    expect(up.json().mime).toBe('image/png');
  });

  it('refuses an SVG with script, an HTML page named .pdf, and a PNG-named text file', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
    for (const [name, type, data] of [['x.svg', 'image/svg+xml', svg], ['scan.pdf', 'application/pdf', html], ['x.png', 'image/png', Buffer.from('just text')]] as const) {
      const res = await as.office!.request({ method: 'POST', url: '/api/v1/files', ...multipart(name, type, data) });
      expect(res.statusCode, name).toBe(415);
      expect(res.json().error).toMatchObject({ code: 'FILE_TYPE_NOT_ALLOWED', message: '不支持的文件类型（允许：PDF, JPEG, PNG, WebP）' });
    }
    const count = await t.db.selectFrom('stored_file').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
  });

  it('refuses a file over 20 MB', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)]);
    const res = await as.office!.request({ method: 'POST', url: '/api/v1/files', ...multipart('big.pdf', 'application/pdf', big) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('FILE_TOO_LARGE');
  });

  it('refuses a JSON body where a file is expected', async () => {
    const res = await as.office!.request({ method: 'POST', url: '/api/v1/files', payload: { file: 'x' } });
    expect(res.statusCode).toBe(415);
  });
});
