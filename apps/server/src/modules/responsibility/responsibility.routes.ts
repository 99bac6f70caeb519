import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AssignmentListQuery, AssignmentPage, AssignmentView, CreateAssignmentBody, CreateFrontageBody, EndAssignmentBody, EndFrontageBody,
  ErrorBody, FrontageCheckBody, IsoDate, FrontageCheckView, FrontageContractPage, FrontageContractView, FrontageListQuery, Id, IdParams,
  MapSettings, ReassignBody, RenewFrontageBody, RoutingStepSchema, ResponsibilityAnswer, ResponsibilityQuery, TargetTypeSchema, UpdateFrontageBody,
} from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf, recordAudit } from '../../platform/audit.js';
import type { DB } from '../../platform/database.js';
import { notFound } from '../../platform/errors.js';
import { contentDisposition, type FileStore } from '../../platform/files.js';
import type { AssignmentsService } from './assignments.service.js';
import type { FrontageService } from './frontage.service.js';
import type { RoutingService } from './routing.service.js';
import type { SettingsService } from './settings.service.js';

const CategoryParams = Type.Object({ category: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,32}$' }) }, { additionalProperties: false });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export function responsibilityRoutes(deps: {
  db: DB; files: FileStore; assignments: AssignmentsService; frontage: FrontageService; routing: RoutingService; settings: SettingsService;
}): FastifyPluginAsyncTypebox {
  const { db, files, assignments, frontage, routing, settings } = deps;
  return async (app) => {
    app.get('/responsibility', {
      config: { permission: 'map.read' },
      schema: {
        tags: ['responsibility'],
        summary: 'Who is responsible for a point on a date: grid, community, street, leaders, segment unit, pairing, frontage contract, and the unit a case of the category goes to',
        querystring: ResponsibilityQuery,
        response: { 200: ResponsibilityAnswer, ...errors },
      },
    }, (request) => routing.query(requireActor(request.actor), request.query));

    app.get('/assignments', { config: { permission: 'assignment.read' }, schema: { tags: ['responsibility'], summary: 'Responsibility assignments (包社区, 包路段, 挂钩, 责任区, 门前责任); `date` = valid on that day', querystring: AssignmentListQuery, response: { 200: AssignmentPage, ...errors } } },
      (request) => assignments.list(requireActor(request.actor), request.query));
    app.get('/assignments/:id', { config: { permission: 'assignment.read' }, schema: { tags: ['responsibility'], params: IdParams, response: { 200: AssignmentView, ...errors } } },
      (request) => assignments.get(requireActor(request.actor), request.params.id));
    app.get('/assignments/history', {
      config: { permission: 'assignment.read' },
      schema: { tags: ['responsibility'], summary: 'Every period of one target, newest first', querystring: Type.Object({ targetType: TargetTypeSchema, targetId: Id }, { additionalProperties: false }),
        response: { 200: Type.Object({ target: Type.Object({ type: TargetTypeSchema, id: Id, name: Type.String() }), items: Type.Array(AssignmentView) }), ...errors } },
    }, (request) => assignments.history(requireActor(request.actor), request.query.targetType, request.query.targetId));
    app.post('/assignments', { config: { permission: 'assignment.write' }, schema: { tags: ['responsibility'], summary: 'Assign a responsible party for a period; overlaps the rules forbid are refused (409)', body: CreateAssignmentBody, response: { 201: AssignmentView, ...errors } } },
      async (request, reply) => reply.status(201).send(await assignments.create(requireActor(request.actor), request.body, auditContextOf(request))));
    app.post('/assignments/:id/end', { config: { permission: 'assignment.write' }, schema: { tags: ['responsibility'], summary: 'Close the period on a date (the record stays as history)', params: IdParams, body: EndAssignmentBody, response: { 200: AssignmentView, ...errors } } },
      (request) => assignments.end(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));
    app.post('/assignments/:id/reassign', { config: { permission: 'assignment.write' }, schema: { tags: ['responsibility'], summary: 'Hand over from a date: closes this period the day before and opens a new one', params: IdParams, body: ReassignBody, response: { 200: AssignmentView, ...errors } } },
      (request) => assignments.reassign(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));

    app.get('/frontage-contracts', { config: { permission: 'frontage.read' }, schema: { tags: ['frontage'], summary: 'Frontage contract register (门前责任书) with derived status and expiry warnings', querystring: FrontageListQuery, response: { 200: FrontageContractPage, ...errors } } },
      (request) => frontage.list(requireActor(request.actor), request.query));
    app.get('/frontage-contracts/:id', { config: { permission: 'frontage.read' }, schema: { tags: ['frontage'], params: IdParams, response: { 200: FrontageContractView, ...errors } } },
      (request) => frontage.get(requireActor(request.actor), request.params.id));
    app.post('/frontage-contracts', { config: { permission: 'frontage.write' }, schema: { tags: ['frontage'], summary: 'Sign a contract: a frontage assignment and its particulars', body: CreateFrontageBody, response: { 201: FrontageContractView, ...errors } } },
      async (request, reply) => reply.status(201).send(await frontage.create(requireActor(request.actor), request.body, auditContextOf(request))));
    app.patch('/frontage-contracts/:id', { config: { permission: 'frontage.write' }, schema: { tags: ['frontage'], params: IdParams, body: UpdateFrontageBody, response: { 200: FrontageContractView, ...errors } } },
      (request) => frontage.update(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));
    app.post('/frontage-contracts/:id/renew', { config: { permission: 'frontage.write' }, schema: { tags: ['frontage'], summary: 'Re-sign: the current period closes the day before the new one', params: IdParams, body: RenewFrontageBody, response: { 200: FrontageContractView, ...errors } } },
      (request) => frontage.renew(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));
    app.post('/frontage-contracts/:id/end', { config: { permission: 'frontage.write' }, schema: { tags: ['frontage'], params: IdParams, body: EndFrontageBody, response: { 200: FrontageContractView, ...errors } } },
      (request) => frontage.end(requireActor(request.actor), request.params.id, request.body.validTo, request.body.version, auditContextOf(request)));
    app.get('/frontage-contracts/:id/checks', { config: { permission: 'frontage.read' }, schema: { tags: ['frontage'], params: IdParams, response: { 200: Type.Object({ items: Type.Array(FrontageCheckView) }), ...errors } } },
      async (request) => ({ items: await frontage.checks(requireActor(request.actor), request.params.id) }));
    app.post('/frontage-contracts/:id/checks', { config: { permission: 'frontage.write' }, schema: { tags: ['frontage'], summary: 'Record a check (and any penalty) of the frontage duties', params: IdParams, body: FrontageCheckBody, response: { 201: FrontageCheckView, ...errors } } },
      async (request, reply) => reply.status(201).send(await frontage.addCheck(requireActor(request.actor), request.params.id, request.body, auditContextOf(request))));
    app.get('/frontage-contracts/:id/file', { config: { permission: 'frontage.read' }, schema: { tags: ['frontage'], summary: 'The scanned contract', params: IdParams } },
      async (request, reply) => {
        const actor = requireActor(request.actor);
        const c = await frontage.get(actor, request.params.id);
        if (!c.contractFileId) throw notFound('file');
        const f = await db.selectFrom('stored_file').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', c.contractFileId).executeTakeFirst();
        if (!f || !files.exists(actor.tenantId, f.sha256)) throw notFound('file');
        reply.header('content-type', f.mime).header('content-disposition', contentDisposition(f.original_name)).header('cache-control', 'private, max-age=0');
        return reply.send(files.open(actor.tenantId, f.sha256));
      });

    app.get('/settings/map', { config: { permission: 'map.read' }, schema: { tags: ['settings'], summary: 'The city’s frontage duties, search radii, routing default and map centre', response: { 200: MapSettings, ...errors } } },
      (request) => settings.get(requireActor(request.actor).tenantId));
    app.put('/settings/map', { config: { permission: 'settings.manage' }, schema: { tags: ['settings'], body: MapSettings, response: { 200: MapSettings, ...errors } } },
      (request) => settings.update(requireActor(request.actor), request.body, auditContextOf(request)));

    app.delete('/routing-rules/:category', {
      config: { permission: 'settings.manage' },
      schema: { tags: ['settings'], summary: 'Remove a category’s rule: it falls back to the default routing', params: CategoryParams, response: { 204: Type.Null(), ...errors } },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      await db.transaction().execute(async (tx) => {
        const gone = await tx.deleteFrom('routing_rule').where('tenant_id', '=', actor.tenantId).where('category_code', '=', request.params.category)
          .returning('steps').executeTakeFirst();
        if (!gone) throw notFound('routing_rule');
        await recordAudit(tx, auditContextOf(request), { action: 'routing_rule.deleted', entityType: 'routing_rule', entityId: request.params.category, before: gone });
      });
      return reply.status(204).send(null);
    });

    app.get('/map/shops', {
      config: { permission: 'map.read' },
      schema: {
        tags: ['map'],
        summary: 'Every located shop in the caller’s scope with its frontage contract status on a date (for the map layer)',
        querystring: Type.Object({ date: Type.Optional(IsoDate) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({
          id: Id, name: Type.String(), lng: Type.Number(), lat: Type.Number(),
          status: Type.Union(['active', 'expiring', 'expired', 'ended', 'none'].map((s) => Type.Literal(s))),
        })) }), ...errors },
      },
    }, async (request) => ({ items: await frontage.mapShops(requireActor(request.actor), request.query.date) }));

    app.get('/routing-rules', { config: { permission: 'map.read' }, schema: { tags: ['settings'], summary: 'Category → which assignment answers first', response: { 200: Type.Object({ items: Type.Array(Type.Object({ categoryCode: Type.String(), steps: Type.Array(Type.String()) })) }), ...errors } } },
      async (request) => {
        const rows = await db.selectFrom('routing_rule').select(['category_code', 'steps']).where('tenant_id', '=', requireActor(request.actor).tenantId).orderBy('category_code').execute();
        return { items: rows.map((r) => ({ categoryCode: r.category_code, steps: r.steps })) };
      });
    app.put('/routing-rules/:category', {
      config: { permission: 'settings.manage' },
      schema: {
        tags: ['settings'], summary: 'Set the routing steps of a case category (categories without a rule use the map settings’ defaultRouting)',
        params: CategoryParams,
        body: Type.Object({ steps: Type.Array(RoutingStepSchema, { minItems: 1, maxItems: 5, uniqueItems: true }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ categoryCode: Type.String(), steps: Type.Array(Type.String()) }), ...errors },
      },
    }, async (request) => {
      const actor = requireActor(request.actor);
      const { category } = request.params;
      return db.transaction().execute(async (tx) => {
        const before = await tx.selectFrom('routing_rule').select('steps').where('tenant_id', '=', actor.tenantId).where('category_code', '=', category).executeTakeFirst();
        await tx.insertInto('routing_rule').values({ tenant_id: actor.tenantId, category_code: category, steps: request.body.steps })
          .onConflict((oc) => oc.constraint('routing_rule_category_uq').doUpdateSet({ steps: request.body.steps })).execute();
        await recordAudit(tx, auditContextOf(request), { action: 'routing_rule.set', entityType: 'routing_rule', entityId: category, before: before ?? null, after: request.body });
        return { categoryCode: category, steps: request.body.steps };
      });
    });
  };
}
