import { Drawer, Empty, Grid, Progress, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Link } from 'react-router';
import { QueryError } from '../../components/QueryError';
import { useLanguage } from '../../i18n';
import { stateLabel, STATE_COLOR } from '../../lib/cases';
import type { CaseState, ResultExplanation } from '@cc/domain';
import { useExplanation } from './api';
import { fmtScore, RateText, ScoreOf } from './common';
import type { InspectionStrings } from './strings';

type Item = ResultExplanation['items'][number];
type Sheet = ResultExplanation['sheetList'][number];

/**
 * 得分说明: why a target scored what it did over a ranking's period — the points each item of the
 * standard lost (most first), the problems found with their cases, and the sheets counted. Opened
 * from a ranking row; `target` is `kind:id` (kept in the URL by the caller), null when closed.
 */
export function ExplanationDrawer({ planId, from, to, target, onClose, s }: {
  planId: number; from: string; to: string; target: string | null; onClose: () => void; s: InspectionStrings;
}) {
  const screens = Grid.useBreakpoint();
  const q = useExplanation(planId, from, to, target);
  const x = q.data;
  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={screens.md ? 720 : '100%'}
      title={x ? s.explain.title(x.target.name) : s.results.explain}
      data-testid="explanation"
      destroyOnHidden
    >
      {q.isError ? (
        <QueryError error={q.error} onRetry={() => void q.refetch()} />
      ) : !x ? (
        <Skeleton active />
      ) : (
        <Body x={x} s={s} />
      )}
    </Drawer>
  );
}

function Body({ x, s }: { x: ResultExplanation; s: InspectionStrings }) {
  const lang = useLanguage();
  const items: TableColumnsType<Item> = [
    {
      title: s.explain.item,
      key: 'item',
      render: (_, i) => (
        <div>
          <Typography.Text>
            {i.code} {i.title}
          </Typography.Text>
          {i.section && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {i.section}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    {
      title: s.explain.lost,
      key: 'lost',
      width: 170,
      render: (_, i) => (
        <div data-testid="explanation-lost">
          <Typography.Text strong={i.lost > 0} type={i.lost > 0 ? 'danger' : 'secondary'}>
            {s.explain.lostOf(fmtScore(i.lost), fmtScore(i.maxTotal))}
          </Typography.Text>
          {i.maxTotal > 0 && <Progress percent={Math.round((i.lost / i.maxTotal) * 1000) / 10} showInfo={false} size="small" strokeColor="#cf1322" />}
        </div>
      ),
    },
    { title: s.explain.failed, dataIndex: 'failedSheets', align: 'right', width: 80 },
    { title: s.explain.findings, dataIndex: 'findings', align: 'right', width: 70 },
    { title: s.explain.scored, dataIndex: 'scored', align: 'right', width: 80, render: (v: number, i) => (i.na ? s.explain.scoredWithNa(v, i.na) : v) },
  ];
  const sheets: TableColumnsType<Sheet> = [
    { title: s.explain.date, dataIndex: 'inspectedOn', width: 110 },
    { title: s.explain.number, key: 'number', render: (_, r) => <Link to={`/inspections/${r.id}`}>{r.number}</Link> },
    { title: s.explain.inspector, dataIndex: 'inspector' },
    {
      title: s.explain.score,
      key: 'score',
      align: 'right',
      render: (_, r) => <ScoreOf score={r.score} max={r.maxScore} vetoed={r.vetoed} vetoedLabel={s.explain.vetoed} />,
    },
    { title: s.explain.rate, dataIndex: 'rate', align: 'right', render: (v: number | null) => <RateText rate={v} /> },
    { title: s.explain.findings, dataIndex: 'findingCount', align: 'right' },
  ];
  const lossy = x.items.some((i) => i.lost > 0);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{s.explain.period(x.plan.name, x.from, x.to)}</Typography.Text>
      <Space size={32} wrap data-testid="explanation-summary">
        <Statistic title={s.explain.sheets} value={x.sheets} />
        <Statistic title={s.explain.total} value={fmtScore(x.score)} suffix={<span style={{ fontSize: 14 }}>/ {fmtScore(x.maxScore)}</span>} />
        <Statistic title={s.explain.rate} valueRender={() => <RateText rate={x.rate} />} />
        <Statistic title={s.explain.findings} value={x.findings} />
        {x.vetoed > 0 && <Statistic title={s.explain.vetoed} valueRender={() => <span style={{ color: '#cf1322' }}>{x.vetoed}</span>} />}
      </Space>

      <div>
        <Typography.Title level={5}>{s.explain.items}</Typography.Title>
        {!lossy && <Typography.Paragraph type="secondary">{s.explain.noLoss}</Typography.Paragraph>}
        <Table<Item> rowKey="nodeId" size="small" columns={items} dataSource={x.items} pagination={false} scroll={{ x: 'max-content' }} data-testid="explanation-items" />
      </div>

      <div>
        <Typography.Title level={5}>{s.explain.findingList(x.findingList.length, x.findings)}</Typography.Title>
        {x.findingList.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s.explain.noFindings} />
        ) : (
          <div data-testid="explanation-findings">
            {x.findingList.map((f) => (
              <div key={f.id} className="cc-insp-explain-finding">
                <Space size={6} wrap>
                  <Typography.Text type="secondary">{f.inspectedOn}</Typography.Text>
                  <Link to={`/inspections/${f.inspectionId}`}>{f.inspectionNumber}</Link>
                  <Typography.Text strong>
                    {f.itemCode} {f.itemTitle}
                  </Typography.Text>
                  <Tag color="red">{s.explain.points(f.points)}</Tag>
                  {f.case ? (
                    <Link to={`/cases/${f.case.id}`}>
                      {f.case.number}{' '}
                      <Tag color={STATE_COLOR[f.case.state as CaseState]} style={{ marginInlineEnd: 0 }}>
                        {stateLabel(f.case.state, lang)}
                      </Tag>
                    </Link>
                  ) : (
                    <Typography.Text type="secondary">{s.explain.noCase}</Typography.Text>
                  )}
                </Space>
                <div>{f.note}</div>
              </div>
            ))}
          </div>
        )}
      </div>

      <div>
        <Typography.Title level={5}>{s.explain.sheetList}</Typography.Title>
        <Table<Sheet> rowKey="id" size="small" columns={sheets} dataSource={x.sheetList} pagination={x.sheetList.length > 20 ? { pageSize: 20, showSizeChanger: false } : false} scroll={{ x: 'max-content' }} />
      </div>
    </Space>
  );
}
