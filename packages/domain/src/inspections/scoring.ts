import type { ScoringMethod } from './standards.js';

/**
 * Scoring one sheet. The score rate is the score divided by the applicable maximum — the sum of
 * the points of the items that apply and were not marked not applicable (N/A) — so sheets with
 * N/A items, or standards with different maxima (100 in April, 94 otherwise), compare fairly.
 */
export interface ScoredItem {
  key: string;
  code: string;
  points: number;
  method: ScoringMethod;
  floor?: number | null;
  naAllowed?: boolean;
  veto?: boolean;
}

export interface ItemEntry {
  key: string;
  na?: boolean;
  /** `scale` items: the score given. */
  score?: number | null;
  /** `rate` items: how many were observed and how many passed. */
  observed?: number | null;
  passed?: number | null;
}

export interface FindingEntry {
  itemKey: string;
  /** Points taken off (deduct); ignored by other methods. */
  points: number;
}

export type SheetProblemCode =
  | 'SCORE_ABOVE_MAX'
  | 'SCORE_NEGATIVE'
  | 'NA_NOT_ALLOWED'
  | 'ITEM_NOT_ON_SHEET'
  | 'RATE_COUNTS_INVALID'
  | 'ITEM_NOT_SCORED'
  | 'DEDUCTION_ABOVE_MAX'
  | 'FINDING_ON_NA_ITEM';

export interface SheetProblem {
  itemKey: string;
  itemCode: string | null;
  problem: SheetProblemCode;
  params: Record<string, string | number>;
}

export interface ItemResult {
  key: string;
  code: string;
  max: number;
  score: number | null;
  na: boolean;
  deducted: number;
  findings: number;
  failed: boolean;
}

export interface SheetResult {
  items: ItemResult[];
  score: number;
  /** Sum of the points of the applicable, scored items. */
  max: number;
  /** score ÷ max, or null when nothing applied. */
  rate: number | null;
  /** A veto (一票否决) item failed. */
  vetoed: boolean;
  problems: SheetProblem[];
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Score a sheet. `complete` asks that every item be scored (on submission): `scale` and `rate`
 * items need their figures; `deduct` and `pass_fail` items are full marks unless a problem was found.
 */
export function scoreSheet(items: readonly ScoredItem[], entries: readonly ItemEntry[], findings: readonly FindingEntry[], opts: { complete?: boolean } = {}): SheetResult {
  const problems: SheetProblem[] = [];
  const byKey = new Map(items.map((i) => [i.key, i]));
  for (const e of entries) if (!byKey.has(e.key)) problems.push({ itemKey: e.key, itemCode: null, problem: 'ITEM_NOT_ON_SHEET', params: {} });
  for (const f of findings) if (!byKey.has(f.itemKey)) problems.push({ itemKey: f.itemKey, itemCode: null, problem: 'ITEM_NOT_ON_SHEET', params: {} });
  const results: ItemResult[] = [];
  let vetoed = false;
  for (const item of items) {
    const e = entries.find((x) => x.key === item.key);
    const mine = findings.filter((f) => f.itemKey === item.key);
    const at = { itemKey: item.key, itemCode: item.code };
    const floor = item.floor ?? 0;
    const deducted = r2(mine.reduce((s, f) => s + Math.max(0, f.points), 0));
    if (e?.na) {
      if (!item.naAllowed) problems.push({ ...at, problem: 'NA_NOT_ALLOWED', params: { code: item.code } });
      else {
        if (mine.length) problems.push({ ...at, problem: 'FINDING_ON_NA_ITEM', params: { code: item.code } });
        results.push({ key: item.key, code: item.code, max: item.points, score: null, na: true, deducted: 0, findings: mine.length, failed: false });
        continue;
      }
    }
    for (const f of mine) if (f.points > item.points) problems.push({ ...at, problem: 'DEDUCTION_ABOVE_MAX', params: { code: item.code, points: f.points, max: item.points } });
    let score: number | null = null;
    switch (item.method) {
      case 'deduct':
        score = Math.max(floor, r2(item.points - deducted));
        break;
      case 'pass_fail':
        score = mine.length ? floor : item.points;
        break;
      case 'rate': {
        const o = e?.observed ?? null;
        const p = e?.passed ?? null;
        if (o === null || p === null) {
          if (opts.complete) problems.push({ ...at, problem: 'ITEM_NOT_SCORED', params: { code: item.code } });
        } else if (!(Number.isInteger(o) && Number.isInteger(p) && o > 0 && p >= 0 && p <= o)) {
          problems.push({ ...at, problem: 'RATE_COUNTS_INVALID', params: { code: item.code, observed: o, passed: p } });
        } else score = r2((item.points * p) / o);
        break;
      }
      case 'scale': {
        const s = e?.score ?? null;
        if (s === null) {
          if (opts.complete) problems.push({ ...at, problem: 'ITEM_NOT_SCORED', params: { code: item.code } });
        } else if (s > item.points) problems.push({ ...at, problem: 'SCORE_ABOVE_MAX', params: { code: item.code, score: s, max: item.points } });
        else if (s < 0) problems.push({ ...at, problem: 'SCORE_NEGATIVE', params: { code: item.code, score: s } });
        else score = s;
        break;
      }
    }
    const failed = score !== null && (mine.length > 0 || score < item.points);
    if (item.veto && (mine.length > 0 || (score !== null && score < item.points))) vetoed = true;
    results.push({ key: item.key, code: item.code, max: item.points, score, na: false, deducted, findings: mine.length, failed });
  }
  const counted = results.filter((r) => !r.na && r.score !== null);
  const score = r2(counted.reduce((s, r) => s + (r.score ?? 0), 0));
  const max = r2(counted.reduce((s, r) => s + r.max, 0));
  return { items: results, score, max, rate: max > 0 ? Math.round((score / max) * 10000) / 10000 : null, vetoed, problems };
}

/** Sum of daily scores per target over a period (十分制日评比 summed monthly), with the mean rate. */
export function summarise<T extends { targetKey: string; score: number; max: number }>(sheets: readonly T[]): { targetKey: string; sheets: number; score: number; max: number; rate: number | null; average: number }[] {
  const by = new Map<string, { sheets: number; score: number; max: number }>();
  for (const s of sheets) {
    const a = by.get(s.targetKey) ?? { sheets: 0, score: 0, max: 0 };
    a.sheets += 1;
    a.score = r2(a.score + s.score);
    a.max = r2(a.max + s.max);
    by.set(s.targetKey, a);
  }
  return [...by.entries()].map(([targetKey, a]) => ({
    targetKey, ...a, rate: a.max > 0 ? Math.round((a.score / a.max) * 10000) / 10000 : null, average: r2(a.score / a.sheets),
  }));
}
