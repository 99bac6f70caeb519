import { useMemo, useState } from 'react';
import { Card, Checkbox, DatePicker, Empty, Grid, Progress, Segmented, Select, Space, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link, useSearchParams } from 'react-router';
import dayjs from 'dayjs';
import type { CoverageBoard, PlanCoverage } from '@cc/domain';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { useCoverageBoard, usePlanCoverage } from './inspections/api';
import { iso, KindTag, ModeTag, periods, todayIso, type Period } from './inspections/common';
import { useInspectionStrings, type InspectionStrings } from './inspections/strings';
import './inspections/inspections.css';
import { positiveInt } from '../lib/useQueryParams';

type PeriodKey = 'thisWeek' | 'lastWeek' | 'thisMonth' | 'lastMonth' | 'custom';
type BoardRow = CoverageBoard['plans'][number];
type Window = PlanCoverage['windows'][number];
type MatrixRow = PlanCoverage['rows'][number];

const cellState = (c: { done: number; required: number }, w: Window, today: string) => (c.done >= c.required ? 'done' : w.end < today ? 'missed' : 'pending');

/** A window's column title: "W11 03-09–03-15", "03-12", "2026-03 26–28日". */
function windowTitle(w: Window): string {
  const short = (d: string) => d.slice(5);
  if (w.start === w.end) return short(w.start);
  if (/^\d{4}-W\d{2}$/.test(w.key)) return `${w.key.slice(5)} ${short(w.start)}–${short(w.end)}`;
  return `${short(w.start)}–${short(w.end)}`;
}

/** Which targets were inspected in each window: green done, red missed (ended short), grey not yet. */
function CoverageMatrix({ planId, period, s }: { planId: number; period: Period; s: InspectionStrings }) {
  const screens = Grid.useBreakpoint();
  const cov = usePlanCoverage(planId, period[0], period[1]);
  const [onlyMissed, setOnlyMissed] = useState(false);
  const today = todayIso();
  const data = cov.data;
  const rows = useMemo(() => {
    if (!data) return [];
    const all = data.rows.map((r) => ({ ...r, key: `${r.target.kind}:${r.target.id}` }));
    return onlyMissed ? all.filter((r) => r.cells.some((c, i) => cellState(c, data.windows[i]!, today) === 'missed')) : all;
  }, [data, onlyMissed, today]);

  if (cov.isError) return <QueryError error={cov.error} onRetry={() => void cov.refetch()} />;
  if (data?.rechecks) return <RecheckWindows planId={planId} name={data.plan.name} windows={data.rechecks} loading={cov.isFetching} s={s} />;
  const sheetsLink = (r: MatrixRow, w: Window) => {
    const param = r.target.kind === 'unit' ? 'unitId' : r.target.kind === 'zone' ? 'zoneId' : 'pointId';
    return `/inspections?planId=${planId}&${param}=${r.target.id}&from=${w.start}&to=${w.end}`;
  };
  const columns: TableColumnsType<MatrixRow & { key: string }> = [
    {
      title: s.coverage.target,
      key: 'target',
      fixed: screens.sm ? 'left' : undefined,
      width: screens.sm ? 220 : 140,
      render: (_, r) => (
        <div>
          <div>{r.target.name}</div>
          {r.target.responsibleUnit && r.target.responsibleUnit.name !== r.target.name && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.target.responsibleUnit.name}
            </Typography.Text>
          )}
        </div>
      ),
    },
    ...(data?.windows ?? []).map((w, i) => ({
      title: <span style={{ whiteSpace: 'nowrap', fontSize: 12 }}>{windowTitle(w)}</span>,
      key: w.key,
      align: 'center' as const,
      render: (_: unknown, r: MatrixRow) => {
        const c = r.cells[i]!;
        const st = cellState(c, w, today);
        const label = { done: s.coverage.legendDone, missed: s.coverage.legendMissed, pending: s.coverage.legendPending }[st];
        return (
          <Tooltip title={`${r.target.name} · ${w.start}–${w.end} · ${label}`}>
            <Link to={sheetsLink(r, w)} className={`cc-cov-cell cc-cov-cell--${st}`} data-state={st} aria-label={`${r.target.name} ${windowTitle(w)} ${label}`}>
              {s.coverage.cell(c.done, c.required)}
            </Link>
          </Tooltip>
        );
      },
    })),
  ];
  return (
    <Card
      size="small"
      title={data ? s.coverage.matrix(data.plan.name) : ' '}
      extra={
        <Checkbox checked={onlyMissed} onChange={(e) => setOnlyMissed(e.target.checked)} data-testid="coverage-only-missed">
          {s.coverage.onlyMissed}
        </Checkbox>
      }
      data-testid="coverage-matrix"
    >
      <div className="cc-cov-legend" style={{ marginBottom: 8 }}>
        <span>
          <span className="cc-cov-legend__swatch cc-cov-cell--done" />
          {s.coverage.legendDone}
        </span>
        <span>
          <span className="cc-cov-legend__swatch cc-cov-cell--missed" />
          {s.coverage.legendMissed}
        </span>
        <span>
          <span className="cc-cov-legend__swatch cc-cov-cell--pending" />
          {s.coverage.legendPending}
        </span>
      </div>
      {data && data.windows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s.coverage.noWindows} />
      ) : (
        <Table
          rowKey="key"
          size="small"
          columns={columns}
          dataSource={rows}
          loading={cov.isFetching}
          scroll={{ x: 'max-content' }}
          pagination={rows.length > 50 ? { pageSize: 50, size: 'small', showSizeChanger: false } : false}
        />
      )}
    </Card>
  );
}

