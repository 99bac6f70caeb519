import { useMemo, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Checkbox, Drawer, Form, Grid, Input, Modal, Popconfirm, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { WEBHOOK_KINDS, type WebhookBody, type WebhookView } from '@cc/domain';
import { useUnit, useUnits } from '../../api/org';
import { useWebhookMutations, useWebhooks, type WebhookTestResult } from '../../api/caseSettings';
import { QueryError } from '../../components/QueryError';
import { useLanguage } from '../../i18n';
import { errorMessage } from '../../lib/errors';
import { useReportError } from '../../lib/useReportError';
import { topLevelFields } from './common';
import { fill, type CaseSettingsStrings } from './strings';

type Kind = (typeof WEBHOOK_KINDS)[number];
interface FormValues {
  name: string;
  kind: Kind;
  url: string;
  secret?: string;
  clearSecret?: boolean;
  topics: string[];
  unitIds: number[];
  active: boolean;
}
const FIELDS = ['name', 'kind', 'url', 'secret', 'topics', 'unitIds', 'active'];
const KIND_COLOR: Record<Kind, string> = { wecom: 'green', dingtalk: 'blue', sms: 'orange', generic: 'default' };

/** The name of a unit that is not among the loaded options (an edited endpoint's filter). */
function UnitName({ id }: { id: number }) {
  const u = useUnit(id);
  return <>{u.data?.name ?? `#${id}`}</>;
}

/** Several units, searched by name (GET /units?q=). */
function UnitsSelect({ value = [], onChange, id, placeholder }: { value?: number[]; onChange?: (v: number[]) => void; id?: string; placeholder?: string }) {
  const [search, setSearch] = useState('');
  const list = useUnits({ q: search.trim() || undefined, pageSize: 30 });
  const options = useMemo(() => {
    const loaded = (list.data?.items ?? []).map((u) => ({ value: u.id, label: u.name as ReactNode }));
    const missing = value.filter((v) => !loaded.some((o) => o.value === v)).map((v) => ({ value: v, label: <UnitName id={v} /> as ReactNode }));
    return [...missing, ...loaded];
  }, [list.data, value]);
  return (
    <Select<number[]>
      id={id}
      mode="multiple"
      value={value}
      onChange={(v) => onChange?.(v)}
      options={options}
      placeholder={placeholder}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      loading={list.isFetching}
      allowClear
      onBlur={() => setSearch('')}
    />
  );
}

/** 消息推送: the city's webhook endpoints (group robots, SMS gateway, generic), tested on the spot. */
export function WebhooksTab({ s, canManage }: { s: CaseSettingsStrings; canManage: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message, modal } = App.useApp();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const hooks = useWebhooks(canManage);
  const { create, update, remove, test } = useWebhookMutations();
  const [editing, setEditing] = useState<WebhookView | 'new' | null>(null);
  const [testing, setTesting] = useState<WebhookView | null>(null);
  const [testPhone, setTestPhone] = useState('');
  const [form] = Form.useForm<FormValues>();
  const kind = Form.useWatch('kind', form);
  const topicOptions = Object.entries(s.hook.topicLabels).map(([value, label]) => ({ value, label }));

  const open = (h: WebhookView | 'new') => {
    form.resetFields();
    form.setFieldsValue(
      h === 'new'
        ? { kind: 'wecom', topics: ['case.assign', 'case.escalate'], unitIds: [], active: true, name: '', url: '', secret: '' }
        : { name: h.name, kind: h.kind, url: h.url, secret: '', clearSecret: false, topics: h.topics, unitIds: h.unitIds, active: h.active },
    );
    setEditing(h);
  };

  const onSave = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const secret = v.secret?.trim();
    const body: WebhookBody = { name: v.name.trim(), kind: v.kind, url: v.url.trim(), topics: v.topics, unitIds: v.unitIds, active: v.active };
    try {
      if (editing === 'new') {
        await create.mutateAsync(secret ? { ...body, secret } : body);
        void message.success(t('common.created'));
      } else if (editing) {
        // The secret: a new one replaces it, "clear" removes it, empty keeps it.
        const patchBody = v.clearSecret ? { ...body, secret: null } : secret ? { ...body, secret } : body;
        await update.mutateAsync({ id: editing.id, body: patchBody });
        void message.success(t('common.saved'));
      }
      setEditing(null);
    } catch (err) {
      report(topLevelFields(err), form, { fields: FIELDS });
    }
  };

  const runTest = async (h: WebhookView, phone?: string) => {
    try {
      const r: WebhookTestResult = await test.mutateAsync({ id: h.id, phone: phone?.trim() || undefined });
      setTesting(null);
      if (r.ok) void message.success(`${h.name}${s.colon}${s.hook.testOk}`);
      else modal.error({ title: `${s.hook.testFailed}${s.colon}${h.name}`, content: <Typography.Text code>{r.error ?? ''}</Typography.Text> });
    } catch (err) {
      modal.error({ title: `${s.hook.testFailed}${s.colon}${h.name}`, content: errorMessage(err, t, lang) });
    }
  };

  const onDelete = async (h: WebhookView) => {
    try {
      const r = await remove.mutateAsync(h.id);
      void message.success(r.deleted ? s.hook.deleted : s.hook.deactivated);
    } catch (err) {
      report(err);
    }
  };

  const columns: TableColumnsType<WebhookView> = [
    {
      title: s.hook.name,
      dataIndex: 'name',
      render: (name: string, h) => (
        <div>
          <Space size={4}>
            <Typography.Text strong>{name}</Typography.Text>
            {!h.active && <Tag>{s.cat.activeOff}</Tag>}
          </Space>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: h.url }}>
              {h.url}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { title: s.hook.kind, dataIndex: 'kind', width: 100, render: (k: Kind) => <Tag color={KIND_COLOR[k]}>{s.hook.kindShort[k]}</Tag> },
    {
      title: s.hook.topics,
      dataIndex: 'topics',
      render: (ts: string[]) =>
        ts.includes('*') ? (
          s.hook.allTopics
        ) : (
          <Typography.Text ellipsis={{ tooltip: ts.map((x) => s.hook.topicLabels[x] ?? x).join('、') }} style={{ maxWidth: 220 }}>
            {ts.map((x) => s.hook.topicLabels[x] ?? x).join('、')}
          </Typography.Text>
        ),
    },
    { title: s.hook.unitsCol, dataIndex: 'unitIds', width: 110, render: (ids: number[]) => (ids.length ? fill(s.hook.unitsCount, { n: ids.length }) : s.hook.unitsAll) },
    {
      title: s.hook.deliveries,
      key: 'deliveries',
      width: 200,
      render: (_, h) => (
        <Space size={4} wrap>
          <Tag color="success">
            {s.hook.sent} {h.deliveries.sent}
          </Tag>
          {h.deliveries.pending > 0 && (
            <Tag color="processing">
              {s.hook.pending} {h.deliveries.pending}
            </Tag>
          )}
          {h.deliveries.failed > 0 && (
            <Tag color="error">
              {s.hook.failed} {h.deliveries.failed}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      render: (_, h) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            icon={<SendOutlined />}
            loading={test.isPending && test.variables?.id === h.id}
            onClick={() => {
              if (h.kind === 'sms') {
                setTestPhone('');
                setTesting(h);
              } else void runTest(h);
            }}
            data-testid={`webhook-test-${h.id}`}
          >
            {s.hook.test}
          </Button>
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => open(h)} aria-label={`${s.hook.edit}: ${h.name}`} title={s.hook.edit} />
          <Popconfirm title={fill(s.hook.deleteConfirm, { name: h.name })} onConfirm={() => onDelete(h)}>
            <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={`${t('common.delete')}: ${h.name}`} title={t('common.delete')} />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  if (!canManage) return <Alert type="info" showIcon title={s.hook.noPermission} />;
  if (hooks.isError) return <QueryError error={hooks.error} onRetry={() => void hooks.refetch()} />;
  const isEdit = editing !== null && editing !== 'new';
  return (
    <Card
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="webhook-new">
          {s.hook.add}
        </Button>
      }
      title={s.hook.intro}
      styles={{ title: { whiteSpace: 'normal', fontWeight: 'normal', color: 'rgba(0,0,0,0.65)', fontSize: 14 } }}
    >
      <Table<WebhookView>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={hooks.data?.items ?? []}
        loading={hooks.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: s.hook.empty }}
        data-testid="webhook-table"
      />

      <Drawer
        open={editing !== null}
        title={isEdit ? s.hook.edit : s.hook.add}
        size={screens.sm ? 520 : '100%'}
        onClose={() => setEditing(null)}
        forceRender
        extra={
          <Button type="primary" onClick={() => void onSave()} loading={create.isPending || update.isPending} data-testid="webhook-save">
            {t('common.save')}
          </Button>
        }
      >
        <Form<FormValues> form={form} layout="vertical" data-testid="webhook-form">
          <Form.Item name="name" label={s.hook.name} rules={[{ required: true, whitespace: true }, { max: 60 }]}>
            <Input maxLength={60} placeholder={s.hook.namePlaceholder} />
          </Form.Item>
          <Form.Item name="kind" label={s.hook.kind}>
            <Radio.Group options={WEBHOOK_KINDS.map((k) => ({ value: k, label: s.hook.kinds[k] }))} />
          </Form.Item>
          {kind && <Alert type="info" showIcon title={s.hook.help[kind]} style={{ marginBottom: 16 }} data-testid="webhook-help" />}
          <Form.Item
            name="url"
            label={s.hook.url}
            rules={[
              { required: true, message: s.hook.urlRule },
              { pattern: /^https?:\/\/[^\s/]+/, message: s.hook.urlRule },
              { max: 500 },
            ]}
          >
            <Input placeholder={kind ? s.hook.urlPlaceholder[kind] : undefined} maxLength={500} autoComplete="off" spellCheck={false} />
          </Form.Item>
          {kind !== 'wecom' && (
            <Form.Item
              name="secret"
              label={s.hook.secret}
              extra={s.hook.secretHint}
              rules={[{ max: 200 }]}
            >
              <Input.Password
                placeholder={isEdit && editing.hasSecret ? s.hook.secretKept : s.hook.secretNone}
                autoComplete="new-password"
                maxLength={200}
              />
            </Form.Item>
          )}
          {isEdit && editing.hasSecret && (
            <Form.Item name="clearSecret" valuePropName="checked" style={{ marginTop: -8 }}>
              <Checkbox>{s.hook.secretClear}</Checkbox>
            </Form.Item>
          )}
          <Form.Item name="topics" label={s.hook.topics} rules={[{ required: true, type: 'array', min: 1, message: s.hook.topicsRule }]}>
            <Select mode="multiple" options={topicOptions} allowClear showSearch={{ optionFilterProp: 'label' }} />
          </Form.Item>
          <Form.Item name="unitIds" label={s.hook.units} extra={s.hook.unitsHint}>
            <UnitsSelect placeholder={s.hook.unitsAll} />
          </Form.Item>
          <Form.Item name="active" label={s.hook.active} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Drawer>

      <Modal
        open={testing !== null}
        title={`${s.hook.testTitle}${s.colon}${testing?.name ?? ''}`}
        okText={s.hook.test}
        confirmLoading={test.isPending}
        onOk={() => testing && void runTest(testing, testPhone)}
        onCancel={() => setTesting(null)}
        destroyOnHidden
      >
        <Form layout="vertical">
          <Form.Item label={s.hook.testPhone} extra={s.hook.testPhoneHint}>
            <Input value={testPhone} onChange={(e) => setTestPhone(e.target.value)} inputMode="tel" maxLength={20} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
