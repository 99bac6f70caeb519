import type {
  CaseSettings,
  CategoryView,
  CreateCategoryBody,
  HolidayYearBody,
  HolidayYearView,
  UpdateCategoryBody,
  WebhookBody,
  WebhookView,
} from '@cc/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, patch, post, put } from './client';

/**
 * The office's case configuration: categories (大类/小类), case settings, holiday calendars, and
 * the webhook endpoints messages are pushed to. Keys start with the same word as the case pages'
 * (`case-categories`), so saving a category refreshes their category pickers too.
 */
export const caseSettingsKeys = {
  categories: ['case-categories', 'all'] as const,
  categoryRoot: ['case-categories'] as const,
  settings: ['case-settings'] as const,
  holidays: ['holiday-calendars'] as const,
  webhooks: ['webhooks'] as const,
};

/** All categories, inactive ones too (the intake pickers ask for active ones only). */
export function useAllCategories() {
  return useQuery({
    queryKey: caseSettingsKeys.categories,
    queryFn: ({ signal }) => get<CategoryView[]>('/case-categories', undefined, signal),
  });
}

export function useCategoryMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: caseSettingsKeys.categoryRoot });
  return {
    create: useMutation({ mutationFn: (body: CreateCategoryBody) => post<CategoryView>('/case-categories', body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: UpdateCategoryBody }) => patch<CategoryView>(`/case-categories/${id}`, body),
      onSuccess: invalidate,
    }),
  };
}

export function useCaseSettings() {
  return useQuery({
    queryKey: caseSettingsKeys.settings,
    queryFn: ({ signal }) => get<CaseSettings>('/case-settings', undefined, signal),
  });
}

export function useSaveCaseSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CaseSettings) => put<CaseSettings>('/case-settings', body),
    onSuccess: (data) => qc.setQueryData(caseSettingsKeys.settings, data),
  });
}

export function useHolidayYears() {
  return useQuery({
    queryKey: caseSettingsKeys.holidays,
    queryFn: ({ signal }) => get<HolidayYearView[]>('/holiday-calendars', undefined, signal),
  });
}

export function useSaveHolidayYear() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ year, body }: { year: number; body: HolidayYearBody }) => put<HolidayYearView>(`/holiday-calendars/${year}`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: caseSettingsKeys.holidays }),
  });
}

export type WebhookUpdate = Partial<WebhookBody>;
export interface WebhookTestResult {
  ok: boolean;
  error: string | null;
}

export function useWebhooks(enabled = true) {
  return useQuery({
    queryKey: caseSettingsKeys.webhooks,
    queryFn: ({ signal }) => get<{ items: WebhookView[] }>('/webhooks', undefined, signal),
    enabled,
  });
}

export function useWebhookMutations() {
  const qc = useQueryClient();
  const invalidate = () => qc.invalidateQueries({ queryKey: caseSettingsKeys.webhooks });
  return {
    create: useMutation({ mutationFn: (body: WebhookBody) => post<WebhookView>('/webhooks', body), onSuccess: invalidate }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: number; body: WebhookUpdate }) => patch<WebhookView>(`/webhooks/${id}`, body),
      onSuccess: invalidate,
    }),
    /** Deleted, or only deactivated when it has deliveries (`deleted: false`). */
    remove: useMutation({ mutationFn: (id: number) => del<{ deleted: boolean }>(`/webhooks/${id}`), onSuccess: invalidate }),
    test: useMutation({
      mutationFn: ({ id, phone }: { id: number; phone?: string }) => post<WebhookTestResult>(`/webhooks/${id}/test`, phone ? { phone } : {}),
      onSuccess: invalidate,
    }),
  };
}
