import { useState } from 'react';
import { Link } from 'react-router';
import { App, Button, Card, Checkbox, Empty, Form, Grid, Input, Modal, Segmented, Select, Space, Tag, Typography } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import { CheckOutlined, HistoryOutlined, RollbackOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { RecheckView } from '@cc/domain';
import { useRecheckResult, useRechecks, type RecheckState } from '../api/cases';
import { useAuth } from '../app/auth';
import { PhotoUpload, type PhotoValue } from '../components/cases/PhotoUpload';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { isApiError } from '../lib/errors';
import { normaliseFieldErrors } from '../lib/cases';
import { formatDate, formatDateTime } from '../lib/format';
import { useReportError } from '../lib/useReportError';
import { usePlans } from './inspections/api';
import './cases/cases.css';
import { cityDay } from '../lib/time';
import { positiveInt as num, useQueryParams, pageOf } from '../lib/useQueryParams';

const STATES = ['pending', 'passed', 'relapsed'] as const satisfies readonly RecheckState[];
const STATE_COLOR: Record<RecheckState, string> = { pending: 'gold', passed: 'green', relapsed: 'magenta', void: 'default' };

interface Values {
  note?: string;
  photos?: PhotoValue[];
}

/**
 * 回头看: a sample of closed cases is checked again some weeks later. Passed, or the problem is
 * back — then the case reopens as a relapse (反弹) and goes to the unit again.
 */
export default function RechecksPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const { params, setQuery } = useQueryParams();
  const stateParam = params.get('state');
  const state: RecheckState = (STATES as readonly string[]).includes(stateParam ?? '') ? (stateParam as RecheckState) : 'pending';
  const planId = num(params.get('planId'));
  const overdue = params.get('overdue') === '1';
  const query = { state: overdue ? 'pending' : state, planId, overdue: overdue || undefined, ...pageOf(params) };
  const list = useRechecks(query);
  const { can } = useAuth();
  // 回头看计划 for the filter (a team member sees only the plans they may see).
  const plans = usePlans({ kind: 'recheck', pageSize: 100 }, can('inspection.read'));
  const record = useRecheckResult();
  const [dialog, setDialog] = useState<{ r: RecheckView; result: 'passed' | 'relapsed' } | null>(null);
  const [form] = Form.useForm<Values>();
  const today = cityDay().format('YYYY-MM-DD');

  const open = (r: RecheckView, result: 'passed' | 'relapsed') => {
    form.resetFields();
    form.setFieldsValue({ note: '', photos: [] });
    setDialog({ r, result });
  };

  const onOk = async () => {
    if (!dialog) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await record.mutateAsync({
        id: dialog.r.id,
        body: {
          result: dialog.result,
          note: v.note?.trim() || undefined,
          photos: v.photos?.length ? v.photos.map((p) => ({ fileId: p.fileId })) : undefined,
        },
      });
      void message.success(dialog.result === 'passed' ? t('rechecks.passedOk', { number: dialog.r.case.number }) : t('rechecks.relapsedOk', { number: dialog.r.case.number }));
      setDialog(null);
    } catch (err) {
      if (isApiError(err) && err.status === 409) {
        void message.warning(err.message || t('errors.conflict'));
        setDialog(null);
        void list.refetch();
        return;
      }
      report(normaliseFieldErrors(err), form, { fields: ['note', 'photos'], codeFields: { CASE_NOTE_REQUIRED: 'note', CASE_PHOTO_INVALID: 'photos' } });
    }
  };

  const columns: TableColumnsType<RecheckView> = [
    {
      title: t('cases.number'),
      key: 'number',
      render: (_, r) => (
        <div>
          <Link to={`/cases/${r.case.id}`} data-testid="recheck-case" className="cc-case-number">
            {r.case.number}
          </Link>
          <div>{r.case.category}</div>
          {r.plan && !screens.md && <div className="cc-muted" data-testid="recheck-plan-small">{r.plan.name}</div>}
        </div>
      ),
    },
    {
      title: t('rechecks.plan'),
      key: 'plan',
      responsive: ['md'],
      render: (_, r) => (r.plan ? <span data-testid="recheck-plan">{r.plan.name}</span> : <span className="cc-muted">{t('rechecks.planNone')}</span>),
    },
    {
      title: t('cases.place'),
      key: 'place',
      render: (_, r) => (
        <div className="cc-case-place">
          <div>{r.case.address ?? t('common.none')}</div>
          <div className="cc-muted">{r.case.unit?.name ?? t('cases.noUnit')}</div>
        </div>
      ),
    },
    { title: t('rechecks.closedAt'), dataIndex: 'closedAt', responsive: ['md'], render: (v: string) => <span className="cc-nowrap">{formatDateTime(v)}</span> },
    {
      title: t('rechecks.dueDate'),
      dataIndex: 'dueDate',
      render: (v: string, r) => (
        <Typography.Text type={r.state === 'pending' && v < today ? 'danger' : undefined} className="cc-nowrap">
          {formatDate(v)}
        </Typography.Text>
      ),
    },
    ...(state === 'pending'
      ? []
      : [
          {
            title: t('rechecks.result'),
            key: 'result',
            render: (_: unknown, r: RecheckView) => (
              <div>
                <Tag color={STATE_COLOR[r.state]}>{t(`rechecks.states.${r.state}`)}</Tag>
                <div className="cc-muted">
                  {[r.checkedBy, formatDateTime(r.checkedAt)].filter(Boolean).join(' · ')}
                </div>
                {r.note && <div>{r.note}</div>}
              </div>
            ),
          },
        ]),
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: screens.md ? undefined : 'right',
      render: (_, r) =>
        r.actions.includes('record') ? (
          <Space orientation={screens.sm ? 'horizontal' : 'vertical'} size={4}>
            <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => open(r, 'passed')} data-testid="recheck-pass">
              {t('rechecks.pass')}
            </Button>
            <Button size="small" danger icon={<RollbackOutlined />} onClick={() => open(r, 'relapsed')} data-testid="recheck-relapse">
              {t('rechecks.relapse')}
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader title={t('rechecks.title')}>
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
          {t('rechecks.intro')}
        </Typography.Paragraph>
      </PageHeader>
      <Card>
        <div className="cc-toolbar">
          <Segmented<RecheckState>
            value={state}
            onChange={(v) => setQuery({ state: v === 'pending' ? undefined : v, page: undefined })}
            options={STATES.map((s) => ({ value: s, label: t(`rechecks.states.${s}`) }))}
            data-testid="recheck-state"
          />
          <Select<number>
            allowClear
            placeholder={t('rechecks.planAll')}
            value={planId}
            onChange={(v) => setQuery({ planId: v ?? undefined, page: undefined })}
            options={[
              // A plan in the address that the list does not hold (e.g. a link from the field) still shows its id.
              ...(planId && !(plans.data?.items ?? []).some((p) => p.id === planId) ? [{ value: planId, label: `#${planId}` }] : []),
              ...(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name })),
            ]}
            loading={plans.isLoading}
            aria-label={t('rechecks.filterPlan')}
            style={{ minWidth: 180, maxWidth: '100%' }}
            data-testid="recheck-plan-filter"
          />
          <Checkbox checked={overdue} onChange={(e) => setQuery({ overdue: e.target.checked ? 1 : undefined, state: undefined, page: undefined })} data-testid="recheck-overdue">
            {t('rechecks.overdueOnly')}
          </Checkbox>
        </div>
        <PagedTable<RecheckView>
          result={list}
          query={query}
          onPage={(page, pageSize) => setQuery({ page, pageSize })}
          columns={columns}
          empty={<Empty image={<HistoryOutlined style={{ fontSize: 40, color: '#bfbfbf' }} />} description={t(`rechecks.empty.${state}`)} />}
          testId="rechecks-table"
        />
      </Card>
      <Modal
        open={dialog !== null}
        title={dialog ? t(dialog.result === 'passed' ? 'rechecks.passTitle' : 'rechecks.relapseTitle', { number: dialog.r.case.number }) : ''}
        okText={dialog?.result === 'passed' ? t('rechecks.pass') : t('rechecks.relapse')}
        okButtonProps={{ danger: dialog?.result === 'relapsed', 'data-testid': 'recheck-ok' } as ButtonProps}
        confirmLoading={record.isPending}
        onOk={() => void onOk()}
        onCancel={() => setDialog(null)}
        forceRender
      >
        {dialog && (
          <Typography.Paragraph type="secondary">
            {dialog.result === 'passed' ? t('rechecks.passHint') : t('rechecks.relapseHint', { unit: dialog.r.case.unit?.name ?? t('cases.noUnit') })}
          </Typography.Paragraph>
        )}
        <Form<Values> form={form} layout="vertical" name="recheck" requiredMark="optional" data-testid="recheck-form">
          <Form.Item name="photos" label={t('cases.form.photos')}>
            <PhotoUpload data-testid="recheck-photos" />
          </Form.Item>
          <Form.Item
            name="note"
            label={dialog?.result === 'relapsed' ? t('cases.noteLabels.relapse') : t('cases.noteLabels.verify_pass')}
            rules={[
              ...(dialog?.result === 'relapsed' ? [{ required: true, whitespace: true, message: t('rechecks.noteRequired') }] : []),
              { max: 1000 },
            ]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={1000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
