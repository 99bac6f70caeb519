import { Alert, Button, Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useAuth } from '../app/auth';
import { BrandMark } from '../components/Brand';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { PasswordForm } from '../components/PasswordForm';

/** Shown instead of everything else while the server says the password must change. */
export default function ForcedPasswordPage() {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const navigate = useNavigate();
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
            <div>{me?.tenant.name}</div>
          </div>
        </div>
        <LanguageSwitch size="middle" />
      </div>
      <main className="cc-login__main">
        <Card className="cc-login__card" title={t('password.forcedTitle')} data-testid="forced-password">
          <Alert type="info" showIcon title={t('password.forcedHint')} style={{ marginBottom: 16 }} />
          {me && (
            <Typography.Paragraph>
              {me.displayName} · <Typography.Text code>{me.username}</Typography.Text>
            </Typography.Paragraph>
          )}
          <PasswordForm submitBlock onDone={() => navigate('/', { replace: true })} />
          <Button
            type="link"
            block
            style={{ marginTop: 8 }}
            onClick={async () => {
              await logout();
              navigate('/login', { replace: true });
            }}
          >
            {t('password.logoutInstead')}
          </Button>
        </Card>
      </main>
    </div>
  );
}
