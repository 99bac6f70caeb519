import { useMemo, useState } from 'react';
import { App, Button, Card, Checkbox, Col, Drawer, Form, Grid, Input, InputNumber, Radio, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CATEGORY_CODE_PATTERN, DEADLINE_CLASSES, ROUTING_STEPS, type CategoryView, type CreateCategoryBody, type DeadlineClass, type RoutingStep } from '@cc/domain';
import { useAllCategories, useCategoryMutations } from '../../api/caseSettings';
import { QueryError } from '../../components/QueryError';
import { useLanguage } from '../../i18n';
import { isApiError } from '../../lib/errors';
import { useReportError } from '../../lib/useReportError';
import { StepsEditor, topLevelFields, useStepLabel } from './common';
import type { CaseSettingsStrings } from './strings';

const CODE = new RegExp(CATEGORY_CODE_PATTERN);
const NEW_MAJOR = '__new';
const SEVERITY_COLOR: Record<number, string> = { 1: 'default', 2: 'orange', 3: 'red' };

interface FormValues {
  code: string;
  kind: 'event' | 'component';
  major: string;
  majorCode?: string;
  majorName?: string;
  name: string;
  nameEn: string;
  registration?: string;
  closing?: string;
  amount: number;
  cls: DeadlineClass;
  useDefault: boolean;
  routing: RoutingStep[];
  severity: 1 | 2 | 3;
  active: boolean;
}
const FIELDS = ['code', 'kind', 'majorCode', 'majorName', 'name', 'nameEn', 'registration', 'closing', 'amount', 'cls', 'routing', 'severity', 'active'];

type Row = { key: string; group: true; majorCode: string; majorName: string; count: number; children: CategoryRow[] } | CategoryRow;
type CategoryRow = CategoryView & { key: string; group?: false };

