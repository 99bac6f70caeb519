import type ExcelJS from 'exceljs';
import { loadExcelJS } from '../../platform/exceljs.js';
import {
  SCORING_METHOD_LABELS, SCORING_METHODS, STANDARD_KIND_LABELS, UNIT_KIND_LABELS, UNIT_KINDS, type EditionView, type ErrorCode, type Locale,
  type MessageParam, type ScoringMethod, type StandardNodeData, type StandardNodeKind,
} from '@cc/domain';
import type { Executor } from '../../platform/database.js';
import { AppError } from '../../platform/errors.js';
import { enumKey, escapeFormula, formatCell, type CellType } from '../imports/cells.js';
import type { ColumnDef, ParsedRow } from '../imports/kind.js';
import { matchHeader, parseRows, problemDetails, ProblemList } from '../imports/rows.js';
import { assertXlsx, GUIDE_SHEET, readSheet } from '../imports/xlsx-read.js';

/**
 * A standard's edition as an Excel sheet, one row per node in display order, and back. The sheet
 * is the same for export and import, so an exported file can be edited and imported again: into a
 * draft edition (its tree is replaced) or as a new standard.
 */

export const NODE_KIND_LABELS: Record<StandardNodeKind, Readonly<Record<Locale, string>>> = {
  section: { 'zh-CN': '部分', en: 'section' },
  item: { 'zh-CN': '项目', en: 'item' },
  criterion: { 'zh-CN': '要点', en: 'criterion' },
};
const NODE_KIND_ALIASES: Record<StandardNodeKind, string[]> = {
  section: ['章节', '类别', '一级指标', 'section'],
  item: ['检查项目', '检查项', '二级指标', 'item'],
  criterion: ['检查要点', '扣分项', '三级指标', 'criterion'],
};
/** Most rows an edition can have (UpdateEditionBody.nodes maxItems). */
export const STANDARD_IMPORT_MAX_ROWS = 3000;

/** Valid 适用对象 values of a city: its unit kinds, 责任区, 考察点位 and each point type. */
export interface AppliesToVocabulary {
  pointTypes: readonly { code: string; name: string; nameEn: string }[];
}
const ZONE_LABEL = '责任区';
const POINT_LABEL = '考察点位';
const POINT_PREFIX = '点位：';

function appliesToLabel(token: string, vocab: AppliesToVocabulary): string {
  if (token === 'zone') return ZONE_LABEL;
  if (token === 'point') return POINT_LABEL;
  if (token.startsWith('point:')) {
    const code = token.slice(6);
    return `${POINT_PREFIX}${vocab.pointTypes.find((p) => p.code === code)?.name ?? code}`;
  }
  return (UNIT_KIND_LABELS as Record<string, { 'zh-CN': string }>)[token]?.['zh-CN'] ?? token;
}

/** Every way to write each token: its code, Chinese and English labels (compared by enumKey). */
function appliesToLookup(vocab: AppliesToVocabulary): Map<string, string> {
  const m = new Map<string, string>();
  const put = (token: string, ...names: string[]) => names.forEach((n) => m.set(enumKey(n), token));
  // '社区居委会/村委会' is also written as either half; a few short names people use.
  for (const k of UNIT_KINDS) put(k, k, UNIT_KIND_LABELS[k]['zh-CN'], ...UNIT_KIND_LABELS[k]['zh-CN'].split('/'), UNIT_KIND_LABELS[k].en, ...UNIT_KIND_LABELS[k].en.split(' / '));
  put('community', '社区', '村');
  put('street_office', '街道', '街道办');
  put('department', '部门');
  put('merchant', '商户');
  put('zone', 'zone', ZONE_LABEL, '责任区域', 'Zone', 'Responsibility zone');
  put('point', 'point', POINT_LABEL, '全部点位', '点位', 'Assessment point', 'Point');
  for (const p of vocab.pointTypes) {
    for (const prefix of ['点位：', '点位:', 'point:', '考察点位：', '考察点位:']) put(`point:${p.code}`, `${prefix}${p.code}`, `${prefix}${p.name}`, `${prefix}${p.nameEn}`);
  }
  return m;
}

