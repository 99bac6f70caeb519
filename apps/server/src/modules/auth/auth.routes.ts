import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ChangePasswordBody, DemoAccounts, ErrorBody, LoginBody, SessionResponse } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import { clearSessionCookie, setSessionCookie } from '../../platform/auth.js';
import type { DB } from '../../platform/database.js';
import type { Config } from '../../platform/config.js';
import type { AuthService } from './auth.service.js';
import { listDemoAccounts } from '../demo/demo-accounts.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody };

export function authRoutes(deps: { db: DB; auth: AuthService; config: Pick<Config, 'secureCookies' | 'loginRateLimit'> }): FastifyPluginAsyncTypebox {
  const { db, auth, config } = deps;
  return async (app) => {
    app.post('/auth/login', {
      // Beyond the per-account lockout: one address may not try passwords against many accounts.
      config: { public: true, rateLimit: { max: config.loginRateLimit, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Log in with username (or mobile) and password; sets the session cookie',
        body: LoginBody,
        response: { 200: SessionResponse, ...errors },
      },
    }, async (request, reply) => {
      const ctx = auditContextOf(request);
      const { cookie, csrfToken, tenantId, userId } = await auth.login(
        request.body.username, request.body.password,
        { actorUserId: null, actorLabel: null, ip: ctx.ip, requestId: ctx.requestId },
        request.headers['user-agent'] ?? null,
      );
      setSessionCookie(reply, request, cookie, config.secureCookies);
      return { user: await auth.me(db, tenantId, userId), csrfToken };
    });

    app.get('/auth/me', {
      config: { allowDuringPasswordChange: true },
      schema: { tags: ['auth'], summary: 'The logged-in user, their permissions and the CSRF token', response: { 200: SessionResponse, 401: ErrorBody } },
    }, async (request) => {
      const actor = requireActor(request.actor);
      return { user: await auth.me(db, actor.tenantId, actor.userId, actor), csrfToken: actor.csrfToken ?? '' };
    });

    app.post('/auth/logout', {
      config: { allowDuringPasswordChange: true },
      schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody } },
    }, async (request, reply) => {
      await auth.logout(requireActor(request.actor), auditContextOf(request));
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    });

    app.post('/auth/change-password', {
      config: { allowDuringPasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: 'Change the own password (required after an initial or reset password)',
        body: ChangePasswordBody,
        response: { 200: SessionResponse, ...errors },
      },
    }, async (request) => {
      const actor = requireActor(request.actor);
      await auth.changePassword(actor, request.body.currentPassword, request.body.newPassword, auditContextOf(request));
      return { user: await auth.me(db, actor.tenantId, actor.userId), csrfToken: await auth.csrfOf(actor.sessionId) };
    });

    app.get('/auth/demo-accounts', {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'Demo accounts, listed only while the demo city is loaded', response: { 200: DemoAccounts } },
    }, async () => listDemoAccounts(db));

    app.get('/roles', {
      config: { permission: 'role.read' },
      schema: {
        tags: ['auth'],
        summary: 'Roles of the city with their scope and permissions',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({
              code: Type.String(), name: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
              scope: Type.String(), permissions: Type.Array(Type.String()),
            })),
          }),
        },
      },
    }, async (request) => {
      const actor = requireActor(request.actor);
      const rows = await db.selectFrom('role').selectAll().where('tenant_id', '=', actor.tenantId).orderBy('id').execute();
      return {
        items: rows.map((r) => ({ code: r.code, name: { 'zh-CN': r.name_zh, en: r.name_en }, scope: r.scope, permissions: r.permissions })),
      };
    });
  };
}
