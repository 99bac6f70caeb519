import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CreateStandardBody, EditionView, ErrorBody, Id, IdParams } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { DB } from '../../platform/database.js';
import { AppError, localeOf } from '../../platform/errors.js';
import { contentDisposition, readUpload } from '../../platform/files.js';
import { MAX_UPLOAD_BYTES } from '../files/files.routes.js';
import { XLSX_MIME } from '../imports/xlsx-read.js';
import { editionWorkbook, parseStandardWorkbook, refusal, StandardImportRefused, vocabularyOf } from './standards-excel.js';
import type { StandardsService } from './standards.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody };

/** Either a draft to replace (intoEditionId, optionally its version) or a new standard's fields. */
export const StandardImportQuery = Type.Object(
  {
    intoEditionId: Type.Optional(Id),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The draft’s version as the caller saw it (409 when it changed since)' })),
    code: Type.Optional(CreateStandardBody.properties.code),
    name: Type.Optional(CreateStandardBody.properties.name),
    kind: Type.Optional(CreateStandardBody.properties.kind),
    label: Type.Optional(CreateStandardBody.properties.label),
    maxScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, multipleOf: 0.01 })),
  },
  { additionalProperties: false },
);

/**
 * Excel export and import of a standard's edition (modules/inspections/standards-excel.ts).
 * Registered in app.ts: `standardsExcelRoutes({ standards, db })`.
 */
export function standardsExcelRoutes(deps: { standards: StandardsService; db: DB }): FastifyPluginAsyncTypebox {
  const { standards, db } = deps;
  return async (app) => {
    app.get('/standard-editions/:id/export', {
      config: { permission: 'inspection.read' },
      schema: {
        tags: ['inspections'], summary: 'An edition as Excel: one row per node (Chinese headers) and a 填写说明 sheet with the valid values; the file imports back',
        params: IdParams,
      },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      const edition = await standards.edition(actor, request.params.id, 'zh-CN');
      const v = await vocabularyOf(db, actor.tenantId);
      const data = await editionWorkbook({ edition, categories: v.categories, vocab: v.vocab });
      const name = `${edition.standard.name}-${edition.label}.xlsx`.replace(/[\\/:*?"<>|]/g, '_');
      return reply.header('content-type', XLSX_MIME).header('content-disposition', contentDisposition(name)).header('cache-control', 'private, max-age=0').send(data);
    });

    app.post('/standards/import', {
      config: { permission: 'standard.manage' },
      schema: {
        tags: ['inspections'],
        summary: 'Import an edition from .xlsx (multipart field "file"): into a draft (?intoEditionId=, replaces its tree) or as a new standard (?code=&name=&kind=&label=). '
          + 'Every row is checked first; any bad row → 422 IMPORT_INVALID with the problems by row and column, nothing saved. The answer’s `problems` list what publishing would still refuse.',
        consumes: ['multipart/form-data'], querystring: StandardImportQuery,
        response: { 200: EditionView, 201: EditionView, ...errors },
      },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      const locale = localeOf(request);
      const q = request.query;
      let target: { editionId: number; version: number } | { create: CreateStandardBody };
      if (q.intoEditionId !== undefined) {
        const e = await standards.editionRow(db, actor.tenantId, q.intoEditionId);
        if (e.state !== 'draft') throw new AppError(409, 'EDITION_NOT_DRAFT');
        if (q.version !== undefined && q.version !== e.version) throw new AppError(409, 'CONFLICT');
        target = { editionId: e.id, version: e.version };
      } else if (q.code && q.name && q.kind && q.label) {
        target = { create: { code: q.code, name: q.name, kind: q.kind, label: q.label, ...(q.maxScore !== undefined ? { maxScore: q.maxScore } : {}) } };
      } else {
        throw new AppError(400, 'STANDARD_IMPORT_TARGET');
      }
      const { data } = await readUpload(request, { maxBytes: MAX_UPLOAD_BYTES, noFile: 'IMPORT_NO_FILE', defaultName: 'standard.xlsx' });
      const v = await vocabularyOf(db, actor.tenantId);
      const nodes = await parseStandardWorkbook(data, v.importContext()).catch((err: unknown) => {
        throw err instanceof StandardImportRefused ? refusal(err, locale) : err;
      });
      const ctx = auditContextOf(request);
      if ('create' in target) return reply.status(201).send(await standards.create(actor, target.create, ctx, locale, nodes));
      return reply.send(await standards.update(actor, target.editionId, { version: target.version, nodes }, ctx, locale));
    });
  };
}