const methodOptions = () => SCORING_METHODS.map((m) => ({ value: m, label: SCORING_METHOD_LABELS[m]['zh-CN'], aliases: [SCORING_METHOD_LABELS[m].en, m] }));
const kindOptions = () => (['section', 'item', 'criterion'] as const).map((k) => ({ value: k, label: NODE_KIND_LABELS[k]['zh-CN'], aliases: NODE_KIND_ALIASES[k] }));

const text = (max: number): CellType => ({ type: 'text', max });

export const STANDARD_COLUMNS: readonly ColumnDef[] = [
  { key: 'kind', header: '层级', cell: { type: 'enum', options: kindOptions }, required: true, width: 8, example: null,
    note: '部分（章节，可以嵌套）、项目（打分的检查项目，放在部分下或最上层）、要点（项目下的具体检查内容，每个要点对应一个问题类别）。' },
  { key: 'code', header: '编号', cell: text(60), required: true, width: 10, example: null,
    note: '本版本内唯一，如 3、3.2、3.2.1；字母、数字、“.”“-”“_”，最长 32 位。请把单元格设为文本格式（否则 1.10 会变成 1.1）。' },
  { key: 'parent', header: '上级编号', cell: text(60), width: 10, example: null,
    note: '上级部分或项目的编号，最上层留空。上级须排在本行之前：部分的上级是部分，项目的上级是部分，要点的上级是项目。' },
  { key: 'title', header: '名称', cell: text(200), required: true, width: 46, example: null, note: '最多 200 字。' },
  { key: 'description', header: '说明', cell: text(2000), width: 30, example: null, note: '检查方法、评分说明等，可留空，最多 2000 字。' },
  { key: 'points', header: '分值/扣分', cell: text(40), width: 10, example: null,
    note: '部分、项目：满分；要点：发现一处问题扣的分（扣分制项目）。0～1000，最多两位小数。部分下各项目（和子部分）分值之和须等于该部分满分，否则不能发布。' },
  { key: 'method', header: '计分方式', cell: { type: 'enum', options: methodOptions }, width: 12, example: null,
    note: '仅项目填写：扣分制（从满分扣到最低分为止）、达标/不达标、达标率（满分×达标数÷检查数）、直接打分（0 到满分）。' },
  { key: 'floor', header: '最低分', cell: text(40), width: 8, example: null, note: '仅项目填写：扣分扣到的最低分，通常为 0；留空即 0。' },
  { key: 'naAllowed', header: '可不适用', cell: { type: 'yesno' }, width: 9, example: null, note: '是：检查时可以标“不适用”，不计入得分。留空即否。' },
  { key: 'appliesTo', header: '适用对象', cell: text(1000), width: 22, example: null,
    note: '本项适用于哪些检查对象，多个用“、”分隔；留空表示沿用上级部分的设置，上级也没有则适用于全部对象。可选值见下表。' },
  { key: 'veto', header: '否决项', cell: { type: 'yesno' }, width: 8, example: null, note: '是：该项不达标时整体不合格（一票否决）。留空即否。' },
  { key: 'evidenceRequired', header: '需要照片', cell: { type: 'yesno' }, width: 9, example: null, note: '是：扣分时必须上传照片为证。留空即否。' },
  { key: 'category', header: '问题类别', cell: text(100), width: 18, example: null,
    note: '要点填写：扣分后生成的问题类别，填类别代码（如 0101），可在代码后加空格和名称。每个要点都须有问题类别，否则不能发布。可选值见下表。' },
  { key: 'unverified', header: '待核实', cell: { type: 'yesno' }, width: 8, example: null, note: '是：分值等内容出处未经核实，仅作参考，请按当地细则修改。留空即否。' },
];

// ---- export ----

