import { useEffect, useMemo, useState } from 'react';
import { Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { UnitKind } from '@cc/domain';
import { useUnit, useUnits } from '../api/org';
import { useLanguage } from '../i18n';
import { unitKindLabel } from '../lib/labels';

interface Props {
  value?: number | null;
  onChange?: (value: number | null) => void;
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  /** Units that must not be offered (e.g. the unit being edited). */
  exclude?: number;
  /** Only units of this kind (e.g. merchant for shops). */
  kind?: UnitKind;
  id?: string;
  style?: React.CSSProperties;
  'aria-label'?: string;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

/** Searchable unit picker backed by GET /units?q=. */
export function UnitSelect({ value, onChange, placeholder, allowClear = true, disabled, exclude, kind, id, style, ...rest }: Props) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const list = useUnits({ q: q || undefined, kind, pageSize: 30 });
  const current = useUnit(value ?? null);

  const options = useMemo(() => {
    const items = [...(list.data?.items ?? [])];
    if (current.data && !items.some((u) => u.id === current.data.id)) items.unshift(current.data);
    return items
      .filter((u) => u.id !== exclude)
      .map((u) => ({
        value: u.id,
        label: u.name,
        kind: u.kind,
        code: u.code,
      }));
  }, [list.data, current.data, exclude]);

  return (
    <Select<number | undefined, { value: number; label: string; kind: UnitKind; code: string }>
      id={id}
      aria-label={rest['aria-label']}
      style={style}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      placeholder={placeholder ?? t('units.selectPlaceholder')}
      allowClear={allowClear}
      disabled={disabled}
      loading={list.isFetching}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      notFoundContent={list.isFetching ? t('common.loading') : t('units.empty')}
      options={options}
      optionRender={(o) => (
        <span className="cc-unit-option">
          <span>{o.data.label}</span>
          <Tag variant="filled">{unitKindLabel(o.data.kind, lang)}</Tag>
        </span>
      )}
      onClear={() => setSearch('')}
    />
  );
}
