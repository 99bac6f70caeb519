import { lazy, Suspense, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Grid, Image, Input, Modal, Result, Row, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import { ArrowLeftOutlined, RollbackOutlined, WarningOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { InspectionView } from '@cc/domain';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { PageLoading } from '../components/states';
import { isApiError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useReportError } from '../lib/useReportError';
import { photoUrl, useReopen, useSheet } from './inspections/api';
import { fmtScore, KindTag, ModeTag, pct, rateColor, StateTag, TargetName } from './inspections/common';
import { useInspectionStrings, type InspectionStrings } from './inspections/strings';
import './inspections/inspections.css';

const SheetMap = lazy(() => import('./inspections/SheetMap'));
type Item = InspectionView['items'][number];

/** A rate item's score: its points × passed ÷ observed, rounded as scoreSheet() does. */
const rateScore = (r: Item) => (r.method === 'rate' && r.observed && r.passed !== null ? Math.round(((r.max * r.passed) / r.observed) * 100) / 100 : null);

function ItemsTable({ sheet, s }: { sheet: InspectionView; s: InspectionStrings }) {
  const screens = Grid.useBreakpoint();
  const narrow = screens.sm === false;
  const columns: TableColumnsType<Item> = [
    {
      title: s.detail.section,
      key: 'section',
      onCell: (r, i) => {
        // One cell per run of items of the same section.
        const items = sheet.items;
        const idx = i ?? 0;
        if (idx > 0 && items[idx - 1]?.section === r.section) return { rowSpan: 0 };
        let n = 1;
        while (items[idx + n]?.section === r.section && idx + n < items.length) n += 1;
        return { rowSpan: n };
      },
      render: (_, r) => <Typography.Text type="secondary">{r.section ?? s.none}</Typography.Text>,
      width: 140,
      hidden: narrow,
    },
    {
      title: s.detail.item,
      key: 'item',
      render: (_, r) => (
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12, marginRight: 4 }}>
            {r.code}
          </Typography.Text>
          {r.title}
          {r.method === 'rate' && r.observed !== null && r.passed !== null && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {s.detail.observed(r.passed, r.observed)}
              </Typography.Text>
            </div>
          )}
          {r.note && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {r.note}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    { title: s.detail.max, dataIndex: 'max', align: 'right', width: 64, render: (v: number) => fmtScore(v) },
    {
      title: s.detail.itemScore,
      key: 'score',
      align: 'right',
      width: 80,
      // Deduction and pass/fail items the inspector did not touch score their maximum less the findings' deductions.
      render: (_, r) =>
        r.na ? <Tag>{s.detail.na}</Tag> : fmtScore(r.score ?? (r.method === 'deduct' || r.method === 'pass_fail' ? Math.max(0, r.max - r.deducted) : rateScore(r))),
    },
    {
      title: s.detail.deducted,
      dataIndex: 'deducted',
      align: 'right',
      width: 72,
      render: (v: number, r) => (r.na || !v ? <Typography.Text type="secondary">0</Typography.Text> : <Typography.Text type="danger">−{fmtScore(v)}</Typography.Text>),
    },
  ];
  return (
    <Table<Item>
      rowKey="nodeId"
      size="small"
      columns={columns}
      dataSource={sheet.items}
      pagination={false}
      scroll={narrow ? undefined : { x: 'max-content' }}
      bordered
      data-testid="sheet-items"
    />
  );
}

function Findings({ sheet, s }: { sheet: InspectionView; s: InspectionStrings }) {
  if (!sheet.findings.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s.detail.noFindings} />;
  const itemTitle = (id: number) => sheet.items.find((i) => i.nodeId === id)?.title ?? '';
  const unpublished = sheet.plan.mode === 'unannounced' && !sheet.publishedAt;
  return (
    <div data-testid="sheet-findings">
      {sheet.findings.map((f, i) => (
        <div key={f.id} className="cc-insp-finding" data-testid="sheet-finding">
          <div className="cc-insp-finding__head">
            <Space size={6} wrap>
              <Typography.Text strong>{i + 1}.</Typography.Text>
              <Typography.Text strong>{itemTitle(f.itemNodeId)}</Typography.Text>
              <Tag color="red">{s.detail.points(f.points)}</Tag>
            </Space>
            {f.case ? (
              <Link to={`/cases/${f.case.id}`} data-testid="finding-case">
                {s.detail.caseLink} {f.case.number}
              </Link>
            ) : (
              <Typography.Text type="secondary">{unpublished ? s.detail.noCaseUnpublished : s.detail.noCase}</Typography.Text>
            )}
          </div>
          {f.criterion && (
            <div>
              <Typography.Text type="secondary">
                {s.detail.criterion}
                {s.colon}
                {f.criterion}
              </Typography.Text>
            </div>
          )}
          <div>{f.note}</div>
          {f.photos.length > 0 && (
            <Image.PreviewGroup>
              <div className="cc-insp-photos">
                {f.photos.map((p, n) => (
                  <Image key={p.id} src={photoUrl(sheet.id, p.id)} width={88} height={88} alt={s.detail.photoAlt(n + 1)} data-testid="finding-photo" />
                ))}
              </div>
            </Image.PreviewGroup>
          )}
        </div>
      ))}
    </div>
  );
}

function ReopenButton({ sheet, s }: { sheet: InspectionView; s: InspectionStrings }) {
  const { message } = App.useApp();
  const report = useReportError();
  const reopen = useReopen();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ note: string }>();
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await reopen.mutateAsync({ id: sheet.id, version: sheet.version, note: v.note.trim() });
      void message.success(s.detail.reopenDone);
      setOpen(false);
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) void message.warning(s.conflict);
      report(err);
      setOpen(false);
    }
  };
  return (
    <>
      <Button
        icon={<RollbackOutlined />}
        onClick={() => {
          form.resetFields();
          setOpen(true);
        }}
        data-testid="sheet-reopen"
      >
        {s.detail.reopen}
      </Button>
      <Modal open={open} title={s.detail.reopenTitle} onCancel={() => setOpen(false)} onOk={() => void submit()} confirmLoading={reopen.isPending} okButtonProps={{ 'data-testid': 'reopen-ok' } as ButtonProps} forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="note" label={s.detail.reopenNote} rules={[{ required: true, whitespace: true, message: s.required }, { max: 500 }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 6 }} maxLength={500} placeholder={s.detail.reopenNotePlaceholder} data-testid="reopen-note" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** 检查表详情: the sheet's head, its items and problems (photos, cases), a map, and its history. */
export default function InspectionDetailPage() {
  const s = useInspectionStrings();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const id = Number(useParams().id);
  const sheet = useSheet(Number.isInteger(id) ? id : 0);
  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/inspections'))} data-testid="sheet-back">
      {s.detail.back}
    </Button>
  );
  if (sheet.isLoading) return <PageLoading />;
  if (sheet.isError || !sheet.data) {
    return (
      <>
        <PageHeader title={s.list.title} extra={back} />
        {isApiError(sheet.error, 'NOT_FOUND') ? (
          <Result status="404" title={t('inspectionResults.sheetNotFound')} subTitle={t('inspectionResults.sheetNotFoundHint')} data-testid="sheet-not-found" />
        ) : (
          <QueryError error={sheet.error} onRetry={() => void sheet.refetch()} />
        )}
      </>
    );
  }
  const v = sheet.data;
  const hasPlace = v.lat !== null || v.target.lat !== null || v.findings.some((f) => f.lat !== null);
  return (
    <>
      <PageHeader
        title={
          <Space wrap size={8}>
            <span data-testid="sheet-number">{v.number}</span>
            <StateTag sheet={v} s={s} />
            <ModeTag mode={v.plan.mode} s={s} />
          </Space>
        }
        extra={
          <Space wrap>
            {v.actions.includes('reopen') && <ReopenButton sheet={v} s={s} />}
            {back}
          </Space>
        }
      />
      {v.flags.map((f) => (
        <Alert key={f.code} type="warning" showIcon icon={<WarningOutlined />} title={f.message} style={{ marginBottom: 12 }} data-testid="sheet-flag" />
      ))}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card size="small" data-testid="sheet-head">
            <Row gutter={16} align="middle">
              <Col xs={24} md={7} style={{ textAlign: screens.md ? 'center' : 'left', marginBottom: screens.md ? 0 : 12 }}>
                <div className="cc-insp-score" style={{ color: rateColor(v.rate) }} data-testid="sheet-score">
                  {fmtScore(v.score)}
                  <Typography.Text type="secondary" style={{ fontSize: 16, fontWeight: 400 }}>
                    {' '}
                    / {fmtScore(v.maxScore)}
                  </Typography.Text>
                </div>
                <Typography.Text style={{ color: rateColor(v.rate) }}>
                  {s.list.rate} {pct(v.rate)}
                </Typography.Text>
                {v.vetoed && (
                  <div>
                    <Tag color="red">{s.list.vetoed}</Tag>
                  </div>
                )}
              </Col>
              <Col xs={24} md={17}>
                <Descriptions size="small" column={{ xs: 1, sm: 2 }} colon>
                  <Descriptions.Item label={s.detail.plan}>
                    <Space size={4} wrap>
                      {v.plan.name}
                      <KindTag kind={v.plan.kind} s={s} />
                    </Space>
                  </Descriptions.Item>
                  <Descriptions.Item label={s.detail.edition}>{v.edition.label}</Descriptions.Item>
                  <Descriptions.Item label={s.detail.target}>
                    <TargetName target={v.target} s={s} />
                  </Descriptions.Item>
                  <Descriptions.Item label={s.detail.unit}>
                    {v.target.responsibleUnit ? <Link to={`/inspections?unitId=${v.target.responsibleUnit.id}`}>{v.target.responsibleUnit.name}</Link> : s.none}
                  </Descriptions.Item>
                  <Descriptions.Item label={s.detail.inspector}>{v.inspector.name}</Descriptions.Item>
                  <Descriptions.Item label={s.detail.date}>{v.inspectedOn}</Descriptions.Item>
                  <Descriptions.Item label={s.detail.submittedAt}>{v.submittedAt ? formatDateTime(v.submittedAt) : s.none}</Descriptions.Item>
                  {v.plan.mode === 'unannounced' && <Descriptions.Item label={s.detail.publishedAt}>{v.publishedAt ? formatDateTime(v.publishedAt) : s.list.unpublished}</Descriptions.Item>}
                  {v.lockedAt && <Descriptions.Item label={s.detail.lockedAt}>{formatDateTime(v.lockedAt)}</Descriptions.Item>}
                  {v.note && <Descriptions.Item label={s.detail.note}>{v.note}</Descriptions.Item>}
                </Descriptions>
              </Col>
            </Row>
          </Card>
          <Card size="small" title={`${s.detail.findings} (${v.findings.length})`} style={{ marginTop: 16 }}>
            <Findings sheet={v} s={s} />
          </Card>
          <Card size="small" title={s.detail.items} style={{ marginTop: 16 }}>
            <ItemsTable sheet={v} s={s} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={s.detail.map}>
            {hasPlace ? (
              <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 300 }} />}>
                <SheetMap sheet={v} s={s} />
              </Suspense>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s.detail.noPosition} />
            )}
          </Card>
          <Card size="small" title={s.detail.events} style={{ marginTop: 16 }}>
            <Timeline
              data-testid="sheet-events"
              items={[...v.events].reverse().map((e, i) => ({
                key: i,
                color: e.event === 'reopen' ? 'orange' : e.event === 'submit' || e.event === 'publish' ? 'green' : 'blue',
                content: (
                  <div>
                    <Typography.Text strong>{s.detail.eventNames[e.event] ?? e.event}</Typography.Text>
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {formatDateTime(e.at)} · {e.actor}
                      </Typography.Text>
                    </div>
                    {e.note && <div>{e.note}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
