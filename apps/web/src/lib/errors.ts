import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ERROR_MESSAGES, type ErrorCode, type Locale } from '@cc/domain';
import { ApiError, BAD_RESPONSE, NETWORK_ERROR } from '../api/client';

/** The message to show for any thrown value: the server's (already localized) text, or ours. */
export function errorMessage(err: unknown, t: TFunction, lang: Locale): string {
  if (err instanceof ApiError) {
    if (err.code === NETWORK_ERROR) return t('errors.NETWORK_ERROR');
    if (err.code === BAD_RESPONSE) return t('errors.BAD_RESPONSE');
    if (err.message) return err.message;
    if (err.code in ERROR_MESSAGES) return ERROR_MESSAGES[err.code as ErrorCode][lang].replace(/\{\w+\}/g, '');
  }
  return t('errors.unknown');
}

export interface FieldErrorOptions {
  /** The form's field names; problems on other fields are reported as unplaced. */
  fields: readonly string[];
  /** Server field → form field, when they differ (e.g. `unitId` → `unit`). */
  fieldMap?: Record<string, string>;
  /** Error codes that belong to one field (e.g. PASSWORD_WRONG → currentPassword). */
  codeFields?: Record<string, string>;
}

/**
 * Put the server's field problems on the form fields they name: the `{ field, rule, message }`
 * details of VALIDATION_FAILED, DUPLICATE, INVALID_PARENT …, and codes listed in `codeFields`.
 * Returns `placed` when something landed on a field and the messages that did not.
 */
export function applyFieldErrors(
  form: FormInstance,
  err: unknown,
  { fields, fieldMap = {}, codeFields = {} }: FieldErrorOptions,
): { placed: boolean; unplaced: string[] } {
  if (!(err instanceof ApiError)) return { placed: false, unplaced: [] };
  const known = new Set(fields);
  const byField = new Map<string, string[]>();
  const unplaced: string[] = [];
  const put = (name: string, message: string) => byField.set(name, [...(byField.get(name) ?? []), message]);

  for (const p of err.fieldProblems) {
    const top = p.field.split('.')[0] ?? '';
    const name = fieldMap[top] ?? top;
    const text = p.message || err.message;
    if (name && known.has(name)) put(name, text);
    else unplaced.push(p.message && p.field ? `${p.field}: ${p.message}` : text);
  }
  const codeField = codeFields[err.code];
  if (codeField && known.has(codeField) && !byField.has(codeField)) put(codeField, err.message);

  form.setFields([...byField.entries()].map(([name, errors]) => ({ name, errors })));
  const first = byField.keys().next().value;
  if (first) form.scrollToField(first, { block: 'center' });
  return { placed: byField.size > 0, unplaced };
}

export const isApiError = (err: unknown, code?: string): err is ApiError =>
  err instanceof ApiError && (code === undefined || err.code === code);
