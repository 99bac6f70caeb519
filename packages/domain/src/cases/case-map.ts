import type { CaseMap, CaseMapPoint } from '../schemas/cases.js';

/**
 * The points of a columnar CaseMap (GET /case-map): point i is id[i] at latE6[i] / 1e6,
 * lngE6[i] / 1e6, in states[state[i]], category categories[category[i]], overdue when overdue[i]
 * is 1. Throws when the columns disagree with `count` or an index is outside its dictionary (an
 * answer the server would never send: better an error than points in the wrong place).
 */
export function decodeCaseMap(m: CaseMap): CaseMapPoint[] {
  const n = m.count;
  const columns = { id: m.id, latE6: m.latE6, lngE6: m.lngE6, state: m.state, category: m.category, overdue: m.overdue };
  for (const [name, column] of Object.entries(columns)) {
    if (column.length !== n) throw new Error(`case map: ${name} has ${column.length} elements, count is ${n}`);
  }
  const points = new Array<CaseMapPoint>(n);
  for (let i = 0; i < n; i++) {
    const state = m.states[m.state[i]!];
    const category = m.categories[m.category[i]!];
    if (state === undefined || category === undefined) throw new Error(`case map: point ${i} has state ${m.state[i]} or category ${m.category[i]} outside the dictionary`);
    points[i] = { id: m.id[i]!, lat: m.latE6[i]! / 1e6, lng: m.lngE6[i]! / 1e6, state, category, overdue: m.overdue[i] === 1 };
  }
  return points;
}
