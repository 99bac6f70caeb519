import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCases } from '../../api/cases';
import { useLanguage } from '../../i18n';
import { stateLabel } from '../../lib/cases';

const FINISHED = ['merged', 'cancelled', 'rejected'];

/** 合并到: type the other case's number (or words of its description); GET /cases?q= finds it. */
export function CaseLookup({ value, onChange, exclude, id }: { value?: number | null; onChange?: (id: number | null) => void; exclude: number; id?: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const h = setTimeout(() => setQ(search.trim()), 300);
    return () => clearTimeout(h);
  }, [search]);
  const found = useCases({ q, pageSize: 10 }, q.length >= 2);
  const options = (found.data?.items ?? [])
    .filter((c) => c.id !== exclude && !FINISHED.includes(c.state))
    .map((c) => ({ value: c.id, label: `${c.number} · ${c.category.name} · ${stateLabel(c.state, lang)}` }));
  return (
    <Select<number>
      id={id}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      options={options}
      placeholder={t('cases.form.mergePlaceholder')}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      loading={found.isFetching}
      notFoundContent={q.length < 2 ? t('cases.form.mergeTypeMore') : found.isFetching ? t('common.loading') : t('cases.form.mergeNone')}
      allowClear
      data-testid="merge-target"
      style={{ width: '100%' }}
    />
  );
}
