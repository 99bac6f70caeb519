import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../platform/database.js';
import { BATCH } from './kind.js';

/**
 * Batched writes: one INSERT … SELECT FROM unnest(…) or UPDATE … FROM unnest(…) per 5,000 rows,
 * each column sent as one array parameter, so a file of 100,000 rows is some sixty statements
 * rather than 100,000 (and no statement meets PostgreSQL's 65,535-parameter limit).
 */
export interface BulkColumn {
  name: string;
  /** PostgreSQL type of the array's elements. */
  type: 'bigint' | 'text' | 'double precision' | 'date' | 'boolean' | 'integer';
  /** Expression over `v.<name>` to store, when the value travels as text (jsonb, text[]). */
  as?: string;
}

type Row = unknown[];
type Tables = 'region' | 'unit' | 'person' | 'road_segment' | 'responsibility_assignment' | 'frontage_contract';

function unnest(cols: BulkColumn[], rows: Row[]): RawBuilder<unknown> {
  const arrays = cols.map((c, i) => sql`${rows.map((r) => r[i] ?? null)}::${sql.raw(c.type)}[]`);
  return sql`unnest(${sql.join(arrays)}) as v(${sql.raw(cols.map((c) => c.name).join(', '))})`;
}

const valueOf = (c: BulkColumn) => sql.raw(c.as ?? `v.${c.name}`);

/**
 * Ids for rows about to be inserted, taken from the table's identity sequence, so rows of one
 * file can point at each other (a grid at its community a few rows up) before any is written.
 */
export async function allocateIds(ex: Executor, table: Tables, n: number): Promise<number[]> {
  if (n === 0) return [];
  const r = await sql<{ id: number }>`select nextval(pg_get_serial_sequence(${table}, 'id')) as id from generate_series(1, ${n})`.execute(ex);
  return r.rows.map((x) => x.id);
}

/** Insert rows; with `withIds` the first column is `id`, from allocateIds. */
export async function bulkInsert(
  ex: Executor, table: Tables, tenantId: number, cols: BulkColumn[], rows: Row[],
  opts: { withIds?: boolean; progress?: (n: number) => Promise<void> } = {},
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    await sql`
      insert into ${sql.table(table)} (tenant_id, ${sql.raw(cols.map((c) => c.name).join(', '))})
      ${opts.withIds ? sql`overriding system value` : sql``}
      select ${tenantId}::bigint, ${sql.join(cols.map(valueOf))} from ${unnest(cols, chunk)}`.execute(ex);
    // Foreign-key checks into this table (a contract's shop, a grid's community) run a cached
    // plan that the planner made when the table was small: a sequential scan, which over rows
    // added in bulk makes the load quadratic (20,000 shops: 47 s instead of 3). ANALYZE inside
    // our transaction counts our own new rows and invalidates those plans; once after the first
    // batch and once at the end is enough.
    if ((i === 0 && rows.length > BATCH) || (i + BATCH >= rows.length && rows.length >= 1000)) {
      await sql`analyze ${sql.table(table)}`.execute(ex);
    }
    await opts.progress?.(chunk.length);
  }
}

/**
 * Update rows by id (the first column): `set` lists the columns to write; the version moves
 * on and updated_at is now, as for an edit in the UI.
 */
export async function bulkUpdate(
  ex: Executor, table: Tables, tenantId: number, cols: BulkColumn[], rows: Row[],
  opts: { versioned?: boolean; progress?: (n: number) => Promise<void> } = {},
): Promise<void> {
  const versioned = opts.versioned ?? true;
  const sets = cols.slice(1).map((c) => sql`${sql.ref(c.name)} = ${valueOf(c)}`);
  if (versioned) sets.push(sql`updated_at = now()`, sql`version = t.version + 1`);
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    await sql`
      update ${sql.table(table)} as t set ${sql.join(sets)}
        from ${unnest(cols, chunk)}
       where t.tenant_id = ${tenantId} and t.id = v.${sql.raw(cols[0]!.name)}`.execute(ex);
    await opts.progress?.(chunk.length);
  }
}

/** A PostgreSQL array literal for a text[] value that travels as text through unnest. */
export function textArrayLiteral(items: string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Same value, ignoring null/undefined differences and float noise in coordinates. */
export function same(a: unknown, b: unknown): boolean {
  if ((a ?? null) === null || (b ?? null) === null) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  return a === b;
}
