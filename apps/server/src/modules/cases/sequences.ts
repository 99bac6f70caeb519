import { sql } from 'kysely';
import { prepared, type DB, type Executor } from '../../platform/database.js';

/**
 * The next number of a sequence (case numbers per day, document numbers per year). The row is
 * locked until the transaction ends, so two writers never get the same number; a rolled-back
 * transaction gives its number back, and the unique constraints on the numbered rows make a
 * repeat impossible. Called outside a transaction (autocommit) the lock lasts one statement, and
 * a number taken for work that later fails is lost (a gap).
 */
export async function nextSeq(tx: Executor, tenantId: number, kind: string, period: string): Promise<number> {
  const { rows } = await sql<{ last: number }>`
    insert into doc_sequence (tenant_id, kind, period, last) values (${tenantId}, ${kind}, ${period}, 1)
    on conflict (tenant_id, kind, period) do update set last = doc_sequence.last + 1
    returning last`.execute(tx);
  return Number(rows[0]!.last);
}

/**
 * The next number of a sequence where gaps are allowed (case numbers), taken outside any
 * transaction. Its commit does not wait for the disk (synchronous_commit off for this statement
 * only), so the row lock is held for microseconds instead of a WAL flush and concurrent intakes do
 * not queue on it. Safe: the write that uses the number commits synchronously later, and its flush
 * covers this earlier WAL record; a crash before that loses only a number nobody used, and a
 * number lost that way is taken again by the next intake, which the unique key on the numbered
 * row allows because nothing holds it.
 */
export async function nextSeqGapsAllowed(db: DB, tenantId: number, kind: string, period: string): Promise<number> {
  const { rows } = await sql<{ last: number }>`
    ${prepared('next_seq')} with s as (
      insert into doc_sequence (tenant_id, kind, period, last) values (${tenantId}, ${kind}, ${period}, 1)
      on conflict (tenant_id, kind, period) do update set last = doc_sequence.last + 1
      returning last),
    c as (select set_config('synchronous_commit', 'off', true) as off)
    select s.last from s, c`.execute(db);
  return Number(rows[0]!.last);
}

/**
 * A document's number format with its year filled in (创城交〔{year}〕{seq}号 → 创城交〔2026〕{seq}号);
 * {seq} is replaced when the numbering step gives the number.
 */
export function documentFormat(format: string, year: number): string {
  return format.replaceAll('{year}', String(year));
}

export interface NewDocument {
  tenantId: number;
  caseId: number;
  eventId: number;
  kind: 'assignment_slip' | 'urging_letter';
  year: number;
  format: string;
  unitId: number | null;
  deadlineAt: Date | null;
  createdAt: Date;
}

/**
 * Writes a 交办单/督办函 row without its number, in the creating transaction (so a rolled-back
 * transaction uses no number). `numberDocuments` gives it the year's next gapless number once the
 * transaction has committed; nothing in the creating transaction waits for the year's sequence.
 */
export async function insertUnnumberedDocument(tx: Executor, d: NewDocument): Promise<void> {
  await tx.insertInto('case_document').values({
    tenant_id: d.tenantId, case_id: d.caseId, event_id: d.eventId, kind: d.kind, year: d.year, seq: null, number_text: null,
    number_format: documentFormat(d.format, d.year), unit_id: d.unitId, deadline_at: d.deadlineAt, created_at: d.createdAt,
  }).execute();
}

const NUMBERING_BATCH = 5_000;

/**
 * Numbers the committed documents that have no number yet, per city, kind and year in id order,
 * continuing each year's gapless series in `doc_sequence`: one round trip per batch, the SQL
 * function `cc_number_documents` (migration 0012), which takes a transaction-level advisory lock
 * before it reads the rows — every instance numbers under that lock, so batches never overlap.
 * Returns how many were numbered.
 */
export async function numberDocuments(db: DB): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await sql<{ n: number }>`${prepared('number_documents')} select cc_number_documents(${NUMBERING_BATCH}) as n`.execute(db);
    const n = Number(rows[0]!.n);
    total += n;
    if (n < NUMBERING_BATCH) return total;
  }
}

/**
 * The numbering step of one app instance: `settle()` resolves once every document committed
 * before the call has its number. Calls that arrive while a batch runs share the next batch, so
 * a hundred intakes committing at once cost two numbering transactions, not a hundred.
 */
export function createDocumentNumberer(db: DB) {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const runOnce = () => numberDocuments(db).then(() => undefined);
  return {
    settle(): Promise<void> {
      if (!running) {
        running = runOnce().finally(() => { running = null; });
        return running;
      }
      // A batch is under way and may have read its rows before our commit: wait for the next one.
      next ??= running.catch(() => undefined).then(() => {
        next = null;
        running = runOnce().finally(() => { running = null; });
        return running;
      });
      return next;
    },
  };
}

export type DocumentNumberer = ReturnType<typeof createDocumentNumberer>;
