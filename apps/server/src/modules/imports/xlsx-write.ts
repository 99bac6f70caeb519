import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import { loadExcelJS } from '../../platform/exceljs.js';
import { IMPORT_KIND_LABELS } from '@cc/domain';
import { formatCell, type CellType } from './cells.js';
import type { ColumnDef, ImportKindSpec } from './kind.js';
import { GUIDE_SHEET } from './xlsx-read.js';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const THIN: ExcelJS.Border = { style: 'thin', color: { argb: 'FF9BC2E6' } };
const RED = 'FFC00000';

/** ExcelJS's types leave out worksheet.dataValidations, which both writers have. */
interface WithValidations {
  dataValidations: { add(range: string, v: ExcelJS.DataValidation): void };
}

function colLetter(i: number): string {
  let n = i + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Drop-down choices for a column, as Excel's list validation takes them (≤ 255 characters). */
function listOf(t: CellType): string[] | null {
  if (t.type === 'enum') return t.options().map((o) => o.label);
  if (t.type === 'yesno') return ['是', '否'];
  return null;
}

function formatOf(t: CellType): string | undefined {
  // Text format keeps 0371-… phones and numeric codes as typed (no 3.71E+03, no lost zeros).
  if (t.type === 'code' || t.type === 'phone' || t.type === 'text' || t.type === 'list' || t.type === 'coords') return '@';
  if (t.type === 'date') return 'yyyy-mm-dd';
  if (t.type === 'integer') return '0';
  return undefined;
}

function describe(t: CellType): string {
  switch (t.type) {
    case 'text': return `文字，最多 ${t.max} 字`;
    case 'code': return '编码（文本）';
    case 'phone': return '电话号码（文本）';
    case 'number': return t.axis === 'lng' ? '数字（-180～180）' : '数字（-90～90）';
    case 'integer': return `整数，不小于 ${t.min}`;
    case 'date': return '日期（YYYY-MM-DD）';
    case 'enum': return `下拉选择：${t.options().map((o) => o.label).join('、')}`;
    case 'yesno': return '是 / 否';
    case 'list': return '多项，用“、”分隔';
    case 'coords': return '经度,纬度;经度,纬度;…';
  }
}

/** The header row stays in view while scrolling (set on creation: the streaming writer has no setter). */
const FROZEN_HEADER: Partial<ExcelJS.AddWorksheetOptions> = { views: [{ state: 'frozen', ySplit: 1 }] };

/** Widths, formats, the styled header row and drop-downs: the same in template and export. */
function layoutDataSheet(ws: ExcelJS.Worksheet, columns: readonly ColumnDef[]): void {
  ws.columns = columns.map((c) => ({ key: c.key, width: c.width ?? 14, style: formatOf(c.cell) ? { numFmt: formatOf(c.cell)! } : {} }));
  const header = ws.getRow(1);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { bold: true, color: c.required ? { argb: RED } : undefined };
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
    cell.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
    cell.numFmt = 'General';
  });
  header.height = 22;
}

/**
 * Drop-downs down to `lastRow`. Kept to the rows in use plus room to add: ExcelJS's own reader
 * (and some other tools) expand a validation range cell by cell.
 */
function addDropDowns(ws: ExcelJS.Worksheet, columns: readonly ColumnDef[], lastRow: number): void {
  columns.forEach((c, i) => {
    const list = listOf(c.cell);
    if (!list) return;
    const letter = colLetter(i);
    (ws as unknown as WithValidations).dataValidations.add(`${letter}2:${letter}${lastRow}`, {
      type: 'list', allowBlank: !c.required, formulae: [`"${list.join(',')}"`],
      showErrorMessage: true, errorStyle: 'warning', errorTitle: c.header, error: `请从下拉列表中选择：${list.join('、')}`,
    });
  });
}

