import { sql } from 'kysely';
import { createBatcher } from '../../platform/batch.js';
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
 * The next numbers of sequences where gaps are allowed (case numbers), taken outside any
 * transaction; intakes asking while two such statements are under way share the next one, which
 * takes as many numbers as they need at once (platform/batch.ts). Its commit does not wait for the
 * disk (synchronous_commit off for this statement only), so the row lock is held for microseconds
 * instead of a WAL flush and concurrent intakes do not queue on it. Safe: the write that uses a
 * number commits synchronously later, and its flush covers this earlier WAL record; a crash before
 * that loses only numbers nobody used, and a number lost that way is taken again by a later intake,
 * which the unique key on the numbered row allows because nothing holds it. Rows are locked in key
 * order, so two instances' batches cannot deadlock.
 */
export function createGapsAllowedSequence(db: DB) {
  const take = createBatcher(async (wants: readonly SequenceKey[]) => {
    const counts = new Map<string, SequenceKey & { n: number }>();
    for (const w of wants) {
      const k = keyOf(w);
      const c = counts.get(k);
      if (c) c.n++;
      else counts.set(k, { ...w, n: 1 });
    }
    const asked = [...counts.values()].sort((a, b) => a.tenantId - b.tenantId || cmp(a.kind, b.kind) || cmp(a.period, b.period));
    const { rows } = await sql<{ tenant_id: number; kind: string; period: string; last: number }>`
      ${prepared('next_seqs')} with s as (
        insert into doc_sequence as q (tenant_id, kind, period, last)
        select w.t, w.k, w.p, w.n from unnest(${asked.map((a) => a.tenantId)}::bigint[], ${asked.map((a) => a.kind)}::text[], ${asked.map((a) => a.period)}::text[], ${asked.map((a) => a.n)}::int[]) with ordinality as w(t, k, p, n, ord)
         order by ord
        on conflict (tenant_id, kind, period) do update set last = q.last + excluded.last
        returning q.tenant_id, q.kind, q.period, q.last),
      c as (select set_config('synchronous_commit', 'off', true) as off)
      select s.tenant_id, s.kind, s.period, s.last from s, c`.execute(db);
    // Each key's numbers are last - n + 1 … last, handed out in the order they were asked for.
    const nextOf = new Map<string, number>();
    for (const r of rows) {
      const k = keyOf({ tenantId: Number(r.tenant_id), kind: r.kind, period: r.period });
      nextOf.set(k, Number(r.last) - counts.get(k)!.n + 1);
    }
    return wants.map((w) => {
      const k = keyOf(w);
      const n = nextOf.get(k)!;
      nextOf.set(k, n + 1);
      return n;
    });
  });
  return (tenantId: number, kind: string, period: string): Promise<number> => take({ tenantId, kind, period });
}

interface SequenceKey { tenantId: number; kind: string; period: string }
const keyOf = (k: SequenceKey) => `${k.tenantId}\u0000${k.kind}\u0000${k.period}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
 * function `cc_number_documents_list` (migrations 0012 and 0014), which takes a transaction-level
 * advisory lock before it reads the rows — every instance numbers under that lock, so batches
 * never overlap. Returns how many were numbered; `into` receives each document's number text.
 */
export async function numberDocuments(db: DB, into?: Map<number, string>): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await sql<{ doc_id: number; doc_number: string }>`${prepared('number_documents_list')} select doc_id, doc_number from cc_number_documents_list(${NUMBERING_BATCH})`.execute(db);
    if (into) for (const r of rows) into.set(Number(r.doc_id), r.doc_number);
    total += rows.length;
    if (rows.length < NUMBERING_BATCH) return total;
  }
}

/**
 * The numbering step of one app instance: `settle()` resolves once every document committed
 * before the call has its number, with the numbers this instance gave meanwhile (a document
 * another instance numbered is not among them). Calls that arrive while a batch runs share the
 * next batch, so a hundred intakes committing at once cost two numbering transactions, not a
 * hundred. The last few batches' numbers are kept too: a batch that started after an intake
 * committed, and ended before that intake asked, has numbered its document already (under load,
 * one intake in twenty-five read its number back before they were kept).
 */
export function createDocumentNumberer(db: DB) {
  let running: Promise<ReadonlyMap<number, string>> | null = null;
  let next: Promise<ReadonlyMap<number, string>> | null = null;
  const recent: ReadonlyMap<number, string>[] = [];
  const runOnce = async () => {
    const numbers = new Map<number, string>();
    await numberDocuments(db, numbers);
    if (numbers.size) {
      recent.unshift(numbers);
      recent.length = Math.min(recent.length, KEPT_BATCHES);
    }
    return numbers;
  };
  const inRecent = (id: number) => {
    for (const m of recent) {
      const n = m.get(id);
      if (n !== undefined) return n;
    }
    return undefined;
  };
  return {
    settle(): Promise<Pick<ReadonlyMap<number, string>, 'get'>> {
      if (!running) {
        running = runOnce().finally(() => { running = null; });
        return running.then((m) => ({ get: (id: number) => m.get(id) ?? inRecent(id) }));
      }
      // A batch is under way and may have read its rows before our commit: wait for the next one.
      // Ours may also be in the one under way, so the answer holds the numbers of both.
      const current = running.catch(() => new Map<number, string>());
      next ??= current.then(() => {
        next = null;
        running = runOnce().finally(() => { running = null; });
        return running;
      });
      return Promise.all([current, next]).then(([a, b]) => ({ get: (id: number) => a.get(id) ?? b.get(id) ?? inRecent(id) }));
    },
  };
}

/** How many of the last numbering batches `settle()` answers from besides its own. */
const KEPT_BATCHES = 8;

export type DocumentNumberer = ReturnType<typeof createDocumentNumberer>;
