import type { CreateUserBody, UpdateUserBody, UserPage, UserStatus, UserView, UserWithPassword } from '@cc/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, patch, post } from './client';
import { qk } from './keys';

export interface UserQuery {
  q?: string;
  unitId?: number;
  status?: UserStatus;
  page?: number;
  pageSize?: number;
}

export function useUsers(query: UserQuery) {
  return useQuery({
    queryKey: [...qk.users, query],
    queryFn: ({ signal }) => get<UserPage>('/users', { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useUserMutations() {
  const qc = useQueryClient();
  const invalidate = () => Promise.all([qc.invalidateQueries({ queryKey: qk.users }), qc.invalidateQueries({ queryKey: qk.dashboard })]);
  return {
    create: useMutation({
      mutationFn: (body: CreateUserBody) => post<UserWithPassword>('/users', body),
      onSuccess: invalidate,
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdateUserBody }) => patch<UserView>(`/users/${id}`, body),
      onSuccess: invalidate,
    }),
    disable: useMutation({
      mutationFn: (id: number) => post<UserView>(`/users/${id}/disable`, {}),
      onSuccess: invalidate,
    }),
    enable: useMutation({
      mutationFn: (id: number) => post<UserView>(`/users/${id}/enable`, {}),
      onSuccess: invalidate,
    }),
    resetPassword: useMutation({
      mutationFn: (id: number) => post<UserWithPassword>(`/users/${id}/reset-password`, {}),
      onSuccess: invalidate,
    }),
  };
}
