import { Spin } from 'antd';
import { useTranslation } from 'react-i18next';

/** Whole-screen loading (booting, loading the login page). */
export function FullPageSpin() {
  const { t } = useTranslation();
  return (
    <div className="cc-fullpage-center" role="status" aria-live="polite">
      <Spin size="large" description={t('common.loading')} />
    </div>
  );
}

/** A page's code is loading. */
export function PageLoading() {
  const { t } = useTranslation();
  return (
    <div className="cc-page-loading" role="status" aria-live="polite" aria-busy="true">
      <Spin description={t('common.loading')} />
    </div>
  );
}

