import { describe, expect, it } from 'vitest';
import { applicableItems, targetTokens, validateEdition, type StandardNodeData } from './standards.js';

const n = (key: string, parentKey: string | null, kind: StandardNodeData['kind'], points: number | null, extra: Partial<StandardNodeData> = {}): StandardNodeData =>
  ({ key, parentKey, kind, code: key, title: key, points, ...extra });

describe('validateEdition', () => {
  const ok = [
    n('1', null, 'section', 30, { appliesTo: ['community'] }),
    n('1.1', '1', 'item', 20, { method: 'deduct' }),
    n('1.1.1', '1.1', 'criterion', 2, { categoryCode: '0101' }),
    n('1.2', '1', 'item', 10, { method: 'pass_fail' }),
    n('2', null, 'section', 70, { appliesTo: ['zone'] }),
    n('2.1', '2', 'item', 70, { method: 'scale' }),
  ];
  it('accepts a consistent tree', () => {
    expect(validateEdition(ok, { maxScore: 100, knownCategories: new Set(['0101']) })).toEqual([]);
  });
  it('names points that do not add up, criteria without a category, wrong parents and unknown categories', () => {
    const bad = ok.map((x) => ({ ...x }));
    bad[1]!.points = 25;
    bad[2]!.categoryCode = null;
    bad.push(n('3', '1.1.1', 'item', 5, { method: 'deduct' }), n('1.2.1', '1.2', 'criterion', 1, { categoryCode: '9999' }));
    const problems = validateEdition(bad, { maxScore: 100, knownCategories: new Set(['0101']) }).map((p) => [p.code, p.problem]);
    expect(problems).toEqual(expect.arrayContaining([
      ['1', 'EDITION_POINTS_MISMATCH'], ['1.1.1', 'EDITION_CRITERION_NO_CATEGORY'], ['3', 'EDITION_BAD_PARENT'], ['1.2.1', 'EDITION_UNKNOWN_CATEGORY'],
    ]));
    expect(validateEdition(ok, { maxScore: 90 }).map((p) => p.problem)).toEqual(['EDITION_TOTAL_MISMATCH']);
  });
  it('an empty edition cannot be published', () => {
    expect(validateEdition([]).map((p) => p.problem)).toEqual(['EDITION_EMPTY']);
  });
  it('items apply to the target kinds of their own list or their section’s', () => {
    const tree = [...ok, n('2.2', '2', 'item', 0, { method: 'deduct', appliesTo: ['point:park_square'] })];
    expect(applicableItems(tree, targetTokens({ kind: 'unit', unitKind: 'community' })).map((i) => i.key)).toEqual(['1.1', '1.2']);
    expect(applicableItems(tree, targetTokens({ kind: 'zone' })).map((i) => i.key)).toEqual(['2.1']);
    expect(applicableItems(tree, targetTokens({ kind: 'point', pointType: 'park_square' })).map((i) => i.key)).toEqual(['2.2']);
  });
});
