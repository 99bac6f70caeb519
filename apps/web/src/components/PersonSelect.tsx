import { useEffect, useMemo, useState } from 'react';
import { Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePeople, usePerson } from '../api/people';

interface Props {
  value?: number | null;
  onChange?: (value: number | null) => void;
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  /** Only people of this unit. */
  unitId?: number;
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

interface Option {
  value: number;
  label: string;
  unit: string;
  position: string | null;
}

/** Searchable person picker backed by GET /people?q=. */
export function PersonSelect({ value, onChange, placeholder, allowClear = true, disabled, unitId, id, style, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const list = usePeople({ q: q || undefined, unitId, pageSize: 30 });
  const current = usePerson(value ?? null);

  const options = useMemo<Option[]>(() => {
    const items = [...(list.data?.items ?? [])];
    if (current.data && !items.some((p) => p.id === current.data.id)) items.unshift(current.data);
    return items.map((p) => ({ value: p.id, label: p.name, unit: p.unit.name, position: p.position }));
  }, [list.data, current.data]);

  return (
    <Select<number | undefined, Option>
      id={id}
      aria-label={rest['aria-label']}
      style={style}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      placeholder={placeholder ?? t('people.selectPlaceholder')}
      allowClear={allowClear}
      disabled={disabled}
      loading={list.isFetching}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      notFoundContent={list.isFetching ? t('common.loading') : t('people.empty')}
      options={options}
      optionRender={(o) => (
        <span className="cc-unit-option">
          <span>{o.data.label}</span>
          <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, maxWidth: '60%' }}>
            {[o.data.unit, o.data.position].filter(Boolean).join(' · ')}
          </Typography.Text>
        </span>
      )}
      onClear={() => setSearch('')}
    />
  );
}
