import { lazy, Suspense, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Card, Col, DatePicker, Empty, Grid, Progress, Row, Skeleton, Statistic, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { UnitCaseStats } from '@cc/domain';
import { useCaseStats, useHotSpots } from '../api/cases';
import { useAuth } from '../app/auth';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import './cases/cases.css';
import { cityDay } from '../lib/time';
import { isoDate } from '../lib/useQueryParams';

const HotSpotMap = lazy(() => import('./cases/HotSpotMap'));
const DATE = 'YYYY-MM-DD';
const TOP = 10;
/** Rates come as percentages with one decimal (85.7), or null when there is nothing to divide by. */
const pct = (v: number | null) => (v === null ? '—' : `${v}%`);

/** Top units by cases assigned, each with its closing rate as a bar (no chart library needed). */
function UnitBars({ units, from, to }: { units: readonly UnitCaseStats[]; from: string; to: string }) {
  const { t } = useTranslation();
  const top = [...units].sort((a, b) => b.assigned - a.assigned || a.unit.name.localeCompare(b.unit.name)).slice(0, TOP);
  if (!top.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('caseStats.noUnits')} />;
  const max = Math.max(...top.map((u) => u.assigned), 1);
  return (
    <div className="cc-bars" data-testid="unit-bars">
      {top.map((u) => (
        <div key={u.unit.id} className="cc-bars__row">
          <Link className="cc-bars__name" to={`/cases?unitId=${u.unit.id}&from=${from}&to=${to}`} title={u.unit.name}>
            {u.unit.name}
          </Link>
          <div className="cc-bars__bar">
            {/* Length: cases assigned (relative to the busiest unit); green part: closed. */}
            <div className="cc-bars__track" style={{ width: `${(u.assigned / max) * 100}%` }}>
              <div className="cc-bars__closed" style={{ width: `${u.assigned ? (u.closed / u.assigned) * 100 : 0}%` }} />
            </div>
          </div>
          <div className="cc-bars__value">
            {u.closed}/{u.assigned}
            <Typography.Text type="secondary"> {pct(u.closingRate)}</Typography.Text>
          </div>
        </div>
      ))}
      <div className="cc-bars__legend">
        <span className="cc-bars__key cc-bars__key--closed" /> {t('caseStats.closed')}
        <span className="cc-bars__key" /> {t('caseStats.notClosed')}
      </div>
    </div>
  );
}

/** 统计分析: per unit — assigned, closed, on time, returned, overdue, escalated, relapsed — and where problems come back. */
export default function CaseStatsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const from = isoDate(params.get('from')) ?? cityDay().startOf('year').format(DATE);
  const to = isoDate(params.get('to')) ?? cityDay().format(DATE);
  const stats = useCaseStats({ from, to });
  const spots = useHotSpots({ from, to });
  const s = stats.data;

  const byCategory = useMemo(() => (s?.byCategory ?? []).slice(0, TOP), [s]);
  const catMax = Math.max(...byCategory.map((c) => c.count), 1);

  const num = (key: keyof UnitCaseStats) => ({
    dataIndex: key,
    align: 'right' as const,
    sorter: (a: UnitCaseStats, b: UnitCaseStats) => (Number(a[key] ?? -1) || 0) - (Number(b[key] ?? -1) || 0),
  });
  const columns: TableColumnsType<UnitCaseStats> = [
    {
      title: t('caseStats.unit'),
      key: 'unit',
      fixed: 'left',
      render: (_, u) => <Link to={`/cases?unitId=${u.unit.id}&from=${from}&to=${to}`}>{u.unit.name}</Link>,
      sorter: (a, b) => a.unit.name.localeCompare(b.unit.name),
    },
    { title: t('caseStats.assigned'), ...num('assigned'), defaultSortOrder: 'descend' },
    { title: t('caseStats.closed'), ...num('closed') },
    { title: t('caseStats.closedOnTime'), ...num('closedOnTime') },
    { title: t('caseStats.returned'), ...num('returned') },
    { title: t('caseStats.overdue'), ...num('overdue'), render: (v: number) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : v) },
    { title: t('caseStats.escalated'), ...num('escalated') },
    { title: t('caseStats.relapsed'), ...num('relapsed') },
    { title: t('caseStats.closingRate'), ...num('closingRate'), render: (v: number | null) => pct(v) },
    { title: t('caseStats.onTimeRate'), ...num('onTimeRate'), render: (v: number | null) => pct(v) },
    { title: t('caseStats.reworkRate'), ...num('reworkRate'), render: (v: number | null) => pct(v) },
  ];

  const range = (
    <DatePicker.RangePicker
      format={DATE}
      allowClear={false}
      value={[dayjs(from, DATE), dayjs(to, DATE)]}
      inputReadOnly={screens.md === false}
      onChange={(v) => {
        if (!v?.[0] || !v[1]) return;
        setParams(new URLSearchParams({ from: v[0].format(DATE), to: v[1].format(DATE) }), { replace: true });
      }}
      presets={[
        { label: t('caseStats.thisMonth'), value: [cityDay().startOf('month'), cityDay()] },
        { label: t('caseStats.lastMonth'), value: [cityDay().subtract(1, 'month').startOf('month'), cityDay().subtract(1, 'month').endOf('month')] },
        { label: t('caseStats.thisYear'), value: [cityDay().startOf('year'), cityDay()] },
      ]}
      data-testid="stats-range"
    />
  );

  return (
    <>
      <PageHeader title={t('caseStats.title')} extra={range} />
      {stats.isError ? (
        <QueryError error={stats.error} onRetry={() => void stats.refetch()} />
      ) : !s ? (
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="stats-totals">
            {(['all', 'open', 'closed', 'overdue'] as const).map((k) => (
              <Col key={k} xs={12} md={6}>
                <Card size="small">
                  <Statistic
                    title={t(`caseStats.totals.${k}`)}
                    value={s.totals[k]}
                    styles={k === 'overdue' && s.totals.overdue > 0 ? { content: { color: '#c8161d' } } : undefined}
                  />
                </Card>
              </Col>
            ))}
          </Row>
          <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
            <Col xs={24} lg={14}>
              <Card size="small" title={t('caseStats.topUnits', { n: TOP })}>
                <UnitBars units={s.units} from={from} to={to} />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card size="small" title={t('caseStats.byCategory')}>
                {byCategory.length ? (
                  byCategory.map((c) => (
                    <div key={c.code} className="cc-kind-row">
                      <span>{c.name}</span>
                      <Progress percent={(c.count / catMax) * 100} showInfo={false} size="small" status="normal" />
                      <span className="cc-kind-row__count">{c.count}</span>
                    </div>
                  ))
                ) : (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
                )}
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('caseStats.perUnit')} style={{ marginBottom: 16 }}>
            <Table<UnitCaseStats>
              rowKey={(u) => u.unit.id}
              size="small"
              columns={columns}
              dataSource={s.units}
              pagination={{ pageSize: 20, hideOnSinglePage: true, size: 'small' }}
              scroll={{ x: 'max-content' }}
              loading={stats.isFetching}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('caseStats.noUnits')} /> }}
              data-testid="stats-units"
            />
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 12 }}>
              {t('caseStats.rateNote')}
            </Typography.Paragraph>
          </Card>
        </>
      )}
      {can('map.read') && (
        <Card size="small" title={t('caseStats.hotSpots')} data-testid="stats-hotspots">
          {spots.isError ? (
            <QueryError error={spots.error} onRetry={() => void spots.refetch()} />
          ) : (
            <>
              <Typography.Paragraph type="secondary">
                {spots.data ? t('caseStats.hotSpotCount', { n: spots.data.items.length }) : t('common.loading')}
              </Typography.Paragraph>
              <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 360 }} />}>
                <HotSpotMap items={spots.data?.items ?? []} />
              </Suspense>
            </>
          )}
        </Card>
      )}
    </>
  );
}
