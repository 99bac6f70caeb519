import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import JSZip from 'jszip';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCnDate, formatCnDateTime, imageSize, type CaseDocumentData } from './document-data.js';
import { renderDocx } from './docx.js';
import { createPdfRenderer, launchChromium } from './pdf.js';
import { renderPrintHtml } from './print-html.js';

/** apps/server/test-output/ (git-ignored): the rendered files, for a human to look at. */
const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test-output');

/** A real RGB PNG, drawn by hand: a gradient with a dark diagonal. */
function makePng(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const o = row + 1 + x * 3;
      const diagonal = Math.abs(x * height - y * width) < width * 2;
      raw[o] = diagonal ? 30 : Math.round((x / width) * 255);
      raw[o + 1] = diagonal ? 30 : Math.round((y / height) * 255);
      raw[o + 2] = diagonal ? 30 : 160;
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The header of a lossless WebP (enough for its size; not a picture). */
function makeWebpHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBPVP8L', 8, 'latin1');
  b.writeUInt32LE(5, 16);
  b[20] = 0x2f;
  b.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14), 21);
  return b;
}

const PNG = makePng(160, 120);
const DESCRIPTION =
  '东关路与南街交叉口东北角垃圾桶满溢，周边散落生活垃圾<script>alert(1)</script>，气味较大 & 影响通行。\n' +
  '群众反映已持续两天。';

function sample(kind: CaseDocumentData['kind'], over: Partial<CaseDocumentData> = {}): CaseDocumentData {
  return {
    kind,
    number: kind === 'assignment_slip' ? '创城交〔2026〕12号' : '创城督〔2026〕3号',
    issuer: '青岚县创建文明城市工作指挥部办公室',
    cityName: '青岚县',
    issuedAt: new Date('2026-11-22T02:00:00Z'),
    locale: 'zh-CN',
    case: {
      number: 'AJ20261122-0007',
      categoryName: '垃圾桶满溢',
      majorName: '市容环境',
      description: DESCRIPTION,
      address: '青岚县城关镇东关路18号东侧',
      lat: 30.123456,
      lng: 120.654321,
      sourceLabel: '督查员巡查',
      reportedAt: new Date('2026-11-22T01:25:00Z'),
      gridName: '东关第三网格',
      communityName: '东关社区',
      streetName: '城关镇',
      closingCondition: '垃圾清运完毕，桶体及周边地面无散落垃圾、无污水；满溢问题不再反复。',
    },
    unit: { name: '东关社区居委会' },
    deadlineAt: new Date('2026-11-25T10:00:00Z'),
    deadlineText: '3 个工作日',
    escalation:
      kind === 'urging_letter' ? { level: 2, overdueHours: 50, originalSlipNumber: '创城交〔2026〕12号' } : null,
    photos: [{ mime: 'image/png', data: PNG, takenAt: new Date('2026-11-22T01:20:00Z') }],
    ...over,
  };
}

async function documentXml(docx: Buffer): Promise<{ xml: string; media: string[]; zip: JSZip }> {
  const zip = await JSZip.loadAsync(docx);
  const xml = await zip.file('word/document.xml')!.async('string');
  const media = Object.keys(zip.files).filter((n) => n.startsWith('word/media/') && !zip.files[n]!.dir);
  return { xml, media, zip };
}

describe('document data helpers', () => {
  it('formats dates in Asia/Shanghai time', () => {
    expect(formatCnDate(new Date('2026-11-21T16:30:00Z'))).toBe('2026年11月22日');
    expect(formatCnDateTime(new Date('2026-11-25T10:00:00Z'))).toBe('2026年11月25日 18:00');
  });

  it('reads the pixel size of PNG, JPEG and WebP headers', () => {
    expect(imageSize({ mime: 'image/png', data: PNG })).toEqual({ width: 160, height: 120 });
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03,
      0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
    ]);
    expect(imageSize({ mime: 'image/jpeg', data: jpeg })).toEqual({ width: 800, height: 600 });
    expect(imageSize({ mime: 'image/webp', data: makeWebpHeader(640, 480) })).toEqual({ width: 640, height: 480 });
    expect(imageSize({ mime: 'image/png', data: Buffer.from('not an image') })).toBeNull();
  });
});