function writeGuide(ws: ExcelJS.Worksheet, spec: ImportKindSpec): void {
  ws.columns = [{ width: 16 }, { width: 8 }, { width: 30 }, { width: 90 }];
  ws.addRow([`${IMPORT_KIND_LABELS[spec.kind]['zh-CN']}导入说明`]).font = { bold: true, size: 14 };
  const general = [
    `在“${spec.sheetName}”工作表中填写：第 1 行是表头，请勿修改、删除或调换；从第 2 行起每行一条记录。`,
    '第 2 行是示例，导入前请删除或改为实际数据。红色表头为必填列。',
    '不要合并单元格；编码、电话请保持文本格式。日期写成 2026-03-01 这样的格式，或使用 Excel 日期。',
    '导入前会逐行检查全部数据：只要有一行有问题，整个文件都不导入，并列出每一行的问题；改正后重新导入即可。',
    ...spec.rules,
    '导出的文件与本模板格式相同，可以修改后直接导入。',
  ];
  general.forEach((line, i) => {
    const r = ws.addRow([`${i + 1}.`, null, line]);
    ws.mergeCells(r.number, 3, r.number, 4);
    r.getCell(3).alignment = { wrapText: true, vertical: 'top' };
  });
  ws.addRow([]);
  const head = ws.addRow(['列名', '必填', '格式', '填写说明']);
  head.eachCell((c) => {
    c.font = { bold: true };
    c.fill = HEADER_FILL;
    c.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
  });
  for (const c of spec.columns) {
    const r = ws.addRow([c.header, c.required ? '是' : '', describe(c.cell), c.note]);
    if (c.required) r.getCell(1).font = { color: { argb: RED }, bold: true };
    r.getCell(3).alignment = { wrapText: true, vertical: 'top' };
    r.getCell(4).alignment = { wrapText: true, vertical: 'top' };
  }
}

/** A cell value for the sheet: dates as real Excel dates, text escaped against formula injection. */
function sheetValue(c: ColumnDef, value: unknown): ExcelJS.CellValue {
  if (c.cell.type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T00:00:00Z`);
  return formatCell(c.cell, value);
}

/** The template: styled header, one example row, drop-downs, and the 填写说明 sheet. */
export async function templateWorkbook(spec: ImportKindSpec): Promise<Buffer> {
  const { Workbook } = await loadExcelJS();
  const wb = new Workbook();
  wb.creator = '创城';
  const ws = wb.addWorksheet(spec.sheetName, FROZEN_HEADER);
  layoutDataSheet(ws, spec.columns);
  const example = ws.getRow(2);
  spec.columns.forEach((c, i) => {
    const cell = example.getCell(i + 1);
    cell.value = c.example;
    cell.font = { color: { argb: 'FF808080' }, italic: true };
  });
  spec.columns.forEach((c, i) => {
    ws.getRow(1).getCell(i + 1).note = c.note;
  });
  addDropDowns(ws, spec.columns, 2000);
  writeGuide(wb.addWorksheet(GUIDE_SHEET), spec);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The export, written while it is read: ExcelJS's streaming writer emits the zip as rows are
 * committed, and we wait for the client to drain before fetching the next page.
 */
export function exportWorkbook(spec: ImportKindSpec, pages: AsyncGenerator<Record<string, unknown>[]>, onError: (err: unknown) => void): PassThrough {
  const out = new PassThrough();
  void (async () => {
    const { stream } = await loadExcelJS();
    const wb = new stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    wb.creator = '创城';
    const ws = wb.addWorksheet(spec.sheetName, FROZEN_HEADER);
    layoutDataSheet(ws, spec.columns);
    ws.getRow(1).commit();
    let rows = 1;
    for await (const page of pages) {
      for (const record of page) ws.addRow(spec.columns.map((c) => sheetValue(c, record[c.key]))).commit();
      rows += page.length;
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    addDropDowns(ws, spec.columns, rows + 1000);
    ws.commit();
    writeGuide(wb.addWorksheet(GUIDE_SHEET), spec);
    await wb.commit();
  })().catch((err) => {
    onError(err);
    out.destroy(err as Error);
  });
  return out;
}
