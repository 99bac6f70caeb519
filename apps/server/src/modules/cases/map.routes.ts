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
        summary: 'Open cases of the caller’s scope as map points (at most `limit`; `truncated` when more matched)',
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
