import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { DB, Executor } from './database.js';

/** Who did it and from where: taken from the request, or from the system for background work. */
export interface AuditContext {
  tenantId: number;
  actorUserId: number | null;
  actorLabel: string | null;
  ip: string | null;
  requestId: string | null;
}

export interface AuditRecord {
  action: string;
  entityType: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
}

export function auditContextOf(request: FastifyRequest, tenantId?: number): AuditContext {
  const a = request.actor;
  return {
    tenantId: tenantId ?? a?.tenantId ?? 0,
    actorUserId: a?.userId ?? null,
    actorLabel: a ? `${a.displayName} (${a.username})` : null,
    ip: request.ip ?? null,
    requestId: String(request.id),
  };
}

export const systemAuditContext = (tenantId: number, label = 'system'): AuditContext => ({
  tenantId,
  actorUserId: null,
  actorLabel: label,
  ip: null,
  requestId: null,
});

const SECRET_KEYS = new Set(['password', 'password_hash', 'passwordHash', 'token_hash', 'csrf_token', 'secret']);

/** Copy of a record without secrets, with Dates as ISO strings. */
export function redact(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEYS.has(k)) continue;
      out[k] = redact(v);
    }
    return out;
  }
  return value;
}

/**
 * Append an audit row inside the caller's transaction: the row commits or rolls back with the
 * write it describes. The hash chain is added by `sealAuditChain` after commit.
 */
export async function recordAudit(tx: Executor, ctx: AuditContext, rec: AuditRecord): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      tenant_id: ctx.tenantId,
      actor_user_id: ctx.actorUserId,
      actor_label: ctx.actorLabel,
      action: rec.action,
      entity_type: rec.entityType,
      entity_id: rec.entityId === null ? null : String(rec.entityId),
      before: rec.before === undefined ? null : JSON.stringify(redact(rec.before)),
      after: rec.after === undefined ? null : JSON.stringify(redact(rec.after)),
      ip: ctx.ip,
      request_id: ctx.requestId,
    })
    .execute();
}

interface ChainRow {
  id: number;
  at_text: string;
  actor_user_id: number | null;
  actor_label: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  request_id: string | null;
  chain_seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

const GENESIS = '0'.repeat(64);

/** JSON with sorted keys, so a jsonb value hashes the same however PostgreSQL orders it. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v as object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function auditRowHash(tenantId: number, seq: number, prevHash: string, r: ChainRow): string {
  const body = canonical({
    tenant: tenantId,
    seq,
    id: r.id,
    at: r.at_text,
    actor: r.actor_user_id,
    actorLabel: r.actor_label,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    ip: r.ip,
    requestId: r.request_id,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

const ROW_COLUMNS = sql`id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text,
  actor_user_id, actor_label, action, entity_type, entity_id, before, after, ip, request_id, chain_seq, prev_hash, hash`;

/**
 * Link unsealed rows into each city's chain, in the order they are found committed.
 * An advisory lock per city keeps two app instances from sealing the same rows.
 * Returns how many rows were sealed.
 */
export async function sealAuditChain(db: DB, batch = 1000, onlyTenant?: number): Promise<number> {
  let pendingTenants = db.selectFrom('audit_log').select('tenant_id').distinct().where('chain_seq', 'is', null);
  if (onlyTenant !== undefined) pendingTenants = pendingTenants.where('tenant_id', '=', onlyTenant);
  const tenants = await pendingTenants.execute();
  let sealed = 0;
  for (const { tenant_id: tenantId } of tenants) {
    for (;;) {
      const n = await db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(7261, ${tenantId}::int)`.execute(tx);
        const last = await sql<{ chain_seq: number; hash: string }>`
          select chain_seq, hash from audit_log where tenant_id = ${tenantId} and chain_seq is not null
          order by chain_seq desc limit 1`.execute(tx);
        let seq = last.rows[0]?.chain_seq ?? 0;
        let prev = last.rows[0]?.hash ?? GENESIS;
        const rows = await sql<ChainRow>`
          select ${ROW_COLUMNS} from audit_log where tenant_id = ${tenantId} and chain_seq is null
          order by id limit ${batch}`.execute(tx);
        if (rows.rows.length === 0) return 0;
        const ids: number[] = [];
        const seqs: number[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        for (const r of rows.rows) {
          seq += 1;
          const h = auditRowHash(tenantId, seq, prev, r);
          ids.push(r.id);
          seqs.push(seq);
          prevs.push(prev);
          hashes.push(h);
          prev = h;
        }
        await sql`
          update audit_log a set chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
            from unnest(${ids}::bigint[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[]) as v(id, seq, prev, hash)
           where a.tenant_id = ${tenantId} and a.id = v.id`.execute(tx);
        return rows.rows.length;
      });
      sealed += n;
      if (n < batch) break;
    }
  }
  return sealed;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  pending: number;
  firstBroken: { id: number; chainSeq: number; reason: string } | null;
}

/** Recompute the chain of one city and report the first row whose hash or link does not match. */
export async function verifyAuditChain(db: DB, tenantId: number, pageSize = 5000): Promise<VerifyResult> {
  let prev = GENESIS;
  let expectedSeq = 1;
  let checked = 0;
  // Rows older than the 180-day retention may have been pruned: the chain then starts at the
  // oldest row kept, anchored on the hash it recorded for its predecessor.
  const first = await sql<{ chain_seq: number; prev_hash: string; old: boolean }>`
    select chain_seq, prev_hash, at < now() - interval '180 days' as old from audit_log
     where tenant_id = ${tenantId} and chain_seq is not null order by chain_seq limit 1`.execute(db);
  const head = first.rows[0];
  if (head && head.chain_seq > 1 && head.old) {
    expectedSeq = head.chain_seq;
    prev = head.prev_hash;
  }
  for (;;) {
    const rows = await sql<ChainRow>`
      select ${ROW_COLUMNS} from audit_log
       where tenant_id = ${tenantId} and chain_seq >= ${expectedSeq}
       order by chain_seq limit ${pageSize}`.execute(db);
    for (const r of rows.rows) {
      const broken = (reason: string) => ({ ok: false, checked, pending: -1, firstBroken: { id: r.id, chainSeq: r.chain_seq!, reason } });
      if (r.chain_seq !== expectedSeq) return withPending(db, tenantId, broken(`missing row: expected sequence ${expectedSeq}, found ${r.chain_seq}`));
      if (r.prev_hash !== prev) return withPending(db, tenantId, broken('link to the previous row does not match'));
      if (auditRowHash(tenantId, r.chain_seq, prev, r) !== r.hash) return withPending(db, tenantId, broken('row content does not match its hash'));
      prev = r.hash!;
      expectedSeq += 1;
      checked += 1;
    }
    if (rows.rows.length < pageSize) break;
  }
  return withPending(db, tenantId, { ok: true, checked, pending: -1, firstBroken: null });
}

async function withPending(db: DB, tenantId: number, r: VerifyResult): Promise<VerifyResult> {
  const { count } = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('chain_seq', 'is', null)
    .executeTakeFirstOrThrow();
  return { ...r, pending: Number(count) };
}