describe('Word documents', () => {
  it.each(['assignment_slip', 'urging_letter'] as const)('renders the %s with its facts, fonts and photo', async (kind) => {
    const d = sample(kind);
    const docx = await renderDocx(d);
    expect(docx.subarray(0, 2).toString('latin1')).toBe('PK');
    const { xml, media } = await documentXml(docx);
    expect(xml).toContain(d.number);
    expect(xml).toContain('东关社区居委会：');
    expect(xml).toContain('2026年11月25日 18:00');
    expect(xml).toContain('2026年11月22日');
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(xml).toContain('&amp; 影响通行');
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('仿宋_GB2312');
    expect(xml).toContain('方正小标宋简体');
    expect(xml).toContain('黑体');
    expect(xml).toContain('签收人');
    expect(media.length).toBe(1);
    if (kind === 'assignment_slip') {
      expect(xml).toContain('问题整改交办单');
      expect(xml).toContain('青岚县创建文明城市工作指挥部办公室<');
    } else {
      expect(xml).toContain('督办函');
      expect(xml).toContain('青岚县创建文明城市工作指挥部办公室<');
      expect(xml).not.toContain('办公室文件');
      expect(xml).toContain('创城交〔2026〕12号');
      expect(xml).toContain('第2次督办');
      expect(xml).toContain('50小时');
    }
    await mkdir(OUT_DIR, { recursive: true });
    await writeFile(path.join(OUT_DIR, `${kind}.docx`), docx);
  });

  it('leaves a WebP photo out with a note, and embeds the others', async () => {
    const d = sample('assignment_slip', {
      photos: [
        { mime: 'image/webp', data: makeWebpHeader(640, 480), takenAt: null },
        { mime: 'image/png', data: PNG, takenAt: null },
        { mime: 'image/png', data: PNG, takenAt: null }, // a third photo is ignored
      ],
    });
    const { xml, media } = await documentXml(await renderDocx(d));
    expect(xml).toContain('照片见系统');
    expect(media.length).toBe(1);
  });

  it('scales photos to at most 12 cm wide', async () => {
    const d = sample('assignment_slip', { photos: [{ mime: 'image/png', data: makePng(2000, 500), takenAt: null }] });
    const { xml } = await documentXml(await renderDocx(d));
    const cx = Number(/<wp:extent cx="(\d+)"/.exec(xml)?.[1]);
    expect(cx).toBeGreaterThan(0);
    expect(cx).toBeLessThanOrEqual(12 * 360_000); // EMU per cm
  });
});

describe('printable HTML', () => {
  it.each(['assignment_slip', 'urging_letter'] as const)('escapes what users wrote and has no scripts (%s)', (kind) => {
    const d = sample(kind, { unit: { name: '东关社区<b>居委会</b>' } });
    const html = renderPrintHtml(d, { fontCssHref: 'http://cc-fonts.local/noto-sans-sc.css' });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&amp; 影响通行');
    expect(html).toContain('东关社区&lt;b&gt;居委会&lt;/b&gt;：');
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain(d.number);
    expect(html).toContain('2026年11月25日 18:00');
    expect(html).toContain('<link rel="stylesheet" href="http://cc-fonts.local/noto-sans-sc.css">');
    expect(html).toContain('data:image/png;base64,');
    expect(html).toContain('@page');
  });
});

describe('PDF', () => {
  const renderer = createPdfRenderer();
  afterAll(() => renderer.close());

  it('prints both documents as A4 PDFs with the Noto Sans SC font embedded', async () => {
    await mkdir(OUT_DIR, { recursive: true });
    const kinds = ['assignment_slip', 'urging_letter'] as const;
    // Three at once through a renderer that prints two at a time.
    const [slip, letter, again] = await Promise.all([
      renderer.render(sample(kinds[0])),
      renderer.render(sample(kinds[1])),
      renderer.render(sample(kinds[0], { photos: [] })),
    ]);
    for (const [kind, pdf] of [
      [kinds[0], slip!],
      [kinds[1], letter!],
      ['assignment_slip-no-photo', again!],
    ] as const) {
      await writeFile(path.join(OUT_DIR, `${kind}.pdf`), pdf);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const text = pdf.toString('latin1');
      expect(text).toMatch(/\/Type\s*\/Page[^s]/);
      expect(text).toMatch(/\/(BaseFont|FontName)\s*\/[A-Z]{6}\+NotoSansSC/);
      // A4: 595 × 842 pt.
      expect(text).toMatch(/\/MediaBox\s*\[\s*0\s+0\s+59[45](\.\d+)?\s+84[12](\.\d+)?\s*\]/);
    }
  });

  it('renders preview PNGs of the print HTML', async () => {
    for (const kind of ['assignment_slip', 'urging_letter'] as const) {
      const png = await renderer.renderPreviewPng(sample(kind));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      await writeFile(path.join(OUT_DIR, `${kind}.png`), png);
    }
  });

  it('launches the browser again after it died, and refuses to render once closed', async () => {
    const launched: Browser[] = [];
    const r = createPdfRenderer({
      maxConcurrent: 1,
      launch: async () => {
        const b = await launchChromium();
        launched.push(b);
        return b;
      },
    });
    try {
      await r.render(sample('assignment_slip'));
      await launched[0]!.close(); // as if it crashed
      const pdf = await r.render(sample('urging_letter'));
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(launched).toHaveLength(2);
      await r.close();
      expect(launched[1]!.isConnected()).toBe(false);
      await expect(r.render(sample('assignment_slip'))).rejects.toThrow(/closed/);
    } finally {
      await r.close();
    }
  });

  it('fails with a clear error when a document takes too long', async () => {
    const r = createPdfRenderer({ launch: () => new Promise<Browser>(() => undefined), timeoutMs: 300 });
    try {
      await expect(r.render(sample('assignment_slip'))).rejects.toThrow(
        'PDF rendering of 问题整改交办单 创城交〔2026〕12号 timed out after 0.3 s',
      );
    } finally {
      await r.close();
    }
  });
});
