import { Alert, Card, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CasePreview } from '@cc/domain';
import { useLanguage } from '../../i18n';
import { deadlineAmount, routingLabel, shortDateTime, stateLabel } from '../../lib/cases';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';

function Line({ label, children, testId }: { label: string; children: React.ReactNode; testId: string }) {
  return (
    <div className="cc-preview__row" data-testid={testId}>
      <div className="cc-preview__label">{label}</div>
      <div className="cc-preview__value">{children}</div>
    </div>
  );
}

/**
 * Before saving: where the case will go, by when, and whether it was reported already nearby —
 * the answer of GET /cases/preview for the chosen place and category.
 */
export function PreviewPanel({
  preview,
  loading,
  error,
  autoAssign,
  unitOverride,
  deadlineOverride,
}: {
  preview: CasePreview | undefined;
  loading: boolean;
  error: unknown;
  /** The case is registered and assigned at once (the office, or the city's settings for this source). */
  autoAssign: boolean;
  unitOverride: boolean;
  deadlineOverride: boolean;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  let body: React.ReactNode;
  if (error) body = <Alert type="error" showIcon title={errorMessage(error, t, lang)} data-testid="preview-error" />;
  else if (!preview) body = loading ? <Skeleton active paragraph={{ rows: 3 }} /> : null;
  else {
    const p = preview;
    const place = [p.grid?.name, p.community?.name, p.street?.name].filter(Boolean).join(' · ');
    const by = routingLabel(p.routedBy, t);
    body = (
      <>
        <Line label={t('cases.preview.place')} testId="preview-place">
          {place || t('common.none')}
        </Line>
        <Line label={t('cases.preview.unit')} testId="preview-unit">
          {unitOverride ? (
            <Typography.Text>{t('cases.preview.unitChosen')}</Typography.Text>
          ) : p.unit ? (
            <>
              <Typography.Text strong>{p.unit.name}</Typography.Text>
              {by && <Typography.Text type="secondary">{t('cases.routedBy', { step: by })}</Typography.Text>}
            </>
          ) : (
            <Typography.Text type="warning">{t('cases.preview.noUnit')}</Typography.Text>
          )}
        </Line>
        <Line label={t('cases.preview.deadline')} testId="preview-deadline">
          {deadlineOverride
            ? t('cases.preview.deadlineChosen')
            : t('cases.preview.deadlineText', { amount: deadlineAmount(p.deadline.amount, p.deadline.cls, t), at: shortDateTime(p.deadline.at, t) })}
        </Line>
        <Line label={t('cases.preview.next')} testId="preview-next">
          {autoAssign ? t('cases.preview.autoAssign') : t('cases.preview.toOffice')}
        </Line>
        {p.duplicates.length > 0 && (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 8 }}
            data-testid="preview-duplicates"
            title={t('cases.preview.duplicates', { n: p.duplicates.length })}
            description={
              <ul className="cc-preview__dups">
                {p.duplicates.map((d) => (
                  <li key={d.id}>
                    <a href={`/cases/${d.id}`} target="_blank" rel="noopener">
                      {d.number}
                    </a>{' '}
                    {stateLabel(d.state, lang)} · {t('cases.preview.distance', { m: d.distanceM })} · {formatDateTime(d.createdAt)}
                    <div className="cc-muted">{d.description}</div>
                  </li>
                ))}
              </ul>
            }
          />
        )}
      </>
    );
  }
  return (
    <Card size="small" className="cc-preview" title={t('cases.preview.title')} data-testid="case-preview" loading={false}>
      {body}
    </Card>
  );
}
