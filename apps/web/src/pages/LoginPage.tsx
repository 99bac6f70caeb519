import { useState } from 'react';
import { Alert, Button, Card, Form, Grid, Input, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LOCKOUT_MAX_FAILURES, LOCKOUT_MINUTES, type DemoAccounts, type LoginBody } from '@cc/domain';
import { useDemoAccounts } from '../api/auth';
import { ApiError } from '../api/client';
import { useAuth } from '../app/auth';
import { BrandMark } from '../components/Brand';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useLanguage } from '../i18n';
import { errorMessage } from '../lib/errors';

type DemoAccount = DemoAccounts['accounts'][number];

export default function LoginPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { login, state } = useAuth();
  const [form] = Form.useForm<LoginBody>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const demo = useDemoAccounts();
  const screens = Grid.useBreakpoint();

  const expired = state.status === 'anonymous' && state.reason === 'expired';

  const onFinish = async (values: LoginBody) => {
    setBusy(true);
    setError(null);
    try {
      await login({ username: values.username.trim(), password: values.password });
      // VisitorOnly sends the user on (to where they came from, or the forced password change).
    } catch (err) {
      setError(err);
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  };

  const fillAccount = (a: DemoAccount) => {
    form.setFieldsValue({ username: a.username, password: a.password });
    setError(null);
  };

  const account = (a: DemoAccount) => (
    <div className="cc-nowrap">
      <Typography.Text code>{a.username}</Typography.Text>
      <div>
        <Typography.Text type="secondary">{a.displayName}</Typography.Text>
      </div>
    </div>
  );

  const columns: TableColumnsType<DemoAccount> = [
    {
      title: t('login.demoRole'),
      dataIndex: 'role',
      render: (_, a) => (
        <div>
          <Tag color="red">{a.roleName[lang]}</Tag>
          {!screens.sm && <div className="cc-nowrap">{account(a)}</div>}
        </div>
      ),
    },
    {
      title: t('login.demoUser'),
      dataIndex: 'username',
      responsive: ['sm'],
      render: (_, a) => account(a),
    },
    { title: t('login.demoUnit'), dataIndex: 'unitName', responsive: ['md'] },
    {
      title: t('login.demoPassword'),
      dataIndex: 'password',
      responsive: ['sm'],
      render: (p: string) => <Typography.Text code>{p}</Typography.Text>,
    },
    {
      title: '',
      key: 'use',
      width: 64,
      render: (_, a) => (
        <Button
          size="small"
          type="link"
          onClick={(e) => {
            e.stopPropagation();
            fillAccount(a);
          }}
        >
          {t('login.demoUse')}
        </Button>
      ),
    },
  ];

  const errorCode = error instanceof ApiError ? error.code : null;

  return (
    <div className="cc-login">
      <div className="cc-login__top">
        <div className="cc-login__brand">
          <BrandMark size={40} />
          <div className="cc-login__brand-text">
            <h1>
              <span className="cc-wide-only">{t('app.title')}</span>
              <span className="cc-narrow-only">{t('app.name')}</span>
            </h1>
            <div>{t('app.subtitle')}</div>
          </div>
        </div>
        <LanguageSwitch size="middle" />
      </div>
      <main className="cc-login__main">
        <Card className="cc-login__card" title={t('login.welcome')}>
          {expired && (
            <Alert type="warning" showIcon title={t('errors.sessionExpired')} style={{ marginBottom: 16 }} data-testid="session-expired" />
          )}
          {error !== null && (
            <Alert
              type="error"
              showIcon
              title={errorMessage(error, t, lang)}
              description={errorCode === 'INVALID_CREDENTIALS' ? t('login.lockedHint', { max: LOCKOUT_MAX_FAILURES, minutes: LOCKOUT_MINUTES }) : undefined}
              style={{ marginBottom: 16 }}
              data-testid="login-error"
              role="alert"
            />
          )}
          <Form<LoginBody> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} data-testid="login-form">
            <Form.Item
              name="username"
              label={t('login.username')}
              rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" maxLength={64} />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" maxLength={256} />
            </Form.Item>
            <Form.Item style={{ marginBottom: 0 }}>
              <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="login-submit">
                {t('login.submit')}
              </Button>
            </Form.Item>
          </Form>
        </Card>
        {demo.data?.demo && demo.data.accounts.length > 0 && (
          <Card className="cc-login__demo" title={t('login.demoTitle')} size="small" data-testid="demo-accounts">
            <Typography.Paragraph type="secondary">{t('login.demoHint')}</Typography.Paragraph>
            <Table<DemoAccount>
              size="small"
              rowKey="username"
              pagination={false}
              columns={columns}
              dataSource={demo.data.accounts}
              onRow={(a) => ({ onClick: () => fillAccount(a) })}
            />
          </Card>
        )}
      </main>
      <footer className="cc-login__footer">{t('login.footer')}</footer>
    </div>
  );
}
