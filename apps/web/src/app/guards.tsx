import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from './auth';
import { allows, visibleNav, type NavEntry } from './nav';
import { FullPageSpin, PageLoading } from '../components/states';
import { ShellMessage } from '../components/ShellMessage';
import { errorMessage } from '../lib/errors';
import { useLanguage } from '../i18n';
import { ErrorBoundary } from '../components/ErrorBoundary';

const Forbidden = lazy(() => import('../components/QueryError'));

/** While /auth/me is in flight or failed, show that instead of any page. */
export function AuthGate({ children }: { children: ReactNode }) {
  const { state, retry } = useAuth();
  const { t } = useTranslation();
  const lang = useLanguage();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'error') {
    return (
      <div className="cc-fullpage-center">
        <ShellMessage
          status="warning"
          title={t('errors.loadFailedTitle')}
          subTitle={errorMessage(state.error, t, lang)}
          extra={
            <Button type="primary" onClick={retry}>
              {t('common.retry')}
            </Button>
          }
        />
      </div>
    );
  }
  return <>{children}</>;
}

/** Signed in, password changed — else to login or to the forced password change. */
export function RequireUser({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status !== 'authenticated') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  if (state.me.mustChangePassword) return <Navigate to="/change-password" replace />;
  return <>{children}</>;
}

/** The login page is for visitors only. */
export function VisitorOnly({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'authenticated') {
    if (state.me.mustChangePassword) return <Navigate to="/change-password" replace />;
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : '/'} replace />;
  }
  return <>{children}</>;
}

/** The forced change: only for a signed-in user who must change the password. */
export function RequirePasswordChange({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  if (state.status !== 'authenticated') return <Navigate to="/login" replace />;
  if (!state.me.mustChangePassword) return <Navigate to="/" replace />;
  return <>{children}</>;
}

/** A page behind a permission, lazily loaded, with its own error boundary. */
export function PageFrame({ permission, children }: { permission: NavEntry['permission']; children: ReactNode }) {
  const { can } = useAuth();
  const location = useLocation();
  return (
    <ErrorBoundary key={location.pathname}>
      <Suspense fallback={<PageLoading />}>{allows(permission, can) ? children : <Forbidden />}</Suspense>
    </ErrorBoundary>
  );
}

/** `/` goes to the first page the user may see. */
export function HomeRedirect() {
  const { me } = useAuth();
  const first = visibleNav(me?.permissions ?? [])[0];
  return <Navigate to={`/${first?.path ?? 'profile'}`} replace />;
}
