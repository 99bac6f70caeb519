import { useMemo } from 'react';
import { Alert, Button, Card, DatePicker, Select, Space, Tabs, Tag, Tooltip } from 'antd';
import type { TableColumnsType } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router';
import dayjs from 'dayjs';
import { INSPECTION_STATES, type InspectionState, type InspectionSummary, type PlanView } from '@cc/domain';
import { useUnit } from '../api/org';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { UnitSelect } from '../components/UnitSelect';
import { usePlan, usePlans, useResults, useSheets, type SheetQuery } from './inspections/api';
import { UnpublishedNotice } from './inspections/PublishResults';
import { iso, ModeTag, monthPeriod, PlanSelect, RateText, ScoreOf, StateTag, TargetName } from './inspections/common';
import { RankingTable } from './inspections/ResultsTables';
import { useInspectionStrings, type InspectionStrings } from './inspections/strings';
import './inspections/inspections.css';
import { cityDay } from '../lib/time';
import { isoDate, oneOf, pageOf, positiveInt, useQueryParams, type QueryPatch } from '../lib/useQueryParams';

const ID_KEYS = ['planId', 'unitId', 'zoneId', 'pointId', 'inspectorId'] as const;

/** The list's filters live in the URL (?planId=&unitId=&from=&to=&state=), so a unit's history is a link. */
function useSheetQuery(): [SheetQuery, (patch: Partial<SheetQuery>) => void] {
  const { params, setQuery } = useQueryParams();
  const query = useMemo(() => {
    const q: SheetQuery = { ...pageOf(params) };
    for (const k of ID_KEYS) {
      const v = positiveInt(params.get(k));
      if (v !== undefined) q[k] = v;
    }
    const st = oneOf(params.get('state'), INSPECTION_STATES);
    if (st) q.state = st;
    const from = isoDate(params.get('from'));
    const to = isoDate(params.get('to'));
    if (from) q.from = from;
    if (to) q.to = to;
    return q;
  }, [params]);
  const update = (patch: Partial<SheetQuery>) => setQuery(patch as QueryPatch);
  return [query, update];
}

function SheetsTab({ s }: { s: InspectionStrings }) {
  const [query, update] = useSheetQuery();
  const sheets = useSheets(query);
  const unit = useUnit(query.unitId ?? null);
  const plan = usePlan(query.planId);

  const columns: TableColumnsType<InspectionSummary> = [
    {
      title: s.list.number,
      key: 'number',
      render: (_, r) => (
        <Link to={`/inspections/${r.id}`} data-testid="sheet-link">
          {r.number}
        </Link>
      ),
    },
    {
      title: s.list.plan,
      key: 'plan',
      render: (_, r) => (
        <Space size={4} wrap>
          <span>{r.plan.name}</span>
          <ModeTag mode={r.plan.mode} s={s} />
          {r.plan.mode === 'unannounced' && r.state === 'submitted' && !r.publishedAt && <Tag>{s.list.unpublished}</Tag>}
        </Space>
      ),
    },
    { title: s.list.target, key: 'target', render: (_, r) => <TargetName target={r.target} s={s} /> },
    { title: s.list.inspector, key: 'inspector', render: (_, r) => r.inspector.name },
    { title: s.list.date, dataIndex: 'inspectedOn', render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{v}</span> },
    { title: s.list.state, key: 'state', render: (_, r) => <StateTag sheet={r} s={s} /> },
    {
      title: s.list.score,
      key: 'score',
      align: 'right',
      render: (_, r) => <ScoreOf score={r.score} max={r.maxScore} vetoed={r.vetoed} vetoedLabel={s.list.vetoed} />,
    },
    { title: s.list.rate, key: 'rate', align: 'right', render: (_, r) => <RateText rate={r.rate} /> },
    { title: s.list.findings, dataIndex: 'findingCount', align: 'right' },
    {
      title: s.list.flags,
      key: 'flags',
      render: (_, r) =>
        r.flags.map((f) => (
          <Tooltip key={f.code} title={f.message}>
            <Tag color="warning" icon={<WarningOutlined />} data-testid="flag-far">
              {f.code === 'FAR_FROM_TARGET' && f.distanceM !== undefined ? `${f.distanceM} m` : f.code}
            </Tag>
          </Tooltip>
        )),
    },
  ];

  return (
    <>
      {query.unitId && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={s.list.unitHistory(unit.data?.name ?? `#${query.unitId}`)}
          action={
            <Button size="small" onClick={() => update({ unitId: undefined })}>
              {s.list.clearUnit}
            </Button>
          }
          data-testid="unit-history"
        />
      )}
      {query.planId && <UnpublishedNotice plan={plan.data} s={s} />}
      <div className="cc-insp-toolbar">
        <PlanSelect
          value={query.planId}
          onChange={(id) => update({ planId: id ?? undefined })}
          placeholder={s.list.planPlaceholder}
          style={{ width: 220 }}
          aria-label={s.list.plan}
          data-testid="filter-plan"
        />
        <UnitSelect value={query.unitId ?? null} onChange={(v) => update({ unitId: v ?? undefined })} placeholder={s.list.unitPlaceholder} style={{ width: 200 }} aria-label={s.list.unit} />
        <DatePicker.RangePicker
          value={query.from && query.to ? [dayjs(query.from), dayjs(query.to)] : null}
          onChange={(v) => update({ from: v?.[0] ? iso(v[0]) : undefined, to: v?.[1] ? iso(v[1]) : undefined })}
          aria-label={s.list.dates}
        />
        <Select<InspectionState>
          allowClear
          placeholder={s.list.statePlaceholder}
          style={{ width: 140 }}
          value={query.state}
          onChange={(v) => update({ state: v ?? undefined })}
          options={INSPECTION_STATES.map((x) => ({ value: x, label: s.states[x] }))}
          aria-label={s.list.state}
        />
      </div>
      <PagedTable<InspectionSummary>
        result={sheets}
        query={query}
        onPage={(page, pageSize) => update({ page, pageSize })}
        columns={columns}
        empty={s.list.empty}
        testId="sheet-table"
      />
    </>
  );
}

