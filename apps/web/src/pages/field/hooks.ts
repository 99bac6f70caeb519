import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { localDate, type Me } from '@cc/domain';
import { fieldApi, fieldKeys } from './api';
import { getSheet, listSheets, onStoreChange, type LocalSheet } from './store';

/** The owner of local records: one user of one city. */
export const ownerOf = (me: Pick<Me, 'id' | 'tenant'>) => `${me.tenant.id}:${me.id}`;
/** Today as the inspector's calendar date (the city's time zone). */
export const todayLocal = () => localDate(new Date());

/** Re-read the local store's queries whenever it changes (this tab or another). */
export function useStoreRefresh(): void {
  const qc = useQueryClient();
  useEffect(() => onStoreChange(() => void qc.invalidateQueries({ queryKey: ['field', 'local'] })), [qc]);
}

export function useLocalSheets(owner: string) {
  return useQuery({ queryKey: ['field', 'local', 'sheets', owner], queryFn: () => listSheets(owner), networkMode: 'always', staleTime: Infinity });
}

export function useLocalSheet(key: string) {
  return useQuery({ queryKey: ['field', 'local', 'sheet', key], queryFn: async () => (await getSheet(key)) ?? null, networkMode: 'always', staleTime: Infinity });
}

export function useTasks(owner: string, date: string) {
  return useQuery({ queryKey: fieldKeys.tasks(owner, date), queryFn: () => fieldApi.tasks(owner, date), networkMode: 'always', retry: false, staleTime: 30_000 });
}

export function useEdition(id: number | undefined) {
  return useQuery({
    queryKey: fieldKeys.edition(id ?? 0),
    queryFn: () => fieldApi.edition(id!),
    enabled: id !== undefined,
    networkMode: 'always',
    retry: false,
    staleTime: 10 * 60_000,
  });
}

/** Where a local sheet stands, for badges. */
export type SheetStatus = 'draft' | 'pending' | 'queued' | 'submitted' | 'error';
export function sheetStatus(s: LocalSheet): SheetStatus {
  if (s.error && !s.pending) return 'error';
  if (s.pending) return s.submit ? 'queued' : 'pending';
  if (s.server?.state === 'submitted') return 'submitted';
  return 'draft';
}
/** A submitted sheet (queued or on the server) is no longer edited on the phone. */
export const isReadOnly = (s: LocalSheet) => (s.submit && s.pending) || (s.server?.state === 'submitted' && !s.pending && !s.error);
