/**
 * Responsibility assignments: who answers for a place, for a period. One model, five kinds.
 * A period is [validFrom, validTo], both dates inclusive (as users write "2024-01-01 至 2024-12-31");
 * validTo null = open-ended. Changing an assignment closes the old period and opens a new one.
 */
export const ASSIGNMENT_KINDS = ['community_cover', 'segment_cover', 'pairing', 'zone', 'frontage'] as const;
export type AssignmentKind = (typeof ASSIGNMENT_KINDS)[number];

export const TARGET_TYPES = ['region', 'road_segment', 'zone', 'unit'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export interface AssignmentKindRule {
  label: { 'zh-CN': string; en: string };
  /** What the assignment is for. */
  target: TargetType;
  /** For region targets: the level the region must have. */
  targetLevel?: 'community';
  /** Who may be responsible: a unit, a person, or either. */
  responsible: 'unit' | 'person' | 'unit_or_person';
  /** Only one responsible party per target at any date (e.g. a road segment has one 包路 unit). */
  exclusive: boolean;
}

export const ASSIGNMENT_KIND_RULES: Record<AssignmentKind, AssignmentKindRule> = {
  community_cover: {
    label: { 'zh-CN': '包社区（包保领导）', en: 'Community cover (leader)' },
    target: 'region',
    targetLevel: 'community',
    responsible: 'person',
    exclusive: false,
  },
  segment_cover: {
    label: { 'zh-CN': '包路段', en: 'Road segment cover' },
    target: 'road_segment',
    responsible: 'unit_or_person',
    exclusive: true,
  },
  pairing: {
    label: { 'zh-CN': '挂钩单位', en: 'Paired department' },
    target: 'region',
    targetLevel: 'community',
    responsible: 'unit',
    exclusive: false,
  },
  zone: {
    label: { 'zh-CN': '责任区', en: 'Responsibility zone' },
    target: 'zone',
    responsible: 'unit_or_person',
    exclusive: true,
  },
  frontage: {
    label: { 'zh-CN': '门前责任（门前五包）', en: 'Frontage contract' },
    target: 'unit',
    responsible: 'unit',
    exclusive: true,
  },
};

/** The duties a frontage contract lists; each city configures its own (three, four or five). */
export const DEFAULT_FRONTAGE_DUTIES = ['卫生', '秩序', '绿化', '设施', '文明'] as const;

/** 五小行业 and other trades a shop may belong to (seed 003 also counts internet cafés). */
export const MERCHANT_TRADES = ['restaurant', 'hair_salon', 'bathhouse', 'hotel', 'internet_cafe', 'karaoke', 'retail', 'other'] as const;
export type MerchantTrade = (typeof MERCHANT_TRADES)[number];
export const MERCHANT_TRADE_LABELS: Record<MerchantTrade, { 'zh-CN': string; en: string }> = {
  restaurant: { 'zh-CN': '餐饮店', en: 'Restaurant' },
  hair_salon: { 'zh-CN': '美容美发', en: 'Hair and beauty' },
  bathhouse: { 'zh-CN': '洗浴', en: 'Bathhouse' },
  hotel: { 'zh-CN': '小旅馆', en: 'Small hotel' },
  internet_cafe: { 'zh-CN': '网吧', en: 'Internet café' },
  karaoke: { 'zh-CN': '歌舞厅/KTV', en: 'Karaoke' },
  retail: { 'zh-CN': '零售', en: 'Retail' },
  other: { 'zh-CN': '其他', en: 'Other' },
};

/**
 * Which assignment answers first for a case, by category. Rules are data a city edits; the
 * default applies to categories without a rule of their own. `community` = the community unit of
 * the place (always the last resort).
 */
export const ROUTING_STEPS = ['frontage', 'segment_cover', 'zone', 'pairing', 'community'] as const;
export type RoutingStep = (typeof ROUTING_STEPS)[number];
export const DEFAULT_ROUTING: readonly RoutingStep[] = ['frontage', 'segment_cover', 'zone', 'community'];

/** ISO date (YYYY-MM-DD) arithmetic for inclusive periods. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function periodsOverlap(a: { from: string; to: string | null }, b: { from: string; to: string | null }): boolean {
  const aEnd = a.to ?? '9999-12-31';
  const bEnd = b.to ?? '9999-12-31';
  return a.from <= bEnd && b.from <= aEnd;
}
