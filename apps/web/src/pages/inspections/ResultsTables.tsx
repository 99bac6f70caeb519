import { Button, Empty, Progress, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link, useSearchParams } from 'react-router';
import type { PlanKind, PlanResults } from '@cc/domain';
import { fmtScore, pct, RateText, rateColor, ScoreOf } from './common';
import { ExplanationDrawer } from './Explanation';
import type { InspectionStrings } from './strings';

type Row = PlanResults['rows'][number];

/**
 * The ranking of a plan's targets over a period: rank, sheets, month total, average, rate; each row
 * opens its 得分说明 (kept in the URL as `explain=kind:id`, so it can be linked and survives a reload).
 */
/** `empty` replaces the "no submitted sheet" text, e.g. while no plan is picked. */
export function RankingTable({ results, kind, loading, s, empty }: { results: PlanResults | undefined; kind: PlanKind | undefined; loading: boolean; s: InspectionStrings; empty?: string }) {
  const tenPoint = kind === 'zone_daily';
  const [params, setParams] = useSearchParams();
  // Open only for a target of the ranking shown: another month or plan (or a stale link) closes it
  // rather than asking for an explanation of a target with no sheets there.
  const explain = params.get('explain');
  const shown = explain !== null && results?.rows.some((r) => `${r.target.kind}:${r.target.id}` === explain) ? explain : null;
  const setExplain = (v: string | null) =>
    setParams(
      (p) => {
        if (v) p.set('explain', v);
        else p.delete('explain');
        return p;
      },
      { replace: true },
    );
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
      render: (_, r) => <ScoreOf score={r.score} max={r.maxScore} strong={tenPoint} />,
    },
    { title: s.results.average, dataIndex: 'average', align: 'right', render: (v: number) => fmtScore(v) },
    { title: s.results.rate, dataIndex: 'rate', align: 'right', render: (v: number | null) => <RateText rate={v} /> },
    { title: s.results.findings, dataIndex: 'findings', align: 'right' },
    {
      key: 'explain',
      width: 96,
      render: (_, r) => (
        <Button type="link" size="small" onClick={() => setExplain(`${r.target.kind}:${r.target.id}`)} data-testid="results-explain">
          {s.results.explain}
        </Button>
      ),
    },
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
        locale={{ emptyText: empty ?? s.results.empty }}
        data-testid="results-table"
      />
      {results && <ExplanationDrawer planId={results.plan.id} from={results.from} to={results.to} target={shown} onClose={() => setExplain(null)} s={s} />}
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
