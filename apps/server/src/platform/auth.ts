import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { combineRoles, type Permission, type RoleCode, type ScopeKind } from '@cc/domain';
import type { Actor, RouteAccess } from './actor.js';
import { prepared, type DB, type Executor } from './database.js';
import { AppError } from './errors.js';
import { createBatcher } from './batch.js';
import type { Clock } from './clock.js';

export const SESSION_COOKIE = 'cc_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** last_seen_at is refreshed at most this often, so reads do not each write. */
const TOUCH_EVERY_MS = 60_000;

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const newSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

export interface AuthOptions {
  db: DB;
  clock: Clock;
  idleMinutes: number;
}

/**
 * The one place where every /api/v1 route is checked: who is calling (session cookie or API
 * token), whether the session is still alive, the CSRF token on writes made with a cookie, a
 * pending forced password change, and the route's permission. Data scope is checked by the
 * services with platform/access.ts, because it depends on the record.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  const opts: SessionOptions = { ...options, sessions: sessionLookup(options.db) };
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url || !url.startsWith('/api/v1')) return;
    const access = (request.routeOptions.config ?? {}) as RouteAccess;
    let actor: Actor | null = null;
    try {
      actor = await authenticate(request, opts);
    } catch (err) {
      if (!access.public) throw err;
    }
    request.actor = actor;
    if (access.public) return;
    if (!actor) throw new AppError(401, 'UNAUTHENTICATED');
    if (actor.authMethod === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !actor.csrfToken || !safeEqual(sent, actor.csrfToken)) {
        throw new AppError(403, 'CSRF_INVALID');
      }
    }
    if (actor.mustChangePassword && !access.allowDuringPasswordChange) {
      throw new AppError(403, 'PASSWORD_CHANGE_REQUIRED');
    }
    if (access.permission && !actor.permissions.has(access.permission)) {
      throw new AppError(403, 'FORBIDDEN');
    }
  });
}

async function authenticate(request: FastifyRequest, opts: SessionOptions): Promise<Actor | null> {
  const authz = request.headers.authorization;
  if (authz?.startsWith('Bearer ')) return authenticateToken(authz.slice(7).trim(), opts);
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) return authenticateSession(cookie, opts);
  return null;
}

type SessionRow = ActorRow & { id: string; tenant_id: number; user_id: number; csrf_token: string; last_seen_at: Date; revoked_at: Date | null; status: string };
type SessionOptions = AuthOptions & { sessions: (id: string) => Promise<SessionRow | undefined> };

/**
 * Session, user, unit, region and roles in one round trip: this runs on every request. Sessions
 * checked while two such reads are under way go together in the next (platform/batch.ts).
 */
function sessionLookup(db: DB) {
  return createBatcher(async (ids: readonly string[]) => {
    // One session (an idle server): its own statement, so the plan is cached — with an array the
    // planner would plan each call anew, its generic plan never looking cheaper than a custom one.
    const [mark, which] = ids.length === 1 ? [prepared('session'), sql`s.id = ${ids[0]}`] : [prepared('sessions'), sql`s.id = any(${[...new Set(ids)]}::text[])`];
    const { rows } = await sql<SessionRow>`
      ${mark} select s.id, s.tenant_id, s.user_id, s.csrf_token, s.last_seen_at, s.revoked_at, u.status, ${ACTOR_COLUMNS}
        from user_session s
        join app_user u on u.tenant_id = s.tenant_id and u.id = s.user_id
        join unit un on un.tenant_id = u.tenant_id and un.id = u.unit_id
        left join region r on r.tenant_id = un.tenant_id and r.id = un.region_id
       where ${which}`.execute(db);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  });
}

