import { sql } from 'kysely';
import {
  checkPassword,
  LOCKOUT_MAX_FAILURES,
  LOCKOUT_MINUTES,
  type Me,
  type UnitKind,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import { loadActor, newSecret, sha256 } from '../../platform/auth.js';
import type { Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError } from '../../platform/errors.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../platform/passwords.js';

export interface LoginResult {
  cookie: string;
  csrfToken: string;
  tenantId: number;
  userId: number;
}

/** Shanghai wall-clock time for messages such as "locked until 14:05". */
const SHANGHAI_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
export function localTime(d: Date): string {
  return SHANGHAI_TIME.format(d);
}

export function createAuthService({ db, clock }: { db: DB; clock: Clock }) {
  async function login(username: string, password: string, ctx: Omit<AuditContext, 'tenantId'>, userAgent: string | null): Promise<LoginResult> {
    const name = username.trim();
    const user = await db
      .selectFrom('app_user')
      .select(['tenant_id', 'id', 'username', 'display_name', 'password_hash', 'status', 'failed_attempts', 'locked_until'])
      .where((eb) => eb.or([eb(sql`lower(username)`, '=', name.toLowerCase()), eb('mobile', '=', name)]))
      // A username that equals someone's mobile number wins: the username is what the user typed.
      .orderBy(sql`lower(username) = ${name.toLowerCase()}`, 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!user) {
      await verifyPassword(await dummyPasswordHash(), password); // same time as a real check
      throw new AppError(401, 'INVALID_CREDENTIALS');
    }
    const now = clock.now();
    const audit = { ...ctx, tenantId: user.tenant_id, actorUserId: user.id, actorLabel: `${user.display_name} (${user.username})` };
    // Until the password is proven, whoever typed it is anonymous: only the entity names the account.
    const anonymous = { ...ctx, tenantId: user.tenant_id, actorUserId: null, actorLabel: `anonymous (${ctx.ip ?? '?'})` };
    if (user.locked_until && user.locked_until > now) {
      throw new AppError(403, 'ACCOUNT_LOCKED', { until: localTime(user.locked_until) });
    }
    if (!(await verifyPassword(user.password_hash, password))) {
      // Counted in its own transaction: the failure must stick although the request fails.
      const locked = await db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('app_user')
          .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
          .where('tenant_id', '=', user.tenant_id)
          .where('id', '=', user.id)
          .returning(['failed_attempts'])
          .executeTakeFirstOrThrow();
        const lock = row.failed_attempts >= LOCKOUT_MAX_FAILURES;
        const until = new Date(now.getTime() + LOCKOUT_MINUTES * 60_000);
        if (lock) {
          await tx.updateTable('app_user').set({ locked_until: until, failed_attempts: 0 })
            .where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).execute();
        }
        await recordAudit(tx, anonymous, {
          action: lock ? 'auth.locked' : 'auth.login_failed',
          entityType: 'user',
          entityId: user.id,
          after: { failedAttempts: row.failed_attempts, ...(lock ? { lockedUntil: until } : {}) },
        });
        return lock ? until : null;
      });
      if (locked) throw new AppError(403, 'ACCOUNT_LOCKED', { until: localTime(locked) });
      throw new AppError(401, 'INVALID_CREDENTIALS');
    }
    if (user.status !== 'active') throw new AppError(403, 'ACCOUNT_DISABLED');

    const cookie = newSecret();
    const csrfToken = newSecret();
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('app_user')
        .set({ failed_attempts: 0, locked_until: null, last_login_at: now })
        .where('tenant_id', '=', user.tenant_id).where('id', '=', user.id).execute();
      await tx.insertInto('user_session').values({
        id: sha256(cookie),
        tenant_id: user.tenant_id,
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        ip: ctx.ip,
        user_agent: userAgent?.slice(0, 300) ?? null,
      }).execute();
      await recordAudit(tx, audit, { action: 'auth.login', entityType: 'user', entityId: user.id });
    });
    return { cookie, csrfToken, tenantId: user.tenant_id, userId: user.id };
  }

  async function logout(actor: Actor, ctx: AuditContext): Promise<void> {
    if (!actor.sessionId) return;
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('user_session').set({ revoked_at: clock.now() }).where('id', '=', actor.sessionId!).execute();
      await recordAudit(tx, ctx, { action: 'auth.logout', entityType: 'user', entityId: actor.userId });
    });
  }

  async function changePassword(actor: Actor, current: string, next: string, ctx: AuditContext): Promise<void> {
    const user = await db.selectFrom('app_user').select(['password_hash'])
      .where('tenant_id', '=', actor.tenantId).where('id', '=', actor.userId).executeTakeFirstOrThrow();
    if (!(await verifyPassword(user.password_hash, current))) {
      throw new AppError(422, 'PASSWORD_WRONG', {}, [{ field: 'currentPassword', rule: 'match', message: '' }]);
    }
    assertPasswordPolicy(next, 'newPassword');
    if (current === next) throw new AppError(422, 'PASSWORD_REUSED', {}, [{ field: 'newPassword', rule: 'different', message: '' }]);
    const passwordHash = await hashPassword(next);
    const now = clock.now();
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('app_user')
        .set((eb) => ({ password_hash: passwordHash, must_change_password: false, password_changed_at: now, updated_at: now, version: eb('version', '+', 1) }))
        .where('tenant_id', '=', actor.tenantId).where('id', '=', actor.userId).execute();
      // Other sessions of this user end: a changed password must lock out whoever else had it.
      let q = tx.updateTable('user_session').set({ revoked_at: now })
        .where('tenant_id', '=', actor.tenantId).where('user_id', '=', actor.userId).where('revoked_at', 'is', null);
      if (actor.sessionId) q = q.where('id', '!=', actor.sessionId);
      await q.execute();
      await recordAudit(tx, ctx, { action: 'user.password_changed', entityType: 'user', entityId: actor.userId });
    });
  }

  /** The user as the web sees them: roles, permissions and scope come from the same loadActor the auth hook uses. */
  /**
   * The user as the app shows them. `current` is the actor this request's auth hook loaded (the
   * same row, read moments ago): given, it is not read again. Login and a password change pass
   * none, since the user's state has just changed.
   */
  async function me(ex: Executor, tenantId: number, userId: number, current?: Actor): Promise<Me> {
    const [actor, extra] = await Promise.all([
      current ?? loadActor(ex, tenantId, userId),
      ex.selectFrom('app_user as u')
        .innerJoin('tenant as t', 't.id', 'u.tenant_id')
        .innerJoin('unit as un', (j) => j.onRef('un.tenant_id', '=', 'u.tenant_id').onRef('un.id', '=', 'u.unit_id'))
        .select(['u.mobile', 't.name as tenant_name', 'un.name as unit_name', 'un.kind as unit_kind'])
        .where('u.tenant_id', '=', tenantId).where('u.id', '=', userId)
        .executeTakeFirst(),
    ]);
    if (!actor || !extra) throw new AppError(401, 'UNAUTHENTICATED');
    return {
      id: userId,
      username: actor.username,
      displayName: actor.displayName,
      mobile: extra.mobile,
      tenant: { id: tenantId, name: extra.tenant_name },
      unit: { id: actor.unitId, name: extra.unit_name, kind: extra.unit_kind as UnitKind },
      roles: actor.roles,
      permissions: [...actor.permissions],
      scope: actor.scope,
      mustChangePassword: actor.mustChangePassword,
    };
  }

  async function csrfOf(sessionId: string | null): Promise<string> {
    if (!sessionId) return '';
    const s = await db.selectFrom('user_session').select('csrf_token').where('id', '=', sessionId).executeTakeFirst();
    return s?.csrf_token ?? '';
  }

  return { login, logout, changePassword, me, csrfOf };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** Refuse a password that breaks the policy, naming the form field. */
export function assertPasswordPolicy(password: string, field: string): void {
  const problem = checkPassword(password);
  if (problem) {
    throw new AppError(422, `PASSWORD_${problem}`, {}, [{ field, rule: 'policy', message: '' }]);
  }
}
