import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CreateUserBody, ErrorBody, IdParams, UpdateUserBody, UserListQuery, UserPage, UserTransitionBody, UserView, UserWithPassword } from '@cc/domain';
import { Type } from '@sinclair/typebox';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { UsersService } from './users.service.js';

const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const OptionalNote = Type.Optional(UserTransitionBody);

export function usersRoutes(users: UsersService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/users', {
      config: { permission: 'user.read' },
      schema: { tags: ['users'], summary: 'Users of the units within the caller’s scope', querystring: UserListQuery, response: { 200: UserPage, ...errors } },
    }, (request) => users.list(requireActor(request.actor), request.query));

    app.get('/users/:id', {
      config: { permission: 'user.read' },
      schema: { tags: ['users'], params: IdParams, response: { 200: UserView, ...errors } },
    }, (request) => users.get(requireActor(request.actor), request.params.id));

    app.post('/users', {
      config: { permission: 'user.manage' },
      schema: { tags: ['users'], summary: 'Create a user; returns the initial password once', body: CreateUserBody, response: { 201: UserWithPassword, ...errors } },
    }, async (request, reply) => reply.status(201).send(await users.create(requireActor(request.actor), request.body, auditContextOf(request))));

    app.patch('/users/:id', {
      config: { permission: 'user.manage' },
      schema: { tags: ['users'], params: IdParams, body: UpdateUserBody, response: { 200: UserView, ...errors } },
    }, (request) => users.update(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));

    for (const event of ['disable', 'enable'] as const) {
      app.post(`/users/:id/${event}`, {
        config: { permission: 'user.manage' },
        schema: { tags: ['users'], summary: `${event} the account`, params: IdParams, body: OptionalNote, response: { 200: UserView, ...errors } },
      }, (request) => users.transition(requireActor(request.actor), request.params.id, event, request.body?.note, auditContextOf(request)));
    }

    app.post('/users/:id/reset-password', {
      config: { permission: 'user.manage' },
      schema: { tags: ['users'], summary: 'Reset to a generated password the user must change', params: IdParams, response: { 200: UserWithPassword, ...errors } },
    }, (request) => users.resetPassword(requireActor(request.actor), request.params.id, auditContextOf(request)));
  };
}
