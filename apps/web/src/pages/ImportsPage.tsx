import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Button, Card, Col, Grid, Progress, Result, Row, Space, Spin, Statistic, Steps, Table, Tag, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { ArrowLeftOutlined, DownloadOutlined, FileExcelOutlined, InboxOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { IMPORT_KIND_LABELS, IMPORT_MAX_PROBLEMS_LISTED, type ImportJobView, type ImportKind, type ImportProblem, type ImportResult } from '@cc/domain';
import {
  IMPORT_KIND_ACCESS,
  IMPORT_KINDS,
  IMPORT_MAX_BYTES,
  canExport,
  canImport,
  exportUrl,
  isImportKind,
  templateUrl,
  useImportJob,
  useImportUpload,
  useInvalidateImported,
  type ImportOutcome,
} from '../api/imports';
import { ApiError } from '../api/client';
import { useAuth } from '../app/auth';
import { NAV, allows } from '../app/nav';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { useLanguage } from '../i18n';
import { errorMessage } from '../lib/errors';
import type zhCN from '../i18n/zh-CN';
import { positiveInt } from '../lib/useQueryParams';

type MenuKey = keyof (typeof zhCN)['menu'];

/** Where to look at what a kind's import changed. */
const RESULT_LINKS: Record<ImportKind, { key: MenuKey; to: string }[]> = {
  regions: [{ key: 'regions', to: '/regions' }, { key: 'map', to: '/map' }],
  units: [{ key: 'units', to: '/units' }, { key: 'map', to: '/map' }],
  people: [{ key: 'people', to: '/people' }, { key: 'assignments', to: '/assignments' }],
  segments: [{ key: 'segments', to: '/segments' }, { key: 'map', to: '/map' }],
  shops: [{ key: 'units', to: '/units?kind=merchant' }, { key: 'frontage', to: '/frontage' }, { key: 'map', to: '/map' }],
  assignments: [{ key: 'assignments', to: '/assignments' }, { key: 'map', to: '/map' }],
};

const XLSX = /\.xlsx$/i;

/** A CSV cell: quoted, and text Excel would run as a formula defused with a leading apostrophe. */
function csvCell(v: string | number | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** Save the problems as CSV, UTF-8 with a BOM so that Excel shows the Chinese text. */
function downloadReport(problems: ImportProblem[], header: string[], fileName: string, wholeRow: string) {
  const lines = [header, ...problems.map((p) => [p.row, p.column ?? wholeRow, p.value, p.message])].map((r) => r.map(csvCell).join(','));
  const blob = new Blob(['\uFEFF', lines.join('\r\n'), '\r\n'], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function KindCards({ onChoose }: { onChoose: (kind: ImportKind) => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { me } = useAuth();
  const kinds = IMPORT_KINDS.filter((k) => canImport(me, k) || canExport(me, k));
  return (
    <>
      <Alert type="info" showIcon title={t('imports.order')} style={{ marginBottom: 16 }} />
      <Row gutter={[16, 16]}>
        {kinds.map((kind) => {
          const importable = canImport(me, kind);
          const cityOnly = !importable && IMPORT_KIND_ACCESS[kind].cityWide && me?.permissions.includes(IMPORT_KIND_ACCESS[kind].write);
          return (
            <Col key={kind} xs={24} md={12} xl={8}>
              <Card
                className="cc-import-kind"
                data-testid={`import-kind-${kind}`}
                title={
                  <Space>
                    <FileExcelOutlined style={{ color: '#1d6f42' }} />
                    {IMPORT_KIND_LABELS[kind][lang]}
                  </Space>
                }
                style={{ height: '100%' }}
                styles={{ body: { display: 'flex', flexDirection: 'column', gap: 12, height: 'calc(100% - 56px)' } }}
              >
                <Typography.Paragraph type="secondary" style={{ margin: 0, flex: 1 }}>
                  {t(`imports.kinds.${kind}`)}
                </Typography.Paragraph>
                {!importable && (
                  <Typography.Text type="warning" style={{ fontSize: 12 }}>
                    {cityOnly ? t('imports.cityWideOnly') : t('imports.noImport')}
                  </Typography.Text>
                )}
                <Space wrap size={8}>
                  {importable && (
                    <Button type="primary" icon={<UploadOutlined />} onClick={() => onChoose(kind)} data-testid="import-choose">
                      {t('imports.choose')}
                    </Button>
                  )}
                  {importable && (
                    <Button icon={<DownloadOutlined />} href={templateUrl(kind)} download data-testid="import-template">
                      {t('imports.template')}
                    </Button>
                  )}
                  {canExport(me, kind) && (
                    <Button icon={<DownloadOutlined />} href={exportUrl(kind)} download data-testid="import-export">
                      {t('imports.export')}
                    </Button>
                  )}
                </Space>
              </Card>
            </Col>
          );
        })}
      </Row>
    </>
  );
}

function UploadStep({
  kind,
  error,
  pendingName,
  onPick,
  onBack,
}: {
  kind: ImportKind;
  error: string | null;
  pendingName: string | null;
  onPick: (file: File) => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const label = IMPORT_KIND_LABELS[kind][lang];
  return (
    <Card data-testid="import-upload" title={t('imports.uploadTitle', { kind: label })} styles={{ title: { whiteSpace: 'normal' } }}>
      <div className="cc-import-hint">
        <Typography.Text type="secondary">{t('imports.uploadHint')}</Typography.Text>
        <Button icon={<DownloadOutlined />} href={templateUrl(kind)} download data-testid="import-template">
          {t('imports.template')}
        </Button>
      </div>
      <Spin spinning={pendingName !== null} description={pendingName ? t('imports.checking', { name: pendingName }) : undefined}>
        <div data-testid="import-dragger">
          <Upload.Dragger
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            multiple={false}
            showUploadList={false}
            disabled={pendingName !== null}
            beforeUpload={(file) => {
              onPick(file);
              return Upload.LIST_IGNORE;
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('imports.dragText')}</p>
            <p className="ant-upload-hint">{t('imports.dragHint')}</p>
          </Upload.Dragger>
        </div>
      </Spin>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} data-testid="import-upload-error" role="alert" />}
      <div style={{ marginTop: 16 }}>
        <Button icon={<ArrowLeftOutlined />} onClick={onBack} data-testid="import-back">
          {t('imports.change')}
        </Button>
      </div>
    </Card>
  );
}

function SuccessView({ kind, result, onAgain }: { kind: ImportKind; result: Pick<ImportResult, 'total' | 'created' | 'updated' | 'unchanged'>; onAgain: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { can } = useAuth();
  const links = RESULT_LINKS[kind].filter((l) => {
    const entry = NAV.find((e) => e.key === l.key);
    return entry && allows(entry.permission, can);
  });
  return (
    <Card data-testid="import-success">
      <Result
        status="success"
        title={t('imports.successTitle')}
        subTitle={t('imports.successSub', { kind: IMPORT_KIND_LABELS[kind][lang], total: result.total })}
        extra={
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Row gutter={16} justify="center">
              {(['created', 'updated', 'unchanged'] as const).map((k) => (
                <Col key={k} xs={8} sm={6} md={4} data-testid={`import-${k}`} data-value={result[k]}>
                  <Statistic title={t(`imports.${k}`)} value={result[k]} />
                </Col>
              ))}
            </Row>
            {links.length > 0 && (
              <Space wrap size={8} style={{ justifyContent: 'center' }} data-testid="import-links">
                <Typography.Text type="secondary">{t('imports.goTo')}</Typography.Text>
                {links.map((l) => (
                  <Link key={l.key} to={l.to}>
                    {t(`menu.${l.key}`)}
                  </Link>
                ))}
              </Space>
            )}
            <Button type="primary" onClick={onAgain} data-testid="import-again">
              {t('imports.again')}
            </Button>
          </Space>
        }
      />
    </Card>
  );
}

function ProblemsView({
  kind,
  total,
  problemCount,
  truncated,
  problems,
  onRetry,
}: {
  kind: ImportKind;
  total: number;
  problemCount: number;
  truncated: boolean;
  problems: ImportProblem[];
  onRetry: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const screens = Grid.useBreakpoint();
  // A phone gets one column: row, column and content above the reason.
  const compact: TableColumnsType<ImportProblem> = [
    {
      title: t('imports.problem'),
      key: 'all',
      render: (_: unknown, p) => (
        <div data-testid="problem-compact">
          <Space size={[6, 4]} wrap>
            <Typography.Text strong>{t('imports.rowN', { row: p.row })}</Typography.Text>
            {p.column ? <Tag>{p.column}</Tag> : <Typography.Text type="secondary">{p.row === 1 ? t('imports.headerRow') : t('imports.wholeRow')}</Typography.Text>}
            {p.value && <Typography.Text type="danger">{p.value}</Typography.Text>}
          </Space>
          <div style={{ marginTop: 4 }}>{p.message}</div>
        </div>
      ),
    },
  ];
  const columns: TableColumnsType<ImportProblem> = [
    { title: t('imports.row'), dataIndex: 'row', width: 72, render: (r: number) => <span data-testid="problem-row">{r}</span> },
    {
      title: t('imports.column'),
      dataIndex: 'column',
      width: 130,
      render: (c: string | null, p) =>
        c ? <Tag>{c}</Tag> : <Typography.Text type="secondary">{p.row === 1 ? t('imports.headerRow') : t('imports.wholeRow')}</Typography.Text>,
    },
    {
      title: t('imports.value'),
      dataIndex: 'value',
      width: 160,
      render: (v: string | null) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : <Typography.Text type="secondary">{t('common.none')}</Typography.Text>),
    },
    { title: t('imports.problem'), dataIndex: 'message', render: (m: string) => <span data-testid="problem-message">{m}</span> },
  ];
  const header = [t('imports.row'), t('imports.column'), t('imports.value'), t('imports.problem')];
  return (
    <Card data-testid="import-problems">
      <Alert
        type="error"
        showIcon
        title={<span data-testid="import-summary">{t('imports.invalidSummary', { total, count: problemCount })}</span>}
        description={
          <>
            <div>{t('imports.invalidHint')}</div>
            {truncated && <div>{t('imports.truncated', { shown: problems.length || IMPORT_MAX_PROBLEMS_LISTED })}</div>}
          </>
        }
        style={{ marginBottom: 16 }}
      />
      <Space wrap size={8} style={{ marginBottom: 16 }}>
        <Button type="primary" icon={<UploadOutlined />} onClick={onRetry} data-testid="import-reupload">
          {t('imports.reupload')}
        </Button>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => downloadReport(problems, header, t('imports.reportFile', { kind: IMPORT_KIND_LABELS[kind][lang] }), t('imports.wholeRow'))}
          data-testid="import-report"
        >
          {t('imports.downloadReport')}
        </Button>
      </Space>
      <Table<ImportProblem>
        size="small"
        rowKey={(p) => `${p.row}-${p.column ?? ''}-${p.code}-${problems.indexOf(p)}`}
        columns={screens.md ? columns : compact}
        dataSource={problems}
        pagination={problems.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        scroll={screens.md ? { x: 640 } : undefined}
        data-testid="import-problem-table"
      />
    </Card>
  );
}

function JobView({ kind, jobId, onRetry, onAgain }: { kind: ImportKind; jobId: number; onRetry: () => void; onAgain: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const job = useImportJob(jobId);
  const invalidate = useInvalidateImported();
  const [seenDone, setSeenDone] = useState(false);
  const j: ImportJobView | undefined = job.data;
  if (j?.state === 'done' && !seenDone) {
    setSeenDone(true);
    void invalidate(j.kind);
  }
  if (job.error && !j) return <QueryError error={job.error} onRetry={() => void job.refetch()} />;
  if (!j) return <Card loading />;
  if (j.state === 'done') {
    return <SuccessView kind={j.kind} result={{ total: j.total, created: j.created ?? 0, updated: j.updated ?? 0, unchanged: j.unchanged ?? 0 }} onAgain={onAgain} />;
  }
  if (j.state === 'failed') {
    if (j.problemCount > 0) {
      const problems = j.problems ?? [];
      return <ProblemsView kind={j.kind} total={j.total} problemCount={j.problemCount} truncated={j.problemCount > problems.length} problems={problems} onRetry={onRetry} />;
    }
    return (
      <Card data-testid="import-failed">
        <Result
          status="error"
          title={t('imports.failedTitle')}
          subTitle={j.error?.message ?? t('errors.unknown')}
          extra={
            <Button type="primary" icon={<ReloadOutlined />} onClick={onRetry}>
              {t('imports.reupload')}
            </Button>
          }
        />
      </Card>
    );
  }
  const half = j.total > 0 ? Math.min(1, j.processed / j.total) * 50 : 0;
  const percent = Math.floor(j.state === 'importing' ? 50 + half : j.state === 'validating' ? half : 0);
  return (
    <Card data-testid="import-job" title={t('imports.jobTitle', { name: j.fileName })}>
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Space wrap>
          <Tag color="processing" data-testid="import-job-state" data-state={j.state}>
            {t(`imports.state.${j.state}`)}
          </Tag>
          <Typography.Text type="secondary">{IMPORT_KIND_LABELS[kind][lang]}</Typography.Text>
        </Space>
        <Progress percent={percent} status="active" />
        <Typography.Text>{t('imports.jobRows', { processed: j.processed, total: j.total })}</Typography.Text>
        <Typography.Text type="secondary">{t('imports.jobHint')}</Typography.Text>
      </Space>
    </Card>
  );
}

export default function ImportsPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { me } = useAuth();
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const rawKind = params.get('kind');
  const kind = isImportKind(rawKind) && canImport(me, rawKind) ? rawKind : null;
  const jobId = positiveInt(params.get('job')) ?? null;
  const [outcome, setOutcome] = useState<{ kind: ImportKind; out: Exclude<ImportOutcome, { type: 'job' }> } | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [pendingName, setPendingName] = useState<string | null>(null);
  const importer = useImportUpload();

  const shown = outcome && outcome.kind === kind ? outcome.out : null;
  const step = kind === null ? 0 : shown || jobId ? 2 : 1;

  const goChoose = () => {
    setOutcome(null);
    setUploadError(null);
    setParams({}, { replace: false });
  };
  const goUpload = (k: ImportKind) => {
    setOutcome(null);
    setUploadError(null);
    setParams({ kind: k });
  };

  const pick = async (file: File) => {
    if (!kind) return;
    setUploadError(null);
    if (!XLSX.test(file.name)) return setUploadError(t('imports.notXlsx'));
    if (file.size > IMPORT_MAX_BYTES) return setUploadError(t('imports.tooLarge'));
    setPendingName(file.name);
    try {
      const out = await importer.mutateAsync({ kind, file });
      if (out.type === 'job') setParams({ kind, job: String(out.jobId) });
      else setOutcome({ kind, out });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.code === 'PASSWORD_CHANGE_REQUIRED')) return;
      setUploadError(errorMessage(err, t, lang));
    } finally {
      setPendingName(null);
    }
  };

  let body;
  if (step === 0) body = <KindCards onChoose={goUpload} />;
  else if (step === 1) body = <UploadStep kind={kind!} error={uploadError} pendingName={pendingName} onPick={(f) => void pick(f)} onBack={goChoose} />;
  else if (jobId) body = <JobView key={jobId} kind={kind!} jobId={jobId} onRetry={() => goUpload(kind!)} onAgain={goChoose} />;
  else if (shown?.type === 'done') body = <SuccessView kind={kind!} result={shown.result} onAgain={goChoose} />;
  else if (shown?.type === 'invalid')
    body = (
      <ProblemsView
        kind={kind!}
        total={shown.details.total}
        problemCount={shown.details.problemCount}
        truncated={shown.details.truncated}
        problems={shown.details.problems}
        onRetry={() => goUpload(kind!)}
      />
    );

  return (
    <>
      <PageHeader title={t('imports.title')}>
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
          {t('imports.intro')}
        </Typography.Paragraph>
      </PageHeader>
      <Steps
        className="cc-import-steps"
        current={step}
        size="small"
        responsive={false}
        titlePlacement={screens.sm ? 'horizontal' : 'vertical'}
        style={{ marginBottom: 16 }}
        items={[
          { title: t('imports.stepChoose'), content: kind && screens.sm ? IMPORT_KIND_LABELS[kind][lang] : undefined },
          { title: t('imports.stepUpload') },
          { title: t('imports.stepResult') },
        ]}
        data-testid="import-steps"
      />
      {body}
    </>
  );
}
