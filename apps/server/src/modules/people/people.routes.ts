import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CreatePersonBody, ErrorBody, IdParams, PersonListQuery, PersonPage, PersonView, UpdatePersonBody } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { PeopleService } from './people.service.js';

const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

export function peopleRoutes(people: PeopleService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/people', { config: { permission: 'person.read' }, schema: { tags: ['people'], summary: 'People of the units within the caller’s scope', querystring: PersonListQuery, response: { 200: PersonPage, ...errors } } },
      (request) => people.list(requireActor(request.actor), request.query));
    app.get('/people/:id', { config: { permission: 'person.read' }, schema: { tags: ['people'], params: IdParams, response: { 200: PersonView, ...errors } } },
      (request) => people.get(requireActor(request.actor), request.params.id));
    app.post('/people', { config: { permission: 'person.write' }, schema: { tags: ['people'], body: CreatePersonBody, response: { 201: PersonView, ...errors } } },
      async (request, reply) => reply.status(201).send(await people.create(requireActor(request.actor), request.body, auditContextOf(request))));
    app.patch('/people/:id', { config: { permission: 'person.write' }, schema: { tags: ['people'], params: IdParams, body: UpdatePersonBody, response: { 200: PersonView, ...errors } } },
      (request) => people.update(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));
    app.delete('/people/:id', { config: { permission: 'person.write' }, schema: { tags: ['people'], params: IdParams, response: { 204: Type.Null(), ...errors } } },
      async (request, reply) => {
        await people.remove(requireActor(request.actor), request.params.id, auditContextOf(request));
        return reply.status(204).send(null);
      });
  };
}
