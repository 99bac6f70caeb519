import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useLanguage } from '../i18n';
import { errorMessage } from '../lib/errors';

/** A failed load: 403 becomes "no access", the rest an error with a retry button. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  if (error instanceof ApiError && (error.code === 'FORBIDDEN' || error.code === 'OUT_OF_SCOPE')) {
    return <Result status="403" title={t('errors.forbiddenTitle')} subTitle={errorMessage(error, t, lang)} />;
  }
  return (
    <Result
      status="warning"
      title={t('errors.loadFailedTitle')}
      subTitle={errorMessage(error, t, lang)}
      extra={
        onRetry && (
          <Button type="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )
      }
    />
  );
}

/** The user's role lacks the page's permission. */
export default function Forbidden() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('errors.forbiddenTitle')}
      subTitle={t('errors.forbidden')}
      data-testid="forbidden"
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          {t('common.backHome')}
        </Button>
      }
    />
  );
}
