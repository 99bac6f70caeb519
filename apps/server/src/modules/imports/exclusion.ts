import { addDays } from '@cc/domain';
import type { ImportKindSpec, ImportPlan } from './kind.js';
import type { StoredProblem } from './rows.js';

/**
 * An assignment the pre-check let through but an exclusion constraint refused (someone wrote one
 * meanwhile). PostgreSQL names the clashing row's key, e.g.
 * "… conflicts with existing key (tenant_id, kind, target_id, daterange(…))=(1, frontage, 5, [2026-01-01,))":
 * its kind and target lead to our row, its range to the dates shown.
 */
export function exclusionConflict(err: unknown, spec: ImportKindSpec, plan: ImportPlan): StoredProblem | null {
  const e = err as { code?: string; detail?: string };
  if (e.code !== '23P01' || !e.detail) return null;
  const key = e.detail.slice(e.detail.lastIndexOf(')=(') + 3);
  const m = /^\d+, (\w+), (\d+), (?:\d+, \d+, )?[[(]([\d-]*),([\d-]*)[)\]]/.exec(key);
  const hit = m && plan.rowOfAssignment?.(m[1]!, Number(m[2]));
  if (!m || !hit) return null;
  // PostgreSQL prints a daterange half-open: [from, to + 1 day).
  const to = m[4] ? addDays(m[4], -1) : '—';
  return { row: hit.line, column: spec.columns.find((c) => c.key === hit.key)?.header ?? null, value: null, code: 'IMPORT_OVERLAP_EXISTING', params: { from: m[3] ?? '?', to } };
}
