import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, IdParams, NotificationListQuery, NotificationPage, NotificationView, WebhookBody, WebhookView, type Locale } from '@cc/domain';
import { requireActor, type Actor } from '../../platform/actor.js';
import { auditContextOf, recordAudit } from '../../platform/audit.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, localeOf, notFound } from '../../platform/errors.js';
import { NOTIFY_TOPICS, testMessage } from './messages.js';
import type { NotificationParams } from './notifier.js';
import { webhookChannel, type WebhookKind } from './webhook.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const UpdateWebhookBody = Type.Partial(WebhookBody, { additionalProperties: false });
const TestWebhookBody = Type.Object(
  { phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{5,20}$', description: 'SMS endpoints: the number to send the test to (default: the caller’s mobile)' })) },
  { additionalProperties: false },
);
const TestResult = Type.Object({ ok: Type.Boolean(), error: Type.Union([Type.String(), Type.Null()]) });

// ---------- inbox ----------

interface NotificationRow {
  id: number;
  topic: string;
  case_id: number | null;
  case_number: string | null;
  params: unknown;
  read_at: Date | null;
  created_at: Date | string;
}

function notificationView(r: NotificationRow, locale: Locale): NotificationView {
  const p = (r.params ?? {}) as Partial<NotificationParams>;
  const title = (locale === 'en' ? p.en : p.zh) ?? p.zh ?? p.title ?? r.topic;
  return {
    id: r.id, topic: r.topic, title, read: r.read_at !== null, createdAt: new Date(r.created_at).toISOString(),
    case: r.case_id !== null ? { id: r.case_id, number: r.case_number ?? p.number ?? '' } : null,
  };
}

function inbox(ex: Executor, a: Actor) {
  return ex.selectFrom('notification as n')
    .leftJoin('case_record as c', (j) => j.onRef('c.tenant_id', '=', 'n.tenant_id').onRef('c.id', '=', 'n.case_id'))
    .where('n.tenant_id', '=', a.tenantId).where('n.user_id', '=', a.userId);
}
const NOTIFICATION_COLUMNS = ['n.id', 'n.topic', 'n.case_id', 'c.number as case_number', 'n.params', 'n.read_at', 'n.created_at'] as const;

// ---------- webhooks ----------

interface EndpointRow {
  id: number;
  name: string;
  kind: string;
  url: string;
  secret: string | null;
  topics: string[];
  unit_ids: (number | string)[];
  active: boolean;
}
const ENDPOINT_COLUMNS = ['id', 'name', 'kind', 'url', 'secret', 'topics', 'unit_ids', 'active'] as const;
type Counts = WebhookView['deliveries'];

/** Never the secret: only whether there is one. */
function webhookView(r: EndpointRow, deliveries: Counts = { pending: 0, sent: 0, failed: 0 }): WebhookView {
  return {
    id: r.id, name: r.name, kind: r.kind as WebhookKind, url: r.url, hasSecret: Boolean(r.secret), topics: r.topics,
    // bigint[] comes back as strings from pg
    unitIds: r.unit_ids.map(Number), active: r.active, deliveries,
  };
}

async function deliveryCounts(ex: Executor, tenantId: number, ids: number[]): Promise<Map<number, Counts>> {
  const out = new Map<number, Counts>();
  if (!ids.length) return out;
  const rows = await ex.selectFrom('notification_delivery').select(['endpoint_id', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tenant_id', '=', tenantId).where('endpoint_id', 'in', ids).groupBy(['endpoint_id', 'state']).execute();
  for (const r of rows) {
    const c = out.get(r.endpoint_id) ?? { pending: 0, sent: 0, failed: 0 };
    if (r.state === 'pending' || r.state === 'sent' || r.state === 'failed') c[r.state] = Number(r.n);
    out.set(r.endpoint_id, c);
  }
  return out;
}

function checkUrl(url: string): string {
  let u: URL | null = null;
  try {
    u = new URL(url.trim());
  } catch {
    u = null;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname) {
    throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'url', problem: 'WEBHOOK_URL_INVALID', params: {} }]);
  }
  return url.trim();
}

