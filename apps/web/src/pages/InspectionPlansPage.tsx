import { useState } from 'react';
import { App, Badge, Button, Card, Checkbox, Grid, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import { EditOutlined, NotificationOutlined, PlusOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { PLAN_KINDS, type PlanKind, type PlanView } from '@cc/domain';
import { useAuth } from '../app/auth';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { useReportError } from '../lib/useReportError';
import { usePlanMutations, usePlans, type PlanQuery } from './inspections/api';
import { KindTag, ModeTag, recurrenceText } from './inspections/common';
import { PlanEditor } from './inspections/PlanEditor';
import { useInspectionStrings } from './inspections/strings';
import './inspections/inspections.css';

/**
 * 检查计划: who inspects what, against which standard and how often. The office creates and edits
 * plans in a drawer (with a calendar of the plan's windows) and publishes unannounced results.
 */
export default function InspectionPlansPage() {
  const s = useInspectionStrings();
  const { message } = App.useApp();
  const { can } = useAuth();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const [query, setQuery] = useState<PlanQuery>({ page: 1, pageSize: 20 });
  const plans = usePlans(query);
  const { publish } = usePlanMutations();
  const [editing, setEditing] = useState<PlanView | 'new' | null>(null);
  const canCreate = (plans.data?.actions ?? []).includes('create') || can('inspection.plan');

  const doPublish = async (p: PlanView) => {
    try {
      const r = await publish.mutateAsync(p.id);
      void message.success(s.plans.published(r.published));
    } catch (err) {
      report(err);
    }
  };

  const columns: TableColumnsType<PlanView> = [
    {
      title: s.plans.name,
      key: 'name',
      render: (_, p) => (
        <div>
          <Space size={4} wrap>
            <Typography.Text strong={p.active} type={p.active ? undefined : 'secondary'}>
              {p.name}
            </Typography.Text>
            <ModeTag mode={p.mode} s={s} />
            {!p.active && <Tag>{s.plans.activeOff}</Tag>}
            {p.unpublishedSheets > 0 && <Badge count={s.plans.unpublished(p.unpublishedSheets)} style={{ backgroundColor: '#fa8c16' }} />}
          </Space>
          {screens.sm === false && (
            // A phone shows the other columns' essentials under the name.
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {s.kinds[p.kind]} · {recurrenceText(p.recurrence, s)} · {s.plans.targetCount} {p.targetCount}
            </Typography.Text>
          )}
        </div>
      ),
    },
    { title: s.plans.kind, key: 'kind', responsive: ['sm'], render: (_, p) => <KindTag kind={p.kind} s={s} /> },
    {
      title: s.plans.edition,
      key: 'edition',
      responsive: ['sm'],
      render: (_, p) =>
        p.edition ? (
          <span>
            {p.edition.standardName}{' '}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {p.edition.label}
            </Typography.Text>
          </span>
        ) : p.recheck ? (
          // 回头看计划: no standard; its sample instead.
          <span data-testid="plan-recheck-summary">
            {s.plans.recheckSummary(p.recheck.samplePercent, [...p.recheck.regions, ...p.recheck.categories].map((x) => x.name).join('、') || s.plans.cityWide)}
          </span>
        ) : null,
    },
    { title: s.plans.recurrence, key: 'rec', responsive: ['sm'], render: (_, p) => <span data-testid="plan-recurrence-text">{recurrenceText(p.recurrence, s)}</span> },
    { title: s.plans.targetCount, key: 'targets', align: 'right', responsive: ['sm'], render: (_, p) => (p.kind === 'recheck' ? s.none : p.targetCount) },
    { title: s.plans.owner, key: 'owner', responsive: ['xxl'], render: (_, p) => p.ownerUnit.name },
    {
      title: s.plans.dates,
      key: 'dates',
      responsive: ['xxl'],
      render: (_, p) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {p.startsOn} – {p.endsOn ?? s.plans.openEnded}
        </span>
      ),
    },
    {
      title: '',
      key: 'actions',
      // A fixed column would cover the table on a phone.
      fixed: screens.md ? 'right' : undefined,
      render: (_, p) => (
        <Space size={0} wrap={false}>
          {p.actions.includes('edit') && (
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(p)} aria-label={`${s.plans.edit}: ${p.name}`} title={s.plans.edit} data-testid="plan-edit" />
          )}
          {can('inspection.plan') && (
            <Link to={`/inspection-coverage?plan=${p.id}`}>
              <Button type="link" size="small">
                {s.plans.coverage}
              </Button>
            </Link>
          )}
          <Link to={p.kind === 'recheck' ? `/rechecks?planId=${p.id}` : `/inspections?planId=${p.id}`}>
            <Button type="link" size="small">
              {p.kind === 'recheck' ? s.plans.rechecks : s.plans.sheets}
            </Button>
          </Link>
          {p.actions.includes('publishResults') && (
            <Popconfirm
              title={s.plans.publishConfirmTitle}
              description={<div style={{ maxWidth: 280 }}>{s.plans.publishConfirm(p.unpublishedSheets)}</div>}
              onConfirm={() => doPublish(p)}
              okButtonProps={{ danger: true, 'data-testid': 'plan-publish-ok' } as ButtonProps}
            >
              <Button type="link" size="small" danger icon={<NotificationOutlined />} loading={publish.isPending && publish.variables === p.id} data-testid="plan-publish">
                {s.plans.publish}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={s.plans.title}
        extra={
          canCreate && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="plan-new">
              {s.plans.add}
            </Button>
          )
        }
      />
      <Card>
        <Typography.Paragraph type="secondary">{s.plans.intro}</Typography.Paragraph>
        <div className="cc-insp-toolbar">
          <Select<PlanKind>
            allowClear
            placeholder={s.plans.filterKind}
            style={{ width: 180 }}
            value={query.kind}
            onChange={(kind) => setQuery((q) => ({ ...q, kind: kind ?? undefined, page: 1 }))}
            options={PLAN_KINDS.map((k) => ({ value: k, label: s.kinds[k] }))}
            aria-label={s.plans.kind}
          />
          <Checkbox checked={query.active === true} onChange={(e) => setQuery((q) => ({ ...q, active: e.target.checked ? true : undefined, page: 1 }))}>
            {s.plans.filterActive}
          </Checkbox>
        </div>
        <PagedTable<PlanView>
          result={plans}
          query={query}
          onPage={(page, pageSize) => setQuery((q) => ({ ...q, page, pageSize }))}
          columns={columns}
          empty={s.plans.empty}
          testId="plan-table"
        />
      </Card>
      <PlanEditor plan={editing === 'new' ? null : editing} open={editing !== null} onClose={() => setEditing(null)} s={s} />
    </>
  );
}
