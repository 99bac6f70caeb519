import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { multipartFile, type Session } from '../../../test/harness.js';

/** Test helpers for the import routes: workbooks built with ExcelJS, uploads as multipart. */

export type Cell = string | number | boolean | Date | null;

export async function workbook(header: string[], rows: Cell[][], opts: { merge?: string; sheetName?: string } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(opts.sheetName ?? '数据');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  if (opts.merge) ws.mergeCells(opts.merge);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Header and data rows of a downloaded workbook's first sheet, cells as ExcelJS reads them. */
export async function readBack(data: Buffer): Promise<{ names: string[]; header: unknown[]; rows: unknown[][]; wb: ExcelJS.Workbook }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const all: unknown[][] = [];
  ws.eachRow((row) => all.push((row.values as unknown[]).slice(1)));
  return { names: wb.worksheets.map((w) => w.name), header: all[0] ?? [], rows: all.slice(1), wb };
}

export function multipart(fileName: string, data: Buffer, field = 'file') {
  return multipartFile(fileName, 'application/octet-stream', data, field);
}

export function upload(s: Session, kind: string, data: Buffer, fileName = `${kind}.xlsx`, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const m = multipart(fileName, data);
  return s.request({ method: 'POST', url: `/api/v1/imports/${kind}`, payload: m.payload, headers: { ...m.headers, ...headers } });
}

export const SHOP_HEADER = ['编码', '店名', '行业', '上级单位编码', '所属区划编码', '地址', '经度', '纬度', '联系人', '联系电话',
  '签订日期', '签订人', '责任人', '责任人电话', '责任牌', '生效日期', '到期日期', '责任内容'];

/** A shop row with its frontage contract, in SHOP_HEADER order. */
export function shopRow(o: { code: string; name: string; parent: string; region: string; lng?: number | null; lat?: number | null; duties?: string; from?: string }): Cell[] {
  return [o.code, o.name, '餐饮店', o.parent, o.region, '人民路 1 号', o.lng === undefined ? 113.6654 : o.lng, o.lat === undefined ? 34.7579 : o.lat,
    '张三', '13800000000', '2026-01-05', '李四', '王五', '13900000000', '是', o.from ?? '2026-01-05', '2026-12-31', o.duties ?? '卫生、秩序、绿化'];
}