function checkTopics(topics: readonly string[]): string[] {
  const problems = topics.flatMap((t, i) => (t === '*' || NOTIFY_TOPICS.includes(t) ? []
    : [{ field: `topics/${i}`, problem: 'WEBHOOK_TOPIC_UNKNOWN', params: { topic: t } }]));
  if (problems.length) throw new AppError(422, 'VALIDATION_FAILED', {}, problems);
  return [...topics];
}

async function checkUnits(ex: Executor, tenantId: number, unitIds: readonly number[]): Promise<number[]> {
  if (!unitIds.length) return [];
  const found = await ex.selectFrom('unit').select('id').where('tenant_id', '=', tenantId).where('id', 'in', [...unitIds]).execute();
  const known = new Set(found.map((u) => u.id));
  const problems = unitIds.flatMap((id, i) => (known.has(id) ? [] : [{ field: `unitIds/${i}`, problem: 'WEBHOOK_UNIT_UNKNOWN', params: { id: String(id) } }]));
  if (problems.length) throw new AppError(422, 'VALIDATION_FAILED', {}, problems);
  return [...unitIds];
}

const secretOf = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);

/**
 * The inbox (any logged-in user, own notifications only) and the webhook endpoints
 * (`notification.manage`). Messages are written by the dispatcher (dispatcher.ts).
 */
