/** The administrative tree: county/district → street/township → community/village → grid. */
export const REGION_LEVELS = ['county', 'street', 'community', 'grid'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

export const REGION_LEVEL_LABELS: Record<RegionLevel, { 'zh-CN': string; en: string }> = {
  county: { 'zh-CN': '区县', en: 'County / district' },
  street: { 'zh-CN': '街道/乡镇', en: 'Street / township' },
  community: { 'zh-CN': '社区/村', en: 'Community / village' },
  grid: { 'zh-CN': '网格', en: 'Grid' },
};

/** A child region must sit exactly one level below its parent. */
export function childLevelOf(level: RegionLevel): RegionLevel | null {
  const i = REGION_LEVELS.indexOf(level);
  return i >= 0 && i < REGION_LEVELS.length - 1 ? REGION_LEVELS[i + 1]! : null;
}

export const UNIT_KINDS = [
  'campaign_office',
  'street_office',
  'community',
  'department',
  'resident_unit',
  'school',
  'hospital',
  'enterprise',
  'merchant',
  'volunteer_team',
  'other',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_KIND_LABELS: Record<UnitKind, { 'zh-CN': string; en: string }> = {
  campaign_office: { 'zh-CN': '创建办', en: 'Campaign office' },
  street_office: { 'zh-CN': '街道办事处/乡镇', en: 'Street office / township' },
  community: { 'zh-CN': '社区居委会/村委会', en: 'Community committee' },
  department: { 'zh-CN': '机关部门', en: 'Government department' },
  resident_unit: { 'zh-CN': '辖区单位', en: 'Resident unit' },
  school: { 'zh-CN': '学校', en: 'School' },
  hospital: { 'zh-CN': '医院', en: 'Hospital' },
  enterprise: { 'zh-CN': '企业', en: 'Enterprise' },
  merchant: { 'zh-CN': '沿街商户', en: 'Street-front shop' },
  volunteer_team: { 'zh-CN': '志愿服务队', en: 'Volunteer team' },
  other: { 'zh-CN': '其他', en: 'Other' },
};

/** Unit codes and region codes: letters, digits, dash and underscore. */
export const CODE_PATTERN = '^[A-Za-z0-9_-]{1,32}$';
