/**
 * Indicator systems (指标体系) as data. A standard has editions; an edition is a tree of
 * sections → items → criteria. Items carry the points and the scoring method; criteria are the
 * concrete checks under an item, each naming the problem category a failure opens as a case.
 * A published edition never changes: a campaign's plans are pinned to it, and a new edition is a
 * copy that is edited and published in its turn.
 */
export const STANDARD_KINDS = ['sanitary', 'civilized', 'local', 'inside_gate', 'zone_daily', 'point_checklist'] as const;
export type StandardKind = (typeof STANDARD_KINDS)[number];
export const STANDARD_KIND_LABELS: Record<StandardKind, { 'zh-CN': string; en: string }> = {
  sanitary: { 'zh-CN': '国家卫生城市标准', en: 'National sanitary city standard' },
  civilized: { 'zh-CN': '全国文明城市测评体系', en: 'National civilized city assessment' },
  local: { 'zh-CN': '本地考评方案', en: 'Local assessment scheme' },
  inside_gate: { 'zh-CN': '门内达标检查表', en: 'Inside-the-gate checklist' },
  zone_daily: { 'zh-CN': '责任区日评比', en: 'Daily zone scoring' },
  point_checklist: { 'zh-CN': '实地考察点位测评', en: 'Assessment point checklist' },
};

export const EDITION_STATES = ['draft', 'published', 'retired'] as const;
export type EditionState = (typeof EDITION_STATES)[number];
export const EDITION_STATE_LABELS: Record<EditionState, { 'zh-CN': string; en: string }> = {
  draft: { 'zh-CN': '草稿', en: 'Draft' },
  published: { 'zh-CN': '已发布', en: 'Published' },
  retired: { 'zh-CN': '已停用', en: 'Retired' },
};

export const STANDARD_NODE_KINDS = ['section', 'item', 'criterion'] as const;
export type StandardNodeKind = (typeof STANDARD_NODE_KINDS)[number];

/**
 * How an item is scored:
 * - `deduct`: start from the item's points, take off each problem's deduction, never below the floor;
 * - `pass_fail`: full points, or the floor once any problem is found;
 * - `rate`: points × passed ÷ observed (e.g. 8 of 10 shops up to standard);
 * - `scale`: the inspector gives a score from 0 to the item's points (e.g. 十分制).
 */
export const SCORING_METHODS = ['deduct', 'pass_fail', 'rate', 'scale'] as const;
export type ScoringMethod = (typeof SCORING_METHODS)[number];
export const SCORING_METHOD_LABELS: Record<ScoringMethod, { 'zh-CN': string; en: string }> = {
  deduct: { 'zh-CN': '扣分制', en: 'Deduction' },
  pass_fail: { 'zh-CN': '达标/不达标', en: 'Pass / fail' },
  rate: { 'zh-CN': '达标率', en: 'Rate' },
  scale: { 'zh-CN': '直接打分', en: 'Scale' },
};

/**
 * What an item applies to: unit kinds (`community`, `department`, `resident_unit`, …), `zone`
 * (a responsibility zone), `point` (any assessment point) or `point:<type code>`. An empty list
 * applies to every target; an item with no list of its own takes its section's.
 */
