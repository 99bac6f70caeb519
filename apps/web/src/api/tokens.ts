import type { ApiTokenView, CreateTokenBody, CreatedToken } from '@cc/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post } from './client';
import { qk } from './keys';

export function useTokens(enabled = true) {
  return useQuery({
    queryKey: qk.tokens,
    queryFn: ({ signal }) => get<{ items: ApiTokenView[] }>('/tokens', undefined, signal),
    enabled,
  });
}

export function useTokenMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: qk.tokens });
  return {
    create: useMutation({
      mutationFn: (body: CreateTokenBody) => post<CreatedToken>('/tokens', body),
      onSuccess: invalidate,
    }),
    revoke: useMutation({
      mutationFn: (id: number) => post<ApiTokenView>(`/tokens/${id}/revoke`, {}),
      onSuccess: invalidate,
    }),
  };
}
