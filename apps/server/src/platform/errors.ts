import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_MESSAGES, formatMessage, pickLocale, type ErrorCode, type Locale, type MessageParam } from '@cc/domain';
import { localizeValidation } from './validation.js';

/** An expected failure: a status, a code from the shared catalogue, and parameters for its message. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode,
    public readonly params: Record<string, MessageParam> = {},
    public readonly details?: unknown,
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = (entity: string) => new AppError(404, 'NOT_FOUND', { entity });
export const forbidden = () => new AppError(403, 'FORBIDDEN');
export const outOfScope = () => new AppError(403, 'OUT_OF_SCOPE');
export const conflict = () => new AppError(409, 'CONFLICT');

export function localeOf(request: FastifyRequest): Locale {
  return pickLocale(request.headers['accept-language']);
}

function send(reply: FastifyReply, locale: Locale, status: number, code: ErrorCode, params = {}, details?: unknown) {
  return reply.status(status).send({
    error: { code, message: formatMessage(code, locale, params), details: details ?? null },
  });
}

/**
 * For Fastify's `frameworkErrors` option (set where the app is built): URLs the router cannot read
 * — bad percent-encoding, a path parameter over 100 characters — answer in the one error shape too.
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  return send(reply, localeOf(request), status, 'BAD_REQUEST', {}, { reason: err.message });
}

/** One error shape for every failure: `{ error: { code, message, details } }`. */
export function registerErrorHandling(app: FastifyInstance, opts: { spaIndex: boolean }): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    const locale = localeOf(request);
    if (err instanceof AppError) {
      const message = formatMessage(err.code, locale, err.params);
      // Field problems raised by services carry the error's own message unless they have one.
      // Field or row problems carry their own message, or a `problem` code (with `params`) to
      // render in the caller's language, or else take the error's message.
      const details = Array.isArray(err.details)
        ? err.details.map((d: { message?: string; problem?: string; params?: Record<string, MessageParam> }) => ({
            ...d,
            message: d.message || (d.problem && d.problem in ERROR_MESSAGES ? formatMessage(d.problem as ErrorCode, locale, d.params) : message),
          }))
        : err.details;
      return send(reply, locale, err.status, err.code, err.params, details);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return send(reply, locale, 422, 'VALIDATION_FAILED', {}, localizeValidation(fe.validation, fe.validationContext, locale));
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, locale, 400, 'BAD_JSON');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, locale, 413, 'PAYLOAD_TOO_LARGE', { limit: `${Math.round(app.initialConfig.bodyLimit! / 1024)} KB` });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, locale, 415, 'UNSUPPORTED_MEDIA_TYPE');
      case 'FST_ERR_RATE_LIMIT':
        return send(reply, locale, 429, 'RATE_LIMITED');
    }
    if (err instanceof SyntaxError && fe.statusCode === 400) return send(reply, locale, 400, 'BAD_JSON');
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return send(reply, locale, fe.statusCode, 'BAD_REQUEST', {}, { reason: fe.message });
    }
    // Unique violations that a service did not anticipate are still a conflict, not a crash.
    if ((err as { code?: string }).code === '23505') return send(reply, locale, 409, 'ALREADY_EXISTS');
    // So are deletions of a record other records still point at (a service should have said which).
    if ((err as { code?: string }).code === '23503' && request.method === 'DELETE') {
      request.log.warn({ err }, 'deletion refused by a foreign key');
      return send(reply, locale, 409, 'IN_USE', { entity: 'record' });
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, locale, 500, 'INTERNAL');
  });

  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0]!;
    // Client-side routes of the web app: any other GET that wants HTML gets index.html.
    const isApi = url.startsWith('/api') || url.startsWith('/open311');
    if (opts.spaIndex && !isApi && request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return send(reply, localeOf(request), 404, 'ROUTE_NOT_FOUND', { method: request.method, url });
  });
}
