import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CaseMap, CaseMapQuery, ErrorBody } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/database.js';
import type { CasesService } from './cases.service.js';
import { createCaseMapService } from './map.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody };

/** GET /case-map with its service (registered by app.ts with one line). */
export function caseMapRoutes(deps: { db: DB; clock: Clock; cases: CasesService }): FastifyPluginAsyncTypebox {
  const map = createCaseMapService(deps);
  return async (app) => {
    app.get('/case-map', {
      config: { permission: 'case.read' },
      schema: {
        tags: ['cases'],
        summary: 'Open cases of the caller’s scope as map points, columnar (at most `limit`; `truncated` when more matched)',
        description: 'One array per field, `count` elements each, in the same order: point i is `id[i]` at `latE6[i]` / 1e6, `lngE6[i]` / 1e6 '
          + '(WGS-84), in state `states[state[i]]`, of category `categories[category[i]]`, overdue when `overdue[i]` is 1. '
          + '`decodeCaseMap` in @cc/domain turns it into points.',
        querystring: CaseMapQuery,
        response: { 200: CaseMap, ...errors },
      },
    }, async (request, reply) => {
      const body = await map.openPoints(requireActor(request.actor), request.query);
      // Built as JSON text by the database: sent as it is, not parsed and serialised again.
      return reply.type('application/json; charset=utf-8').header('cache-control', 'private, no-store').send(body as unknown as CaseMap);
    });
  };
}
