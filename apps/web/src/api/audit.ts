import type { AuditPage, AuditVerifyResult } from '@cc/domain';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { get } from './client';
import { qk } from './keys';

export interface AuditFilter {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorUserId?: number;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export function useAudit(filter: AuditFilter) {
  return useQuery({
    queryKey: [...qk.audit, filter],
    queryFn: ({ signal }) => get<AuditPage>('/audit', { ...filter }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useAuditVerify() {
  return useMutation({ mutationFn: () => get<AuditVerifyResult>('/audit/verify') });
}
