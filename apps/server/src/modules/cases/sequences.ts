import { sql } from 'kysely';
import type { Executor } from '../../platform/database.js';

/**
 * The next number of a sequence (case numbers per day, document numbers per year). The row is
 * locked until the transaction ends, so two writers never get the same number; a rolled-back
 * transaction gives its number back, and the unique constraints on the numbered rows make a
 * repeat impossible.
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
