import { useState } from 'react';
import {
  Alert,
  AutoComplete,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Grid,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { ClockCircleOutlined, SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import type { AuditEntry, AuditVerifyResult } from '@cc/domain';
import { useAudit, useAuditVerify, type AuditFilter } from '../api/audit';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { formatDateTime } from '../lib/format';
import { cityInstant } from '../lib/time';
import { useReportError } from '../lib/useReportError';
import zhCN from '../i18n/zh-CN';

const KNOWN_ACTIONS = Object.keys(zhCN.auditActions).map((k) => k.replace('_', '.'));
const ENTITY_TYPES = ['user', 'unit', 'region', 'role', 'token', 'tenant'] as const;

interface FilterValues {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorUserId?: number | null;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function Json({ value }: { value: unknown }) {
  const { t } = useTranslation();
  if (value === null || value === undefined) return <Typography.Text type="secondary">{t('audit.noData')}</Typography.Text>;
  return <pre className="cc-json">{JSON.stringify(value, null, 2)}</pre>;
}

export default function AuditPage() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const report = useReportError();
  const [form] = Form.useForm<FilterValues>();
  const [filter, setFilter] = useState<AuditFilter>({ page: 1, pageSize: 20 });
  const audit = useAudit(filter);
  const verify = useAuditVerify();
  const [verifyResult, setVerifyResult] = useState<AuditVerifyResult | null>(null);
  const [moreFilters, setMoreFilters] = useState(false);
  const showAllFilters = screens.md !== false || moreFilters;

  const actionLabel = (action: string) =>
    t(`auditActions.${action.replace(/\./g, '_')}` as 'auditActions.auth_login', { defaultValue: action });
  const entityLabel = (type: string) => t(`entity.${type}` as 'entity.user', { defaultValue: type });

  const apply = (v: FilterValues) => {
    const [from, to] = v.range ?? [null, null];
    setFilter({
      action: v.action?.trim() || undefined,
      entityType: v.entityType || undefined,
      entityId: v.entityId?.trim() || undefined,
      actorUserId: v.actorUserId ?? undefined,
      // The picked days are the city's days (from its midnight to the next).
      from: from ? cityInstant(from.startOf('day')) : undefined,
      to: to ? cityInstant(to.add(1, 'day').startOf('day')) : undefined,
      page: 1,
      pageSize: filter.pageSize,
    });
  };

  const runVerify = async () => {
    try {
      setVerifyResult(await verify.mutateAsync());
      void audit.refetch();
    } catch (err) {
      report(err);
    }
  };

  const actionTag = (a: string) => (
    <Tooltip title={a}>
      <Tag color={/(deleted|revoked|disabled|failed|locked)$/.test(a) ? 'red' : 'blue'}>{actionLabel(a)}</Tag>
    </Tooltip>
  );
  const actorText = (e: AuditEntry) =>
    e.actorLabel ?? <Typography.Text type="secondary">{t('audit.system')}</Typography.Text>;

  // Phones get one column (when, who, what); the rest is in the expanded row.
  const phoneColumns: TableColumnsType<AuditEntry> = [
    {
      title: t('audit.title'),
      dataIndex: 'at',
      render: (v: string, e) => (
        <div>
          <div>{formatDateTime(v, true)}</div>
          <div>
            {actionTag(e.action)}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {actorText(e)}
            </Typography.Text>
          </div>
        </div>
      ),
    },
  ];

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: (v: string) => formatDateTime(v, true) },
    {
      title: t('audit.actor'),
      key: 'actor',
      render: (_, e) => actorText(e),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      render: actionTag,
    },
    {
      title: t('audit.entityType'),
      key: 'entity',
      responsive: ['md'],
      render: (_, e) => (
        <span>
          {entityLabel(e.entityType)}
          {e.entityId && <Typography.Text type="secondary"> #{e.entityId}</Typography.Text>}
        </span>
      ),
    },
    { title: t('audit.ip'), dataIndex: 'ip', responsive: ['lg'], render: (v: string | null) => v ?? t('common.none') },
    {
      title: t('audit.sealed'),
      dataIndex: 'sealed',
      width: 80,
      align: 'center',
      render: (sealed: boolean) =>
        sealed ? (
          <Tooltip title={t('audit.sealedYes')}>
            <SafetyCertificateOutlined style={{ color: '#389e0d' }} aria-label={t('audit.sealedYes')} />
          </Tooltip>
        ) : (
          <Tooltip title={t('audit.sealedNo')}>
            <ClockCircleOutlined style={{ color: '#8c8c8c' }} aria-label={t('audit.sealedNo')} />
          </Tooltip>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        extra={
          <Button icon={<SafetyCertificateOutlined />} onClick={runVerify} loading={verify.isPending} data-testid="audit-verify">
            {t('audit.verify')}
          </Button>
        }
      />
      {verifyResult && (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          closable={{ onClose: () => setVerifyResult(null) }}
          type={verifyResult.ok ? 'success' : 'error'}
          data-testid="audit-verify-result"
          title={verifyResult.ok ? t('audit.verifyOkTitle') : t('audit.verifyBrokenTitle')}
          description={
            verifyResult.ok || !verifyResult.firstBroken
              ? t('audit.verifyOk', { checked: verifyResult.checked, pending: verifyResult.pending })
              : t('audit.verifyBroken', {
                  checked: verifyResult.checked,
                  id: verifyResult.firstBroken.id,
                  seq: verifyResult.firstBroken.chainSeq,
                  reason: verifyResult.firstBroken.reason,
                })
          }
        />
      )}
      <Card>
        <Form<FilterValues> form={form} layout="vertical" onFinish={apply} className="cc-audit-filters">
          <Row gutter={[12, 0]}>
            <Col xs={24} sm={12} lg={6}>
              <Form.Item name="action" label={t('audit.action')}>
                <AutoComplete
                  allowClear
                  placeholder={t('audit.actionPlaceholder')}
                  options={KNOWN_ACTIONS.map((a) => ({ value: a, label: `${actionLabel(a)} · ${a}` }))}
                  showSearch={{
                    filterOption: (input, option) =>
                      !!option && String(option.label).toLowerCase().includes(input.toLowerCase()),
                  }}
                />
              </Form.Item>
            </Col>
            {showAllFilters && (
              <>
            <Col xs={12} sm={6} lg={4}>
              <Form.Item name="entityType" label={t('audit.entityType')}>
                <Select allowClear placeholder={t('common.all')} options={ENTITY_TYPES.map((e) => ({ value: e, label: entityLabel(e) }))} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={6} lg={3}>
              <Form.Item name="entityId" label={t('audit.entityId')}>
                <Input maxLength={64} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={6} lg={3}>
              <Form.Item name="actorUserId" label={t('audit.actorUserId')}>
                <InputNumber min={1} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
              </>
            )}
            <Col xs={24} sm={18} lg={8}>
              <Form.Item name="range" label={t('audit.range')}>
                <DatePicker.RangePicker style={{ width: '100%' }} allowEmpty={[true, true]} />
              </Form.Item>
            </Col>
          </Row>
          <Space style={{ marginBottom: 16 }}>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
              {t('common.search')}
            </Button>
            {screens.md === false && (
              <Button type="link" onClick={() => setMoreFilters((v) => !v)}>
                {moreFilters ? t('audit.fewerFilters') : t('audit.moreFilters')}
              </Button>
            )}
            <Button
              onClick={() => {
                form.resetFields();
                setFilter({ page: 1, pageSize: filter.pageSize });
              }}
            >
              {t('common.reset')}
            </Button>
          </Space>
        </Form>
        {audit.isError ? (
          <QueryError error={audit.error} onRetry={() => void audit.refetch()} />
        ) : (
          <Table<AuditEntry>
            rowKey="id"
            size={screens.md === false ? 'small' : 'middle'}
            columns={screens.md === false ? phoneColumns : columns}
            dataSource={audit.data?.items ?? []}
            loading={audit.isFetching}
            locale={{ emptyText: t('audit.empty') }}
            scroll={screens.md === false ? undefined : { x: 'max-content' }}
            data-testid="audit-table"
            expandable={{
              rowExpandable: (e) => e.before != null || e.after != null || screens.md === false,
              expandedRowRender: (e) => (
                <Row gutter={[16, 8]}>
                  {screens.md === false && (
                    <Col span={24}>
                      <Typography.Text type="secondary">
                        {entityLabel(e.entityType)} {e.entityId ? `#${e.entityId}` : ''}
                        {e.ip ? ` · ${e.ip}` : ''}
                        {` · ${e.sealed ? t('audit.sealedYes') : t('audit.sealedNo')}`}
                      </Typography.Text>
                    </Col>
                  )}
                  <Col xs={24} md={12}>
                    <Typography.Text strong>{t('audit.before')}</Typography.Text>{' '}
                    <Json value={e.before} />
                  </Col>
                  <Col xs={24} md={12}>
                    <Typography.Text strong>{t('audit.after')}</Typography.Text>{' '}
                    <Json value={e.after} />
                  </Col>
                </Row>
              ),
            }}
            pagination={{
              current: audit.data?.page ?? filter.page,
              pageSize: audit.data?.pageSize ?? filter.pageSize,
              total: audit.data?.total ?? 0,
              showSizeChanger: true,
              showTotal: (total) => t('common.total', { total }),
              size: screens.md ? 'middle' : 'small',
              onChange: (page, pageSize) => setFilter((f) => ({ ...f, page, pageSize })),
            }}
          />
        )}
      </Card>
    </>
  );
}
