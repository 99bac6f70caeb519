import type {
  CreateFrontageBody,
  FrontageCheckBody,
  FrontageCheckView,
  FrontageContractPage,
  FrontageContractView,
  FrontageListQuery,
  RenewFrontageBody,
  UpdateFrontageBody,
} from '@cc/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiUrl, get, patch, post, upload } from './client';
import { qk } from './keys';

export type FrontageStatus = FrontageContractView['status'];
export type FrontageQuery = FrontageListQuery;

export interface StoredFile {
  id: number;
  name: string;
  mime: string;
  sizeBytes: number;
}

export const FILE_MAX_BYTES = 20 * 1024 * 1024;
export const FILE_ACCEPT = '.pdf,.jpg,.jpeg,.png,.webp,application/pdf,image/jpeg,image/png,image/webp';

export function useFrontageContracts(query: FrontageQuery, enabled = true) {
  return useQuery({
    queryKey: [...qk.frontage, 'list', query],
    queryFn: ({ signal }) => get<FrontageContractPage>('/frontage-contracts', { ...query }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useFrontageContract(id: number | null) {
  return useQuery({
    queryKey: qk.frontageOne(id ?? 0),
    queryFn: ({ signal }) => get<FrontageContractView>(`/frontage-contracts/${id}`, undefined, signal),
    enabled: id !== null && id > 0,
  });
}

export function useFrontageChecks(id: number | null) {
  return useQuery({
    queryKey: qk.frontageChecks(id ?? 0),
    queryFn: ({ signal }) => get<{ items: FrontageCheckView[] }>(`/frontage-contracts/${id}/checks`, undefined, signal),
    enabled: id !== null && id > 0,
  });
}

/** The scanned contract, served through the contract (which checks the reader's scope). */
export const contractFileUrl = (id: number) => apiUrl(`/frontage-contracts/${id}/file`);

export function useFrontageMutations() {
  const qc = useQueryClient();
  const invalidate = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: qk.frontage }),
      qc.invalidateQueries({ queryKey: qk.assignments }),
      qc.invalidateQueries({ queryKey: qk.responsibility }),
    ]);
  return {
    upload: useMutation({ mutationFn: (file: File) => upload<StoredFile>('/files', file) }),
    create: useMutation({
      mutationFn: (body: CreateFrontageBody) => post<FrontageContractView>('/frontage-contracts', body),
      onSuccess: invalidate,
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdateFrontageBody }) => patch<FrontageContractView>(`/frontage-contracts/${id}`, body),
      onSuccess: invalidate,
    }),
    renew: useMutation({
      mutationFn: ({ id, body }: { id: number; body: RenewFrontageBody }) => post<FrontageContractView>(`/frontage-contracts/${id}/renew`, body),
      onSuccess: invalidate,
    }),
    end: useMutation({
      mutationFn: ({ id, body }: { id: number; body: { validTo: string; version: number } }) =>
        post<FrontageContractView>(`/frontage-contracts/${id}/end`, body),
      onSuccess: invalidate,
    }),
    addCheck: useMutation({
      mutationFn: ({ id, body }: { id: number; body: FrontageCheckBody }) => post<FrontageCheckView>(`/frontage-contracts/${id}/checks`, body),
      onSuccess: invalidate,
    }),
  };
}
