import { useState } from 'react';
import { App, Button, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { checkPassword, ERROR_MESSAGES, type Me } from '@cc/domain';
import { authApi } from '../api/auth';
import { useAuth } from '../app/auth';
import { useLanguage } from '../i18n';
import { useReportError } from '../lib/useReportError';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

const FIELDS = ['currentPassword', 'newPassword', 'confirm'] as const;
const CODE_FIELDS: Record<string, string> = {
  PASSWORD_WRONG: 'currentPassword',
  PASSWORD_TOO_SHORT: 'newPassword',
  PASSWORD_TOO_LONG: 'newPassword',
  PASSWORD_TOO_FEW_CLASSES: 'newPassword',
  PASSWORD_REUSED: 'newPassword',
};

/** Change-password form with the password policy checked before the server sees it. */
export function PasswordForm({ onDone, submitBlock = false }: { onDone?: (me: Me) => void; submitBlock?: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message } = App.useApp();
  const { setSession } = useAuth();
  const report = useReportError();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);

  const onFinish = async (v: Values) => {
    setBusy(true);
    try {
      const session = await authApi.changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword });
      form.resetFields();
      void message.success(t('password.changed'));
      setSession(session);
      onDone?.(session.user);
    } catch (err) {
      report(err, form, { fields: FIELDS, codeFields: CODE_FIELDS });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={onFinish}
      requiredMark={false}
      autoComplete="off"
      data-testid="password-form"
    >
      <Form.Item
        name="currentPassword"
        label={t('password.current')}
        rules={[{ required: true, message: t('password.currentRequired') }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        extra={t('password.rules')}
        dependencies={['currentPassword']}
        rules={[
          { required: true, message: t('password.newRequired') },
          ({ getFieldValue }) => ({
            validator(_, value: string | undefined) {
              if (!value) return Promise.resolve();
              const problem = checkPassword(value);
              if (problem) return Promise.reject(new Error(ERROR_MESSAGES[`PASSWORD_${problem}`][lang]));
              if (value === getFieldValue('currentPassword')) return Promise.reject(new Error(t('password.same')));
              return Promise.resolve();
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('password.confirmRequired') },
          ({ getFieldValue }) => ({
            validator(_, value: string | undefined) {
              if (!value || value === getFieldValue('newPassword')) return Promise.resolve();
              return Promise.reject(new Error(t('password.mismatch')));
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item style={{ marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" loading={busy} block={submitBlock}>
          {t('password.submit')}
        </Button>
      </Form.Item>
    </Form>
  );
}
