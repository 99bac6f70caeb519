import { useState } from 'react';
import { App, Badge, Button, Card, Col, Descriptions, Form, Input, InputNumber, Modal, Popconfirm, Row, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import type { ApiTokenView, CreatedToken } from '@cc/domain';
import { useTokenMutations, useTokens } from '../api/tokens';
import { useAuth, useMe } from '../app/auth';
import { OneTimeSecret } from '../components/OneTimeSecret';
import { PageHeader } from '../components/PageHeader';
import { PasswordForm } from '../components/PasswordForm';
import { QueryError } from '../components/QueryError';
import { useLanguage } from '../i18n';
import { formatDateTime } from '../lib/format';
import { roleName, unitKindLabel } from '../lib/labels';
import { useReportError } from '../lib/useReportError';

function tokenState(tk: ApiTokenView): 'active' | 'revoked' | 'expired' {
  if (tk.revokedAt) return 'revoked';
  if (tk.expiresAt && dayjs(tk.expiresAt).isBefore(dayjs())) return 'expired';
  return 'active';
}

function TokensCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const tokens = useTokens();
  const { create, revoke } = useTokenMutations();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [form] = Form.useForm<{ name: string; expiresInDays?: number | null }>();

  const onCreate = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      const result = await create.mutateAsync({ name: v.name.trim(), ...(v.expiresInDays ? { expiresInDays: v.expiresInDays } : {}) });
      setCreating(false);
      setCreated(result);
    } catch (err) {
      report(err, form, { fields: ['name', 'expiresInDays'] });
    }
  };

  const onRevoke = async (tk: ApiTokenView) => {
    try {
      await revoke.mutateAsync(tk.id);
      void message.success(t('tokens.revokedOk'));
    } catch (err) {
      report(err);
    }
  };

  const columns: TableColumnsType<ApiTokenView> = [
    {
      title: t('tokens.name'),
      dataIndex: 'name',
      render: (_, tk) => (
        <div>
          <div>{tk.name}</div>
          <Typography.Text type="secondary" code>
            {tk.prefix}…
          </Typography.Text>
        </div>
      ),
    },
    {
      title: t('tokens.status'),
      key: 'status',
      render: (_, tk) => {
        const s = tokenState(tk);
        return <Badge status={s === 'active' ? 'success' : s === 'expired' ? 'warning' : 'default'} text={t(`tokens.${s}`)} />;
      },
    },
    { title: t('tokens.createdAt'), dataIndex: 'createdAt', responsive: ['md'], render: (v: string) => formatDateTime(v) },
    {
      title: t('tokens.expiresAt'),
      dataIndex: 'expiresAt',
      responsive: ['md'],
      render: (v: string | null) => (v ? formatDateTime(v) : t('tokens.noExpiry')),
    },
    {
      title: t('tokens.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      responsive: ['lg'],
      render: (v: string | null) => (v ? formatDateTime(v) : t('tokens.never')),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, tk) =>
        tokenState(tk) !== 'revoked' && (
          <Popconfirm
            title={t('tokens.revokeConfirm', { name: tk.name })}
            okText={t('tokens.revoke')}
            okButtonProps={{ danger: true }}
            onConfirm={() => onRevoke(tk)}
          >
            <Button type="link" danger size="small">
              {t('tokens.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Card
      title={t('tokens.title')}
      style={{ marginTop: 16 }}
      data-testid="tokens"
      extra={
        <Button
          type="primary"
          size="small"
          icon={<PlusOutlined />}
          onClick={() => {
            form.resetFields();
            form.setFieldsValue({ expiresInDays: 90 });
            setCreating(true);
          }}
        >
          {t('tokens.create')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('tokens.hint')}</Typography.Paragraph>
      {tokens.isError ? (
        <QueryError error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : (
        <Table<ApiTokenView>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={tokens.data?.items ?? []}
          loading={tokens.isLoading}
          pagination={false}
          locale={{ emptyText: t('tokens.empty') }}
          scroll={{ x: 'max-content' }}
        />
      )}
      <Modal
        open={creating}
        title={t('tokens.createTitle')}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        onOk={onCreate}
        confirmLoading={create.isPending}
        onCancel={() => setCreating(false)}
        forceRender
      >
        <Form form={form} layout="vertical" requiredMark="optional" onFinish={onCreate}>
          <Form.Item name="name" label={t('tokens.name')} rules={[{ required: true, whitespace: true, message: t('tokens.nameRequired') }, { max: 64 }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item
            name="expiresInDays"
            label={t('tokens.expiresInDays')}
            extra={t('tokens.expiresInDaysHint')}
            rules={[{ type: 'integer', min: 1, max: 3650, message: t('tokens.expiresInDaysRange') }]}
          >
            <InputNumber style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
      <OneTimeSecret
        open={created !== null}
        title={t('tokens.secretTitle')}
        intro={created?.token.name}
        warning={t('tokens.secretOnce')}
        label={t('tokens.title')}
        secret={created?.secret ?? ''}
        doneText={t('tokens.secretDone')}
        onClose={() => setCreated(null)}
      />
    </Card>
  );
}

export default function ProfilePage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const me = useMe();
  const { can } = useAuth();
  return (
    <>
      <PageHeader title={t('profile.title')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title={t('profile.account')} style={{ height: '100%' }}>
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'username', label: t('profile.username'), children: <Typography.Text code>{me.username}</Typography.Text> },
                { key: 'displayName', label: t('profile.displayName'), children: me.displayName },
                { key: 'mobile', label: t('profile.mobile'), children: me.mobile ?? t('common.none') },
                { key: 'city', label: t('profile.city'), children: me.tenant.name },
                {
                  key: 'unit',
                  label: t('profile.unit'),
                  children: (
                    <span>
                      {me.unit.name} <Tag variant="filled">{unitKindLabel(me.unit.kind, lang)}</Tag>
                    </span>
                  ),
                },
                {
                  key: 'roles',
                  label: t('profile.roles'),
                  children: me.roles.map((r) => (
                    <Tag key={r} color="blue">
                      {roleName(r, lang)}
                    </Tag>
                  )),
                },
                { key: 'scope', label: t('profile.scope'), children: t(`scope.${me.scope}`) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('profile.changePassword')} data-testid="change-password">
            <PasswordForm />
          </Card>
        </Col>
      </Row>
      {can('token.manage') && <TokensCard />}
    </>
  );
}
