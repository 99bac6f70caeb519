import {
  ASSIGNMENT_KIND_RULES,
  DEFAULT_ROLES,
  MERCHANT_TRADE_LABELS,
  REGION_LEVEL_LABELS,
  UNIT_KIND_LABELS,
  type AssignmentKind,
  type Locale,
  type MerchantTrade,
  type RegionLevel,
  type RoleCode,
  type UnitKind,
} from '@cc/domain';

export const unitKindLabel = (kind: UnitKind, lang: Locale): string => UNIT_KIND_LABELS[kind]?.[lang] ?? kind;

export const regionLevelLabel = (level: RegionLevel, lang: Locale): string => REGION_LEVEL_LABELS[level]?.[lang] ?? level;

interface NamedRole {
  code: string;
  name: { 'zh-CN': string; en: string };
}

/** A role's name in the UI language: the city's own copy when loaded, else the built-in default. */
export function roleName(code: RoleCode | string, lang: Locale, roles?: readonly NamedRole[]): string {
  const r = roles?.find((x) => x.code === code) ?? DEFAULT_ROLES.find((x) => x.code === code);
  return r ? r.name[lang] : code;
}

export const roleNames = (codes: readonly string[], lang: Locale, roles?: readonly NamedRole[]): string =>
  codes.map((c) => roleName(c, lang, roles)).join(lang === 'zh-CN' ? '、' : ', ');

export const assignmentKindLabel = (kind: AssignmentKind, lang: Locale): string => ASSIGNMENT_KIND_RULES[kind]?.label[lang] ?? kind;

export const tradeLabel = (trade: MerchantTrade, lang: Locale): string => MERCHANT_TRADE_LABELS[trade]?.[lang] ?? trade;
