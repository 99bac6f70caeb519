import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button, Card, Col, Descriptions, Empty, Row, Skeleton, Space, Typography } from 'antd';
import { ArrowLeftOutlined, EnvironmentOutlined, FilePdfOutlined, FileWordOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '@cc/domain';
import { caseDocumentUrl, useCase } from '../api/cases';
import { useRegionGeo } from '../api/map';
import { useAuth } from '../app/auth';
import { CaseTags, DeadlineText } from '../components/cases/CaseTags';
import { useCategoryLabel } from '../components/cases/CategorySelect';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { useLanguage } from '../i18n';
import { deadlineAmount, routingLabel, shortDateTime, sourceLabel } from '../lib/cases';
import { formatDateTime } from '../lib/format';
import type { Shape } from '../map/layers';
import { CHILD_STYLE, FOCUS_STYLE } from '../map/styles';
import { CaseActions } from './cases/CaseActions';
import { CasePhotos } from './cases/CasePhotos';
import { CaseTimeline } from './cases/CaseTimeline';
import './cases/cases.css';

const GeoPreview = lazy(() => import('../map/GeoPreview'));

/** Re-render every `ms` so a countdown stays true while the page is open. */
function useTick(ms: number) {
  const [, setN] = useState(0);
  useEffect(() => {
    const h = setInterval(() => setN((n) => n + 1), ms);
    return () => clearInterval(h);
  }, [ms]);
}

/** The point on a small map, inside its community and grid (there may be no basemap). */
function CaseMap({ c }: { c: CaseView }) {
  const { t } = useTranslation();
  const geo = useRegionGeo();
  const shapes = useMemo<Shape[]>(() => {
    const f = geo.data?.features ?? [];
    const own = [c.community?.id, c.grid?.id].filter((x): x is number => x !== undefined);
    return f
      .filter((x) => own.includes(x.id))
      .map((x) => ({ key: x.id, geometry: x.geometry, style: x.id === c.grid?.id ? CHILD_STYLE : { ...FOCUS_STYLE, fillOpacity: 0.03 }, tooltip: x.properties.name }));
  }, [geo.data, c.community?.id, c.grid?.id]);
  return (
    <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 240 }} />}>
      <GeoPreview
        label={t('cases.detail.mapOf', { number: c.number })}
        shapes={shapes}
        pin={{ lng: c.lng, lat: c.lat }}
        fitKey={`${c.id}:${shapes.length}`}
        height={240}
        data-testid="case-map"
      />
    </Suspense>
  );
}