export function notificationsRoutes({ db, clock = systemClock }: { db: DB; clock?: Clock }): FastifyPluginAsyncTypebox {
  return async (app) => {
    // ---- inbox ----
    app.get('/notifications', {
      schema: { tags: ['notifications'], summary: 'The caller’s inbox, newest first; titles in the language of Accept-Language', querystring: NotificationListQuery, response: { 200: NotificationPage, ...errors } },
    }, async (request) => {
      const a = requireActor(request.actor);
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 20;
      const filtered = inbox(db, a).$if(request.query.unread === true, (q) => q.where('n.read_at', 'is', null))
        .$if(request.query.unread === false, (q) => q.where('n.read_at', 'is not', null));
      const [rows, total, unread] = await Promise.all([
        filtered.select(NOTIFICATION_COLUMNS).orderBy('n.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        inbox(db, a).where('n.read_at', 'is', null).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      const locale = localeOf(request);
      return { items: rows.map((r) => notificationView(r, locale)), total: Number(total.n), unread: Number(unread.n), page, pageSize };
    });

    app.get('/notifications/unread-count', {
      schema: { tags: ['notifications'], response: { 200: Type.Object({ unread: Type.Integer() }), ...errors } },
    }, async (request) => {
      const a = requireActor(request.actor);
      const r = await inbox(db, a).where('n.read_at', 'is', null).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { unread: Number(r.n) };
    });

    app.post('/notifications/:id/read', {
      schema: { tags: ['notifications'], summary: 'Mark one of the caller’s notifications read', params: IdParams, response: { 200: NotificationView, ...errors } },
    }, async (request) => {
      const a = requireActor(request.actor);
      const id = request.params.id;
      return db.transaction().execute(async (tx) => {
        const changed = await tx.updateTable('notification').set({ read_at: clock.now() })
          .where('tenant_id', '=', a.tenantId).where('user_id', '=', a.userId).where('id', '=', id).where('read_at', 'is', null)
          .returning('id').executeTakeFirst();
        if (changed) await recordAudit(tx, auditContextOf(request), { action: 'notification.read', entityType: 'notification', entityId: id });
        // Someone else's notification is as absent as one that does not exist.
        const row = await inbox(tx, a).where('n.id', '=', id).select(NOTIFICATION_COLUMNS).executeTakeFirst();
        if (!row) throw notFound('notification');
        return notificationView(row, localeOf(request));
      });
    });

    app.post('/notifications/read-all', {
      schema: { tags: ['notifications'], summary: 'Mark all of the caller’s notifications read', response: { 200: Type.Object({ updated: Type.Integer() }), ...errors } },
    }, async (request) => {
      const a = requireActor(request.actor);
      return db.transaction().execute(async (tx) => {
        const r = await tx.updateTable('notification').set({ read_at: clock.now() })
          .where('tenant_id', '=', a.tenantId).where('user_id', '=', a.userId).where('read_at', 'is', null).executeTakeFirst();
        const updated = Number(r.numUpdatedRows);
        if (updated) await recordAudit(tx, auditContextOf(request), { action: 'notification.read_all', entityType: 'notification', entityId: null, after: { updated } });
        return { updated };
      });
    });

    // ---- webhooks ----
    app.get('/webhooks', {
      config: { permission: 'notification.manage' },
      schema: { tags: ['notifications'], summary: 'Webhook endpoints (group robots, SMS gateway, generic) with their delivery counts', response: { 200: Type.Object({ items: Type.Array(WebhookView) }), ...errors } },
    }, async (request) => {
      const a = requireActor(request.actor);
      const rows = await db.selectFrom('webhook_endpoint').select(ENDPOINT_COLUMNS).where('tenant_id', '=', a.tenantId).orderBy('id').execute();
      const counts = await deliveryCounts(db, a.tenantId, rows.map((r) => r.id));
      return { items: rows.map((r) => webhookView(r, counts.get(r.id))) };
    });

    app.post('/webhooks', {
      config: { permission: 'notification.manage' },
      schema: { tags: ['notifications'], summary: 'Add a webhook endpoint; the secret is stored and never shown again', body: WebhookBody, response: { 201: WebhookView, ...errors } },
    }, async (request, reply) => {
      const a = requireActor(request.actor);
      const b = request.body;
      const url = checkUrl(b.url);
      const topics = checkTopics(b.topics);
      const view = await db.transaction().execute(async (tx) => {
        const unitIds = await checkUnits(tx, a.tenantId, b.unitIds ?? []);
        const r = await tx.insertInto('webhook_endpoint').values({
          tenant_id: a.tenantId, name: b.name.trim(), kind: b.kind, url, secret: secretOf(b.secret), topics, unit_ids: unitIds,
          active: b.active ?? true, updated_at: clock.now(),
        }).returning(ENDPOINT_COLUMNS).executeTakeFirstOrThrow();
        const v = webhookView(r);
        await recordAudit(tx, auditContextOf(request), { action: 'webhook.created', entityType: 'webhook', entityId: r.id, after: v });
        return v;
      });
      return reply.status(201).send(view);
    });

    app.patch('/webhooks/:id', {
      config: { permission: 'notification.manage' },
      schema: { tags: ['notifications'], summary: 'Change a webhook endpoint (secret: omit to keep, null or empty to remove)', params: IdParams, body: UpdateWebhookBody, response: { 200: WebhookView, ...errors } },
    }, async (request) => {
      const a = requireActor(request.actor);
      const b = request.body;
      return db.transaction().execute(async (tx) => {
        const before = await tx.selectFrom('webhook_endpoint').select(ENDPOINT_COLUMNS)
          .where('tenant_id', '=', a.tenantId).where('id', '=', request.params.id).forUpdate().executeTakeFirst();
        if (!before) throw notFound('webhook');
        const r = await tx.updateTable('webhook_endpoint').set({
          ...(b.name !== undefined && { name: b.name.trim() }),
          ...(b.kind !== undefined && { kind: b.kind }),
          ...(b.url !== undefined && { url: checkUrl(b.url) }),
          ...(b.secret !== undefined && { secret: secretOf(b.secret) }),
          ...(b.topics !== undefined && { topics: checkTopics(b.topics) }),
          ...(b.unitIds !== undefined && { unit_ids: await checkUnits(tx, a.tenantId, b.unitIds) }),
          ...(b.active !== undefined && { active: b.active }),
          updated_at: clock.now(),
        }).where('tenant_id', '=', a.tenantId).where('id', '=', before.id).returning(ENDPOINT_COLUMNS).executeTakeFirstOrThrow();
        const counts = await deliveryCounts(tx, a.tenantId, [r.id]);
        const v = webhookView(r, counts.get(r.id));
        await recordAudit(tx, auditContextOf(request), {
          action: 'webhook.updated', entityType: 'webhook', entityId: r.id,
          before: { ...webhookView(before), deliveries: undefined }, after: { ...v, deliveries: undefined, secretChanged: b.secret !== undefined },
        });
        return v;
      });
    });

    app.delete('/webhooks/:id', {
      config: { permission: 'notification.manage' },
      schema: {
        tags: ['notifications'], summary: 'Delete a webhook endpoint; one that has deliveries is deactivated instead (deleted: false)', params: IdParams,
        response: { 200: Type.Object({ deleted: Type.Boolean() }), ...errors },
      },
    }, async (request) => {
      const a = requireActor(request.actor);
      return db.transaction().execute(async (tx) => {
        const r = await tx.selectFrom('webhook_endpoint').select(ENDPOINT_COLUMNS)
          .where('tenant_id', '=', a.tenantId).where('id', '=', request.params.id).forUpdate().executeTakeFirst();
        if (!r) throw notFound('webhook');
        const used = await tx.selectFrom('notification_delivery').select('id').where('tenant_id', '=', a.tenantId).where('endpoint_id', '=', r.id).limit(1).executeTakeFirst();
        const ctx = auditContextOf(request);
        if (used) {
          await tx.updateTable('webhook_endpoint').set({ active: false, updated_at: clock.now() }).where('tenant_id', '=', a.tenantId).where('id', '=', r.id).execute();
          await recordAudit(tx, ctx, { action: 'webhook.deactivated', entityType: 'webhook', entityId: r.id, before: { active: r.active }, after: { active: false } });
          return { deleted: false };
        }
        await tx.deleteFrom('webhook_endpoint').where('tenant_id', '=', a.tenantId).where('id', '=', r.id).execute();
        await recordAudit(tx, ctx, { action: 'webhook.deleted', entityType: 'webhook', entityId: r.id, before: webhookView(r) });
        return { deleted: true };
      });
    });

    app.post('/webhooks/:id/test', {
      config: { permission: 'notification.manage' },
      schema: {
        tags: ['notifications'], summary: 'Send a test message now and report whether the endpoint accepted it', params: IdParams, body: TestWebhookBody,
        response: { 200: TestResult, ...errors },
      },
    }, async (request) => {
      const a = requireActor(request.actor);
      const r = await db.selectFrom('webhook_endpoint').select(ENDPOINT_COLUMNS).where('tenant_id', '=', a.tenantId).where('id', '=', request.params.id).executeTakeFirst();
      if (!r) throw notFound('webhook');
      let recipient = '';
      if (r.kind === 'sms') {
        const me = await db.selectFrom('app_user').select('mobile').where('tenant_id', '=', a.tenantId).where('id', '=', a.userId).executeTakeFirst();
        recipient = request.body.phone ?? me?.mobile ?? '';
        if (!recipient) throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'phone', problem: 'WEBHOOK_PHONE_REQUIRED', params: {} }]);
      }
      const now = clock.now();
      const msg = { ...testMessage(now), tenantId: a.tenantId, outboxId: 0, topic: 'test', caseId: null, number: null, payload: { test: true } };
      const result = await webhookChannel({ now: () => clock.now() })
        .send(msg, { kind: r.kind as WebhookKind, url: r.url, secret: r.secret, recipient })
        .then(() => ({ ok: true, error: null }), (err: unknown) => ({ ok: false, error: err instanceof Error ? err.message : String(err) }));
      await recordAudit(db, auditContextOf(request), { action: 'webhook.tested', entityType: 'webhook', entityId: r.id, after: { ...result, recipient: recipient || null } });
      return result;
    });
  };
}

