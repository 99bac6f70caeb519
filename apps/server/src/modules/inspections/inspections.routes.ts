import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ClientKey, CopyEditionBody, CoverageBoard, CoverageQuery, CreatePlanBody, CreatePointBody, CreateStandardBody, EditionView, ErrorBody, Id, IdParams,
  ExplanationQuery, InspectionListQuery, InspectionPage, InspectionView, PhotoUploadView, PlanCoverage, PlanListQuery, PlanPage, PlanResults, PlanView, PointListQuery, PointPage,
  PointTypeBody, PointTypeView, PointView, RecheckTaskView, ReopenBody, ResultExplanation, ResultsQuery, SheetSyncBody, StandardView, TaskQuery, TaskView, UpdateEditionBody, UpdatePlanBody,
  UpdatePointBody, VersionBody,
} from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import { AppError, localeOf } from '../../platform/errors.js';
import { readUpload, sniff, type FileStore } from '../../platform/files.js';
import { MAX_PHOTO_BYTES } from '../cases/cases.routes.js';
import type { InspectionsService } from './inspections.service.js';
import type { PlansService } from './plans.service.js';
import type { StandardsService } from './standards.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const KEY_PATTERN = new RegExp(ClientKey.pattern!);

export function inspectionsRoutes(deps: { files: FileStore; standards: StandardsService; plans: PlansService; inspections: InspectionsService }): FastifyPluginAsyncTypebox {
  const { files, standards, plans, inspections } = deps;
  return async (app) => {
    // ---- standards ----
    app.get('/standards', { config: { permission: 'inspection.read' }, schema: { tags: ['inspections'], summary: 'Indicator systems (指标体系) and their editions', response: { 200: Type.Array(StandardView), ...errors } } },
      (request) => standards.list(requireActor(request.actor)));
    app.post('/standards', {
      config: { permission: 'standard.manage' },
      schema: { tags: ['inspections'], summary: 'A new standard with an empty draft edition', body: CreateStandardBody, response: { 201: EditionView, ...errors } },
    }, async (request, reply) => reply.status(201).send(await standards.create(requireActor(request.actor), request.body, auditContextOf(request), localeOf(request))));
    app.get('/standard-editions/:id', { config: { permission: 'inspection.read' }, schema: { tags: ['inspections'], summary: 'An edition’s tree, with what publishing would refuse', params: IdParams, response: { 200: EditionView, ...errors } } },
      (request) => standards.edition(requireActor(request.actor), request.params.id, localeOf(request)));
    app.put('/standard-editions/:id', {
      config: { permission: 'standard.manage' },
      schema: { tags: ['inspections'], summary: 'Edit a draft edition (label, total, the whole tree)', params: IdParams, body: UpdateEditionBody, response: { 200: EditionView, ...errors } },
    }, (request) => standards.update(requireActor(request.actor), request.params.id, request.body, auditContextOf(request), localeOf(request)));
    app.post('/standard-editions/:id/copy', {
      config: { permission: 'standard.manage' },
      schema: { tags: ['inspections'], summary: 'Copy an edition to a new draft (the way to change a published standard)', params: IdParams, body: CopyEditionBody, response: { 201: EditionView, ...errors } },
    }, async (request, reply) => reply.status(201).send(await standards.copy(requireActor(request.actor), request.params.id, request.body, auditContextOf(request), localeOf(request))));
    app.post('/standard-editions/:id/publish', {
      config: { permission: 'standard.manage' },
      schema: { tags: ['inspections'], summary: 'Publish a draft: refused while points do not add up or criteria lack a category', params: IdParams, body: VersionBody, response: { 200: EditionView, ...errors } },
    }, (request) => standards.publish(requireActor(request.actor), request.params.id, request.body.version, auditContextOf(request), localeOf(request)));
    app.post('/standard-editions/:id/retire', {
      config: { permission: 'standard.manage' },
      schema: { tags: ['inspections'], summary: 'Retire a published edition (plans already using it keep it)', params: IdParams, body: VersionBody, response: { 200: EditionView, ...errors } },
    }, (request) => standards.retire(requireActor(request.actor), request.params.id, request.body.version, auditContextOf(request), localeOf(request)));

    // ---- assessment points ----
    app.get('/assessment-point-types', { config: { permission: 'inspection.read' }, schema: { tags: ['inspections'], response: { 200: Type.Array(PointTypeView), ...errors } } },
      (request) => plans.pointTypes(requireActor(request.actor)));
    app.post('/assessment-point-types', { config: { permission: 'inspection.plan' }, schema: { tags: ['inspections'], body: PointTypeBody, response: { 201: PointTypeView, ...errors } } },
      async (request, reply) => reply.status(201).send(await plans.createPointType(requireActor(request.actor), request.body, auditContextOf(request))));
    app.get('/assessment-points', { config: { permission: 'inspection.read' }, schema: { tags: ['inspections'], summary: '实地考察点位', querystring: PointListQuery, response: { 200: PointPage, ...errors } } },
      (request) => plans.listPoints(requireActor(request.actor), request.query));
    app.post('/assessment-points', { config: { permission: 'inspection.plan' }, schema: { tags: ['inspections'], body: CreatePointBody, response: { 201: PointView, ...errors } } },
      async (request, reply) => reply.status(201).send(await plans.createPoint(requireActor(request.actor), request.body, auditContextOf(request))));
    app.patch('/assessment-points/:id', { config: { permission: 'inspection.plan' }, schema: { tags: ['inspections'], params: IdParams, body: UpdatePointBody, response: { 200: PointView, ...errors } } },
      (request) => plans.updatePoint(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));

    // ---- plans ----
    app.get('/inspection-plans', { config: { permission: 'inspection.read' }, schema: { tags: ['inspections'], summary: 'Inspection plans the caller may see (unannounced ones only by the office and the team)', querystring: PlanListQuery, response: { 200: PlanPage, ...errors } } },
      (request) => plans.list(requireActor(request.actor), request.query));
    app.post('/inspection-plans', { config: { permission: 'inspection.plan' }, schema: { tags: ['inspections'], body: CreatePlanBody, response: { 201: PlanView, ...errors } } },
      async (request, reply) => reply.status(201).send(await plans.create(requireActor(request.actor), request.body, auditContextOf(request))));
    app.get('/inspection-plans/:id', { config: { permission: 'inspection.read' }, schema: { tags: ['inspections'], params: IdParams, response: { 200: PlanView, ...errors } } },
      async (request) => {
        const actor = requireActor(request.actor);
        return (await plans.views(actor, [await plans.planRow(actor, request.params.id)]))[0]!;
      });
    app.patch('/inspection-plans/:id', { config: { permission: 'inspection.plan' }, schema: { tags: ['inspections'], params: IdParams, body: UpdatePlanBody, response: { 200: PlanView, ...errors } } },
      (request) => plans.update(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));
    app.get('/inspection-plans/:id/coverage', {
      config: { permission: 'inspection.read' },
      schema: { tags: ['inspections'], summary: 'Which targets were inspected in each window (and which were missed)', params: IdParams, querystring: CoverageQuery, response: { 200: PlanCoverage, ...errors } },
    }, (request) => plans.coverage(requireActor(request.actor), request.params.id, request.query));
    app.post('/inspection-plans/:id/publish-results', {
      config: { permission: 'inspection.plan' },
      schema: { tags: ['inspections'], summary: 'Unannounced plan: show the submitted sheets to the inspected and open their cases', params: IdParams, response: { 200: Type.Object({ published: Type.Integer() }), ...errors } },
    }, (request) => inspections.publishResults(requireActor(request.actor), request.params.id, auditContextOf(request)));
    app.get('/inspection-coverage', { config: { permission: 'inspection.plan' }, schema: { tags: ['inspections'], summary: 'Coverage board: every active plan’s missed windows', querystring: CoverageQuery, response: { 200: CoverageBoard, ...errors } } },
      (request) => plans.board(requireActor(request.actor), request.query));
    app.get('/inspection-results', {
      config: { permission: 'inspection.read' },
      schema: { tags: ['inspections'], summary: 'A plan’s results over a period: per target (sum, average, rate, rank), per point type and per responsible unit', querystring: ResultsQuery, response: { 200: PlanResults, ...errors } },
    }, (request) => inspections.results(requireActor(request.actor), request.query));
    app.get('/inspection-results/explanation', {
      config: { permission: 'inspection.read' },
      schema: { tags: ['inspections'], summary: 'One target’s result over a period, explained (得分说明): the points each item lost, its sheets and findings', querystring: ExplanationQuery, response: { 200: ResultExplanation, ...errors } },
    }, (request) => inspections.explain(requireActor(request.actor), request.query));

    // ---- field work ----
    app.get('/inspection-tasks', { config: { permission: 'inspection.perform' }, schema: { tags: ['inspections'], summary: 'Today’s inspections for the caller', querystring: TaskQuery, response: { 200: Type.Array(TaskView), ...errors } } },
      (request) => inspections.tasks(requireActor(request.actor), request.query.date));
    app.get('/inspection-tasks/rechecks', {
      config: { permission: 'inspection.perform' },
      schema: { tags: ['inspections'], summary: 'Re-check plans (回头看计划) with pending re-checks for the caller', response: { 200: Type.Array(RecheckTaskView), ...errors } },
    }, (request) => inspections.recheckTasks(requireActor(request.actor)));
    app.put('/inspections/sync', {
      config: { permission: 'inspection.perform' },
      schema: {
        tags: ['inspections'], summary: 'Save or submit a sheet from the phone; the client key makes retries safe (201 first time, 200 after)',
        body: SheetSyncBody, response: { 200: InspectionView, 201: InspectionView, ...errors },
      },
    }, async (request, reply) => {
      const out = await inspections.sync(requireActor(request.actor), request.body, auditContextOf(request), localeOf(request));
      return reply.status(out.created ? 201 : 200).send(out.view);
    });
    app.post('/inspection-photos', {
      config: { permission: 'inspection.perform' },
      schema: {
        tags: ['inspections'], summary: 'Upload a sheet photo (multipart field "file", JPEG/PNG/WebP ≤ 10 MB); header Idempotency-Key makes a retry return the first upload',
        consumes: ['multipart/form-data'], response: { 200: PhotoUploadView, 201: PhotoUploadView, 413: ErrorBody, 415: ErrorBody, ...errors },
      },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      const raw = request.headers['idempotency-key'];
      const key = typeof raw === 'string' && raw ? raw : null;
      if (key !== null && !KEY_PATTERN.test(key)) throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'Idempotency-Key', problem: 'pattern', params: {} }]);
      const { data, name } = await readUpload(request, { maxBytes: MAX_PHOTO_BYTES, defaultName: 'photo' });
      const mime = await sniff(data, 'image');
      const out = await inspections.uploadPhoto(actor, { data, mime, name, clientKey: key }, auditContextOf(request));
      const { created, ...view } = out;
      return reply.status(created ? 201 : 200).send(view);
    });
    app.get('/inspections', { config: { permission: 'inspection.read' }, schema: { tags: ['inspections'], summary: 'Inspection sheets within the caller’s scope', querystring: InspectionListQuery, response: { 200: InspectionPage, ...errors } } },
      (request) => inspections.list(requireActor(request.actor), request.query, localeOf(request)));
    app.get('/inspections/:id', { config: { permission: 'inspection.read' }, schema: { tags: ['inspections'], params: IdParams, response: { 200: InspectionView, ...errors } } },
      (request) => inspections.view(requireActor(request.actor), request.params.id, localeOf(request)));
    app.post('/inspections/:id/reopen', {
      config: { permission: 'inspection.plan' },
      schema: { tags: ['inspections'], summary: 'Send a submitted sheet back to its inspector (within the plan’s reopen window)', params: IdParams, body: ReopenBody, response: { 200: InspectionView, ...errors } },
    }, (request) => inspections.reopen(requireActor(request.actor), request.params.id, request.body, auditContextOf(request), localeOf(request)));
    app.get('/inspections/:id/photos/:photoId', {
      config: { permission: 'inspection.read' },
      schema: { tags: ['inspections'], params: Type.Object({ id: Id, photoId: Id }, { additionalProperties: false }), response: { ...errors } },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      const p = await inspections.photo(actor, request.params.id, request.params.photoId);
      reply.header('content-type', p.mime).header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff');
      return reply.send(files.open(actor.tenantId, p.sha256) as never);
    });
  };
}