function Documents({ c }: { c: CaseView }) {
  const { t } = useTranslation();
  if (!c.documents.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.documents.none')} />;
  return (
    <div className="cc-docs" data-testid="case-documents">
      {c.documents.map((d) => (
        <div key={d.id} className="cc-docs__row" data-testid="case-document" data-kind={d.kind}>
          <div>
            <div>
              <Typography.Text strong>{t(`cases.documents.${d.kind}`)}</Typography.Text> {d.number ?? t('cases.documents.numbering')}
            </div>
            <div className="cc-muted">{formatDateTime(d.createdAt)}</div>
          </div>
          <Space size={4}>
            <Button size="small" icon={<FileWordOutlined />} href={caseDocumentUrl(c.id, d.id, 'docx')} download data-testid="doc-docx">
              Word
            </Button>
            <Button size="small" icon={<FilePdfOutlined />} href={caseDocumentUrl(c.id, d.id, 'pdf')} target="_blank" rel="noopener" data-testid="doc-pdf">
              PDF
            </Button>
          </Space>
        </div>
      ))}
    </div>
  );
}

/** One case: where and what, who must act by when, the photos, the history and the documents. */
export default function CaseDetailPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const params = useParams();
  const id = Number(params.id);
  const valid = Number.isInteger(id) && id > 0;
  const query = useCase(valid ? id : null);
  const c = query.data;
  const categoryLabel = useCategoryLabel();
  useTick(30_000);

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => (window.history.length > 1 ? navigate(-1) : navigate('/cases'))} data-testid="case-back">
      {t('cases.detail.back')}
    </Button>
  );
  if (!valid) return <QueryError error={new Error('bad id')} />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={t('menu.caseDetail')} extra={back} />
        <QueryError error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  if (!c) {
    return (
      <>
        <PageHeader title={t('menu.caseDetail')} extra={back} />
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      </>
    );
  }

  const place = [c.street?.name, c.community?.name, c.grid?.name].filter(Boolean).join(' / ');
  const routedBy = routingLabel(c.routedBy, t);
  return (
    <div className="cc-case-detail" data-testid="case-detail" data-case-id={c.id}>
      <PageHeader
        title={
          <span>
            {t('cases.detail.title')} <span data-testid="case-number">{c.number}</span>
          </span>
        }
        extra={back}
      />
      <Card className="cc-case-summary" data-testid="case-summary">
        <div className="cc-case-summary__top">
          <CaseTags c={c} withReturned />
          {c.stateCategory === 'open' && (
            <span className="cc-case-summary__deadline">
              <DeadlineText c={c} />
            </span>
          )}
        </div>
        <Typography.Paragraph className="cc-case-summary__desc" data-testid="case-description">
          {c.description}
        </Typography.Paragraph>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 1, md: 2, xl: 3 }}
          items={[
            { key: 'category', label: t('cases.category'), children: `${c.category.majorName} / ${categoryLabel(c.category)}` },
            {
              key: 'unit',
              label: t('cases.unit'),
              children: (
                <span data-testid="case-unit">
                  {c.unit?.name ?? <Typography.Text type="warning">{t('cases.noUnit')}</Typography.Text>}
                  {routedBy && c.unit && <Typography.Text type="secondary">{t('cases.routedBy', { step: routedBy })}</Typography.Text>}
                </span>
              ),
            },
            {
              key: 'deadline',
              label: t('cases.deadline.title'),
              children: (
                <span data-testid="case-deadline-at">
                  {deadlineAmount(c.deadline.amount, c.deadline.cls, t)}
                  {c.deadline.at && t('cases.deadline.until', { at: shortDateTime(c.deadline.at, t) })}
                </span>
              ),
            },
            { key: 'place', label: t('cases.place'), children: <span data-testid="case-place">{place || t('common.none')}</span> },
            { key: 'address', label: t('cases.address'), children: c.address ?? t('common.none') },
            { key: 'source', label: t('cases.source'), children: sourceLabel(c.source, lang) },
            { key: 'reporter', label: t('cases.reporter'), children: [c.reporter.name, c.reporter.phone].filter(Boolean).join(' · ') || (c.events[0]?.actor ?? t('common.none')) },
            { key: 'created', label: t('cases.createdAt'), children: formatDateTime(c.createdAt) },
            ...(c.assignedAt ? [{ key: 'assigned', label: t('cases.assignedAt'), children: formatDateTime(c.assignedAt) }] : []),
            ...(c.closedAt
              ? [
                  {
                    key: 'closed',
                    label: t('cases.closedAt'),
                    children: `${formatDateTime(c.closedAt)}${c.closedOnTime === null ? '' : c.closedOnTime ? t('cases.onTime') : t('cases.late')}`,
                  },
                ]
              : []),
            ...(c.mergedInto
              ? [{ key: 'merged', label: t('cases.mergedInto'), children: <Link to={`/cases/${c.mergedInto.id}`}>{c.mergedInto.number}</Link> }]
              : []),
            ...(c.hiddenReason ? [{ key: 'hidden', label: t('cases.hiddenReason'), children: c.hiddenReason }] : []),
          ]}
        />
      </Card>

      <Card size="small" title={t('cases.detail.actions')} className="cc-case-actions-card">
        <CaseActions c={c} onConflict={() => void query.refetch()} />
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('cases.detail.photos')} data-testid="case-photos">
            <CasePhotos photos={c.photos} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card
            size="small"
            title={t('cases.detail.map')}
            extra={
              can('map.read') && (
                <Link to={`/map?lng=${c.lng}&lat=${c.lat}`}>
                  <EnvironmentOutlined /> {t('cases.detail.onMap')}
                </Link>
              )
            }
          >
            {can('map.read') ? <CaseMap c={c} /> : <Typography.Text type="secondary">{`${c.lat.toFixed(6)}, ${c.lng.toFixed(6)}`}</Typography.Text>}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('cases.detail.documents')}>
            <Documents c={c} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('cases.detail.timeline')}>
            <CaseTimeline c={c} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
