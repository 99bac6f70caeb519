import type { CategoryView, CopyEditionBody, CreateStandardBody, EditionView, PointTypeView, StandardView, UpdateEditionBody } from '@cc/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl, get, post, put, type QueryValue } from '../../api/client';

/** 标准体系: standards, their editions, and what the editor's pickers offer. */
export const standardsKeys = {
  all: ['standards'] as const,
  list: ['standards', 'list'] as const,
  edition: (id: number) => ['standards', 'edition', id] as const,
  pointTypes: ['assessment-point-types'] as const,
  categories: ['case-categories', 'all'] as const,
};

export function useStandards() {
  return useQuery({ queryKey: standardsKeys.list, queryFn: ({ signal }) => get<StandardView[]>('/standards', undefined, signal) });
}

export function useEdition(id: number | null) {
  return useQuery({
    queryKey: standardsKeys.edition(id ?? 0),
    queryFn: ({ signal }) => get<EditionView>(`/standard-editions/${id}`, undefined, signal),
    enabled: id !== null,
  });
}

export function usePointTypes() {
  return useQuery({ queryKey: standardsKeys.pointTypes, queryFn: ({ signal }) => get<PointTypeView[]>('/assessment-point-types', undefined, signal), staleTime: 300_000 });
}

/** Every category, inactive ones too (an edition may name one that was switched off since). */
export function useCategories() {
  return useQuery({ queryKey: standardsKeys.categories, queryFn: ({ signal }) => get<CategoryView[]>('/case-categories', undefined, signal), staleTime: 300_000 });
}

export const exportUrl = (editionId: number) => apiUrl(`/standard-editions/${editionId}/export`);

/** POST /standards/import: into a draft (intoEditionId + version) or as a new standard. */
function importFile(file: File, query: Record<string, QueryValue>): Promise<EditionView> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api<EditionView>('/standards/import', { method: 'POST', body: form, query });
}

export function useStandardMutations() {
  const qc = useQueryClient();
  const settle = (e: EditionView) => {
    qc.setQueryData(standardsKeys.edition(e.id), e);
    void qc.invalidateQueries({ queryKey: standardsKeys.list });
  };
  return {
    create: useMutation({ mutationFn: (body: CreateStandardBody) => post<EditionView>('/standards', body), onSuccess: settle }),
    update: useMutation({ mutationFn: ({ id, body }: { id: number; body: UpdateEditionBody }) => put<EditionView>(`/standard-editions/${id}`, body), onSuccess: settle }),
    copy: useMutation({ mutationFn: ({ id, body }: { id: number; body: CopyEditionBody }) => post<EditionView>(`/standard-editions/${id}/copy`, body), onSuccess: settle }),
    publish: useMutation({ mutationFn: ({ id, version }: { id: number; version: number }) => post<EditionView>(`/standard-editions/${id}/publish`, { version }), onSuccess: settle }),
    retire: useMutation({ mutationFn: ({ id, version }: { id: number; version: number }) => post<EditionView>(`/standard-editions/${id}/retire`, { version }), onSuccess: settle }),
    importInto: useMutation({
      mutationFn: ({ id, version, file }: { id: number; version: number; file: File }) => importFile(file, { intoEditionId: id, version }),
      onSuccess: settle,
    }),
    importNew: useMutation({
      mutationFn: ({ body, file }: { body: CreateStandardBody; file: File }) =>
        importFile(file, { code: body.code, name: body.name, kind: body.kind, label: body.label, maxScore: body.maxScore ?? undefined }),
      onSuccess: settle,
    }),
  };
}
