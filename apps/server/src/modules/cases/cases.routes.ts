import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CaseListQuery, CasePage, CasePreview, CasePreviewQuery, CaseSettings, CaseView, CategoryView, CreateCaseBody, CreateCategoryBody, ErrorBody,
  HideCaseBody, HolidayYearBody, HolidayYearView, IdParams, Id, TransitionBody, UpdateCategoryBody,
} from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { DB } from '../../platform/database.js';
import { readUpload, saveStoredFile, sniff, type FileStore } from '../../platform/files.js';
import type { CaseCatalog } from './catalog.service.js';
import type { CasesService } from './cases.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const PhotoUpload = Type.Object({ id: Id, name: Type.String(), mime: Type.String(), sizeBytes: Type.Integer() });

export function casesRoutes(deps: { db: DB; files: FileStore; cases: CasesService; catalog: CaseCatalog }): FastifyPluginAsyncTypebox {
  const { db, files, cases, catalog } = deps;
  return async (app) => {
    // ---- configuration: categories, settings, holiday calendars ----
    app.get('/case-categories', {
      config: { permission: 'case.read' },
      schema: { tags: ['cases'], summary: 'Case categories (大类/小类) with deadlines and routing', querystring: Type.Object({ active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), response: { 200: Type.Array(CategoryView), ...errors } },
    }, (request) => catalog.listCategories(requireActor(request.actor).tenantId, { activeOnly: request.query.active === true }));
    app.post('/case-categories', {
      config: { permission: 'category.manage' },
      schema: { tags: ['cases'], body: CreateCategoryBody, response: { 201: CategoryView, ...errors } },
    }, async (request, reply) => reply.status(201).send(await catalog.createCategory(requireActor(request.actor), request.body, auditContextOf(request))));
    app.patch('/case-categories/:id', {
      config: { permission: 'category.manage' },
      schema: { tags: ['cases'], params: IdParams, body: UpdateCategoryBody, response: { 200: CategoryView, ...errors } },
    }, (request) => catalog.updateCategory(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));

    app.get('/case-settings', { config: { permission: 'case.read' }, schema: { tags: ['cases'], response: { 200: CaseSettings, ...errors } } },
      (request) => catalog.settings(requireActor(request.actor).tenantId));
    app.put('/case-settings', { config: { permission: 'category.manage' }, schema: { tags: ['cases'], body: CaseSettings, response: { 200: CaseSettings, ...errors } } },
      (request) => catalog.updateSettings(requireActor(request.actor), request.body, auditContextOf(request)));

    app.get('/holiday-calendars', { config: { permission: 'case.read' }, schema: { tags: ['cases'], summary: 'Holiday calendars: the city’s own years and the shipped ones', response: { 200: Type.Array(HolidayYearView), ...errors } } },
      (request) => catalog.holidayYears(requireActor(request.actor).tenantId));
    app.put('/holiday-calendars/:year', {
      config: { permission: 'category.manage' },
      schema: { tags: ['cases'], summary: 'Load a year’s official holidays and 调休 working days', params: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }, { additionalProperties: false }), body: HolidayYearBody, response: { 200: HolidayYearView, ...errors } },
    }, (request) => catalog.putHolidayYear(requireActor(request.actor), request.params.year, request.body, auditContextOf(request)));

    // ---- cases ----
    app.get('/cases', { config: { permission: 'case.read' }, schema: { tags: ['cases'], summary: 'The ledger (台账): cases within the caller’s scope', querystring: CaseListQuery, response: { 200: CasePage, ...errors } } },
      (request) => cases.list(requireActor(request.actor), request.query));
    app.get('/cases/preview', {
      config: { permission: 'case.report' },
      schema: { tags: ['cases'], summary: 'Where a new case would go, its deadline and possible duplicates', querystring: CasePreviewQuery, response: { 200: CasePreview, ...errors } },
    }, (request) => cases.preview(requireActor(request.actor), request.query));
    app.get('/cases/:id', { config: { permission: 'case.read' }, schema: { tags: ['cases'], params: IdParams, response: { 200: CaseView, ...errors } } },
      (request) => cases.view(requireActor(request.actor), request.params.id));
    app.post('/cases', {
      config: { permission: 'case.report' },
      schema: { tags: ['cases'], summary: 'Report a case; it is routed by place and category', body: CreateCaseBody, response: { 201: CaseView, ...errors } },
    }, async (request, reply) => reply.status(201).send(await cases.create(requireActor(request.actor), request.body, auditContextOf(request))));
    app.post('/cases/:id/transitions', {
      config: { permission: 'case.read' },
      schema: { tags: ['cases'], summary: 'Fire an event of the case workflow (the caller’s case role and the version are checked)', params: IdParams, body: TransitionBody, response: { 200: CaseView, ...errors } },
    }, (request) => cases.transition(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));
    app.post('/cases/:id/visibility', {
      config: { permission: 'case.manage' },
      schema: { tags: ['cases'], summary: 'Hide an abusive public report (or show it again)', params: IdParams, body: HideCaseBody, response: { 200: CaseView, ...errors } },
    }, (request) => cases.hide(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));

    app.get('/cases/:id/photos/:photoId', {
      config: { permission: 'case.read' },
      schema: { tags: ['cases'], params: Type.Object({ id: Id, photoId: Id }, { additionalProperties: false }), response: { ...errors } },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      const p = await cases.photo(actor, request.params.id, request.params.photoId);
      reply.header('content-type', p.mime).header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff');
      return reply.send(files.open(actor.tenantId, p.sha256) as never);
    });

    app.post('/case-photos', {
      config: { permission: 'case.read' },
      schema: {
        tags: ['cases'], summary: 'Upload a case photo (multipart field "file"): JPEG, PNG or WebP up to 10 MB, checked by content',
        consumes: ['multipart/form-data'], response: { 201: PhotoUpload, 413: ErrorBody, 415: ErrorBody, ...errors },
      },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      const { data, name } = await readUpload(request, { maxBytes: MAX_PHOTO_BYTES, defaultName: 'photo' });
      const mime = await sniff(data, 'image');
      const id = await db.transaction().execute((tx) => saveStoredFile(tx, files, auditContextOf(request), { tenantId: actor.tenantId, data, mime, name, createdBy: actor.userId }));
      return reply.status(201).send({ id, name, mime, sizeBytes: data.length });
    });
  };
}
