import { useMemo } from 'react';
import { Select, TreeSelect } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CategoryView } from '@cc/domain';
import { useCaseCategories } from '../../api/cases';
import { useLanguage } from '../../i18n';

/** Categories by 大类, in the order the office keeps them. */
export function groupCategories(items: readonly CategoryView[]): { majorCode: string; majorName: string; items: CategoryView[] }[] {
  const groups = new Map<string, { majorCode: string; majorName: string; items: CategoryView[] }>();
  for (const c of items) {
    const g = groups.get(c.majorCode) ?? { majorCode: c.majorCode, majorName: c.majorName, items: [] };
    g.items.push(c);
    groups.set(c.majorCode, g);
  }
  return [...groups.values()];
}

/** A case's category in the UI language (cases carry the Chinese name; the catalogue has the English one). */
export function useCategoryLabel(): (c: { code: string; name: string }) => string {
  const lang = useLanguage();
  const categories = useCaseCategories(lang === 'en');
  return (c) => (lang === 'en' ? (categories.data?.find((x) => x.code === c.code)?.nameEn ?? c.name) : c.name);
}

/** A category's name in the UI language. */
export const categoryName = (c: Pick<CategoryView, 'name' | 'nameEn'>, lang: string) => (lang === 'en' ? c.nameEn : c.name);

/** Pick one subclass (小类), grouped by major class (大类); search by name or code. */
export function CategorySelect({
  value,
  onChange,
  id,
  placeholder,
  'data-testid': testId,
}: {
  value?: string | null;
  onChange?: (code: string | null) => void;
  id?: string;
  placeholder?: string;
  'data-testid'?: string;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const categories = useCaseCategories();
  const options = useMemo(
    () =>
      groupCategories(categories.data ?? []).map((g) => ({
        label: g.majorName,
        title: g.majorName,
        options: g.items.map((c) => ({ value: c.code, label: categoryName(c, lang), search: `${c.code} ${c.name} ${c.nameEn} ${g.majorName}`.toLowerCase() })),
      })),
    [categories.data, lang],
  );
  return (
    <Select<string>
      id={id}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      options={options}
      placeholder={placeholder ?? t('cases.new.categoryPlaceholder')}
      loading={categories.isLoading}
      showSearch={{ filterOption: (input, o) => !!(o as { search?: string } | undefined)?.search?.includes(input.trim().toLowerCase()) }}
      optionRender={(o) => (
        <span className="cc-unit-option">
          <span>{o.label}</span>
          <span className="cc-muted">{o.value}</span>
        </span>
      )}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}

/**
 * The ledger's category filter: a 大类 (value `m:<majorCode>`) or one 小类 (value `c:<id>`).
 */
export function CategoryFilter({
  majorCode,
  categoryId,
  onChange,
  style,
}: {
  majorCode?: string;
  categoryId?: number;
  onChange: (v: { majorCode?: string; categoryId?: number }) => void;
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const categories = useCaseCategories();
  const treeData = useMemo(
    () =>
      groupCategories(categories.data ?? []).map((g) => ({
        value: `m:${g.majorCode}`,
        title: g.majorName,
        children: g.items.map((c) => ({ value: `c:${c.id}`, title: categoryName(c, lang) })),
      })),
    [categories.data, lang],
  );
  const value = categoryId ? `c:${categoryId}` : majorCode ? `m:${majorCode}` : undefined;
  return (
    <TreeSelect<string | undefined>
      style={style}
      value={value}
      treeData={treeData}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      placeholder={t('cases.filters.category')}
      aria-label={t('cases.filters.category')}
      loading={categories.isLoading}
      data-testid="filter-category"
      onChange={(v) => {
        if (!v) onChange({});
        else if (v.startsWith('m:')) onChange({ majorCode: v.slice(2) });
        else onChange({ categoryId: Number(v.slice(2)) });
      }}
    />
  );
}