const ranked = (p: PlanView) => p.actions.includes('results');

function ResultsTab({ s }: { s: InspectionStrings }) {
  const { params, setQuery } = useQueryParams();
  const plans = usePlans({ pageSize: 500 });
  // Re-check plans (回头看) have no ranking: their results are the re-checks themselves. A link
  // naming a plan that is not among the ranked ones (deleted, another city's, a typo) opens the first.
  const asked = positiveInt(params.get('planId'));
  const listed = plans.data?.items;
  const complete = listed !== undefined && plans.data!.total <= listed.length;
  // Decided once the plans are in, so a stale id is neither shown nor asked for.
  const planId = !listed ? null : asked !== undefined && (!complete || listed.some((p) => p.id === asked && ranked(p))) ? asked : (listed.find(ranked)?.id ?? null);
  const monthParam = params.get('month');
  const month = monthParam && isoDate(`${monthParam}-01`) ? dayjs(`${monthParam}-01`) : cityDay().startOf('month');
  const [from, to] = monthPeriod(month);
  const results = useResults(planId, from, to);
  const plan = listed?.find((p) => p.id === planId);
  const set = (k: string, v: string | null) => setQuery({ [k]: v });
  return (
    <>
      <div className="cc-insp-toolbar">
        <PlanSelect value={planId} only={ranked} onChange={(id) => set('planId', id ? String(id) : null)} allowClear={false} placeholder={s.results.pick} style={{ width: 240 }} aria-label={s.results.plan} data-testid="results-plan" />
        <DatePicker picker="month" value={month} allowClear={false} onChange={(m) => m && set('month', m.format('YYYY-MM'))} aria-label={s.results.month} />
        {plan && <ModeTag mode={plan.mode} s={s} />}
      </div>
      <UnpublishedNotice plan={plan} s={s} />
      <RankingTable results={results.data} kind={plan?.kind} loading={plans.isLoading || results.isFetching} empty={planId === null ? s.results.pick : undefined} s={s} />
    </>
  );
}

/**
 * 检查记录: the sheets the user may see, filtered by plan, unit, dates and state (in the URL: a
 * unit's history is `/inspections?unitId=`), and a plan's monthly ranking.
 */
export default function InspectionsPage() {
  const s = useInspectionStrings();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'results' ? 'results' : 'sheets';
  return (
    <>
      <PageHeader title={s.list.title} />
      <Card>
        <Tabs
          activeKey={tab}
          destroyOnHidden
          onChange={(k) =>
            setParams(
              (p) => {
                p.set('tab', k);
                p.delete('page');
                return p;
              },
              { replace: true },
            )
          }
          items={[
            { key: 'sheets', label: s.list.tabs.sheets, children: <SheetsTab s={s} /> },
            { key: 'results', label: s.list.tabs.results, children: <ResultsTab s={s} /> },
          ]}
          data-testid="inspections-tabs"
        />
      </Card>
    </>
  );
}
