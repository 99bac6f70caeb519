import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { LoginBody, Me, Permission, SessionResponse } from '@cc/domain';
import { ApiError, onAuthEvent, setCsrfToken } from '../api/client';
import { authApi } from '../api/auth';
import { forgetCachedApi, forgetOfflineData, rememberSession } from '../sw/client';

export type AuthState =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'anonymous'; reason: 'expired' | 'logout' | null; message?: string }
  | { status: 'authenticated'; me: Me };

interface AuthContextValue {
  state: AuthState;
  /** The signed-in user, or null. */
  me: Me | null;
  login: (body: LoginBody) => Promise<Me>;
  logout: () => Promise<void>;
  /** Adopt a session returned by the server (login, change-password). */
  setSession: (session: SessionResponse) => void;
  retry: () => void;
  can: (permission: Permission) => boolean;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const stateRef = useRef(state);
  stateRef.current = state;

  const setSession = useCallback((session: SessionResponse) => {
    setCsrfToken(session.csrfToken);
    setState({ status: 'authenticated', me: session.user });
    // The cached /auth/me lets the shell open without a network (sw/worker.ts).
    void rememberSession(session);
  }, []);

  // Who am I? Once on load (and on retry after a network failure).
  useEffect(() => {
    let cancelled = false;
    authApi.me().then(
      (session) => {
        if (!cancelled) setSession(session);
      },
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiError && err.status === 401) {
          setCsrfToken(null);
          void forgetCachedApi();
          setState({ status: 'anonymous', reason: null });
        } else {
          setState({ status: 'error', error: err });
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt, setSession]);

  // Session-wide answers from any API call.
  useEffect(
    () =>
      onAuthEvent((event) => {
        const current = stateRef.current;
        if (event.kind === 'session-expired') {
          if (current.status !== 'authenticated') return;
          setCsrfToken(null);
          qc.clear();
          void forgetOfflineData();
          setState({
            status: 'anonymous',
            reason: 'expired',
            message: event.error.code === 'SESSION_EXPIRED' ? event.error.message : undefined,
          });
        } else if (event.kind === 'password-change-required') {
          if (current.status === 'authenticated' && !current.me.mustChangePassword) {
            setState({ status: 'authenticated', me: { ...current.me, mustChangePassword: true } });
          }
        }
      }),
    [qc],
  );

  const login = useCallback(
    async (body: LoginBody) => {
      const session = await authApi.login(body);
      qc.clear();
      // Another user may have used this phone: none of their cached answers survive.
      await forgetOfflineData();
      setSession(session);
      return session.user;
    },
    [qc, setSession],
  );

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // The session may already be gone; the user still leaves.
    }
    setCsrfToken(null);
    qc.clear();
    await forgetOfflineData();
    setState({ status: 'anonymous', reason: 'logout' });
  }, [qc]);

  const value = useMemo<AuthContextValue>(() => {
    const me = state.status === 'authenticated' ? state.me : null;
    const perms = new Set<string>(me?.permissions ?? []);
    return {
      state,
      me,
      login,
      logout,
      setSession,
      retry: () => {
        setState({ status: 'loading' });
        setAttempt((n) => n + 1);
      },
      can: (p) => perms.has(p),
    };
  }, [state, login, logout, setSession]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; only for components under the protected layout. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}
