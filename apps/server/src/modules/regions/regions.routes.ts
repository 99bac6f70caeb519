import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CreateRegionBody, ErrorBody, IdParams, RegionList, RegionView, UpdateRegionBody } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { RegionsService } from './regions.service.js';

const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export function regionsRoutes(regions: RegionsService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/regions', {
      config: { permission: 'region.read' },
      schema: { tags: ['regions'], summary: 'The region tree within the caller’s scope (flat, with parentId)', response: { 200: RegionList, ...errors } },
    }, (request) => regions.list(requireActor(request.actor)));

    app.get('/regions/:id', {
      config: { permission: 'region.read' },
      schema: { tags: ['regions'], params: IdParams, response: { 200: RegionView, ...errors } },
    }, (request) => regions.get(requireActor(request.actor), request.params.id));

    app.post('/regions', {
      config: { permission: 'region.write' },
      schema: { tags: ['regions'], summary: 'Create a region one level below its parent', body: CreateRegionBody, response: { 201: RegionView, ...errors } },
    }, async (request, reply) => {
      const r = await regions.create(requireActor(request.actor), request.body, auditContextOf(request));
      return reply.status(201).send(r);
    });

    app.patch('/regions/:id', {
      config: { permission: 'region.write' },
      schema: { tags: ['regions'], params: IdParams, body: UpdateRegionBody, response: { 200: RegionView, ...errors } },
    }, (request) => regions.update(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));

    app.delete('/regions/:id', {
      config: { permission: 'region.write' },
      schema: { tags: ['regions'], params: IdParams, response: { 204: Type.Null(), ...errors } },
    }, async (request, reply) => {
      await regions.remove(requireActor(request.actor), request.params.id, auditContextOf(request));
      return reply.status(204).send(null);
    });
  };
}
