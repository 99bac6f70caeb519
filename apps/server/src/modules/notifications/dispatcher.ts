import { sql, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Permission } from '@cc/domain';
import type { NotificationDeliveryTable, OutboxTable } from '../../db/schema.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { numberDocuments } from '../cases/sequences.js';
import { audienceOf, renderMessage, TOPICS, type RenderedMessage } from './messages.js';
import { inboxChannel, type OutgoingMessage } from './notifier.js';
import { webhookChannel, type WebhookKind } from './webhook.js';

export interface NotifyOptions {
  clock?: Clock;
  fetch?: typeof fetch;
  log?: FastifyBaseLogger;
  /**
   * The instance's numbering step (cases service): the dispatcher's numbering then joins the
   * batches the intakes wait for, so an intake is not left to read back a number the dispatcher
   * gave. Without it the dispatcher numbers on its own.
   */
  settleDocuments?: () => Promise<unknown>;
}

export const DISPATCH_BATCH = 100;
export const DELIVERY_BATCH = 20;
export const MAX_ATTEMPTS = 8;
/** How long a claimed delivery is left alone by other workers: far more than one send can take (10 s). */
export const CLAIM_LEASE_MS = 10 * 60_000;

/** Wait before the next try after `attemptsBefore` failed ones: 30 s × 2^n, at most an hour. */
export function backoffMs(attemptsBefore: number): number {
  return Math.min(30_000 * 2 ** attemptsBefore, 3_600_000);
}

