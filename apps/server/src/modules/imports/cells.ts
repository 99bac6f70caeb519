import { CODE_PATTERN, isValidPosition, PHONE_PATTERN, type ErrorCode, type Position } from '@cc/domain';

/**
 * Cells of an uploaded sheet and of an export: what each column type accepts and how it is
 * written back. Pure functions, shared by the template, the import and the export.
 */

/** A cell as read from the workbook, after unwrapping rich text, formulas and hyperlinks. */
export type RawCell = string | number | boolean | Date | { error: string } | null;

export interface CellProblem {
  code: ErrorCode;
  params?: Record<string, string | number>;
}

export type Parsed<T> = { ok: true; value: T | null } | { ok: false; problem: CellProblem };

export interface EnumOption {
  value: string;
  label: string;
  /** Other spellings users write (短称, half-width brackets …). */
  aliases?: readonly string[];
}

export type CellType =
  | { type: 'text'; max: number }
  | { type: 'code' }
  | { type: 'phone' }
  | { type: 'number'; min: number; max: number; axis?: 'lng' | 'lat' }
  /** A count such as 常住人口: whole, thousands separators allowed (8,640). */
  | { type: 'integer'; min: number; max: number }
  | { type: 'date' }
  | { type: 'enum'; options: () => readonly EnumOption[] }
  | { type: 'yesno' }
  | { type: 'list'; max: number }
  | { type: 'coords' };

/** Values a column yields after parsing. */
export type CellValue = string | number | boolean | string[] | Position[];

const ok = <T>(value: T | null): Parsed<T> => ({ ok: true, value });
const bad = (code: ErrorCode, params?: Record<string, string | number>): Parsed<never> => ({ ok: false, problem: { code, params } });

const CODE_RE = new RegExp(CODE_PATTERN);
const PHONE_RE = new RegExp(PHONE_PATTERN);
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text of a cell for messages and comparisons. */
export function cellText(raw: RawCell): string | null {
  if (raw === null) return null;
  if (raw instanceof Date) return isoDate(raw);
  if (typeof raw === 'object') return raw.error;
  if (typeof raw === 'boolean') return raw ? 'TRUE' : 'FALSE';
  return String(raw);
}

/** Trim, drop empty strings, and undo the apostrophe our export puts before = + - @. */
export function normalizeRaw(raw: RawCell): RawCell {
  if (typeof raw !== 'string') return raw;
  const trim = (x: string) => x.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
  let s = trim(raw);
  if (s.startsWith("'") && FORMULA_START.test(s.slice(1))) s = trim(s.slice(1));
  return s === '' ? null : s;
}

