import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CreateUnitBody, ErrorBody, IdParams, UnitListQuery, UnitPage, UnitView, UpdateUnitBody } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { UnitsService } from './units.service.js';

const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export function unitsRoutes(units: UnitsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/units', {
      config: { permission: 'unit.read' },
      schema: { tags: ['units'], summary: 'Units within the caller’s scope', querystring: UnitListQuery, response: { 200: UnitPage, ...errors } },
    }, (request) => units.list(requireActor(request.actor), request.query));

    app.get('/units/:id', {
      config: { permission: 'unit.read' },
      schema: { tags: ['units'], params: IdParams, response: { 200: UnitView, ...errors } },
    }, (request) => units.get(requireActor(request.actor), request.params.id));

    app.post('/units', {
      config: { permission: 'unit.write' },
      schema: { tags: ['units'], body: CreateUnitBody, response: { 201: UnitView, ...errors } },
    }, async (request, reply) => reply.status(201).send(await units.create(requireActor(request.actor), request.body, auditContextOf(request))));

    app.patch('/units/:id', {
      config: { permission: 'unit.write' },
      schema: { tags: ['units'], params: IdParams, body: UpdateUnitBody, response: { 200: UnitView, ...errors } },
    }, (request) => units.update(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));

    app.delete('/units/:id', {
      config: { permission: 'unit.write' },
      schema: { tags: ['units'], params: IdParams, response: { 204: Type.Null(), ...errors } },
    }, async (request, reply) => {
      await units.remove(requireActor(request.actor), request.params.id, auditContextOf(request));
      return reply.status(204).send(null);
    });
  };
}
