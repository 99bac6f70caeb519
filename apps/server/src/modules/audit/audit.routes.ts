import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditPage, AuditQuery, AuditVerifyResult, ErrorBody, type AuditEntry } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { sealAuditChain, verifyAuditChain } from '../../platform/audit.js';
import type { DB } from '../../platform/database.js';

const errors = { 401: ErrorBody, 403: ErrorBody, 422: ErrorBody };

export function auditRoutes(db: DB): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/audit', {
      config: { permission: 'audit.read' },
      schema: { tags: ['audit'], summary: 'Browse and filter the audit trail (newest first)', querystring: AuditQuery, response: { 200: AuditPage, ...errors } },
    }, async (request) => {
      const actor = requireActor(request.actor);
      const f = request.query;
      const page = f.page ?? 1;
      const pageSize = f.pageSize ?? 20;
      let q = db.selectFrom('audit_log').where('tenant_id', '=', actor.tenantId);
      if (f.action) q = q.where('action', '=', f.action);
      if (f.entityType) q = q.where('entity_type', '=', f.entityType);
      if (f.entityId) q = q.where('entity_id', '=', f.entityId);
      if (f.actorUserId) q = q.where('actor_user_id', '=', f.actorUserId);
      if (f.from) q = q.where('at', '>=', new Date(f.from));
      if (f.to) q = q.where('at', '<', new Date(f.to));
      const [rows, total] = await Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      const items: AuditEntry[] = rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actorUserId: r.actor_user_id,
        actorLabel: r.actor_label,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        before: r.before,
        after: r.after,
        ip: r.ip,
        sealed: r.hash !== null,
      }));
      return { items, total: Number(total.n), page, pageSize, actions: [] };
    });

    app.get('/audit/verify', {
      config: { permission: 'audit.read' },
      schema: { tags: ['audit'], summary: 'Seal pending rows, then recompute the hash chain and report the first broken link', response: { 200: AuditVerifyResult, ...errors } },
    }, async (request) => {
      const actor = requireActor(request.actor);
      await sealAuditChain(db, 1000, actor.tenantId);
      return verifyAuditChain(db, actor.tenantId);
    });
  };
}
