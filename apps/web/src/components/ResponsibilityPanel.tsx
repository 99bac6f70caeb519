import type { ReactNode } from 'react';
import { Alert, Button, Empty, Skeleton, Space, Tag, Typography } from 'antd';
import { CloseOutlined, HistoryOutlined, ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { ResponsibilityAnswer, RoutingStep } from '@cc/domain';
import { ApiError } from '../api/client';
import { useAuth } from '../app/auth';
import { useLanguage } from '../i18n';
import { errorMessage } from '../lib/errors';

interface Props {
  point: [number, number];
  date: string;
  answer: ResponsibilityAnswer | undefined;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  onClose: () => void;
  /** Searching a radius: shown when nothing was found nearby. */
  segmentRadiusM?: number;
  frontageRadiusM?: number;
}

function Row({ label, children, testId }: { label: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <div className="cc-resp__row" data-testid={testId}>
      <div className="cc-resp__label">{label}</div>
      <div className="cc-resp__value">{children}</div>
    </div>
  );
}

const None = ({ children }: { children: ReactNode }) => <Typography.Text type="secondary">{children}</Typography.Text>;

/** "Who answers for this point on this day": the answer of GET /responsibility, for people. */
export function ResponsibilityPanel({ point, date, answer, loading, error, onRetry, onClose, segmentRadiusM, frontageRadiusM }: Props) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const stepLabel = (s: RoutingStep) => t(`map.steps.${s}`);
  const history = (type: string, id: number, kind: string) => navigate(`/assignments?kind=${kind}&historyType=${type}&historyId=${id}`);
  const canHistory = can('assignment.read');

  let body: ReactNode;
  if (loading && !answer) body = <Skeleton active paragraph={{ rows: 8 }} />;
  else if (error) {
    const outOfScope = error instanceof ApiError && error.code === 'OUT_OF_SCOPE';
    body = (
      <Alert
        type={outOfScope ? 'warning' : 'error'}
        showIcon
        data-testid={outOfScope ? 'map-out-of-scope' : 'map-error'}
        title={outOfScope ? t('map.outOfScopeTitle') : t('errors.loadFailedTitle')}
        description={outOfScope ? `${errorMessage(error, t, lang)}${t('map.outOfScopeHint')}` : errorMessage(error, t, lang)}
        action={
          !outOfScope && (
            <Button size="small" icon={<ReloadOutlined />} onClick={onRetry}>
              {t('common.retry')}
            </Button>
          )
        }
      />
    );
  } else if (answer) {
    const a = answer;
    const party = (x: { unit: { name: string } | null; person: { name: string } | null }) =>
      x.unit?.name ?? x.person?.name ?? <None>{t('map.unassigned')}</None>;
    body = (
      <>
        <div className="cc-resp__section">
          <Row label={t('map.grid')} testId="panel-grid">
            {a.grid ? a.grid.name : <None>{t('map.noGrid')}</None>}
          </Row>
          <Row label={t('map.community')} testId="panel-community">
            {a.community ? a.community.name : <None>{t('common.none')}</None>}
            {a.communityUnit && (
              <div>
                <Typography.Text type="secondary">{a.communityUnit.name}</Typography.Text>
              </div>
            )}
          </Row>
          <Row label={t('map.street')} testId="panel-street">
            {a.street ? a.street.name : <None>{t('common.none')}</None>}
          </Row>
        </div>

        <div className="cc-resp__section">
          <Row
            label={
              <Space size={4}>
                {t('map.leaders')}
                {canHistory && a.community && (
                  <Button
                    type="link"
                    size="small"
                    icon={<HistoryOutlined />}
                    aria-label={t('assignments.history')}
                    title={t('assignments.history')}
                    onClick={() => history('region', a.community!.id, 'community_cover')}
                  />
                )}
              </Space>
            }
            testId="panel-leaders"
          >
            {a.leaders.length ? (
              a.leaders.map((l) => (
                <div key={l.assignmentId}>
                  <Typography.Text strong>{l.person.name}</Typography.Text>
                  {(l.person.position || l.unit) && (
                    <Typography.Text type="secondary">
                      {' '}
                      {[l.unit?.name, l.person.position].filter(Boolean).join(' · ')}
                    </Typography.Text>
                  )}
                </div>
              ))
            ) : (
              <None>{t('map.nobody')}</None>
            )}
          </Row>
          <Row label={t('map.pairings')} testId="panel-pairings">
            {a.pairings.length ? a.pairings.map((p) => <div key={p.assignmentId}>{p.unit.name}</div>) : <None>{t('map.nobody')}</None>}
          </Row>
          <Row label={t('map.segment')} testId="panel-segment">
            {a.segment ? (
              <>
                <div>
                  {party(a.segment)}
                  {canHistory && (
                    <Button
                      type="link"
                      size="small"
                      icon={<HistoryOutlined />}
                      aria-label={t('assignments.history')}
                      title={t('assignments.history')}
                      onClick={() => history('road_segment', a.segment!.id, 'segment_cover')}
                    />
                  )}
                </div>
                <Typography.Text type="secondary">{t('map.segmentAt', { name: a.segment.name, distance: a.segment.distanceM })}</Typography.Text>
              </>
            ) : (
              <None>{t('map.noSegment', { radius: segmentRadiusM ?? '' })}</None>
            )}
          </Row>
          <Row label={t('map.zone')} testId="panel-zone">
            {a.zone ? (
              <>
                <div>{party(a.zone)}</div>
                <Typography.Text type="secondary">{a.zone.name}</Typography.Text>
              </>
            ) : (
              <None>{t('map.noZone')}</None>
            )}
          </Row>
          <Row label={t('map.frontage')} testId="panel-frontage">
            {a.frontage ? (
              <>
                <div>
                  {can('frontage.read') && a.frontage.contractId ? (
                    <Typography.Link onClick={() => navigate(`/frontage?id=${a.frontage!.contractId}`)}>{a.frontage.shop.name}</Typography.Link>
                  ) : (
                    a.frontage.shop.name
                  )}{' '}
                  <Typography.Text type="secondary">{t('map.distance', { distance: a.frontage.distanceM })}</Typography.Text>
                </div>
                <Space size={[4, 4]} wrap style={{ marginTop: 4 }}>
                  {a.frontage.duties.map((d) => (
                    <Tag key={d} variant="filled" color="green">
                      {d}
                    </Tag>
                  ))}
                </Space>
              </>
            ) : (
              <None>{t('map.noFrontage', { radius: frontageRadiusM ?? '' })}</None>
            )}
          </Row>
        </div>

        {a.routing.unit && a.routing.answeredBy ? (
          <Alert
            type="success"
            showIcon
            data-testid="panel-routing"
            title={t('map.routedTo', { unit: a.routing.unit.name, step: stepLabel(a.routing.answeredBy) })}
            description={t('map.routingOrder', { steps: a.routing.steps.map(stepLabel).join(' → ') })}
          />
        ) : (
          <Alert
            type="warning"
            showIcon
            data-testid="panel-routing"
            title={t('map.noRouting')}
            description={t('map.routingOrder', { steps: a.routing.steps.map(stepLabel).join(' → ') })}
          />
        )}
      </>
    );
  } else body = <Empty description={t('map.clickHint')} />;

  return (
    <div className="cc-resp" data-testid="map-panel" aria-live="polite">
      <div className="cc-resp__head">
        <div>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('map.panelTitle')}
          </Typography.Title>
          <Typography.Text type="secondary" className="cc-resp__coords">
            {t('map.pointOn', { x: point[0].toFixed(6), y: point[1].toFixed(6), date })}
          </Typography.Text>
        </div>
        <Button type="text" size="small" icon={<CloseOutlined />} onClick={onClose} aria-label={t('common.close')} title={t('common.close')} />
      </div>
      {body}
    </div>
  );
}
