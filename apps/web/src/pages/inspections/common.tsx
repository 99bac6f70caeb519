import { useEffect, useMemo, useState } from 'react';
import { Select, Tag, Typography } from 'antd';
import { useQueries } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import type { InspectionSummary, PlanKind, PlanMode, PlanView, Recurrence, UnitView } from '@cc/domain';
import { get } from '../../api/client';
import { qk } from '../../api/keys';
import { useUnits } from '../../api/org';
import { useUsers } from '../../api/users';
import { useLanguage } from '../../i18n';
import { unitKindLabel } from '../../lib/labels';
import { usePlans } from './api';
import type { InspectionStrings } from './strings';
import { cityDay } from '../../lib/time';

export const DATE = 'YYYY-MM-DD';
export const iso = (d: Dayjs) => d.format(DATE);
export const todayIso = () => cityDay().format(DATE);

/** Monday of the week that holds a day (ISO weeks, as the server counts them). */
export const mondayOf = (d: Dayjs) => d.subtract((d.day() + 6) % 7, 'day').startOf('day');

export type Period = [string, string];
export const periods = {
  thisWeek: (): Period => [iso(mondayOf(cityDay())), iso(mondayOf(cityDay()).add(6, 'day'))],
  lastWeek: (): Period => [iso(mondayOf(cityDay()).subtract(7, 'day')), iso(mondayOf(cityDay()).subtract(1, 'day'))],
  thisMonth: (): Period => [iso(cityDay().startOf('month')), iso(cityDay().endOf('month'))],
  lastMonth: (): Period => [iso(cityDay().subtract(1, 'month').startOf('month')), iso(cityDay().subtract(1, 'month').endOf('month'))],
};
export const monthPeriod = (m: Dayjs): Period => [iso(m.startOf('month')), iso(m.endOf('month'))];

/** "每周至少1次", "每月26–28日", "每天" … */
export function recurrenceText(rec: Recurrence, s: InspectionStrings): string {
  switch (rec.type) {
    case 'daily':
      return s.rec.daily(Boolean(rec.weekdaysOnly));
    case 'weekly':
      return s.rec.weekly(rec.atLeast);
    case 'monthly':
      return s.rec.monthly(rec.fromDay, rec.toDay, rec.atLeast);
    case 'once':
      return s.rec.once(rec.from, rec.to);
  }
}

