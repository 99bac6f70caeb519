import { formatMessage, IMPORT_MAX_PROBLEMS_LISTED, type ErrorCode, type ImportProblem, type Locale } from '@cc/domain';
import { cellText, normalizeRaw, parseCell, type RawCell } from './cells.js';
import type { ColumnDef, ParsedRow, ProblemSink } from './kind.js';
import type { Sheet } from './xlsx-read.js';

/** A problem as stored (job rows keep codes and parameters, localized when read). */
export interface StoredProblem {
  row: number;
  column: string | null;
  value: string | null;
  code: ErrorCode;
  params: Record<string, string | number>;
}

const clip = (s: string | null) => (s !== null && s.length > 100 ? `${s.slice(0, 100)}…` : s);

export class ProblemList implements ProblemSink {
  private readonly items: (StoredProblem & { col: number })[] = [];
  private readonly order: Map<string, number>;

  constructor(private readonly columns: readonly ColumnDef[]) {
    this.order = new Map(columns.map((c, i) => [c.key, i]));
  }

  add(row: ParsedRow | number, key: string | null, code: ErrorCode, params: Record<string, string | number> = {}, value?: string | null): void {
    const line = typeof row === 'number' ? row : row.line;
    const def = key ? this.columns.find((c) => c.key === key) : undefined;
    const text = value !== undefined ? value : typeof row !== 'number' && key ? row.text[key] ?? null : null;
    this.items.push({ row: line, column: def?.header ?? null, value: clip(text), code, params, col: key ? this.order.get(key) ?? 99 : -1 });
  }

  get count(): number {
    return this.items.length;
  }

  /** By row, then in column order; whole-row problems first. */
  sorted(): StoredProblem[] {
    return [...this.items]
      .sort((a, b) => a.row - b.row || a.col - b.col)
      .map(({ col: _col, ...p }) => p);
  }
}

export function localizeProblems(problems: StoredProblem[], locale: Locale): ImportProblem[] {
  return problems.map((p) => ({
    row: p.row,
    column: p.column,
    value: p.value,
    code: p.code,
    message: formatMessage(p.code, locale, { column: p.column ?? '', value: p.value ?? '', ...p.params }),
  }));
}

export function problemDetails(problems: StoredProblem[], total: number, locale: Locale) {
  return {
    total,
    problemCount: problems.length,
    truncated: problems.length > IMPORT_MAX_PROBLEMS_LISTED,
    problems: localizeProblems(problems.slice(0, IMPORT_MAX_PROBLEMS_LISTED), locale),
  };
}

/** Headers compare without spaces, line breaks and required-markers (*, （必填）). */
const headerKey = (s: string) => s.replace(/[\s\u3000*＊]|[(（]必填[)）]/g, '');

/** Column number of each column key, or problems with row 1 naming the expected headers. */
export function matchHeader(columns: readonly ColumnDef[], header: RawCell[], problems: ProblemList): Map<string, number> | null {
  const expected = columns.map((c) => c.header).join('、');
  const at = new Map<string, number>();
  const byHeader = new Map(columns.map((c) => [headerKey(c.header), c]));
  header.forEach((raw, col) => {
    const text = cellText(normalizeRaw(raw));
    if (text === null) return;
    const def = byHeader.get(headerKey(text));
    if (!def) problems.add(1, null, 'IMPORT_HEADER_UNKNOWN', { column: text, expected }, text);
    else if (at.has(def.key)) problems.add(1, null, 'IMPORT_HEADER_DUPLICATE', { column: def.header }, text);
    else at.set(def.key, col);
  });
  for (const c of columns) if (!at.has(c.key) && !c.optionalHeader) problems.add(1, null, 'IMPORT_HEADER_MISSING', { column: c.header, expected }, null);
  return problems.count ? null : at;
}

function decodeRef(ref: string): { row: number; col: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
  let col = 0;
  for (const ch of m[1]!) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), col: col - 1 };
}

/**
 * Parse every data row by its column's type. Cells hidden under a merge (all but the top-left
 * one) are reported once, as the merge, and not again as empty.
 */
export function parseRows(columns: readonly ColumnDef[], sheet: Sheet, at: Map<string, number>, problems: ProblemList): ParsedRow[] {
  const covered = new Set<string>();
  const keyAt = new Map([...at].map(([k, col]) => [col, k]));
  for (const range of sheet.merges) {
    const [a, b = a] = range.split(':') as [string, string?];
    const tl = decodeRef(a);
    const br = decodeRef(b);
    if (br.row < 2) continue;
    problems.add(Math.max(tl.row, 2), keyAt.get(tl.col) ?? null, 'IMPORT_MERGED_CELLS', { range }, range);
    for (let r = Math.max(tl.row, 2); r <= br.row; r++) {
      for (let c = tl.col; c <= br.col; c++) if (r !== tl.row || c !== tl.col) covered.add(`${r}:${c}`);
    }
  }

  // Only the columns the sheet has (an `optionalHeader` column may be missing).
  const present = columns.filter((c) => at.has(c.key));
  const example = present.map((c) => (c.example === null ? null : String(c.example)));
  const out: ParsedRow[] = [];
  for (const { line, cells } of sheet.rows) {
    const row: ParsedRow = { line, v: {}, text: {}, bad: new Set() };
    const raws = present.map((c) => normalizeRaw(cells[at.get(c.key)!] ?? null));
    if (raws.every((r, i) => cellText(r) === example[i] || (r === null && example[i] === null))) {
      problems.add(line, null, 'IMPORT_EXAMPLE_ROW');
      continue;
    }
    present.forEach((c, i) => {
      const raw = raws[i]!;
      row.text[c.key] = cellText(raw);
      row.v[c.key] = null;
      if (covered.has(`${line}:${at.get(c.key)}`)) {
        row.bad.add(c.key);
        return;
      }
      const parsed = parseCell(c.cell, raw);
      if (!parsed.ok) {
        row.bad.add(c.key);
        problems.add(row, c.key, parsed.problem.code, parsed.problem.params ?? {});
      } else if (parsed.value === null && c.required && !c.ownRequiredCheck) {
        row.bad.add(c.key);
        problems.add(row, c.key, 'IMPORT_REQUIRED');
      } else {
        row.v[c.key] = parsed.value;
      }
    });
    out.push(row);
  }
  return out;
}