/** Full-width digits, signs and points (typed with a Chinese IME) to ASCII. */
function asciiDigits(s: string): string {
  return s.replace(/[\uff10-\uff19\uff0b\uff0d\uff0e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u2212/g, '-');
}

const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

export function parseNumber(raw: RawCell): Parsed<number> {
  if (raw === null) return ok(null);
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(raw) : bad('IMPORT_NOT_NUMBER');
  if (typeof raw === 'string') {
    const s = asciiDigits(raw).replace(/\s/g, '');
    return NUMBER_RE.test(s) ? ok(Number(s)) : bad('IMPORT_NOT_NUMBER');
  }
  return bad('IMPORT_NOT_NUMBER');
}

const THOUSANDS_RE = /^[-+]?\d{1,3}([,，]\d{3})+$/;

export function parseInteger(raw: RawCell): Parsed<number> {
  const s = typeof raw === 'string' ? asciiDigits(raw).replace(/\s/g, '') : null;
  const n = parseNumber(s !== null && THOUSANDS_RE.test(s) ? s.replace(/[,，]/g, '') : raw);
  if (!n.ok) return bad('IMPORT_NOT_INTEGER');
  return n.value === null || Number.isSafeInteger(n.value) ? n : bad('IMPORT_NOT_INTEGER');
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function calendarDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return isoDate(dt);
}

const DATE_RES = [
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];

/** A calendar date: an Excel date cell, an Excel serial number, or text such as 2026-03-01 / 2026/3/1 / 2026年3月1日. */
export function parseDate(raw: RawCell): Parsed<string> {
  if (raw === null) return ok(null);
  if (raw instanceof Date) {
    // Excel dates carry no zone: ExcelJS gives midnight UTC of the calendar day (plus any time).
    return Number.isNaN(raw.getTime()) ? bad('IMPORT_DATE') : ok(isoDate(raw));
  }
  if (typeof raw === 'number') {
    // 1900 date system: serial 25569 = 1970-01-01; whole days only.
    if (!Number.isFinite(raw) || raw < 1 || raw > 2958465) return bad('IMPORT_DATE');
    const d = new Date(Math.round((Math.floor(raw) - 25569) * 86_400_000));
    return ok(isoDate(d));
  }
  if (typeof raw !== 'string') return bad('IMPORT_DATE');
  const s = asciiDigits(raw).replace(/\s+/g, ' ');
  for (const re of DATE_RES) {
    const m = re.exec(s);
    if (m) {
      const iso = calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
      return iso ? ok(iso) : bad('IMPORT_DATE');
    }
  }
  return bad('IMPORT_DATE');
}

function textOf(raw: RawCell): string | null {
  if (raw === null) return null;
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return String(raw);
  if (raw instanceof Date) return isoDate(raw);
  if (typeof raw === 'boolean') return raw ? '是' : '否';
  return null;
}

/** Labels compare without spaces and with half-width brackets: 包社区（包保领导） = 包社区(包保领导). */
export const enumKey = (s: string) => asciiDigits(s).replace(/[（]/g, '(').replace(/[）]/g, ')').replace(/[\s\u3000]/g, '').toLowerCase();

const YES = new Set(['是', 'y', 'yes', 'true', '1', '有', '√', '已张贴']);
const NO = new Set(['否', 'n', 'no', 'false', '0', '无', '×', '未张贴']);

export function parseCell(t: CellType, raw: RawCell): Parsed<CellValue> {
  if (raw !== null && typeof raw === 'object' && !(raw instanceof Date)) return bad('IMPORT_CELL_ERROR');
  switch (t.type) {
    case 'text': {
      const s = textOf(raw);
      if (s === null) return ok(null);
      return [...s].length > t.max ? bad('IMPORT_TOO_LONG', { max: t.max }) : ok(s);
    }
    case 'code': {
      if (typeof raw === 'number' && !(Number.isSafeInteger(raw) && raw >= 0)) return bad('IMPORT_CODE_FORMAT');
      const s = textOf(raw);
      if (s === null) return ok(null);
      return CODE_RE.test(s) ? ok(s) : bad('IMPORT_CODE_FORMAT');
    }
    case 'phone': {
      if (typeof raw === 'number' && !Number.isSafeInteger(raw)) return bad('IMPORT_PHONE_FORMAT');
      const s = textOf(raw);
      if (s === null) return ok(null);
      const p = asciiDigits(s);
      return PHONE_RE.test(p) ? ok(p) : bad('IMPORT_PHONE_FORMAT');
    }
    case 'number': {
      const n = parseNumber(raw);
      if (!n.ok || n.value === null) return n;
      if (n.value < t.min || n.value > t.max) return bad('IMPORT_COORD_RANGE', { min: t.min, max: t.max });
      return n;
    }
    case 'integer': {
      const n = parseInteger(raw);
      if (!n.ok || n.value === null) return n;
      if (n.value < t.min) return bad('IMPORT_BELOW_MIN', { min: t.min });
      if (n.value > t.max) return bad('IMPORT_COORD_RANGE', { min: t.min, max: t.max });
      return n;
    }
    case 'date':
      return parseDate(raw);
    case 'enum': {
      const s = textOf(raw);
      if (s === null) return ok(null);
      const k = enumKey(s);
      const hit = t.options().find((o) => enumKey(o.label) === k || enumKey(o.value) === k || (o.aliases ?? []).some((a) => enumKey(a) === k));
      return hit ? ok(hit.value) : bad('IMPORT_ENUM', { allowed: t.options().map((o) => o.label).join('、') });
    }
    case 'yesno': {
      if (typeof raw === 'boolean') return ok(raw);
      const s = textOf(raw);
      if (s === null) return ok(null);
      const k = s.toLowerCase();
      if (YES.has(k)) return ok(true);
      if (NO.has(k)) return ok(false);
      return bad('IMPORT_YES_NO');
    }
    case 'list': {
      const s = textOf(raw);
      if (s === null) return ok(null);
      const items = [...new Set(s.split(/[、,，;；/\s]+/).map((x) => x.trim()).filter(Boolean))];
      if (!items.length) return ok(null);
      return items.some((x) => [...x].length > t.max) ? bad('IMPORT_TOO_LONG', { max: t.max }) : ok(items);
    }
    case 'coords':
      return parseCoords(raw);
  }
}

/** "lng,lat;lng,lat;…" ([lng,lat] order), Chinese punctuation and line breaks allowed. */
export function parseCoords(raw: RawCell): Parsed<Position[]> {
  if (raw === null) return ok(null);
  if (typeof raw !== 'string') return bad('IMPORT_COORDS_FORMAT', { point: 1 });
  const pieces = asciiDigits(raw).split(/[;；\n]+/).map((p) => p.trim()).filter(Boolean);
  const out: Position[] = [];
  for (const [i, piece] of pieces.entries()) {
    const parts = piece.split(/[,，\s]+/).filter(Boolean);
    const nums = parts.map((p) => (NUMBER_RE.test(p) ? Number(p) : NaN));
    const pos: Position = [nums[0] ?? NaN, nums[1] ?? NaN];
    if (parts.length !== 2 || !isValidPosition(pos)) return bad('IMPORT_COORDS_FORMAT', { point: i + 1, value: piece });
    out.push(pos);
  }
  if (out.length < 2) return bad('IMPORT_COORDS_FORMAT', { point: out.length + 1, value: '' });
  return ok(out);
}

/** A plausible lng/lat that was entered the other way round (China: lng 73–136, lat 3–54). */
export function looksSwapped(lng: number, lat: number): boolean {
  return Math.abs(lng) <= 90 && Math.abs(lat) > 90;
}

// ---- writing ----

/** What goes into an exported cell for a parsed value. */
export function formatCell(t: CellType, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  switch (t.type) {
    case 'number':
    case 'integer':
      return typeof value === 'number' ? value : Number(value);
    case 'enum': {
      const o = t.options().find((x) => x.value === value);
      return escapeFormula(o?.label ?? String(value));
    }
    case 'yesno':
      return value ? '是' : '否';
    case 'list':
      return escapeFormula((value as string[]).join('、'));
    case 'coords':
      return escapeFormula((value as Position[]).map(([x, y]) => `${round6(x)},${round6(y)}`).join(';'));
    default:
      return escapeFormula(String(value));
  }
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * A text cell that a spreadsheet could take for a formula (= + - @, tab, CR) gets a leading
 * apostrophe, so opening an export never runs anything (CSV/formula injection). Import strips it.
 */
export function escapeFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}
