import { lazy, Suspense } from 'react';
import { createBrowserRouter, Outlet, useRouteError } from 'react-router';
import { AppLayout } from './AppLayout';
import { ROUTES } from './nav';
import { AuthGate, HomeRedirect, PageFrame, RequirePasswordChange, RequireUser, VisitorOnly } from './guards';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { FullPageSpin } from '../components/states';

const LoginPage = lazy(() => import('../pages/LoginPage'));
const ForcedPasswordPage = lazy(() => import('../pages/ForcedPasswordPage'));
const NotFoundPage = lazy(() => import('../pages/NotFoundPage'));
const PublicReportPage = lazy(() => import('../public/ReportPage'));
const PublicTrackPage = lazy(() => import('../public/TrackPage'));

/** Errors thrown while routing (not while rendering a page) end up here. */
function RouteError() {
  const error = useRouteError();
  return (
    <ErrorBoundary>
      <Thrower error={error} />
    </ErrorBoundary>
  );
}
function Thrower({ error }: { error: unknown }): never {
  throw error instanceof Error ? error : new Error(String(error));
}

function Root() {
  return (
    <AuthGate>
      <Suspense fallback={<FullPageSpin />}>
        <Outlet />
      </Suspense>
    </AuthGate>
  );
}

export const router = createBrowserRouter([
  // Citizen pages (随手拍, 进度查询): no login and no wait for /auth/me, each loaded on its own.
  {
    element: (
      <Suspense fallback={<FullPageSpin />}>
        <Outlet />
      </Suspense>
    ),
    errorElement: <RouteError />,
    children: [
      { path: '/report', element: <PublicReportPage /> },
      { path: '/track', element: <PublicTrackPage /> },
      { path: '/track/:number', element: <PublicTrackPage /> },
    ],
  },
  {
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      {
        path: '/login',
        element: (
          <VisitorOnly>
            <LoginPage />
          </VisitorOnly>
        ),
      },
      {
        path: '/change-password',
        element: (
          <RequirePasswordChange>
            <ForcedPasswordPage />
          </RequirePasswordChange>
        ),
      },
      {
        path: '/',
        element: (
          <RequireUser>
            <AppLayout />
          </RequireUser>
        ),
        children: [
          { index: true, element: <HomeRedirect /> },
          ...ROUTES.map((entry) => ({
            path: entry.path,
            element: (
              <PageFrame permission={entry.permission}>
                <entry.page />
              </PageFrame>
            ),
          })),
          {
            path: '*',
            element: (
              <PageFrame permission={null}>
                <NotFoundPage />
              </PageFrame>
            ),
          },
        ],
      },
    ],
  },
]);
