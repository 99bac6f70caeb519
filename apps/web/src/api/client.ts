import type { ErrorBody } from '@cc/domain';

/** One problem with one field, as the server reports it in VALIDATION_FAILED details. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** Every failed API call throws this; `message` is already in the UI language (from the server). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /**
   * Field problems: the details of VALIDATION_FAILED, and of other codes that name the field they
   * concern (DUPLICATE, INVALID_PARENT …, where the problem's own message may be empty).
   */
  get fieldProblems(): FieldProblem[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is FieldProblem => typeof d === 'object' && d !== null && typeof (d as FieldProblem).field === 'string',
    );
  }
}

/** Codes the client itself produces when no server answer could be read. */
export const NETWORK_ERROR = 'NETWORK_ERROR';
export const BAD_RESPONSE = 'BAD_RESPONSE';

type Language = 'zh-CN' | 'en';

interface ClientState {
  csrfToken: string | null;
  language: Language;
}

const state: ClientState = { csrfToken: null, language: 'zh-CN' };

export function setCsrfToken(token: string | null): void {
  state.csrfToken = token;
}

export function setApiLanguage(language: Language): void {
  state.language = language;
}

/** Session-wide failures the app shell reacts to (go to login, go to the forced password change). */
export type AuthEvent = { kind: 'session-expired'; error: ApiError } | { kind: 'password-change-required' };
type AuthListener = (event: AuthEvent) => void;
const listeners = new Set<AuthListener>();

export function onAuthEvent(listener: AuthListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(event: AuthEvent): void {
  listeners.forEach((l) => l(event));
}

export type QueryValue = string | number | boolean | null | undefined;

export function buildQuery(params: Record<string, QueryValue> | undefined): string {
  if (!params) return '';
  const sp = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    sp.set(key, String(value));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /**
   * Do not broadcast 401/PASSWORD_CHANGE_REQUIRED to the app shell (used by the login page and the
   * initial /auth/me probe, which handle those themselves).
   */
  quiet?: boolean;
  /** Extra request headers (e.g. Idempotency-Key on a phone's retried upload). */
  headers?: Record<string, string>;
}

const API_PREFIX = '/api/v1';

/** The typed fetch wrapper every API call goes through. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': state.language,
    ...options.headers,
  };
  let body: string | FormData | undefined;
  if (options.body instanceof FormData) {
    // multipart: the browser sets Content-Type with the boundary itself.
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;

  let response: Response;
  try {
    response = await fetch(`${API_PREFIX}${path}${buildQuery(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR, '');
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) {
    if (text && data === null) throw new ApiError(response.status, BAD_RESPONSE, '');
    return data as T;
  }

  const error = toApiError(response.status, data);
  if (!options.quiet) {
    if (response.status === 401) emit({ kind: 'session-expired', error });
    else if (error.code === 'PASSWORD_CHANGE_REQUIRED') emit({ kind: 'password-change-required' });
  }
  throw error;
}

function toApiError(status: number, data: unknown): ApiError {
  const e = (data as Partial<ErrorBody> | null)?.error;
  if (e && typeof e.code === 'string') {
    return new ApiError(status, e.code, typeof e.message === 'string' ? e.message : '', e.details ?? null);
  }
  return new ApiError(status, status >= 500 ? 'INTERNAL' : BAD_RESPONSE, '');
}

export const get = <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) =>
  api<T>(path, { query, signal });
export const post = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body: body ?? {} });
export const patch = <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body });
export const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
export const del = <T = void>(path: string) => api<T>(path, { method: 'DELETE' });

/** Upload one file as multipart/form-data (field `file`). */
export function upload<T>(path: string, file: Blob, filename?: string, headers?: Record<string, string>): Promise<T> {
  const form = new FormData();
  form.append('file', file, filename ?? (file instanceof File ? file.name : 'file'));
  return api<T>(path, { method: 'POST', body: form, headers });
}

/** The browser URL of an API resource (downloads, links that open in a new tab). */
export const apiUrl = (path: string, query?: Record<string, QueryValue>) => `${API_PREFIX}${path}${buildQuery(query)}`;