type RecheckWindow = NonNullable<PlanCoverage['rechecks']>[number];

/** A re-check plan has no targets: per window, how many closed cases were sampled, checked, relapsed, and are overdue. */
function RecheckWindows({ planId, name, windows, loading, s }: { planId: number; name: string; windows: RecheckWindow[]; loading: boolean; s: InspectionStrings }) {
  const count = (v: number, danger = false) => (danger && v > 0 ? <Typography.Text type="danger" strong>{v}</Typography.Text> : v);
  const columns: TableColumnsType<RecheckWindow> = [
    { title: s.coverage.recheckWindow, key: 'window', render: (_, w) => <span style={{ whiteSpace: 'nowrap' }}>{windowTitle({ ...w, required: 0 })}</span> },
    { title: s.coverage.recheckSampled, dataIndex: 'sampled', align: 'right' },
    { title: s.coverage.recheckChecked, dataIndex: 'checked', align: 'right', render: (v: number) => <span style={{ color: '#389e0d' }}>{v}</span> },
    { title: s.coverage.recheckRelapsed, dataIndex: 'relapsed', align: 'right', render: (v: number) => count(v, true) },
    { title: s.coverage.recheckOverdue, dataIndex: 'overdue', align: 'right', render: (v: number) => count(v, true) },
  ];
  return (
    <Card size="small" title={s.coverage.recheckTitle(name)} extra={<Link to={`/rechecks?planId=${planId}`}>{s.coverage.recheckOpen}</Link>} data-testid="coverage-rechecks">
      {windows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s.coverage.noWindows} />
      ) : (
        <Table<RecheckWindow> rowKey="key" size="small" columns={columns} dataSource={windows} loading={loading} pagination={false} scroll={{ x: 'max-content' }} />
      )}
    </Card>
  );
}

/**
 * 检查覆盖: for a period, every active plan's done and missed windows; a plan opens its target ×
 * window matrix — the list the office uses to chase who was not inspected.
 */
