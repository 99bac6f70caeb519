import { describe, expect, it } from 'vitest';
import { scoreSheet, summarise, type ScoredItem } from './scoring.js';

const items: ScoredItem[] = [
  { key: 'a', code: '1', points: 20, method: 'deduct', floor: 0 },
  { key: 'b', code: '2', points: 10, method: 'deduct', floor: 2, naAllowed: true },
  { key: 'c', code: '3', points: 10, method: 'pass_fail', veto: true },
  { key: 'd', code: '4', points: 10, method: 'rate' },
  { key: 'e', code: '5', points: 10, method: 'scale', naAllowed: true },
];

describe('scoreSheet', () => {
  it('takes deductions off, never below the floor, and gives full marks where nothing was found', () => {
    const r = scoreSheet(items.slice(0, 3), [], [{ itemKey: 'a', points: 3 }, { itemKey: 'a', points: 2 }, { itemKey: 'b', points: 9 }]);
    expect(r.items.map((i) => i.score)).toEqual([15, 2, 10]);
    expect(r).toMatchObject({ score: 27, max: 40, rate: 0.675, vetoed: false });
  });

  it('leaves N/A items out of the maximum, so the rate compares fairly', () => {
    const full = scoreSheet(items, [{ key: 'd', observed: 10, passed: 8 }, { key: 'e', score: 7 }], [{ itemKey: 'a', points: 4 }]);
    expect(full).toMatchObject({ score: 16 + 10 + 10 + 8 + 7, max: 60 });
    const na = scoreSheet(items, [{ key: 'b', na: true }, { key: 'e', na: true }, { key: 'd', observed: 10, passed: 8 }], [{ itemKey: 'a', points: 4 }]);
    expect(na).toMatchObject({ score: 16 + 10 + 8, max: 40, rate: 0.85 });
    expect(na.items.find((i) => i.key === 'b')).toMatchObject({ na: true, score: null });
  });

  it('a failed veto item marks the sheet', () => {
    const r = scoreSheet(items.slice(2, 3), [], [{ itemKey: 'c', points: 0 }]);
    expect(r).toMatchObject({ score: 0, max: 10, vetoed: true });
  });

  it('names every problem: above the maximum, N/A not allowed, bad counts, unscored on submission, deduction larger than the item', () => {
    const r = scoreSheet(items, [{ key: 'e', score: 11 }, { key: 'a', na: true }, { key: 'd', observed: 3, passed: 5 }, { key: 'x' }], [{ itemKey: 'c', points: 50 }], { complete: true });
    expect(r.problems.map((p) => [p.itemCode, p.problem])).toEqual(expect.arrayContaining([
      ['5', 'SCORE_ABOVE_MAX'], ['1', 'NA_NOT_ALLOWED'], ['4', 'RATE_COUNTS_INVALID'], [null, 'ITEM_NOT_ON_SHEET'], ['3', 'DEDUCTION_ABOVE_MAX'],
    ]));
    const unscored = scoreSheet(items, [], [], { complete: true });
    expect(unscored.problems.filter((p) => p.problem === 'ITEM_NOT_SCORED').map((p) => p.itemCode)).toEqual(['4', '5']);
    // A draft may be incomplete.
    expect(scoreSheet(items, [], []).problems).toEqual([]);
  });

  it('refuses deductions on an item marked N/A', () => {
    const r = scoreSheet(items, [{ key: 'b', na: true }], [{ itemKey: 'b', points: 1 }]);
    expect(r.problems.map((p) => p.problem)).toContain('FINDING_ON_NA_ITEM');
  });
});

describe('summarise (十分制 daily scores summed over a month)', () => {
  it('sums per target and keeps the rate comparable when a day was missed', () => {
    const days = [
      ...Array.from({ length: 30 }, () => ({ targetKey: 'zone:1', score: 9, max: 10 })),
      ...Array.from({ length: 28 }, () => ({ targetKey: 'zone:2', score: 9.5, max: 10 })),
    ];
    const out = summarise(days);
    expect(out.find((o) => o.targetKey === 'zone:1')).toMatchObject({ sheets: 30, score: 270, max: 300, rate: 0.9, average: 9 });
    expect(out.find((o) => o.targetKey === 'zone:2')).toMatchObject({ sheets: 28, score: 266, max: 280, rate: 0.95, average: 9.5 });
  });
});
