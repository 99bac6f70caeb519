import { useEffect, useState } from 'react';
import { App, Button, Card, Drawer, Form, Grid, Input, Popconfirm, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { PHONE_PATTERN, type PersonView } from '@cc/domain';
import { usePersonMutations, usePeople, type PersonQuery } from '../api/people';
import { ImportExportButtons } from '../components/ImportExportButtons';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { UnitSelect } from '../components/UnitSelect';
import { isApiError } from '../lib/errors';
import { useReportError } from '../lib/useReportError';
import { positiveInt as num, useQueryParams, pageOf } from '../lib/useQueryParams';

interface Values {
  name: string;
  unitId?: number | null;
  position?: string;
  phone?: string;
  note?: string;
}
const FIELDS = ['name', 'unitId', 'position', 'phone', 'note'] as const;
const text = (v: string | undefined) => (v && v.trim() ? v.trim() : null);

/** 人员: the people of the units (包保领导, 第一责任人, 保洁员 …) that assignments name. */
export default function PeoplePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const { params, setQuery, resetQuery } = useQueryParams();
  const query: PersonQuery = {
    q: params.get('q') ?? undefined,
    unitId: num(params.get('unitId')),
    ...pageOf(params),
  };
  const people = usePeople(query);
  const { create, update, remove } = usePersonMutations();
  const [editing, setEditing] = useState<PersonView | 'new' | null>(null);
  const [searchText, setSearchText] = useState(query.q ?? '');
  const [form] = Form.useForm<Values>();

  useEffect(() => setSearchText(params.get('q') ?? ''), [params]);

  const openCreate = () => {
    form.resetFields();
    form.setFieldsValue({ unitId: query.unitId ?? null });
    setEditing('new');
  };
  const openEdit = (p: PersonView) => {
    form.resetFields();
    form.setFieldsValue({ name: p.name, unitId: p.unit.id, position: p.position ?? '', phone: p.phone ?? '', note: p.note ?? '' });
    setEditing(p);
  };

  const onSubmit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !editing) return;
    const body = { name: v.name.trim(), unitId: v.unitId!, position: text(v.position), phone: text(v.phone), note: text(v.note) };
    try {
      if (editing === 'new') {
        await create.mutateAsync(body);
        void message.success(t('common.created'));
      } else {
        await update.mutateAsync({ id: editing.id, body: { ...body, version: editing.version } });
        void message.success(t('common.saved'));
      }
      setEditing(null);
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(t('errors.conflict'));
        setEditing(null);
        void people.refetch();
        return;
      }
      report(err, form, { fields: FIELDS });
    }
  };

  const onDelete = async (p: PersonView) => {
    try {
      await remove.mutateAsync(p.id);
      void message.success(t('common.deleted'));
    } catch (err) {
      report(err);
    }
  };

  const columns: TableColumnsType<PersonView> = [
    {
      title: t('people.name'),
      key: 'name',
      render: (_, p) => (
        <div>
          <Space size={6}>
            <span>{p.name}</span>
            {p.userId && (
              <Tag color="blue" variant="filled">
                {t('people.hasAccount')}
              </Tag>
            )}
          </Space>
          {!screens.md && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {[p.unit.name, p.position].filter(Boolean).join(' · ')}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    { title: t('people.unit'), key: 'unit', responsive: ['md'], render: (_, p) => p.unit.name },
    { title: t('people.position'), dataIndex: 'position', responsive: ['md'], render: (v: string | null) => v ?? t('common.none') },
    { title: t('people.phone'), dataIndex: 'phone', responsive: ['lg'], render: (v: string | null) => v ?? t('common.none') },
    { title: t('people.note'), dataIndex: 'note', responsive: ['xl'], ellipsis: true, render: (v: string | null) => v ?? t('common.none') },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, p) => (
        <Space size={0}>
          {p.actions.includes('update') && (
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => openEdit(p)} aria-label={t('common.edit')} title={t('common.edit')} />
          )}
          {p.actions.includes('delete') && (
            <Popconfirm title={t('common.deleteConfirm', { name: p.name })} okButtonProps={{ danger: true }} onConfirm={() => onDelete(p)}>
              <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} title={t('common.delete')} />
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('people.title')}
        extra={
          <>
            <ImportExportButtons kind="people" />
            {people.data?.actions.includes('create') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={openCreate} data-testid="person-create">
                {t('people.createTitle')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        <div className="cc-toolbar">
          <Input.Search
            className="cc-toolbar__search"
            allowClear
            placeholder={t('people.searchPlaceholder')}
            aria-label={t('people.searchPlaceholder')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onSearch={(v) => setQuery({ q: v.trim() })}
          />
          <UnitSelect
            style={{ width: screens.md ? 240 : '100%' }}
            placeholder={t('people.unitFilter')}
            aria-label={t('people.unitFilter')}
            value={query.unitId ?? null}
            onChange={(v) => setQuery({ unitId: v })}
          />
          {(query.q || query.unitId) && <Button onClick={() => resetQuery()}>{t('common.reset')}</Button>}
        </div>
        <PagedTable<PersonView>
          result={people}
          query={query}
          onPage={(page, pageSize) => setQuery({ page, pageSize }, false)}
          columns={columns}
          empty={t('people.empty')}
          testId="people-table"
        />
      </Card>

      <Drawer
        open={editing !== null}
        title={editing === 'new' ? t('people.createTitle') : t('people.editTitle')}
        size={screens.sm ? 480 : '100%'}
        onClose={() => setEditing(null)}
        forceRender
        extra={
          <Space>
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            <Button type="primary" onClick={onSubmit} loading={create.isPending || update.isPending} data-testid="person-save">
              {t('common.save')}
            </Button>
          </Space>
        }
      >
        <Form<Values> form={form} layout="vertical" requiredMark="optional" onFinish={onSubmit} data-testid="person-form">
          <Form.Item name="name" label={t('people.name')} rules={[{ required: true, whitespace: true, message: t('people.nameRequired') }, { max: 64 }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="unitId" label={t('people.unit')} rules={[{ required: true, message: t('people.unitRequired') }]}>
            <UnitSelect />
          </Form.Item>
          <Form.Item name="position" label={t('people.position')} rules={[{ max: 64 }]}>
            <Input maxLength={64} placeholder={t('people.positionPlaceholder')} />
          </Form.Item>
          <Form.Item name="phone" label={t('people.phone')} rules={[{ pattern: new RegExp(PHONE_PATTERN), message: t('units.phoneInvalid') }]}>
            <Input maxLength={20} inputMode="tel" />
          </Form.Item>
          <Form.Item name="note" label={t('people.note')} rules={[{ max: 500 }]}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
          <button type="submit" hidden aria-hidden tabIndex={-1} />
        </Form>
      </Drawer>
    </>
  );
}
