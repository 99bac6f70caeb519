import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { readSheet } from './xlsx-read.js';

const names = Array.from({ length: 4000 }, (_, i) => `东关街道人民路${i}号烩面馆（${'卫生秩序绿化设施文明'.slice(i % 5)}）`);

async function inMemory(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  ws.addRow(['编码', '店名']);
  names.forEach((n, i) => ws.addRow([`S-${i}`, n]));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function streamed(): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
  const ws = wb.addWorksheet('数据');
  ws.addRow(['编码', '店名']).commit();
  names.forEach((n, i) => ws.addRow([`S-${i}`, n]).commit());
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

describe('reading workbooks', () => {
  // ExcelJS's streaming reader alone turns a character split between two chunks into "��".
  it('keeps every Chinese character, in shared strings and in inline strings', async () => {
    for (const file of [await inMemory(), await streamed()]) {
      const sheet = await readSheet(file);
      expect(sheet.header).toEqual(['编码', '店名']);
      expect(sheet.rows.map((r) => r.cells[1])).toEqual(names);
    }
  });

  // ExcelJS's streaming reader resolved sheet names from xl/workbook.xml only once it had streamed
  // past it, and parsed a sheet on the spot once the shared strings and relations had passed: a
  // file that stores workbook.xml after its sheets (ExcelJS's own writer does) failed with "Cannot
  // read properties of undefined (reading 'sheets')", now and then or — stored in this order — always.
  it('reads a workbook whose xl/workbook.xml comes after its sheets, shared strings and relations', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('填写说明').addRow(['说明']);
    const ws = wb.addWorksheet('数据');
    ws.addRow(['编码', '店名']);
    names.slice(0, 50).forEach((n, i) => ws.addRow([`S-${i}`, n]));
    const original = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
    const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml'];
    const order = [...first, ...Object.keys(original.files).filter((f) => !first.includes(f) && f !== 'xl/workbook.xml'), 'xl/workbook.xml'];
    const repacked = new JSZip();
    for (const f of order) if (!original.files[f]!.dir) repacked.file(f, await original.file(f)!.async('uint8array'));
    const file = await repacked.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(Object.keys((await JSZip.loadAsync(file)).files).at(-1)).toBe('xl/workbook.xml');
    for (let i = 0; i < 5; i++) {
      const sheet = await readSheet(file);
      expect(sheet.header).toEqual(['编码', '店名']);
      expect(sheet.rows.map((r) => r.cells[1])).toEqual(names.slice(0, 50));
    }
  });

  it('calls a zip without a readable workbook part not a workbook (415), not a server error', async () => {
    const notBook = new JSZip();
    notBook.file('readme.txt', '这不是工作簿');
    const broken = new JSZip();
    broken.file('xl/workbook.xml', '<workbook><sheets><sheet name="数据"');
    broken.file('xl/_rels/workbook.xml.rels', 'not xml at all <<<');
    broken.file('xl/worksheets/sheet1.xml', '<worksheet/>');
    for (const zip of [notBook, broken]) {
      const err = await readSheet(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect([(err as AppError).status, (err as AppError).code]).toEqual([415, 'IMPORT_NOT_XLSX']);
    }
  });
});