export interface ExportContext {
  edition: EditionView;
  categories: readonly { code: string; name: string; active: boolean }[];
  vocab: AppliesToVocabulary;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const SECTION_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
const THIN: ExcelJS.Border = { style: 'thin', color: { argb: 'FF9BC2E6' } };
const RED = 'FFC00000';

/** The text a column key gets in an exported row (cells as the import reads them back). */
function exportRow(n: EditionView['nodes'][number], byId: Map<number, string>, ctx: ExportContext): (string | number | null)[] {
  const category = n.categoryCode ? ctx.categories.find((c) => c.code === n.categoryCode) : undefined;
  const values: Record<string, unknown> = {
    kind: n.kind, code: n.code, parent: n.parentId === null ? null : byId.get(n.parentId) ?? null, title: n.title, description: n.description,
    points: n.points, method: n.method, floor: n.kind === 'item' ? n.floor : null, naAllowed: n.naAllowed || null,
    appliesTo: n.appliesTo.length ? n.appliesTo.map((t) => appliesToLabel(t, ctx.vocab)).join('、') : null,
    veto: n.veto || null, evidenceRequired: n.evidenceRequired || null,
    category: n.categoryCode ? (category ? `${n.categoryCode} ${category.name}` : n.categoryCode) : null,
    unverified: n.unverified || null,
  };
  return STANDARD_COLUMNS.map((c) => {
    const v = values[c.key];
    if (v === null || v === undefined) return null;
    if (c.key === 'points' || c.key === 'floor') return Number(v);
    return formatCell(c.cell, v);
  });
}

export async function editionWorkbook(ctx: ExportContext): Promise<Buffer> {
  const { edition } = ctx;
  const { Workbook } = await loadExcelJS();
  const wb = new Workbook();
  wb.creator = '创城';
  const ws = wb.addWorksheet('指标', { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  ws.columns = STANDARD_COLUMNS.map((c) => ({ key: c.key, width: c.width ?? 12, style: ['code', 'parent', 'category'].includes(c.key) ? { numFmt: '@' } : {} }));
  const header = ws.getRow(1);
  STANDARD_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.note = c.note;
    cell.font = { bold: true, color: c.required ? { argb: RED } : undefined };
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
    cell.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
  });
  header.height = 22;
  const byId = new Map(edition.nodes.map((n) => [n.id, n.code]));
  for (const n of edition.nodes) {
    const row = ws.addRow(exportRow(n, byId, ctx));
    if (n.kind === 'section') {
      row.font = { bold: true };
      row.eachCell({ includeEmpty: true }, (c) => (c.fill = SECTION_FILL));
    }
    if (n.kind === 'criterion') row.getCell(4).alignment = { indent: 2 };
    else if (n.kind === 'item') row.getCell(4).alignment = { indent: 1 };
  }
  const last = Math.max(edition.nodes.length + 200, 500);
  const dv = (ws as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations;
  STANDARD_COLUMNS.forEach((c, i) => {
    const list = c.cell.type === 'enum' ? c.cell.options().map((o) => o.label) : c.cell.type === 'yesno' ? ['是', '否'] : null;
    if (!list) return;
    const letter = String.fromCharCode(65 + i);
    dv.add(`${letter}2:${letter}${last}`, {
      type: 'list', allowBlank: !c.required, formulae: [`"${list.join(',')}"`], showErrorMessage: true, errorStyle: 'warning', errorTitle: c.header,
      error: `请从下拉列表中选择：${list.join('、')}`,
    });
  });
  writeGuide(wb.addWorksheet(GUIDE_SHEET), ctx);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function writeGuide(ws: ExcelJS.Worksheet, ctx: ExportContext): void {
  const { edition } = ctx;
  ws.columns = [{ width: 14 }, { width: 8 }, { width: 100 }];
  ws.addRow([`${edition.standard.name}（${edition.label}）填写说明`]).font = { bold: true, size: 14 };
  const lines = [
    `标准编码 ${edition.standard.code}，类型：${STANDARD_KIND_LABELS[edition.standard.kind]['zh-CN']}，版本 ${edition.label}${edition.maxScore !== null ? `，总分 ${edition.maxScore}` : '，不设总分'}。`,
    '在“指标”工作表中每行填写一个节点（部分、项目或要点），按显示顺序排列，上级排在下级之前。第 1 行是表头，请勿修改；红色表头为必填列。',
    '导入时逐行检查全部内容：只要有一行有问题，整个文件都不导入，并列出每一行、每一列的问题；改正后重新导入即可。',
    '导入到草稿版本会替换该版本的全部内容；也可以导入为新标准。已发布的版本不能修改，请先复制为新版本。',
    '分值不相符、要点没有问题类别等不影响导入，但导入后会列出这些问题，改正前不能发布。',
  ];
  lines.forEach((line, i) => {
    const r = ws.addRow([`${i + 1}.`, null, line]);
    r.getCell(3).alignment = { wrapText: true, vertical: 'top' };
  });
  const heading = (title: string, cols: string[]) => {
    ws.addRow([]);
    ws.addRow([title]).font = { bold: true, size: 12 };
    const h = ws.addRow(cols);
    h.eachCell((c) => {
      c.font = { bold: true };
      c.fill = HEADER_FILL;
      c.border = { top: THIN, bottom: THIN, left: THIN, right: THIN };
    });
  };
  heading('各列说明', ['列名', '必填', '填写说明']);
  for (const c of STANDARD_COLUMNS) {
    const r = ws.addRow([c.header, c.required ? '是' : '', c.note]);
    if (c.required) r.getCell(1).font = { color: { argb: RED }, bold: true };
    r.getCell(3).alignment = { wrapText: true, vertical: 'top' };
  }
  heading('层级、计分方式的可选值', ['列名', '', '可选值']);
  ws.addRow(['层级', null, kindOptions().map((o) => o.label).join('、')]);
  ws.addRow(['计分方式', null, methodOptions().map((o) => o.label).join('、')]);
  ws.addRow(['是/否各列', null, '是、否（留空即否）']);
  heading('适用对象的可选值', ['填写', '', '含义']);
  for (const k of UNIT_KINDS) ws.addRow([UNIT_KIND_LABELS[k]['zh-CN'], null, `单位类型：${UNIT_KIND_LABELS[k]['zh-CN']}`]);
  ws.addRow([ZONE_LABEL, null, '责任区（责任区日评比等）']);
  ws.addRow([POINT_LABEL, null, '全部实地考察点位']);
  for (const p of ctx.vocab.pointTypes) ws.addRow([`${POINT_PREFIX}${p.name}`, null, `${p.name}类考察点位（也可写 点位：${p.code}）`]);
  heading('问题类别的可选值', ['代码', '', '名称']);
  for (const c of ctx.categories) ws.addRow([escapeFormula(c.code), null, c.active ? c.name : `${c.name}（已停用）`]).getCell(1).numFmt = '@';
}

// ---- import ----

export interface ImportContext {
  categories: ReadonlySet<string>;
  categoryNames: ReadonlyMap<string, string>;
  vocab: AppliesToVocabulary;
}

export class StandardImportRefused extends Error {
  constructor(readonly problems: ProblemList, readonly total: number) {
    super('STANDARD_IMPORT_INVALID');
  }
}

const CODE_RE = /^[A-Za-z0-9_.-]{1,32}$/;
/** Excel stores 1.10 typed into a number cell as 1.1; a code read as a number is its shortest text. */
const codeText = (row: ParsedRow, key: string): string | null => {
  const v = row.v[key];
  return v === null || v === undefined ? null : String(v).trim();
};

/** Locale-dependent parameters ride in the problem list as { 'zh-CN', en } pairs (formatMessage picks one). */
const KIND_IN_MESSAGES: Record<StandardNodeKind, Readonly<Record<Locale, string>>> = {
  section: { 'zh-CN': '部分', en: 'a section' },
  item: { 'zh-CN': '项目', en: 'an item' },
  criterion: { 'zh-CN': '要点', en: 'a criterion' },
};
const kindParam = (k: StandardNodeKind) => KIND_IN_MESSAGES[k] as unknown as string;

function parsePoints(raw: string | null): number | null | 'bad' {
  if (raw === null) return null;
  const s = raw.replace(/[\uff10-\uff19\uff0e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\s/g, '');
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(s)) return 'bad';
  const n = Number(s);
  if (!(n >= 0 && n <= 1000)) return 'bad';
  // Two decimals at most; a float from a formula (0.1 + 0.2) rounds quietly.
  const r = Math.round(n * 100) / 100;
  return Math.abs(r - n) > 1e-9 ? 'bad' : r;
}

/**
 * Check every row of an uploaded workbook: the tree (levels, parents earlier in the file, unique
 * codes), the cells (numbers, enums, yes/no, 适用对象, problem categories). Throws with all the
 * problems, or returns the nodes in file order, keys = codes.
 */
export async function parseStandardWorkbook(data: Buffer, ctx: ImportContext): Promise<StandardNodeData[]> {
  await assertXlsx(data);
  const sheet = await readSheet(data);
  const problems = new ProblemList(STANDARD_COLUMNS);
  const at = matchHeader(STANDARD_COLUMNS, sheet.header, problems);
  if (!at) throw new StandardImportRefused(problems, sheet.rows.length);
  if (sheet.rows.length === 0) throw new AppError(422, 'IMPORT_EMPTY');
  if (sheet.rows.length > STANDARD_IMPORT_MAX_ROWS) throw new AppError(422, 'IMPORT_TOO_MANY_ROWS', { max: STANDARD_IMPORT_MAX_ROWS });
  const rows = parseRows(STANDARD_COLUMNS, sheet, at, problems);
  const lookup = appliesToLookup(ctx.vocab);
  const seen = new Map<string, { line: number; kind: StandardNodeKind | null }>();
  const lineOfCode = new Map<string, number>();
  for (const r of rows) {
    const c = codeText(r, 'code');
    if (c !== null && !lineOfCode.has(c)) lineOfCode.set(c, r.line);
  }
  const nodes: StandardNodeData[] = [];
  const add = (r: ParsedRow, key: string | null, code: ErrorCode, params: Record<string, MessageParam> = {}) =>
    problems.add(r, key, code, params as Record<string, string | number>);

  for (const r of rows) {
    const kind = (r.v.kind ?? null) as StandardNodeKind | null;
    const code = codeText(r, 'code');
    let ok = !r.bad.size;
    if (code !== null && !r.bad.has('code')) {
      if (!CODE_RE.test(code)) {
        add(r, 'code', 'STANDARD_IMPORT_CODE');
        ok = false;
      } else if (seen.has(code)) {
        add(r, 'code', 'IMPORT_DUPLICATE_IN_FILE', { row: seen.get(code)!.line });
        ok = false;
      }
    }
    // Parent: an earlier row, of the right level.
    const parent = codeText(r, 'parent');
    if (parent !== null && !r.bad.has('parent')) {
      const earlier = seen.get(parent);
      if (!earlier) {
        const later = lineOfCode.get(parent);
        if (later !== undefined && later !== r.line) add(r, 'parent', 'IMPORT_REF_LATER', { row: later });
        else add(r, 'parent', 'IMPORT_UNKNOWN_REF');
        ok = false;
      } else if (kind && earlier.kind) {
        const expected: StandardNodeKind = kind === 'criterion' ? 'item' : 'section';
        if (earlier.kind !== expected) {
          add(r, 'parent', 'STANDARD_IMPORT_PARENT', { kind: kindParam(kind), expected: kindParam(expected), parent: kindParam(earlier.kind) });
          ok = false;
        }
      }
    } else if (parent === null && kind === 'criterion') {
      add(r, 'parent', 'EDITION_BAD_PARENT', { code: code ?? '' });
      ok = false;
    }
    const points = r.bad.has('points') ? null : parsePoints(r.text.points ?? null);
    if (points === 'bad') {
      add(r, 'points', 'STANDARD_IMPORT_POINTS');
      ok = false;
    }
    const floor = r.bad.has('floor') ? null : parsePoints(r.text.floor ?? null);
    if (floor === 'bad') {
      add(r, 'floor', 'STANDARD_IMPORT_POINTS');
      ok = false;
    }
    const method = (r.v.method ?? null) as ScoringMethod | null;
    if (kind && kind !== 'item') {
      for (const key of ['method', 'floor'] as const) {
        if (r.text[key] !== null && r.text[key] !== undefined && !r.bad.has(key)) {
          add(r, key, 'STANDARD_IMPORT_ITEM_ONLY', { kind: kindParam(kind) });
          ok = false;
        }
      }
    }
    if (kind === 'item' && typeof floor === 'number' && typeof points === 'number' && floor > points) {
      add(r, 'floor', 'STANDARD_IMPORT_FLOOR', { floor, points });
      ok = false;
    }
    // 适用对象: labels or codes, separated by 、 , ; or new lines.
    const applies: string[] = [];
    const appliesText = r.text.appliesTo ?? null;
    if (appliesText !== null && !r.bad.has('appliesTo')) {
      for (const part of appliesText.split(/[、,，;；\n]+/).map((x) => x.trim()).filter(Boolean)) {
        const token = lookup.get(enumKey(part));
        if (!token) {
          problems.add(r, 'appliesTo', 'IMPORT_ENUM', { allowed: [...UNIT_KINDS.map((k) => UNIT_KIND_LABELS[k]['zh-CN']), ZONE_LABEL, POINT_LABEL, `${POINT_PREFIX}…`].join('、') }, part);
          ok = false;
        } else if (!applies.includes(token)) applies.push(token);
      }
      if (applies.length > 20) {
        add(r, 'appliesTo', 'IMPORT_TOO_LONG', { max: 20 });
        ok = false;
      }
    }
    // 问题类别: a code, optionally followed by its name; or the name alone.
    let category: string | null = null;
    const catText = r.text.category ?? null;
    if (catText !== null && !r.bad.has('category')) {
      const first = catText.split(/[\s\u3000]+/)[0]!;
      if (ctx.categories.has(first)) category = first;
      else category = ctx.categoryNames.get(catText) ?? null;
      if (category === null) {
        add(r, 'category', 'IMPORT_UNKNOWN_REF');
        ok = false;
      }
    }
    if (code !== null && CODE_RE.test(code) && !seen.has(code)) seen.set(code, { line: r.line, kind });
    if (!ok || !kind || !code) continue;
    nodes.push({
      key: code, parentKey: parent, kind, code, title: String(r.v.title), description: (r.v.description as string | null) ?? null,
      points: typeof points === 'number' ? points : null, method: kind === 'item' ? method : null,
      floor: kind === 'item' ? (typeof floor === 'number' ? floor : 0) : null,
      naAllowed: r.v.naAllowed === true, appliesTo: applies, veto: r.v.veto === true, evidenceRequired: r.v.evidenceRequired === true,
      categoryCode: category, unverified: r.v.unverified === true,
    });
  }
  if (problems.count) throw new StandardImportRefused(problems, rows.length);
  return nodes;
}

/** The 422 IMPORT_INVALID answer for a refused file, like the other imports'. */
export function refusal(err: StandardImportRefused, locale: Locale): AppError {
  const sorted = err.problems.sorted();
  return new AppError(422, 'IMPORT_INVALID', { count: sorted.length }, problemDetails(sorted, err.total, locale));
}

/** The city's problem categories and point types, for the import's checks and the export's guide. */
export async function vocabularyOf(ex: Executor, tenantId: number) {
  const categories = await ex.selectFrom('case_category').select(['code', 'name', 'active']).where('tenant_id', '=', tenantId).orderBy('code').execute();
  const pointTypes = await ex.selectFrom('assessment_point_type').select(['code', 'name', 'name_en']).where('tenant_id', '=', tenantId).orderBy('sort').execute();
  return {
    categories,
    vocab: { pointTypes: pointTypes.map((p) => ({ code: p.code, name: p.name, nameEn: p.name_en })) },
    importContext: (): ImportContext => ({
      categories: new Set(categories.map((c) => c.code)),
      categoryNames: new Map(categories.map((c) => [c.name, c.code])),
      vocab: { pointTypes: pointTypes.map((p) => ({ code: p.code, name: p.name, nameEn: p.name_en })) },
    }),
  };
}