export default function InspectionCoveragePage() {
  const s = useInspectionStrings();
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const [key, setKey] = useState<PeriodKey>('thisWeek');
  const [custom, setCustom] = useState<Period>(periods.thisMonth());
  const period: Period = key === 'custom' ? custom : periods[key]();
  const board = useCoverageBoard(period[0], period[1]);
  const planId = positiveInt(params.get('plan')) ?? null;
  const periodOptions = (['thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'custom'] as const).map((k) => ({ value: k, label: s.coverage[k] }));

  const select = (id: number) =>
    setParams(
      (p) => {
        p.set('plan', String(id));
        return p;
      },
      { replace: true },
    );

  const columns: TableColumnsType<BoardRow> = [
    {
      title: s.coverage.plan,
      key: 'plan',
      render: (_, r) => (
        <Space size={4} wrap>
          <Typography.Link onClick={() => select(r.plan.id)} strong={r.plan.id === planId}>
            {r.plan.name}
          </Typography.Link>
          <ModeTag mode={r.plan.mode} s={s} />
        </Space>
      ),
    },
    { title: s.plans.kind, key: 'kind', responsive: ['md'], render: (_, r) => <KindTag kind={r.plan.kind} s={s} /> },
    { title: s.coverage.targets, dataIndex: 'targets', align: 'right', responsive: ['sm'] },
    { title: s.coverage.cells, dataIndex: 'cells', align: 'right' },
    { title: s.coverage.done, dataIndex: 'done', align: 'right', render: (v: number) => <span style={{ color: '#389e0d' }}>{v}</span> },
    {
      title: s.coverage.missed,
      dataIndex: 'missed',
      align: 'right',
      render: (v: number) => (v > 0 ? <Typography.Text type="danger" strong data-testid="board-missed">{v}</Typography.Text> : <span>0</span>),
    },
    {
      title: s.coverage.progress,
      key: 'progress',
      width: screens.sm ? 180 : 90,
      render: (_, r) => (
        <Progress
          percent={r.cells ? Math.round((r.done / r.cells) * 100) : 0}
          success={{ percent: 0 }}
          strokeColor={r.missed > 0 ? '#fa8c16' : '#52c41a'}
          size="small"
          showInfo={Boolean(screens.sm)}
        />
      ),
    },
  ];

  return (
    <>
      <PageHeader title={s.coverage.title} />
      <Card>
        <Typography.Paragraph type="secondary">{s.coverage.intro}</Typography.Paragraph>
        <div className="cc-insp-toolbar">
          {screens.sm ? (
            <Segmented<PeriodKey> value={key} onChange={setKey} options={periodOptions} data-testid="coverage-period" />
          ) : (
            <Select<PeriodKey> value={key} onChange={setKey} options={periodOptions} style={{ width: 120 }} aria-label={s.coverage.custom} data-testid="coverage-period" />
          )}
          {key === 'custom' && (
            <DatePicker.RangePicker
              value={[dayjs(custom[0]), dayjs(custom[1])]}
              allowClear={false}
              onChange={(v) => v?.[0] && v[1] && setCustom([iso(v[0]), iso(v[1])])}
            />
          )}
          <Typography.Text type="secondary">
            {period[0]} – {period[1]}
          </Typography.Text>
        </div>
        {board.isError ? (
          <QueryError error={board.error} onRetry={() => void board.refetch()} />
        ) : (
          <Table<BoardRow>
            rowKey={(r) => r.plan.id}
            size="small"
            columns={columns}
            dataSource={board.data?.plans ?? []}
            loading={board.isFetching}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: s.coverage.empty }}
            onRow={(r) => ({ onClick: () => select(r.plan.id), style: { cursor: 'pointer', background: r.plan.id === planId ? '#e6f4ff' : undefined } })}
            data-testid="coverage-board"
          />
        )}
      </Card>
      {planId && (
        <div style={{ marginTop: 16 }}>
          <CoverageMatrix planId={planId} period={period} s={s} />
        </div>
      )}
    </>
  );
}