/** A score rate (0–1) as a percentage with one decimal, or a dash. */
export const pct = (rate: number | null | undefined, none = '—') => (rate === null || rate === undefined ? none : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`);
export const fmtScore = (n: number | null | undefined, none = '—') => (n === null || n === undefined ? none : String(Math.round(n * 100) / 100));

/** A score over its maximum ("98 / 100", the maximum in grey), with a red tag when a veto item failed the sheet. */
export function ScoreOf({ score, max, vetoed = false, vetoedLabel = '', strong = false }: { score: number | null; max: number | null; vetoed?: boolean; vetoedLabel?: string; strong?: boolean }) {
  return (
    <span style={{ whiteSpace: 'nowrap', fontWeight: strong ? 600 : undefined }}>
      {fmtScore(score)}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {' '}
        / {fmtScore(max)}
      </Typography.Text>
      {vetoed && (
        <Tag color="red" style={{ marginLeft: 4 }}>
          {vetoedLabel}
        </Tag>
      )}
    </span>
  );
}

/** Colours of a score rate: good ≥ 90 %, fair ≥ 80 %, poor below, grey when not scored. */
export const RATE_COLORS = { good: '#389e0d', mid: '#d48806', bad: '#cf1322', none: '#8c8c8c' } as const;
export const rateColor = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? RATE_COLORS.none : rate >= 0.9 ? RATE_COLORS.good : rate >= 0.8 ? RATE_COLORS.mid : RATE_COLORS.bad;

export function RateText({ rate }: { rate: number | null | undefined }) {
  return (
    <span style={{ color: rateColor(rate), fontWeight: 500, whiteSpace: 'nowrap' }} data-testid="rate">
      {pct(rate)}
    </span>
  );
}

export function ModeTag({ mode, s }: { mode: PlanMode; s: InspectionStrings }) {
  return mode === 'unannounced' ? (
    <Tag color="volcano" variant="solid" data-testid="mode-unannounced">
      {s.modes.unannounced}
    </Tag>
  ) : null;
}

export function KindTag({ kind, s }: { kind: PlanKind; s: InspectionStrings }) {
  const color: Record<PlanKind, string> = { routine: 'blue', inside_gate: 'cyan', zone_daily: 'purple', simulated: 'gold', recheck: 'magenta' };
  return <Tag color={color[kind]}>{s.kinds[kind]}</Tag>;
}

export function StateTag({ sheet, s }: { sheet: Pick<InspectionSummary, 'state' | 'locked'>; s: InspectionStrings }) {
  if (sheet.locked) return <Tag color="default">{s.states.locked}</Tag>;
  const color = { draft: 'processing', submitted: 'success', reopened: 'warning' }[sheet.state];
  return <Tag color={color}>{s.states[sheet.state]}</Tag>;
}

/** The target's name with its kind (单位 / 责任区 / 点位) in grey. */
export function TargetName({ target, s }: { target: InspectionSummary['target']; s: InspectionStrings }) {
  const lang = useLanguage();
  const sub = target.kind === 'unit' && target.subtype ? unitKindLabel(target.subtype as UnitView['kind'], lang) : s.targetKinds[target.kind];
  return (
    <span>
      {target.name}{' '}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {sub}
      </Typography.Text>
    </span>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

/** A plan picker over the plans the user may see (optionally of one kind). */
export function PlanSelect({
  value,
  onChange,
  kind,
  only,
  placeholder,
  allowClear = true,
  style,
  id,
  ...rest
}: {
  value?: number | null;
  onChange?: (id: number | null, plan: PlanView | null) => void;
  kind?: PlanKind;
  /** Offers only the plans that pass (e.g. those with a ranking). */
  only?: (p: PlanView) => boolean;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  id?: string;
  'aria-label'?: string;
  'data-testid'?: string;
}) {
  const plans = usePlans({ kind, pageSize: 500 });
  const items = (plans.data?.items ?? []).filter((p) => !only || only(p));
  return (
    <Select<number>
      id={id}
      aria-label={rest['aria-label']}
      data-testid={rest['data-testid']}
      style={style}
      value={value ?? undefined}
      placeholder={placeholder}
      allowClear={allowClear}
      loading={plans.isLoading}
      showSearch={{ optionFilterProp: 'label' }}
      onChange={(v) => onChange?.(v ?? null, items.find((p) => p.id === v) ?? null)}
      options={items.map((p) => ({ value: p.id, label: p.name }))}
      popupMatchSelectWidth={false}
    />
  );
}

/** Several units, searched by name; names of chosen units that are not in the search are fetched. */
export function UnitMultiSelect({ value = [], onChange, placeholder, id, ...rest }: { value?: number[]; onChange?: (v: number[]) => void; placeholder?: string; id?: string; 'aria-label'?: string }) {
  const lang = useLanguage();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const list = useUnits({ q: q || undefined, pageSize: 30 });
  const chosen = useQueries({
    queries: value.map((uid) => ({ queryKey: qk.unit(uid), queryFn: () => get<UnitView>(`/units/${uid}`), staleTime: 60_000 })),
  });
  const options = useMemo(() => {
    const m = new Map<number, UnitView>();
    for (const c of chosen) if (c.data) m.set(c.data.id, c.data);
    for (const u of list.data?.items ?? []) m.set(u.id, u);
    return [...m.values()].map((u) => ({ value: u.id, label: u.name, kind: u.kind }));
  }, [list.data, chosen]);
  return (
    <Select<number[], { value: number; label: string; kind: UnitView['kind'] }>
      id={id}
      aria-label={rest['aria-label']}
      mode="multiple"
      value={value}
      onChange={(v) => onChange?.(v)}
      placeholder={placeholder}
      loading={list.isFetching}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      options={options}
      optionRender={(o) => (
        <span className="cc-unit-option">
          <span>{o.data.label}</span>
          <Tag variant="filled">{unitKindLabel(o.data.kind, lang)}</Tag>
        </span>
      )}
      onBlur={() => setSearch('')}
    />
  );
}

/** Several active users (a plan's team), searched by name; known names come from `known`. */
export function UserMultiSelect({
  value = [],
  onChange,
  known = [],
  placeholder,
  id,
  ...rest
}: {
  value?: number[];
  onChange?: (v: number[]) => void;
  known?: readonly { id: number; name: string }[];
  placeholder?: string;
  id?: string;
  'aria-label'?: string;
}) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const list = useUsers({ q: q || undefined, status: 'active', pageSize: 30 });
  const [seen, setSeen] = useState<Map<number, string>>(() => new Map(known.map((k) => [k.id, k.name])));
  useEffect(() => {
    if (!list.data) return;
    setSeen((prev) => {
      const m = new Map(prev);
      for (const u of list.data.items) m.set(u.id, `${u.displayName}（${u.unit.name}）`);
      return m;
    });
  }, [list.data]);
  const options = useMemo(() => {
    const ids = new Set<number>([...value, ...(list.data?.items ?? []).map((u) => u.id)]);
    return [...ids].map((uid) => ({ value: uid, label: seen.get(uid) ?? known.find((k) => k.id === uid)?.name ?? `#${uid}` }));
  }, [value, list.data, seen, known]);
  return (
    <Select<number[]>
      id={id}
      aria-label={rest['aria-label']}
      mode="multiple"
      value={value}
      onChange={(v) => onChange?.(v)}
      placeholder={placeholder}
      loading={list.isFetching}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      options={options}
      onBlur={() => setSearch('')}
    />
  );
}
