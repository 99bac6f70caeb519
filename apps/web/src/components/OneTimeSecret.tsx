import type { ReactNode } from 'react';
import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

interface Props {
  open: boolean;
  title: ReactNode;
  intro: ReactNode;
  warning: ReactNode;
  label: ReactNode;
  secret: string;
  doneText: ReactNode;
  onClose: () => void;
}

/** Shows a password or token exactly once; it closes only on the explicit "noted" button. */
export function OneTimeSecret({ open, title, intro, warning, label, secret, doneText, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      open={open}
      title={title}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      destroyOnHidden
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose} data-testid="one-time-secret-done">
          {doneText}
        </Button>
      }
    >
      <Typography.Paragraph>{intro}</Typography.Paragraph>
      <Typography.Text type="secondary">{label}</Typography.Text>
      <Typography.Paragraph
        className="cc-secret"
        copyable={{ text: secret, tooltips: [t('common.copy'), t('common.copied')] }}
        data-testid="one-time-secret"
      >
        <code>{secret}</code>
      </Typography.Paragraph>
      <Alert type="warning" showIcon title={warning} />
    </Modal>
  );
}
