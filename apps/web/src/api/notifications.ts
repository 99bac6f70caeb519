import type { NotificationView } from '@cc/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post } from './client';
import { qk } from './keys';

export interface NotificationPage {
  items: NotificationView[];
  total: number;
  unread: number;
  page: number;
  pageSize: number;
}

const POLL_MS = 30_000;

/** The unread count for the bell, every 30 seconds (also while the tab is in the background). */
export function useUnreadCount(enabled = true) {
  return useQuery({
    queryKey: [...qk.notifications, 'unread'],
    queryFn: ({ signal }) => get<{ unread: number }>('/notifications/unread-count', undefined, signal),
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: true,
    staleTime: POLL_MS / 2,
    retry: false,
    enabled,
  });
}

/** The latest notifications, while the list is open. */
export function useNotifications(enabled: boolean, pageSize = 20) {
  return useQuery({
    queryKey: [...qk.notifications, 'list', pageSize],
    queryFn: ({ signal }) => get<NotificationPage>('/notifications', { page: 1, pageSize }, signal),
    enabled,
    staleTime: 0,
  });
}

export function useNotificationMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: qk.notifications });
  return {
    read: useMutation({ mutationFn: (id: number) => post<unknown>(`/notifications/${id}/read`), onSuccess: invalidate }),
    readAll: useMutation({ mutationFn: () => post<unknown>('/notifications/read-all'), onSuccess: invalidate }),
  };
}
