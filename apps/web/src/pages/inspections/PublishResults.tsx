import { Alert, App, Button, Popconfirm } from 'antd';
import type { ButtonProps } from 'antd';
import { NotificationOutlined } from '@ant-design/icons';
import type { PlanView } from '@cc/domain';
import { useTranslation } from 'react-i18next';
import { useReportError } from '../../lib/useReportError';
import { usePlanMutations } from './api';
import type { InspectionStrings } from './strings';

/**
 * 公布结果 of an unannounced plan: a confirm that says what happens (the inspected see the sheets,
 * each deduction opens a case), then the count published. Shown only when the plan allows it.
 */
export function PublishResultsButton({ plan, s, size }: { plan: PlanView; s: InspectionStrings; size?: ButtonProps['size'] }) {
  const { message } = App.useApp();
  const report = useReportError();
  const { publish } = usePlanMutations();
  if (!plan.actions.includes('publishResults')) return null;
  const run = async () => {
    try {
      const r = await publish.mutateAsync(plan.id);
      void message.success(s.plans.published(r.published));
    } catch (err) {
      report(err);
    }
  };
  return (
    <Popconfirm
      title={s.plans.publishConfirmTitle}
      description={<div style={{ maxWidth: 280 }}>{s.plans.publishConfirm(plan.unpublishedSheets)}</div>}
      onConfirm={run}
      okText={s.plans.publish}
      okButtonProps={{ danger: true, 'data-testid': 'results-publish-ok' } as ButtonProps}
    >
      <Button danger size={size} icon={<NotificationOutlined />} loading={publish.isPending} data-testid="results-publish">
        {s.plans.publish}
      </Button>
    </Popconfirm>
  );
}

/** Above an unannounced plan's results: how many sheets the inspected cannot see yet, with the button. */
export function UnpublishedNotice({ plan, s }: { plan: PlanView | undefined; s: InspectionStrings }) {
  const { t } = useTranslation();
  if (!plan || plan.mode !== 'unannounced' || plan.unpublishedSheets === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      title={t('inspectionResults.unpublished', { n: plan.unpublishedSheets })}
      description={
        <>
          <div style={{ marginBottom: 8 }}>{t('inspectionResults.unpublishedHint')}</div>
          <PublishResultsButton plan={plan} s={s} />
        </>
      }
      data-testid="results-unpublished"
    />
  );
}
