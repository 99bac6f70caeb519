import type { CreatePersonBody, PersonPage, PersonView, UpdatePersonBody } from '@cc/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, patch, post } from './client';
import { qk } from './keys';

export interface PersonQuery {
  q?: string;
  unitId?: number;
  page?: number;
  pageSize?: number;
}

export function usePeople(query: PersonQuery, enabled = true) {
  return useQuery({
    queryKey: [...qk.people, 'list', query],
    queryFn: ({ signal }) => get<PersonPage>('/people', { ...query }, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function usePerson(id: number | null | undefined) {
  return useQuery({
    queryKey: qk.person(id ?? 0),
    queryFn: ({ signal }) => get<PersonView>(`/people/${id}`, undefined, signal),
    enabled: typeof id === 'number' && id > 0,
    staleTime: 60_000,
  });
}

export function usePersonMutations() {
  const qc = useQueryClient();
  // A person's name shows in assignments, the map panel and units' first responsible person.
  const invalidate = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: qk.people }),
      qc.invalidateQueries({ queryKey: qk.assignments }),
      qc.invalidateQueries({ queryKey: qk.responsibility }),
      qc.invalidateQueries({ queryKey: qk.units }),
    ]);
  return {
    create: useMutation({ mutationFn: (body: CreatePersonBody) => post<PersonView>('/people', body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdatePersonBody }) => patch<PersonView>(`/people/${id}`, body),
      onSuccess: invalidate,
    }),
    remove: useMutation({ mutationFn: (id: number) => del(`/people/${id}`), onSuccess: invalidate }),
  };
}
