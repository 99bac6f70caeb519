import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import {
  decide,
  USER_TRANSITIONS,
  type CreateUserBody,
  type UpdateUserBody,
  type UserEvent,
  type UserListQuery,
  type UserView,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, assertUnitInScope, can, unitInScope, unitScopeSql } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { hashPassword } from '../../platform/passwords.js';
import { assertPasswordPolicy } from '../auth/auth.service.js';
import { findUnit } from '../units/units.repository.js';
import { findUser, listUsers, revokeSessions, roleIds, setUserRoles, type UserRow } from './users.repository.js';

/** A random initial password that meets the policy (all four classes, no look-alike characters). */
export function generatePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '@#%+=!?'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]!);
  while (chars.length < 12) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

export function createUsersService({ db, clock }: { db: DB; clock: Clock }) {
  function view(actor: Actor, u: UserRow): UserView {
    const manage = can(actor, 'user.manage') && unitInScope(actor, u.unit_path) && u.id !== actor.userId;
    return {
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      mobile: u.mobile,
      unit: { id: u.unit_id, name: u.unit_name, kind: u.unit_kind },
      roles: u.roles,
      status: u.status,
      mustChangePassword: u.must_change_password,
      lockedUntil: u.locked_until && u.locked_until > clock.now() ? u.locked_until.toISOString() : null,
      lastLoginAt: u.last_login_at?.toISOString() ?? null,
      createdAt: u.created_at.toISOString(),
      version: u.version,
      actions: actionsFor({
        update: manage,
        disable: manage && decide(USER_TRANSITIONS, u.status, 'disable').ok,
        enable: manage && decide(USER_TRANSITIONS, u.status, 'enable').ok,
        'reset-password': manage,
      }),
    };
  }

  async function load(actor: Actor, id: number): Promise<UserRow> {
    const u = await findUser(db, actor.tenantId, id);
    if (!u) throw notFound('user');
    assertUnitInScope(actor, u.unit_path);
    return u;
  }

  async function checkUnitAndRoles(ex: Executor, actor: Actor, unitId: number | undefined, roles: readonly string[] | undefined) {
    if (unitId !== undefined) {
      const unit = await findUnit(ex, actor.tenantId, unitId);
      if (!unit) throw new AppError(422, 'NOT_FOUND', { entity: 'unit' }, [{ field: 'unitId', rule: 'exists', message: '' }]);
      assertUnitInScope(actor, unit.path);
    }
    if (roles === undefined) return [];
    const ids = await roleIds(ex, actor.tenantId, roles);
    const missing = roles.filter((r) => !ids.has(r));
    if (missing.length) throw new AppError(422, 'NOT_FOUND', { entity: 'role' }, [{ field: 'roles', rule: 'exists', message: missing.join(', ') }]);
    // Only an administrator hands out the administrator role.
    if (roles.includes('system_admin') && !actor.roles.includes('system_admin')) throw new AppError(403, 'FORBIDDEN');
    return [...ids.values()];
  }

  function requireAction(actor: Actor, u: UserRow, action: string) {
    if (!view(actor, u).actions.includes(action)) {
      throw new AppError(u.id === actor.userId ? 403 : 409, u.id === actor.userId ? 'FORBIDDEN' : 'TRANSITION_NOT_ALLOWED');
    }
  }

  async function assertUnique(ex: Executor, username: string | null, mobile: string | null | undefined, exceptId?: number) {
    if (username) {
      const dup = await ex.selectFrom('app_user').select('id').where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
      if (dup && dup.id !== exceptId) throw new AppError(409, 'DUPLICATE', { field: 'username', value: username }, [{ field: 'username', rule: 'unique', message: '' }]);
    }
    if (mobile) {
      const dup = await ex.selectFrom('app_user').select('id').where('mobile', '=', mobile).executeTakeFirst();
      if (dup && dup.id !== exceptId) throw new AppError(409, 'DUPLICATE', { field: 'mobile', value: mobile }, [{ field: 'mobile', rule: 'unique', message: '' }]);
    }
  }

  return {
    async list(actor: Actor, query: UserListQuery) {
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? 20;
      const { items, total } = await listUsers(db, actor.tenantId, unitScopeSql(actor, 'un.path'), query, page, pageSize);
      return { items: items.map((u) => view(actor, u)), total, page, pageSize, actions: actionsFor({ create: can(actor, 'user.manage') }) };
    },

    async get(actor: Actor, id: number) {
      return view(actor, await load(actor, id));
    },

    async create(actor: Actor, body: CreateUserBody, ctx: AuditContext) {
      const password = body.password ?? generatePassword();
      if (body.password) assertPasswordPolicy(body.password, 'password');
      const passwordHash = await hashPassword(password);
      const user = await db.transaction().execute(async (tx) => {
        const ids = await checkUnitAndRoles(tx, actor, body.unitId, body.roles);
        await assertUnique(tx, body.username, body.mobile);
        const { id } = await tx.insertInto('app_user').values({
          tenant_id: actor.tenantId,
          username: body.username,
          display_name: body.displayName,
          mobile: body.mobile ?? null,
          password_hash: passwordHash,
          unit_id: body.unitId,
          must_change_password: true,
          updated_at: clock.now(),
        }).returning('id').executeTakeFirstOrThrow();
        await setUserRoles(tx, actor.tenantId, id, ids);
        const row = (await findUser(tx, actor.tenantId, id))!;
        await recordAudit(tx, ctx, { action: 'user.created', entityType: 'user', entityId: id, after: row });
        return row;
      });
      return { user: view(actor, user), initialPassword: password };
    },

    async update(actor: Actor, id: number, body: UpdateUserBody, ctx: AuditContext) {
      const before = await load(actor, id);
      requireAction(actor, before, 'update');
      return db.transaction().execute(async (tx) => {
        const ids = await checkUnitAndRoles(tx, actor, body.unitId, body.roles);
        await assertUnique(tx, null, body.mobile, id);
        const ok = await tx.updateTable('app_user')
          .set((eb) => ({
            display_name: body.displayName ?? before.display_name,
            mobile: body.mobile === undefined ? before.mobile : body.mobile,
            unit_id: body.unitId ?? before.unit_id,
            updated_at: clock.now(),
            version: eb('version', '+', 1),
          }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version)
          .returning('id').executeTakeFirst();
        if (!ok) throw conflict();
        if (body.roles) await setUserRoles(tx, actor.tenantId, id, ids);
        const after = (await findUser(tx, actor.tenantId, id))!;
        await recordAudit(tx, ctx, { action: 'user.updated', entityType: 'user', entityId: id, before, after });
        return view(actor, after);
      });
    },

    /** disable / enable: a transition of the account's status table, with its event row. */
    async transition(actor: Actor, id: number, event: UserEvent, note: string | undefined, ctx: AuditContext) {
      const before = await load(actor, id);
      requireAction(actor, before, event);
      const d = decide(USER_TRANSITIONS, before.status, event);
      if (!d.ok) throw new AppError(409, 'TRANSITION_NOT_ALLOWED');
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        const ok = await tx.updateTable('app_user')
          .set((eb) => ({ status: d.to, updated_at: now, version: eb('version', '+', 1) }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('status', '=', d.from)
          .returning('id').executeTakeFirst();
        if (!ok) throw conflict();
        await tx.insertInto('user_event').values({
          tenant_id: actor.tenantId, user_id: id, event: `${event}d`, from_status: d.from, to_status: d.to, actor_user_id: actor.userId, note: note ?? null, at: now,
        }).execute();
        if (d.to === 'disabled') await revokeSessions(tx, actor.tenantId, id, now);
        const after = (await findUser(tx, actor.tenantId, id))!;
        await recordAudit(tx, ctx, { action: `user.${event}d`, entityType: 'user', entityId: id, before, after });
        return view(actor, after);
      });
    },

    async resetPassword(actor: Actor, id: number, ctx: AuditContext) {
      const before = await load(actor, id);
      requireAction(actor, before, 'reset-password');
      const password = generatePassword();
      const passwordHash = await hashPassword(password);
      const now = clock.now();
      const after = await db.transaction().execute(async (tx) => {
        await tx.updateTable('app_user')
          .set((eb) => ({ password_hash: passwordHash, must_change_password: true, failed_attempts: 0, locked_until: null, updated_at: now, version: eb('version', '+', 1) }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
        await revokeSessions(tx, actor.tenantId, id, now);
        const row = (await findUser(tx, actor.tenantId, id))!;
        await recordAudit(tx, ctx, { action: 'user.password_reset', entityType: 'user', entityId: id, before, after: row });
        return row;
      });
      return { user: view(actor, after), initialPassword: password };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