type OutboxRow = Selectable<OutboxTable>;
interface Recipient {
  userId: number;
  mobile: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const pathIds = (path: string) => path.split('/').filter(Boolean).map(Number);

/** Users of the city holding a permission through one of their roles. */
function hasPermission(p: Permission) {
  return sql<SqlBool>`exists (select 1 from user_role ur join role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
    where ur.tenant_id = u.tenant_id and ur.user_id = u.id and ${p} = any(r.permissions))`;
}

async function holders(tx: Executor, tenantId: number, p: Permission): Promise<Recipient[]> {
  const rows = await tx.selectFrom('app_user as u').select(['u.id', 'u.mobile'])
    .where('u.tenant_id', '=', tenantId).where('u.status', '=', 'active').where(hasPermission(p)).execute();
  return rows.map((r) => ({ userId: r.id, mobile: r.mobile }));
}

/**
 * The staff who answer for a unit: active users whose own unit is that unit and who may handle
 * cases (`case.handle` — a grid worker or volunteer of the same unit is not told). A unit without
 * such users (a shop, a school) is represented by the nearest unit above it that has some.
 * Units above a unit that has staff are not told (a street does not get its communities' cases).
 */
async function unitStaff(tx: Executor, tenantId: number, unitPath: string): Promise<Recipient[]> {
  const ids = pathIds(unitPath);
  if (!ids.length) return [];
  const rows = await tx.selectFrom('app_user as u').select(['u.id', 'u.mobile', 'u.unit_id'])
    .where('u.tenant_id', '=', tenantId).where('u.status', '=', 'active').where('u.unit_id', 'in', ids)
    .where(hasPermission('case.handle')).execute();
  const depth = Math.max(-1, ...rows.map((r) => ids.indexOf(r.unit_id)));
  return rows.filter((r) => ids.indexOf(r.unit_id) === depth).map((r) => ({ userId: r.id, mobile: r.mobile }));
}

interface ReporterRow {
  reported_by: number | null;
  reporter_phone: string | null;
}

/**
 * A case's reporter: the user who reported it gets the inbox message; the SMS goes to the phone
 * given with the report (a citizen's, or the caller's on a hotline case), else to that user's mobile.
 */
async function reporterOf(tx: Executor, tenantId: number, c: ReporterRow): Promise<{ users: Recipient[]; phones: string[] }> {
  const user = c.reported_by === null ? undefined
    : await tx.selectFrom('app_user').select(['id', 'mobile']).where('tenant_id', '=', tenantId).where('id', '=', c.reported_by).where('status', '=', 'active').executeTakeFirst();
  const phone = c.reporter_phone?.trim() || user?.mobile || null;
  return { users: user ? [{ userId: user.id, mobile: user.mobile }] : [], phones: phone ? [phone] : [] };
}

/**
 * Fan one outbox row out, inside the dispatching transaction: inbox rows for the recipients and
 * a pending delivery per matching webhook endpoint (per phone for SMS), then mark it dispatched.
 * Inserts skip what exists (unique keys), so running a row twice adds nothing. 'later': the
 * event's document has no number yet — the row is left for the next run, after numbering.
 */
async function dispatchOne(tx: Executor, row: OutboxRow, now: Date): Promise<void | 'later'> {
  const markDispatched = async (notice?: RenderedMessage) => {
    await tx.updateTable('outbox')
      .set({ dispatched_at: now, ...(notice && { payload: JSON.stringify({ ...(row.payload as object), notice }) }) })
      .where('tenant_id', '=', row.tenant_id).where('id', '=', row.id).execute();
  };
  const payload = (row.payload ?? {}) as Record<string, unknown>;
  if (!TOPICS[row.topic] || row.case_id === null) return markDispatched();
  const t = row.tenant_id;
  const c = await tx.selectFrom('case_record as c')
    .innerJoin('case_category as k', (j) => j.onRef('k.tenant_id', '=', 'c.tenant_id').onRef('k.id', '=', 'c.category_id'))
    .select(['c.id', 'c.number', 'c.description', 'c.address', 'c.responsible_unit_id', 'c.reported_by', 'c.reporter_phone', 'k.name', 'k.name_en'])
    .where('c.tenant_id', '=', t).where('c.id', '=', row.case_id).executeTakeFirst();
  if (!c) return markDispatched();

  const unitId = num(payload.unitId) ?? c.responsible_unit_id;
  const unit = unitId === null ? undefined
    : await tx.selectFrom('unit').select(['id', 'name', 'path']).where('tenant_id', '=', t).where('id', '=', unitId).executeTakeFirst();
  // The event's note (the reason for a rejection, a rework, a request): its latest event of that kind up to this message.
  const event = typeof payload.event === 'string' ? payload.event : null;
  const ev = event === null ? undefined
    : await tx.selectFrom('case_event').select('note').where('tenant_id', '=', t).where('case_id', '=', c.id).where('event', '=', event)
      .where('at', '<=', new Date(row.created_at)).orderBy('id', 'desc').limit(1).executeTakeFirst();
  // The event's 交办单/督办函 number (older rows carry it in the payload; newer ones name the event).
  const eventId = num(payload.eventId);
  let document = typeof payload.document === 'string' ? payload.document : null;
  if (document === null && eventId !== null) {
    const doc = await tx.selectFrom('case_document').select('number_text').where('tenant_id', '=', t).where('case_id', '=', c.id).where('event_id', '=', eventId).executeTakeFirst();
    if (doc && doc.number_text === null) return 'later';
    document = doc?.number_text ?? null;
  }
  const intoId = num(payload.intoCaseId);
  const into = intoId === null ? undefined
    : await tx.selectFrom('case_record').select(['number', 'reported_by', 'reporter_phone']).where('tenant_id', '=', t).where('id', '=', intoId).executeTakeFirst();

  const rendered = renderMessage({
    topic: row.topic, payload: document === null ? payload : { ...payload, document }, number: c.number, category: { zh: c.name, en: c.name_en }, description: c.description, address: c.address,
    unitName: unit?.name ?? null, note: ev?.note ?? null, intoNumber: into?.number ?? null,
  });
  if (!rendered) return markDispatched();

  // ---- who ----
  const users = new Map<number, Recipient>();
  const phones = new Set<string>();
  const addUsers = (rs: Recipient[], withPhones = true) => rs.forEach((r) => {
    users.set(r.userId, r);
    if (withPhones && r.mobile) phones.add(r.mobile);
  });
  const addReporter = async (r: ReporterRow) => {
    const rep = await reporterOf(tx, t, r);
    addUsers(rep.users, false);
    rep.phones.forEach((p) => phones.add(p));
  };
  for (const a of audienceOf(row.topic, payload)) {
    if (a === 'unit' && unit) addUsers(await unitStaff(tx, t, unit.path));
    if (a === 'office') addUsers(await holders(tx, t, 'case.manage'));
    if (a === 'inspectors') addUsers(await holders(tx, t, 'case.verify'));
    if (a === 'reporter' || a === 'merged_reporters') await addReporter(c);
    if (a === 'merged_reporters' && into) await addReporter(into);
  }

  const msg: OutgoingMessage = { ...rendered, tenantId: t, outboxId: row.id, topic: row.topic, caseId: c.id, number: c.number, payload };
  await inboxChannel(tx).send(msg, { userIds: [...users.keys()], at: now });

  // ---- webhooks: this topic (or '*'), and no unit filter or one holding the unit or a unit above it ----
  const ancestors = unit ? pathIds(unit.path) : [];
  const endpoints = await tx.selectFrom('webhook_endpoint').select(['id', 'kind'])
    .where('tenant_id', '=', t).where('active', '=', true)
    .where(sql<SqlBool>`(${row.topic} = any(topics) or '*' = any(topics))`)
    .where(ancestors.length ? sql<SqlBool>`(cardinality(unit_ids) = 0 or unit_ids && ${ancestors}::bigint[])` : sql<SqlBool>`cardinality(unit_ids) = 0`)
    .execute();
  const deliveries = endpoints.flatMap((e) => ((e.kind as WebhookKind) === 'sms' ? [...phones] : ['']).map((recipient) => ({
    tenant_id: t, outbox_id: row.id, endpoint_id: e.id, recipient, next_attempt_at: now,
  })));
  if (deliveries.length) {
    await tx.insertInto('notification_delivery').values(deliveries)
      .onConflict((oc) => oc.columns(['tenant_id', 'outbox_id', 'endpoint_id', 'recipient']).doNothing()).execute();
  }
  // The rendered text is kept with the outbox row: webhook retries send exactly what the inbox shows.
  await markDispatched(rendered);
}

/**
 * Fan out the outbox: undispatched rows in id order, 100 at a time, locked with `for update skip
 * locked` so several app instances can run this side by side without taking the same rows. Each
 * row is fanned out in the transaction that marks it dispatched (under a savepoint, so one bad row
 * does not hold back the others; it stays undispatched, is logged, and is tried again next run).
 * Returns the number of rows dispatched.
 */
export async function dispatchOutbox(db: DB, opts: NotifyOptions = {}): Promise<number> {
  const clock = opts.clock ?? systemClock;
  let total = 0;
  // Messages about a 交办单 or 督办函 quote its number: give the waiting documents theirs first.
  await (opts.settleDocuments ? opts.settleDocuments() : numberDocuments(db));
  for (;;) {
    const { picked, done, waiting } = await db.transaction().execute(async (tx) => {
      const rows = await tx.selectFrom('outbox').selectAll().where('dispatched_at', 'is', null)
        .orderBy('id').limit(DISPATCH_BATCH).forUpdate().skipLocked().execute();
      let ok = 0;
      for (const row of rows) {
        await sql`savepoint notify_one`.execute(tx);
        try {
          if (await dispatchOne(tx, row, clock.now()) === 'later') {
            // Committed after the numbering above: stop here so a case's messages keep their order.
            await sql`release savepoint notify_one`.execute(tx);
            return { picked: rows.length, done: ok, waiting: true };
          }
          await sql`release savepoint notify_one`.execute(tx);
          ok++;
        } catch (err) {
          await sql`rollback to savepoint notify_one`.execute(tx);
          opts.log?.error({ err, outboxId: row.id, topic: row.topic }, 'outbox row could not be dispatched');
        }
      }
      return { picked: rows.length, done: ok, waiting: false };
    });
    total += done;
    if (waiting || picked < DISPATCH_BATCH || done === 0) return total;
  }
}

interface ClaimedRow {
  tenant_id: number;
  id: number;
  endpoint_id: number;
  attempts: number;
  recipient: string;
  kind: string;
  url: string;
  secret: string | null;
  active: boolean;
  outbox_id: number;
  topic: string;
  case_id: number | null;
  payload: Record<string, unknown> | null;
}

function messageOf(r: ClaimedRow): OutgoingMessage {
  const payload = r.payload ?? {};
  const n = payload.notice as RenderedMessage | undefined;
  const number = typeof payload.number === 'string' ? payload.number : null;
  const fallback = `${r.topic}${number ? ` ${number}` : ''}`;
  return {
    title: n?.title ?? fallback, zh: n?.zh ?? fallback, en: n?.en ?? fallback,
    tenantId: r.tenant_id, outboxId: r.outbox_id, topic: r.topic, caseId: r.case_id, number, payload,
  };
}

/**
 * Send the webhook deliveries that are due, 20 at a time.
 *
 * A delivery is claimed before it is sent: one statement (its own transaction) picks due rows
 * with `for update skip locked` and moves their next_attempt_at 10 minutes ahead, so no other
 * worker — in this process or another instance — takes them while they are being sent. After
 * the send the row is marked sent (sent_at), or its attempts go up and it waits 30 s × 2^n (at
 * most an hour) for the next try; after 8 failed attempts it is 'failed' with the last error.
 *
 * Delivery is at-least-once, not exactly-once: if the process dies (or loses the database) after
 * the endpoint accepted a message and before the row is marked sent, the claim runs out and the
 * message is sent again about 10 minutes later. That window — one send — is the only way a
 * delivery goes out twice. The robots and SMS gateways have no idempotency key to close it;
 * generic endpoints get `X-CC-Delivery-Id`, the same on every try of one delivery, to drop repeats.
 *
 * Deliveries to one endpoint are sent one after the other (in id order); endpoints in parallel.
 * Returns the number of deliveries attempted.
 */
export async function deliverPending(db: DB, opts: NotifyOptions = {}): Promise<number> {
  const clock = opts.clock ?? systemClock;
  const channel = webhookChannel({ fetch: opts.fetch, now: () => clock.now() });
  let total = 0;
  for (let round = 0; round < 10; round++) {
    const now = clock.now();
    const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
    const claimed = await sql<ClaimedRow>`
      update notification_delivery d set next_attempt_at = ${lease}
        from webhook_endpoint e, outbox o
       where (d.tenant_id, d.id) in (
               select tenant_id, id from notification_delivery
                where state = 'pending' and next_attempt_at <= ${now}
                order by next_attempt_at, id limit ${DELIVERY_BATCH}
                  for update skip locked)
         and e.tenant_id = d.tenant_id and e.id = d.endpoint_id
         and o.tenant_id = d.tenant_id and o.id = d.outbox_id
      returning d.tenant_id, d.id, d.endpoint_id, d.attempts, d.recipient, e.kind, e.url, e.secret, e.active,
                o.id as outbox_id, o.topic, o.case_id, o.payload`.execute(db);
    const rows = claimed.rows;
    if (!rows.length) break;
    total += rows.length;

    const byEndpoint = new Map<string, ClaimedRow[]>();
    for (const r of [...rows].sort((a, b) => a.id - b.id)) {
      const key = `${r.tenant_id}:${r.endpoint_id}`;
      byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), r]);
    }
    // Only while the claim is still ours (a row whose claim ran out may have been taken by another worker).
    const mark = (r: ClaimedRow, set: Updateable<NotificationDeliveryTable>) => db.updateTable('notification_delivery').set(set)
      .where('tenant_id', '=', r.tenant_id).where('id', '=', r.id).where('state', '=', 'pending').where('next_attempt_at', '=', lease).execute();
    await Promise.all([...byEndpoint.values()].map(async (list) => {
      for (const r of list) {
        if (!r.active) {
          await mark(r, { state: 'failed', last_error: 'endpoint deactivated' });
          continue;
        }
        try {
          await channel.send(messageOf(r), { kind: r.kind as WebhookKind, url: r.url, secret: r.secret, recipient: r.recipient, deliveryId: r.id });
          await mark(r, { state: 'sent', sent_at: clock.now(), attempts: r.attempts + 1, last_error: null });
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          const attempts = r.attempts + 1;
          opts.log?.warn({ deliveryId: r.id, endpointId: r.endpoint_id, attempts, error }, 'webhook delivery failed');
          await mark(r, attempts >= MAX_ATTEMPTS
            ? { state: 'failed', attempts, last_error: error }
            : { attempts, last_error: error, next_attempt_at: new Date(clock.now().getTime() + backoffMs(r.attempts)) });
        }
      }
    }));
    if (rows.length < DELIVERY_BATCH) break;
  }
  return total;
}
