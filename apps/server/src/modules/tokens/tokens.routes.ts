import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ApiTokenView, CreatedToken, CreateTokenBody, ErrorBody, IdParams } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf, recordAudit } from '../../platform/audit.js';
import { newSecret, sha256 } from '../../platform/auth.js';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/database.js';
import { notFound } from '../../platform/errors.js';

const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody };

type Row = { id: number; name: string; prefix: string; created_at: Date; expires_at: Date | null; last_used_at: Date | null; revoked_at: Date | null };
const view = (r: Row) => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at.toISOString(),
  expiresAt: r.expires_at?.toISOString() ?? null,
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});
const COLUMNS = ['id', 'name', 'prefix', 'created_at', 'expires_at', 'last_used_at', 'revoked_at'] as const;

/** API tokens for integrations: each acts as its owner, with the owner's roles and scope. */
export function tokensRoutes({ db, clock }: { db: DB; clock: Clock }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/tokens', {
      config: { permission: 'token.manage' },
      schema: { tags: ['tokens'], summary: 'The caller’s API tokens', response: { 200: Type.Object({ items: Type.Array(ApiTokenView) }), ...errors } },
    }, async (request) => {
      const a = requireActor(request.actor);
      const rows = await db.selectFrom('api_token').select(COLUMNS).where('tenant_id', '=', a.tenantId).where('user_id', '=', a.userId).orderBy('id', 'desc').execute();
      return { items: rows.map(view) };
    });

    app.post('/tokens', {
      config: { permission: 'token.manage' },
      schema: { tags: ['tokens'], summary: 'Create an API token; the secret is shown once', body: CreateTokenBody, response: { 201: CreatedToken, ...errors } },
    }, async (request, reply) => {
      const a = requireActor(request.actor);
      const secret = `cc_${newSecret(24)}`;
      const now = clock.now();
      const row = await db.transaction().execute(async (tx) => {
        const r = await tx.insertInto('api_token').values({
          tenant_id: a.tenantId, user_id: a.userId, name: request.body.name, token_hash: sha256(secret), prefix: secret.slice(0, 8),
          created_at: now, expires_at: request.body.expiresInDays ? new Date(now.getTime() + request.body.expiresInDays * 86_400_000) : null,
        }).returning(COLUMNS).executeTakeFirstOrThrow();
        await recordAudit(tx, auditContextOf(request), { action: 'token.created', entityType: 'token', entityId: r.id, after: view(r) });
        return r;
      });
      return reply.status(201).send({ token: view(row), secret });
    });

    app.post('/tokens/:id/revoke', {
      config: { permission: 'token.manage' },
      schema: { tags: ['tokens'], params: IdParams, response: { 200: ApiTokenView, ...errors } },
    }, async (request) => {
      const a = requireActor(request.actor);
      return db.transaction().execute(async (tx) => {
        const r = await tx.updateTable('api_token').set({ revoked_at: clock.now() })
          .where('tenant_id', '=', a.tenantId).where('user_id', '=', a.userId).where('id', '=', request.params.id).where('revoked_at', 'is', null)
          .returning(COLUMNS).executeTakeFirst();
        if (!r) throw notFound('token');
        await recordAudit(tx, auditContextOf(request), { action: 'token.revoked', entityType: 'token', entityId: r.id });
        return view(r);
      });
    });
  };
}
