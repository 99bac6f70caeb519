import { Empty, Progress, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link } from 'react-router';
import type { PlanKind, PlanResults } from '@cc/domain';
import { fmtScore, pct, RateText, rateColor } from './common';
import type { InspectionStrings } from './strings';

type Row = PlanResults['rows'][number];

/** The ranking of a plan's targets over a period: rank, sheets, month total, average, rate. */
export function RankingTable({ results, kind, loading, s }: { results: PlanResults | undefined; kind: PlanKind | undefined; loading: boolean; s: InspectionStrings }) {
  const tenPoint = kind === 'zone_daily';
  const sheetsLink = (r: Row) => {
    const param = r.target.kind === 'unit' ? 'unitId' : r.target.kind === 'zone' ? 'zoneId' : 'pointId';
    return results ? `/inspections?planId=${results.plan.id}&${param}=${r.target.id}&from=${results.from}&to=${results.to}` : '#';
  };
  const columns: TableColumnsType<Row> = [
    { title: s.results.rank, dataIndex: 'rank', width: 64, align: 'center', render: (v: number) => <Typography.Text strong={v <= 3}>{v}</Typography.Text> },
    {
      title: s.results.target,
      key: 'target',
      render: (_, r) => (
        <div>
          <Link to={sheetsLink(r)}>{r.target.name}</Link>
          {r.target.responsibleUnit && r.target.responsibleUnit.name !== r.target.name && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {r.target.responsibleUnit.name}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    { title: s.results.sheets, dataIndex: 'sheets', align: 'right' },
    {
      title: s.results.sum,
      key: 'sum',
      align: 'right',
      render: (_, r) => (
        <span style={{ fontWeight: tenPoint ? 600 : undefined, whiteSpace: 'nowrap' }}>
          {fmtScore(r.score)}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {' '}
            / {fmtScore(r.maxScore)}
          </Typography.Text>
        </span>
      ),
    },
    { title: s.results.average, dataIndex: 'average', align: 'right', render: (v: number) => fmtScore(v) },
    { title: s.results.rate, dataIndex: 'rate', align: 'right', render: (v: number | null) => <RateText rate={v} /> },
    { title: s.results.findings, dataIndex: 'findings', align: 'right' },
  ];
  return (
    <>
      {tenPoint && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {s.results.tenPointHint}
        </Typography.Paragraph>
      )}
      <Table<Row>
        rowKey={(r) => `${r.target.kind}:${r.target.id}`}
        size="small"
        columns={columns}
        dataSource={results?.rows ?? []}
        loading={loading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: s.results.empty }}
        data-testid="results-table"
      />
    </>
  );
}

/** Score rates as horizontal bars (no chart library: antd Progress). */
export function RateBars({ rows, testId }: { rows: readonly { key: string; name: string; sheets: number; rate: number | null }[]; testId?: string }) {
  if (!rows.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <div className="cc-rate-bars" data-testid={testId}>
      {rows.map((r) => (
        <div key={r.key} style={{ display: 'contents' }}>
          <span className="cc-rate-bars__name" title={r.name}>
            {r.name || '—'}
          </span>
          <Progress
            percent={r.rate === null ? 0 : Math.round(r.rate * 1000) / 10}
            strokeColor={rateColor(r.rate)}
            format={() => `${pct(r.rate)} · ${r.sheets}`}
            size="small"
          />
        </div>
      ))}
    </div>
  );
}
