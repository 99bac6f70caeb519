import { sql } from 'kysely';
import type { Executor } from '../../platform/database.js';

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

/** A document number in the office's format: {year} and {seq} replaced (e.g. 创城交〔2026〕12号). */
export function formatDocNumber(format: string, year: number, seq: number): string {
  return format.replaceAll('{year}', String(year)).replaceAll('{seq}', String(seq));
}

export interface NumberedDocument {
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
 * Takes the year's next gapless document number and inserts the numbered `case_document` row in
 * one statement. Call it as late as possible in the transaction: the year's sequence row stays
 * locked until commit, and every other writer of that kind waits for it.
 */
export async function insertNumberedDocument(tx: Executor, d: NumberedDocument): Promise<string> {
  // {year} is replaced here, {seq} in SQL: the same text as formatDocNumber.
  const format = d.format.replaceAll('{year}', String(d.year));
  const { rows } = await sql<{ number_text: string }>`
    with s as (
      insert into doc_sequence (tenant_id, kind, period, last) values (${d.tenantId}, ${d.kind}, ${String(d.year)}, 1)
      on conflict (tenant_id, kind, period) do update set last = doc_sequence.last + 1
      returning last)
    insert into case_document (tenant_id, case_id, event_id, kind, year, seq, number_text, unit_id, deadline_at, created_at)
    select ${d.tenantId}, ${d.caseId}, ${d.eventId}, ${d.kind}, ${d.year}, s.last, replace(${format}, '{seq}', s.last::text), ${d.unitId}, ${d.deadlineAt}, ${d.createdAt}
      from s
    returning number_text`.execute(tx);
  return rows[0]!.number_text;
}
