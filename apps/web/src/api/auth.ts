import type { ChangePasswordBody, ClientConfig, DemoAccounts, LoginBody, SessionResponse } from '@cc/domain';
import { useQuery } from '@tanstack/react-query';
import { api, get } from './client';
import { qk } from './keys';

export const authApi = {
  /** Quiet: the caller shows the server's message itself. */
  login: (body: LoginBody) => api<SessionResponse>('/auth/login', { method: 'POST', body, quiet: true }),
  me: () => api<SessionResponse>('/auth/me', { quiet: true }),
  logout: () => api<void>('/auth/logout', { method: 'POST', body: {}, quiet: true }),
  changePassword: (body: ChangePasswordBody) =>
    api<SessionResponse>('/auth/change-password', { method: 'POST', body }),
};

export function useDemoAccounts() {
  return useQuery({
    queryKey: qk.demoAccounts,
    queryFn: ({ signal }) => get<DemoAccounts>('/auth/demo-accounts', undefined, signal),
    staleTime: Infinity,
    retry: false,
  });
}

export function useClientConfig() {
  return useQuery({
    queryKey: qk.config,
    queryFn: ({ signal }) => get<ClientConfig>('/config', undefined, signal),
    staleTime: Infinity,
  });
}