export const TARGET_KINDS = ['unit', 'zone', 'point'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface StandardNodeData {
  /** Stable within one edition's save; the server assigns ids. */
  key: string;
  parentKey: string | null;
  kind: StandardNodeKind;
  code: string;
  title: string;
  description?: string | null;
  /** Section / item: maximum points. Criterion: the deduction per problem. */
  points: number | null;
  method?: ScoringMethod | null;
  /** Item: the lowest score deductions can reach (usually 0). */
  floor?: number | null;
  naAllowed?: boolean;
  appliesTo?: string[];
  veto?: boolean;
  evidenceRequired?: boolean;
  categoryCode?: string | null;
  /** A figure marked unverified in the source: shipped as editable seed data. */
  unverified?: boolean;
}

export type EditionProblemCode =
  | 'EDITION_POINTS_MISMATCH'
  | 'EDITION_TOTAL_MISMATCH'
  | 'EDITION_CRITERION_NO_CATEGORY'
  | 'EDITION_ITEM_NO_POINTS'
  | 'EDITION_ITEM_NO_METHOD'
  | 'EDITION_BAD_PARENT'
  | 'EDITION_DEDUCTION_TOO_LARGE'
  | 'EDITION_DUPLICATE_CODE'
  | 'EDITION_EMPTY'
  | 'EDITION_UNKNOWN_CATEGORY';

export interface EditionProblem {
  key: string | null;
  code: string | null;
  problem: EditionProblemCode;
  params: Record<string, string | number>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Everything wrong with an edition, for the editor to show and for publishing to refuse:
 * points that do not add up to their section's (or the edition's) maximum, criteria without a
 * problem category, items without points or a scoring method, nodes under the wrong parent.
 */
export function validateEdition(nodes: readonly StandardNodeData[], opts: { maxScore?: number | null; knownCategories?: ReadonlySet<string> } = {}): EditionProblem[] {
  const out: EditionProblem[] = [];
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  if (!nodes.some((n) => n.kind === 'item')) out.push({ key: null, code: null, problem: 'EDITION_EMPTY', params: {} });
  const codes = new Map<string, number>();
  for (const n of nodes) codes.set(n.code, (codes.get(n.code) ?? 0) + 1);
  for (const n of nodes) {
    const at = { key: n.key, code: n.code };
    if ((codes.get(n.code) ?? 0) > 1) out.push({ ...at, problem: 'EDITION_DUPLICATE_CODE', params: { code: n.code } });
    const parent = n.parentKey === null ? null : byKey.get(n.parentKey) ?? null;
    const parentOk =
      n.kind === 'section' ? n.parentKey === null || parent?.kind === 'section'
      : n.kind === 'item' ? n.parentKey === null || parent?.kind === 'section'
      : parent?.kind === 'item';
    if (!parentOk) out.push({ ...at, problem: 'EDITION_BAD_PARENT', params: { code: n.code, kind: n.kind } });
    if (n.kind === 'item') {
      if (!(n.points !== null && n.points > 0)) out.push({ ...at, problem: 'EDITION_ITEM_NO_POINTS', params: { code: n.code } });
      if (!n.method) out.push({ ...at, problem: 'EDITION_ITEM_NO_METHOD', params: { code: n.code } });
    }
    if (n.kind === 'criterion') {
      if (!n.categoryCode) out.push({ ...at, problem: 'EDITION_CRITERION_NO_CATEGORY', params: { code: n.code } });
      if (parent && parent.points !== null && n.points !== null && n.points > parent.points) {
        out.push({ ...at, problem: 'EDITION_DEDUCTION_TOO_LARGE', params: { code: n.code, points: n.points, max: parent.points } });
      }
    }
    if (n.categoryCode && opts.knownCategories && !opts.knownCategories.has(n.categoryCode)) {
      out.push({ ...at, problem: 'EDITION_UNKNOWN_CATEGORY', params: { code: n.code, category: n.categoryCode } });
    }
    if (n.kind === 'section' && n.points !== null) {
      const children = nodes.filter((c) => c.parentKey === n.key && c.kind !== 'criterion');
      if (children.length) {
        const sum = round2(children.reduce((s, c) => s + (c.points ?? 0), 0));
        if (sum !== round2(n.points)) out.push({ ...at, problem: 'EDITION_POINTS_MISMATCH', params: { code: n.code, expected: n.points, actual: sum } });
      }
    }
  }
  if (opts.maxScore != null) {
    const sum = round2(nodes.filter((n) => n.parentKey === null).reduce((s, n) => s + (n.points ?? 0), 0));
    if (sum !== round2(opts.maxScore)) out.push({ key: null, code: null, problem: 'EDITION_TOTAL_MISMATCH', params: { expected: opts.maxScore, actual: sum } });
  }
  return out;
}

/** The target's tokens for `appliesTo`: its kind and, for a point, its type. */
export function targetTokens(target: { kind: TargetKind; unitKind?: string | null; pointType?: string | null }): string[] {
  if (target.kind === 'unit') return target.unitKind ? [target.unitKind] : [];
  if (target.kind === 'zone') return ['zone'];
  return target.pointType ? ['point', `point:${target.pointType}`] : ['point'];
}

/** The items of an edition that apply to a target (an item's own list, else its nearest section's). */
export function applicableItems<T extends { key: string; parentKey: string | null; kind: string; appliesTo?: string[] }>(nodes: readonly T[], tokens: readonly string[]): T[] {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const effective = (n: T): string[] => {
    let cur: T | undefined = n;
    while (cur) {
      if (cur.appliesTo && cur.appliesTo.length) return cur.appliesTo;
      cur = cur.parentKey === null ? undefined : byKey.get(cur.parentKey);
    }
    return [];
  };
  return nodes.filter((n) => {
    if (n.kind !== 'item') return false;
    const list = effective(n);
    return list.length === 0 || list.some((t) => tokens.includes(t));
  });
}

/** A standard shipped with the product and copied into every city, where the office may edit it. */
export interface BuiltinStandard {
  code: string;
  name: string;
  kind: StandardKind;
  description: string;
  /** The edition's label, e.g. '2021'. */
  label: string;
  maxScore: number | null;
  /** Where the figures come from and what is unverified. */
  note: string;
  nodes: StandardNodeData[];
}

/** An assessment point type (实地考察点位类型) shipped with the product. */
export interface BuiltinPointType {
  code: string;
  name: string;
  nameEn: string;
}
