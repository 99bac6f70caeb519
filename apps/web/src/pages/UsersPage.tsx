import { useEffect, useState } from 'react';
import { App, Badge, Button, Card, Form, Grid, Input, Modal, Select, Space, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { EditOutlined, KeyOutlined, PlusOutlined, StopOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import {
  DEFAULT_ROLES,
  MOBILE_PATTERN,
  USERNAME_PATTERN,
  USER_STATUSES,
  type RoleCode,
  type UserStatus,
  type UserView,
  type UserWithPassword,
} from '@cc/domain';
import { useRoles } from '../api/roles';
import { useUserMutations, useUsers, type UserQuery } from '../api/users';
import { useAuth } from '../app/auth';
import { OneTimeSecret } from '../components/OneTimeSecret';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { UnitSelect } from '../components/UnitSelect';
import { useLanguage } from '../i18n';
import { isApiError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { roleName } from '../lib/labels';
import { useReportError } from '../lib/useReportError';
import { positiveInt as num, useQueryParams, pageOf } from '../lib/useQueryParams';

interface FormValues {
  username: string;
  displayName: string;
  mobile?: string;
  unitId?: number | null;
  roles: RoleCode[];
}
const FIELDS = ['username', 'displayName', 'mobile', 'unitId', 'roles'] as const;

export default function UsersPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message, modal } = App.useApp();
  const { can, me } = useAuth();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const { params, setQuery, resetQuery } = useQueryParams();
  const status = params.get('status');
  const query: UserQuery = {
    q: params.get('q') ?? undefined,
    status: status === 'active' || status === 'disabled' ? status : undefined,
    unitId: num(params.get('unitId')),
    ...pageOf(params),
  };
  const users = useUsers(query);
  const roles = useRoles(can('role.read'));
  const roleList = roles.data?.items ?? DEFAULT_ROLES;
  const m = useUserMutations();
  const [editing, setEditing] = useState<UserView | 'new' | null>(null);
  const [secret, setSecret] = useState<{ result: UserWithPassword; kind: 'created' | 'reset' } | null>(null);
  const [searchText, setSearchText] = useState(query.q ?? '');
  const [form] = Form.useForm<FormValues>();

  useEffect(() => setSearchText(params.get('q') ?? ''), [params]);

  const openCreate = () => {
    form.resetFields();
    form.setFieldsValue({ unitId: query.unitId ?? null, roles: [] });
    setEditing('new');
  };
  const openEdit = (u: UserView) => {
    form.resetFields();
    form.setFieldsValue({ username: u.username, displayName: u.displayName, mobile: u.mobile ?? '', unitId: u.unit.id, roles: u.roles });
    setEditing(u);
  };

  const onSubmit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !editing) return;
    const mobile = v.mobile?.trim() ? v.mobile.trim() : null;
    try {
      if (editing === 'new') {
        const result = await m.create.mutateAsync({
          username: v.username.trim(),
          displayName: v.displayName.trim(),
          mobile,
          unitId: v.unitId!,
          roles: v.roles,
        });
        setEditing(null);
        setSecret({ result, kind: 'created' });
      } else {
        await m.update.mutateAsync({
          id: editing.id,
          body: { displayName: v.displayName.trim(), mobile, unitId: v.unitId!, roles: v.roles, version: editing.version },
        });
        setEditing(null);
        void message.success(t('common.saved'));
      }
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(t('errors.conflict'));
        setEditing(null);
        void users.refetch();
        return;
      }
      report(err, form, { fields: FIELDS });
    }
  };

  const confirmAction = (u: UserView, action: 'disable' | 'enable' | 'reset-password') => {
    const texts = {
      disable: { title: t('users.disable'), content: t('users.disableConfirm', { name: u.displayName }), danger: true },
      enable: { title: t('users.enable'), content: t('users.enableConfirm', { name: u.displayName }), danger: false },
      'reset-password': { title: t('users.resetPassword'), content: t('users.resetConfirm', { name: u.displayName }), danger: true },
    }[action];
    modal.confirm({
      title: texts.title,
      content: texts.content,
      okText: texts.title,
      okButtonProps: { danger: texts.danger },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          if (action === 'disable') {
            await m.disable.mutateAsync(u.id);
            void message.success(t('users.disabledOk'));
          } else if (action === 'enable') {
            await m.enable.mutateAsync(u.id);
            void message.success(t('users.enabledOk'));
          } else {
            const result = await m.resetPassword.mutateAsync(u.id);
            setSecret({ result, kind: 'reset' });
          }
        } catch (err) {
          report(err);
        }
      },
    });
  };

  const columns: TableColumnsType<UserView> = [
    {
      title: t('users.displayName'),
      key: 'name',
      render: (_, u) => (
        <div>
          <div>{u.displayName}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {u.username}
          </Typography.Text>
        </div>
      ),
    },
    { title: t('users.mobile'), dataIndex: 'mobile', responsive: ['lg'], render: (v: string | null) => v ?? t('common.none') },
    { title: t('users.unit'), key: 'unit', responsive: ['md'], render: (_, u) => u.unit.name },
    {
      title: t('users.roles'),
      dataIndex: 'roles',
      responsive: ['md'],
      render: (rs: RoleCode[]) => (
        <Space size={[0, 4]} wrap>
          {rs.map((r) => (
            <Tag key={r} color="blue">
              {roleName(r, lang, roleList)}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('users.status'),
      key: 'status',
      render: (_, u) => (
        <Space size={[0, 4]} wrap>
          {u.status === 'active' ? (
            <Badge status="success" text={t('users.active')} />
          ) : (
            <Badge status="default" text={t('users.disabled')} />
          )}
          {u.lockedUntil && dayjs(u.lockedUntil).isAfter(dayjs()) && (
            <Tooltip title={formatDateTime(u.lockedUntil)}>
              <Tag color="red">{t('users.locked')}</Tag>
            </Tooltip>
          )}
          {u.mustChangePassword && u.status === 'active' && <Tag color="orange">{t('users.mustChange')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('users.lastLogin'),
      dataIndex: 'lastLoginAt',
      responsive: ['xl'],
      render: (v: string | null) => (v ? formatDateTime(v) : <Typography.Text type="secondary">{t('users.never')}</Typography.Text>),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, u) => (
        <Space size={0} wrap>
          {u.actions.includes('update') && (
            <Button type="link" size="small" icon={<EditOutlined />} aria-label={t('common.edit')} title={screens.lg ? undefined : t('common.edit')} onClick={() => openEdit(u)}>
              {screens.lg ? t('common.edit') : null}
            </Button>
          )}
          {u.actions.includes('disable') && u.id !== me?.id && (
            <Button type="link" size="small" danger icon={<StopOutlined />} aria-label={t('users.disable')} title={screens.lg ? undefined : t('users.disable')} onClick={() => confirmAction(u, 'disable')}>
              {screens.lg ? t('users.disable') : null}
            </Button>
          )}
          {u.actions.includes('enable') && (
            <Button type="link" size="small" icon={<CheckCircleOutlined />} aria-label={t('users.enable')} title={screens.lg ? undefined : t('users.enable')} onClick={() => confirmAction(u, 'enable')}>
              {screens.lg ? t('users.enable') : null}
            </Button>
          )}
          {u.actions.includes('reset-password') && (
            <Button type="link" size="small" icon={<KeyOutlined />} aria-label={t('users.resetPassword')} title={screens.lg ? undefined : t('users.resetPassword')} onClick={() => confirmAction(u, 'reset-password')}>
              {screens.lg ? t('users.resetPassword') : null}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const isNew = editing === 'new';
  const who = (u: UserView) => (lang === 'zh-CN' ? `${u.displayName}（${u.username}）` : `${u.displayName} (${u.username})`);
  const secretUser = secret?.result.user;

  return (
    <>
      <PageHeader
        title={t('users.title')}
        extra={
          users.data?.actions.includes('create') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={openCreate} data-testid="user-create">
              {t('users.createTitle')}
            </Button>
          )
        }
      />
      <Card>
        <div className="cc-toolbar">
          <Input.Search
            className="cc-toolbar__search"
            allowClear
            placeholder={t('users.searchPlaceholder')}
            aria-label={t('users.searchPlaceholder')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onSearch={(v) => setQuery({ q: v.trim() })}
          />
          <Select<UserStatus>
            className="cc-toolbar__select"
            allowClear
            placeholder={t('users.allStatuses')}
            aria-label={t('users.status')}
            value={query.status}
            onChange={(v) => setQuery({ status: v })}
            options={USER_STATUSES.map((s) => ({ value: s, label: t(`users.${s}`) }))}
          />
          {can('unit.read') && (
            <UnitSelect
              style={{ width: screens.md ? 240 : '100%' }}
              placeholder={t('users.unitFilter')}
              aria-label={t('users.unitFilter')}
              value={query.unitId ?? null}
              onChange={(v) => setQuery({ unitId: v })}
            />
          )}
          {(query.q || query.status || query.unitId) && (
            <Button onClick={() => resetQuery()}>{t('common.reset')}</Button>
          )}
        </div>
        <PagedTable<UserView>
          result={users}
          query={query}
          onPage={(page, pageSize) => setQuery({ page, pageSize }, false)}
          columns={columns}
          empty={t('users.empty')}
          testId="users-table"
        />
      </Card>

      <Modal
        open={editing !== null}
        title={isNew ? t('users.createTitle') : t('users.editTitle')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        onOk={onSubmit}
        okButtonProps={{ 'data-testid': 'user-save' }}
        confirmLoading={m.create.isPending || m.update.isPending}
        onCancel={() => setEditing(null)}
        forceRender
      >
        <Form<FormValues> form={form} layout="vertical" requiredMark="optional" autoComplete="off" data-testid="user-form">
          <Form.Item
            name="username"
            label={t('users.username')}
            extra={isNew ? t('users.usernameRule') : undefined}
            rules={
              isNew
                ? [
                    { required: true, message: t('users.usernameRequired') },
                    { pattern: new RegExp(USERNAME_PATTERN), message: t('users.usernameRule') },
                  ]
                : []
            }
          >
            <Input maxLength={64} disabled={!isNew} />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('users.displayName')}
            rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }, { max: 64 }]}
          >
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="mobile" label={t('users.mobile')} rules={[{ pattern: new RegExp(MOBILE_PATTERN), message: t('users.mobileInvalid') }]}>
            <Input maxLength={11} inputMode="numeric" />
          </Form.Item>
          <Form.Item name="unitId" label={t('users.unit')} rules={[{ required: true, message: t('users.unitRequired') }]}>
            <UnitSelect allowClear={false} />
          </Form.Item>
          <Form.Item name="roles" label={t('users.roles')} rules={[{ required: true, type: 'array', min: 1, message: t('users.rolesRequired') }]}>
            <Select<RoleCode[]>
              mode="multiple"
              loading={roles.isLoading}
              options={roleList.map((r) => ({ value: r.code, label: r.name[lang] }))}
              showSearch={{ optionFilterProp: 'label' }}
            />
          </Form.Item>
        </Form>
      </Modal>

      <OneTimeSecret
        open={secret !== null}
        title={t('users.initialPasswordTitle')}
        intro={
          secretUser &&
          (secret.kind === 'created'
            ? t('users.initialPasswordCreated', { name: who(secretUser) })
            : t('users.initialPasswordReset', { name: who(secretUser) }))
        }
        warning={t('users.initialPasswordOnce')}
        label={t('users.initialPasswordLabel')}
        secret={secret?.result.initialPassword ?? ''}
        doneText={t('users.initialPasswordDone')}
        onClose={() => setSecret(null)}
      />
    </>
  );
}