/** 问题类别: categories grouped by their major class; edit in a drawer, switch on and off in place. */
export function CategoriesTab({ s, canEdit }: { s: CaseSettingsStrings; canEdit: boolean }) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const lang = useLanguage();
  const screens = Grid.useBreakpoint();
  const report = useReportError();
  const stepLabel = useStepLabel();
  const categories = useAllCategories();
  const { create, update } = useCategoryMutations();
  const [q, setQ] = useState('');
  const [showInactive, setShowInactive] = useState(true);
  const [editing, setEditing] = useState<CategoryView | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const major = Form.useWatch('major', form);
  const useDefault = Form.useWatch('useDefault', form);

  const majors = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of categories.data ?? []) if (!m.has(c.majorCode)) m.set(c.majorCode, c.majorName);
    return [...m.entries()].map(([code, name]) => ({ code, name }));
  }, [categories.data]);

  const rows = useMemo<Row[]>(() => {
    const needle = q.trim().toLowerCase();
    const groups = new Map<string, Extract<Row, { group: true }>>();
    for (const c of categories.data ?? []) {
      if (!showInactive && !c.active) continue;
      if (needle && ![c.code, c.name, c.nameEn, c.majorName].some((x) => x.toLowerCase().includes(needle))) continue;
      const g = groups.get(c.majorCode) ?? { key: `major-${c.majorCode}`, group: true as const, majorCode: c.majorCode, majorName: c.majorName, count: 0, children: [] };
      g.children.push({ ...c, key: `c-${c.id}` });
      g.count += 1;
      groups.set(c.majorCode, g);
    }
    return [...groups.values()];
  }, [categories.data, q, showInactive]);

  const open = (c: CategoryView | 'new') => {
    form.resetFields();
    if (c === 'new') {
      form.setFieldsValue({
        kind: 'event',
        major: majors[0]?.code ?? NEW_MAJOR,
        amount: 1,
        cls: 'working_days',
        useDefault: true,
        routing: [...ROUTING_STEPS.filter((x) => x !== 'pairing')],
        severity: 1,
        active: true,
        registration: '',
        closing: '',
      });
    } else {
      form.setFieldsValue({
        code: c.code,
        kind: c.kind,
        major: c.majorCode,
        name: c.name,
        nameEn: c.nameEn,
        registration: c.registration,
        closing: c.closing,
        amount: c.deadline.amount,
        cls: c.deadline.cls,
        useDefault: c.routing === null,
        routing: c.routing ?? [...ROUTING_STEPS.filter((x) => x !== 'pairing')],
        severity: c.severity as 1 | 2 | 3,
        active: c.active,
      });
    }
    setEditing(c);
  };

  const onConflict = async () => {
    void message.warning(s.conflict);
    setEditing(null);
    await categories.refetch();
  };

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const isNew = v.major === NEW_MAJOR;
    const majorCode = isNew ? v.majorCode!.trim() : v.major;
    const majorName = isNew ? v.majorName!.trim() : (majors.find((m) => m.code === v.major)?.name ?? '');
    const fields = {
      kind: v.kind,
      majorCode,
      majorName,
      name: v.name.trim(),
      nameEn: v.nameEn.trim(),
      registration: (v.registration ?? '').trim(),
      closing: (v.closing ?? '').trim(),
      deadline: { amount: v.amount, cls: v.cls },
      routing: v.useDefault ? null : v.routing,
      severity: v.severity,
      active: v.active,
    } satisfies Omit<CreateCategoryBody, 'code'>;
    try {
      if (editing === 'new') await create.mutateAsync({ code: v.code.trim(), ...fields });
      else if (editing) await update.mutateAsync({ id: editing.id, body: { version: editing.version, ...fields } });
      void message.success(editing === 'new' ? t('common.created') : t('common.saved'));
      setEditing(null);
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) return onConflict();
      report(topLevelFields(err), form, { fields: FIELDS, fieldMap: { deadline: 'amount' }, codeFields: { DUPLICATE: 'code' } });
    }
  };

  const toggle = async (c: CategoryView, active: boolean) => {
    try {
      await update.mutateAsync({ id: c.id, body: { version: c.version, active } });
      void message.success(s.cat.toggled(c.name, active));
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) return onConflict();
      report(err);
    }
  };

  const columns: TableColumnsType<Row> = [
    {
      title: s.cat.code,
      key: 'code',
      width: 160,
      onCell: (r) => (r.group ? { colSpan: 7 } : {}),
      render: (_, r) =>
        r.group ? (
          <Space>
            <Typography.Text strong>
              {r.majorCode} {r.majorName}
            </Typography.Text>
            <Typography.Text type="secondary">{s.cat.count(r.count)}</Typography.Text>
          </Space>
        ) : (
          <Typography.Text code>{r.code}</Typography.Text>
        ),
    },
    {
      title: s.cat.name,
      key: 'name',
      onCell: (r) => (r.group ? { colSpan: 0 } : {}),
      render: (_, r) =>
        r.group ? null : (
          <div>
            <div>{lang === 'en' ? r.nameEn : r.name}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {lang === 'en' ? r.name : r.nameEn}
            </Typography.Text>
          </div>
        ),
    },
    {
      title: s.cat.kind,
      key: 'kind',
      width: 72,
      onCell: (r) => (r.group ? { colSpan: 0 } : {}),
      render: (_, r) => (r.group ? null : s.cat.kinds[r.kind]),
    },
    {
      title: s.cat.deadline,
      key: 'deadline',
      width: 140,
      onCell: (r) => (r.group ? { colSpan: 0 } : {}),
      render: (_, r) => (r.group ? null : s.deadlineText(r.deadline.amount, r.deadline.cls)),
    },
    {
      title: s.cat.routing,
      key: 'routing',
      onCell: (r) => (r.group ? { colSpan: 0 } : {}),
      render: (_, r) =>
        r.group ? null : r.routing === null ? (
          <Typography.Text type="secondary">{s.cat.routingDefault}</Typography.Text>
        ) : (
          r.routing.map(stepLabel).join(' → ')
        ),
    },
    {
      title: s.cat.severity,
      key: 'severity',
      width: 90,
      onCell: (r) => (r.group ? { colSpan: 0 } : {}),
      render: (_, r) => (r.group ? null : <Tag color={SEVERITY_COLOR[r.severity]}>{s.cat.severities[r.severity]}</Tag>),
    },
    {
      title: s.cat.active,
      key: 'active',
      width: 80,
      onCell: (r) => (r.group ? { colSpan: 0 } : {}),
      render: (_, r) =>
        r.group ? null : (
          <Switch
            size="small"
            checked={r.active}
            disabled={!canEdit}
            loading={update.isPending && update.variables?.id === r.id}
            onChange={(on) => void toggle(r, on)}
            aria-label={`${s.cat.active}: ${r.name}`}
          />
        ),
    },
    {
      title: '',
      key: 'actions',
      width: 56,
      render: (_, r) =>
        r.group || !canEdit ? null : (
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => open(r)} aria-label={`${s.cat.edit}: ${r.name}`} title={s.cat.edit} />
        ),
    },
  ];

  if (categories.isError) return <QueryError error={categories.error} onRetry={() => void categories.refetch()} />;
  return (
    <Card>
      <Typography.Paragraph type="secondary">{s.cat.intro}</Typography.Paragraph>
      <div className="cc-toolbar" style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 12, alignItems: 'center' }}>
        <Input.Search allowClear placeholder={s.cat.search} style={{ width: 240 }} value={q} onChange={(e) => setQ(e.target.value)} aria-label={s.cat.search} />
        <Checkbox checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)}>
          {s.cat.showInactive}
        </Checkbox>
        <div style={{ flex: 1 }} />
        {canEdit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="category-new">
            {s.cat.add}
          </Button>
        )}
      </div>
      <Table<Row>
        rowKey="key"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={categories.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        expandable={{ defaultExpandAllRows: true, expandedRowKeys: rows.map((r) => r.key), showExpandColumn: false }}
        onRow={(r) => (r.group ? { style: { background: '#fafafa' } } : !r.active ? { style: { opacity: 0.55 } } : {})}
        data-testid="category-table"
      />

      <Drawer
        open={editing !== null}
        title={editing === 'new' ? s.cat.add : s.cat.edit}
        size={screens.sm ? 560 : '100%'}
        onClose={() => setEditing(null)}
        forceRender
        extra={
          <Button type="primary" onClick={() => void save()} loading={create.isPending || update.isPending} data-testid="category-save">
            {t('common.save')}
          </Button>
        }
      >
        <Form<FormValues> form={form} layout="vertical" data-testid="category-form">
          <Row gutter={12}>
            <Col span={10}>
              <Form.Item
                name="code"
                label={s.cat.code}
                extra={editing === 'new' ? s.cat.codeHint : undefined}
                rules={[{ required: true, message: s.cat.required }, { pattern: CODE, message: s.cat.codeRule }]}
              >
                <Input maxLength={12} disabled={editing !== 'new'} />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="kind" label={s.cat.kind}>
                <Radio.Group optionType="button" options={(['event', 'component'] as const).map((k) => ({ value: k, label: s.cat.kinds[k] }))} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="major" label={s.cat.major} rules={[{ required: true, message: s.cat.required }]}>
            <Select
              options={[...majors.map((m) => ({ value: m.code, label: `${m.code} ${m.name}` })), { value: NEW_MAJOR, label: s.cat.majorNew }]}
              aria-label={s.cat.major}
            />
          </Form.Item>
          {major === NEW_MAJOR && (
            <Row gutter={12}>
              <Col span={10}>
                <Form.Item name="majorCode" label={s.cat.majorCode} rules={[{ required: true, message: s.cat.required }, { pattern: CODE, message: s.cat.codeRule }]}>
                  <Input maxLength={12} />
                </Form.Item>
              </Col>
              <Col span={14}>
                <Form.Item name="majorName" label={s.cat.majorName} rules={[{ required: true, whitespace: true, message: s.cat.required }, { max: 40 }]}>
                  <Input maxLength={40} />
                </Form.Item>
              </Col>
            </Row>
          )}
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="name" label={s.cat.name} rules={[{ required: true, whitespace: true, message: s.cat.required }, { max: 40 }]}>
                <Input maxLength={40} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="nameEn" label={s.cat.nameEn} rules={[{ required: true, whitespace: true, message: s.cat.required }, { max: 80 }]}>
                <Input maxLength={80} />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col span={10}>
              <Form.Item name="amount" label={s.cat.deadline} rules={[{ required: true, type: 'number', min: 0.5, max: 365, message: s.cat.amountRule }]}>
                <InputNumber step={1} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item name="cls" label={s.cat.cls} rules={[{ required: true }]}>
                <Select options={DEADLINE_CLASSES.map((c) => ({ value: c, label: s.cls[c] }))} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="severity" label={s.cat.severity}>
            <Radio.Group optionType="button" options={[1, 2, 3].map((n) => ({ value: n, label: s.cat.severities[n] }))} />
          </Form.Item>
          <Form.Item label={s.cat.routing} extra={useDefault ? s.cat.routingDefaultHint : undefined}>
            <Form.Item name="useDefault" valuePropName="checked" noStyle>
              <Checkbox>{s.cat.useDefault}</Checkbox>
            </Form.Item>
            {!useDefault && (
              <div style={{ marginTop: 8 }}>
                <Form.Item name="routing" noStyle rules={[{ required: true, type: 'array', min: 1 }]}>
                  <StepsEditor s={s} />
                </Form.Item>
              </div>
            )}
          </Form.Item>
          <Form.Item name="registration" label={s.cat.registration} rules={[{ max: 500 }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} placeholder={s.cat.registrationPlaceholder} />
          </Form.Item>
          <Form.Item name="closing" label={s.cat.closing} rules={[{ max: 500 }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} placeholder={s.cat.closingPlaceholder} />
          </Form.Item>
          <Form.Item name="active" label={s.cat.active} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Drawer>
    </Card>
  );
}
