import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Every write a client saw acknowledged, one JSON line each, appended synchronously as the
 * acknowledgement arrives (the runner is never killed, but a line must not wait in a buffer
 * either: the verifier reads the file, not the driver's memory).
 */
export type JournalEntry =
  | { kind: 'sheet'; clientKey: string; id: number; state: 'draft' | 'submitted'; findings?: { clientKey: string; caseId: number; caseNumber: string }[]; at: number }
  | { kind: 'photo'; clientKey: string; fileId: number; at: number }
  | { kind: 'report'; number: string; at: number };

export class Journal {
  constructor(readonly file: string) {
    writeFileSync(file, '');
  }

  add(e: JournalEntry): void {
    appendFileSync(this.file, `${JSON.stringify(e)}\n`);
  }
}

export function readJournal(file: string): JournalEntry[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEntry);
}
