import type { ErrorCode, ImportKind, MapSettings, Permission } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import type { Executor, Tx } from '../../platform/database.js';
import type { CellType, CellValue } from './cells.js';

/**
 * One column of a kind's sheet, as data: the template, the import and the export all read the
 * same table, so a header can never differ between them.
 */
export interface ColumnDef {
  key: string;
  /** The Chinese header in row 1. */
  header: string;
  cell: CellType;
  required?: boolean;
  /** Required, but the kind reports an empty cell itself with a better reason (a shop's coordinates). */
  ownRequiredCheck?: boolean;
  /**
   * A column added after files of this kind were in use: a sheet without its header still
   * imports, and the field is left as it is (the row's value stays undefined; see `given`).
   */
  optionalHeader?: boolean;
  /** What to write, for the 填写说明 sheet. */
  note: string;
  /** The template's example row. */
  example: string | number | null;
  width?: number;
}

/** A data row after each cell went through its column's parser. */
export interface ParsedRow {
  line: number;
  /**
   * Parsed values by column key; null for an empty cell or one that failed to parse; absent for
   * an `optionalHeader` column the sheet does not have.
   */
  v: Record<string, CellValue | null>;
  /** Cell text by column key, for messages. */
  text: Record<string, string | null>;
  /** Columns whose cell failed to parse or lies under a merge: no further problems about them. */
  bad: Set<string>;
}

export interface ProblemSink {
  /** A problem in one cell (`key` = column key) or the whole row (`key` = null). */
  add(row: ParsedRow | number, key: string | null, code: ErrorCode, params?: Record<string, string | number>, value?: string | null): void;
  readonly count: number;
}

export interface ValidateContext {
  tx: Tx;
  actor: Actor;
  settings: MapSettings;
  problems: ProblemSink;
  /** Report rows checked so far. */
  progress: (n: number) => Promise<void>;
  today: string;
}

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Geometry or locations changed: the routing index must be rebuilt. */
  geoChanged: boolean;
}

/** What validation decided; applying it writes in batches and reports rows written. */
export interface ImportPlan {
  apply(tx: Tx, progress: (n: number) => Promise<void>): Promise<WriteCounts>;
  /**
   * The row that inserts an assignment of this kind on this target, to turn an exclusion
   * violation (ra_exclusive_ex, ra_same_party_ex) the pre-check missed into a row problem.
   */
  rowOfAssignment?(kind: string, targetId: number): { line: number; key: string } | null;
}

export interface ImportKindSpec {
  kind: ImportKind;
  /** Name of the data sheet in templates and exports. */
  sheetName: string;
  columns: readonly ColumnDef[];
  read: Permission;
  write: Permission;
  /** Further permissions the import needs besides the route's (a shop is also a unit). */
  alsoNeeds?: readonly Permission[];
  /** Only city-wide users may import this kind (regions, road segments). */
  cityWide: boolean;
  /** Rules printed at the top of 填写说明: what a row with an existing code does, order, etc. */
  rules: readonly string[];
  /** Check every row against the database and the caller's scope; problems go to ctx.problems. */
  validate(ctx: ValidateContext, rows: ParsedRow[]): Promise<ImportPlan>;
  /** The caller's records in pages, as values by column key (the shape validate reads). */
  exportPages(ex: Executor, actor: Actor): AsyncGenerator<Record<string, unknown>[]>;
}

/** Rows written per statement. */
export const BATCH = 5000;

export const str = (row: ParsedRow, key: string) => (row.v[key] ?? null) as string | null;
export const num = (row: ParsedRow, key: string) => (row.v[key] ?? null) as number | null;
/** Whether the sheet has the column at all (an `optionalHeader` column may be missing). */
export const given = (row: ParsedRow, key: string) => key in row.v;

/** Index of the rows of a file by their code, to refer to earlier rows and find repeats. */
export class FileIndex<T> {
  private readonly byCode = new Map<string, { line: number; value: T }>();
  private readonly lineOf = new Map<string, number>();

  /** Every code in the file with its first row, so a reference to a later row can say where. */
  constructor(rows: ParsedRow[], key: string) {
    for (const r of rows) {
      const code = str(r, key);
      if (code !== null && !this.lineOf.has(code)) this.lineOf.set(code, r.line);
    }
  }

  /** The earlier row with this code, if any (for repeats). */
  seen(code: string): number | null {
    return this.byCode.get(code)?.line ?? null;
  }

  set(code: string, line: number, value: T): void {
    this.byCode.set(code, { line, value });
  }

  get(code: string): T | undefined {
    return this.byCode.get(code)?.value;
  }

  /** The row a code first appears on, when it is not yet indexed (a forward reference). */
  lineLater(code: string): number | null {
    return this.byCode.has(code) ? null : this.lineOf.get(code) ?? null;
  }
}
