import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { ClientConfig, ErrorBody, formatMessage } from '@cc/domain';
import { localeOf } from '../../platform/errors.js';
import { requireActor } from '../../platform/actor.js';
import { regionScopeSql, unitScopeSql } from '../../platform/access.js';
import type { Config } from '../../platform/config.js';
import type { DB } from '../../platform/database.js';
import { isDemoLoaded } from '../demo/demo-accounts.js';

export const VERSION = '0.1.0';

export function systemRoutes({ db, config }: { db: DB; config: Pick<Config, 'tileUrl' | 'tileCrs'> }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/config', {
      config: { public: true },
      schema: { tags: ['system'], summary: 'Settings the web client needs before login', response: { 200: ClientConfig } },
    }, async () => ({ demo: await isDemoLoaded(db), tileUrl: config.tileUrl, tileCrs: config.tileCrs, version: VERSION }));

    app.get('/dashboard', {
      config: { permission: 'dashboard.view' },
      schema: {
        tags: ['system'],
        summary: 'Counts within the caller’s scope',
        response: {
          200: Type.Object({
            regions: Type.Integer(), units: Type.Integer(), users: Type.Integer(),
            unitsByKind: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer() })),
          }),
          401: ErrorBody, 403: ErrorBody,
        },
      },
    }, async (request) => {
      const a = requireActor(request.actor);
      const [regions, users, byKind] = await Promise.all([
        db.selectFrom('region').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', a.tenantId).where(regionScopeSql(a, 'path')).executeTakeFirstOrThrow(),
        db.selectFrom('app_user as u').innerJoin('unit as un', (j) => j.onRef('un.tenant_id', '=', 'u.tenant_id').onRef('un.id', '=', 'u.unit_id'))
          .select((eb) => eb.fn.countAll<number>().as('n')).where('u.tenant_id', '=', a.tenantId).where(unitScopeSql(a, 'un.path')).executeTakeFirstOrThrow(),
        db.selectFrom('unit').select(['kind', sql<number>`count(*)::int`.as('count')]).where('tenant_id', '=', a.tenantId).where(unitScopeSql(a, 'path'))
          .groupBy('kind').orderBy('kind').execute(),
      ]);
      return {
        regions: Number(regions.n),
        units: byKind.reduce((s, k) => s + k.count, 0),
        users: Number(users.n),
        unitsByKind: byKind,
      };
    });
  };
}

/** GET /api/health: the app answers and the database answers. */
export function healthRoute(db: DB): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/health', {
      schema: {
        tags: ['system'],
        summary: 'Liveness and database check',
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.Literal('ok'), version: Type.String() }), 503: ErrorBody },
      },
    }, async (request, reply) => {
      try {
        await sql`select 1`.execute(db);
        return { status: 'ok' as const, database: 'ok' as const, version: VERSION };
      } catch (err) {
        request.log.error({ err }, 'health check: database unreachable');
        return reply.status(503).send({
          error: { code: 'DATABASE_UNAVAILABLE', message: formatMessage('DATABASE_UNAVAILABLE', localeOf(request)), details: null },
        });
      }
    });
  };
}