async function authenticateSession(cookie: string, { db, clock, idleMinutes, sessions }: SessionOptions): Promise<Actor> {
  const id = sha256(cookie);
  const row = await sessions(id);
  if (!row || row.revoked_at || row.status !== 'active') throw new AppError(401, 'SESSION_EXPIRED');
  const now = clock.now();
  const idleMs = now.getTime() - new Date(row.last_seen_at).getTime();
  if (idleMs > idleMinutes * 60_000) {
    await db.updateTable('user_session').set({ revoked_at: now }).where('id', '=', id).execute();
    throw new AppError(401, 'SESSION_EXPIRED');
  }
  if (idleMs > TOUCH_EVERY_MS) {
    await db.updateTable('user_session').set({ last_seen_at: now }).where('id', '=', id).execute();
  }
  return { ...toActor(row.tenant_id, row.user_id, row), authMethod: 'session', sessionId: id, csrfToken: row.csrf_token };
}

async function authenticateToken(token: string, opts: AuthOptions): Promise<Actor> {
  const found = await verifyApiToken(token, opts);
  if (!found) throw new AppError(401, 'UNAUTHENTICATED');
  return found.actor;
}

/**
 * An API token and its owner, or null when the token is unknown, revoked, expired or its user
 * cannot act. Used for Bearer tokens here and for Open311's api_key.
 */
export async function verifyApiToken(token: string, { db, clock }: Pick<AuthOptions, 'db' | 'clock'>): Promise<{ actor: Actor; tokenName: string } | null> {
  const row = await db
    .selectFrom('api_token')
    .select(['id', 'tenant_id', 'user_id', 'name', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  const now = clock.now();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
    await db.updateTable('api_token').set({ last_used_at: now }).where('tenant_id', '=', row.tenant_id).where('id', '=', row.id).execute();
  }
  const actor = await loadActor(db, row.tenant_id, row.user_id);
  if (!actor) return null;
  // Integrations cannot answer a forced password change; the token's owner was vetted on creation.
  return { actor: { ...actor, authMethod: 'token', sessionId: null, csrfToken: null, mustChangePassword: false }, tokenName: row.name };
}

type LoadedActor = Omit<Actor, 'authMethod' | 'sessionId' | 'csrfToken'>;

interface ActorRow {
  username: string;
  display_name: string;
  unit_id: number;
  unit_path: string;
  region_path: string | null;
  must_change_password: boolean;
  roles: { code: RoleCode; scope: ScopeKind; permissions: Permission[] }[] | null;
}

/** Columns of an actor, given app_user u, unit un and region r in the query. */
const ACTOR_COLUMNS = sql`u.username, u.display_name, u.unit_id, un.path as unit_path, r.path as region_path,
  u.must_change_password,
  (select json_agg(json_build_object('code', ro.code, 'scope', ro.scope, 'permissions', ro.permissions))
     from user_role ur join role ro on ro.tenant_id = ur.tenant_id and ro.id = ur.role_id
    where ur.tenant_id = u.tenant_id and ur.user_id = u.id) as roles`;

function toActor(tenantId: number, userId: number, u: ActorRow): LoadedActor {
  const roles = u.roles ?? [];
  const { scope, permissions } = combineRoles(roles);
  return {
    tenantId,
    userId,
    username: u.username,
    displayName: u.display_name,
    unitId: u.unit_id,
    unitPath: u.unit_path,
    regionPath: u.region_path,
    roles: roles.map((r) => r.code),
    permissions: new Set(permissions),
    scope,
    mustChangePassword: u.must_change_password,
  };
}

/** The user with their unit, region and roles, or null if the account is disabled or gone. */
export async function loadActor(db: Executor, tenantId: number, userId: number): Promise<LoadedActor | null> {
  const { rows } = await sql<ActorRow>`
    select ${ACTOR_COLUMNS}
      from app_user u
      join unit un on un.tenant_id = u.tenant_id and un.id = u.unit_id
      left join region r on r.tenant_id = un.tenant_id and r.id = un.region_id
     where u.tenant_id = ${tenantId} and u.id = ${userId} and u.status = 'active'`.execute(db);
  return rows[0] ? toActor(tenantId, userId, rows[0]) : null;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, value: string, secure: 'auto' | 'always' | 'never'): void {
  reply.setCookie(SESSION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure === 'always' || (secure === 'auto' && request.protocol === 'https'),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
