import { sql, type SqlBool } from 'kysely';
import {
  addDays,
  type CreateFrontageBody,
  type FrontageCheckBody,
  type FrontageCheckView,
  type FrontageContractView,
  type FrontageListQuery,
  type RenewFrontageBody,
  type UpdateFrontageBody,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, can, escapeLike, unitInScope, unitScopeSql } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import type { AssignmentsService } from './assignments.service.js';
import { todayIn } from './assignments.service.js';
import type { SettingsService } from './settings.service.js';

interface ContractRow {
  id: number; assignment_id: number; shop_unit_id: number; shop_name: string; shop_address: string | null; shop_path: string;
  shop_lng: number | null; shop_lat: number | null; duties: string[]; signed_on: string; signer_name: string;
  responsible_name: string | null; responsible_phone: string | null; plate_posted: boolean; contract_file_id: number | null;
  expires_on: string | null; renewed_from_id: number | null; version: number; valid_from: string; valid_to: string | null;
  checks: number; failed_checks: number;
}

function base(ex: Executor, tenantId: number) {
  return ex.selectFrom('frontage_contract as c')
    .innerJoin('responsibility_assignment as a', (j) => j.onRef('a.tenant_id', '=', 'c.tenant_id').onRef('a.id', '=', 'c.assignment_id'))
    .innerJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'c.tenant_id').onRef('u.id', '=', 'c.shop_unit_id'))
    .select([
      'c.id', 'c.assignment_id', 'c.shop_unit_id', 'u.name as shop_name', 'u.address as shop_address', 'u.path as shop_path',
      'u.lng as shop_lng', 'u.lat as shop_lat', 'c.duties', 'c.signed_on', 'c.signer_name', 'c.responsible_name', 'c.responsible_phone',
      'c.plate_posted', 'c.contract_file_id', 'c.expires_on', 'c.renewed_from_id', 'c.version', 'a.valid_from', 'a.valid_to',
      sql<number>`(select count(*)::int from frontage_check k where k.tenant_id = c.tenant_id and k.contract_id = c.id)`.as('checks'),
      sql<number>`(select count(*)::int from frontage_check k where k.tenant_id = c.tenant_id and k.contract_id = c.id and not k.passed)`.as('failed_checks'),
    ])
    .where('c.tenant_id', '=', tenantId);
}

type Status = FrontageContractView['status'];

/**
 * 门前责任书: a frontage assignment (shop ↔ its frontage) with the contract's particulars.
 * Status is derived, never stored: ended (period closed), expired, expiring (within the city's
 * warning window), active.
 */
export function createFrontageService(deps: { db: DB; clock: Clock; assignments: AssignmentsService; settings: SettingsService }) {
  const { db, clock, assignments, settings } = deps;

  function statusOf(r: Pick<ContractRow, 'valid_to' | 'expires_on'>, today: string, warnDays: number): Status {
    if (r.valid_to !== null && r.valid_to < today) return 'ended';
    if (r.expires_on !== null && r.expires_on < today) return 'expired';
    if (r.expires_on !== null && r.expires_on <= addDays(today, warnDays)) return 'expiring';
    return 'active';
  }

  function view(actor: Actor, r: ContractRow, today: string, warnDays: number): FrontageContractView {
    const status = statusOf(r, today, warnDays);
    const write = can(actor, 'frontage.write') && unitInScope(actor, r.shop_path);
    return {
      id: r.id, assignmentId: r.assignment_id,
      shop: { id: r.shop_unit_id, name: r.shop_name, address: r.shop_address, lng: r.shop_lng, lat: r.shop_lat },
      duties: r.duties, signedOn: r.signed_on, signerName: r.signer_name, responsibleName: r.responsible_name,
      responsiblePhone: r.responsible_phone, platePosted: r.plate_posted, contractFileId: r.contract_file_id,
      validFrom: r.valid_from, validTo: r.valid_to, expiresOn: r.expires_on, status, renewedFromId: r.renewed_from_id,
      checks: r.checks, failedChecks: r.failed_checks, version: r.version,
      actions: actionsFor({ update: write && status !== 'ended', renew: write && status !== 'ended', end: write && status !== 'ended', check: write && status !== 'ended' }),
    };
  }

  async function load(ex: Executor, actor: Actor, id: number): Promise<ContractRow> {
    const r = await base(ex, actor.tenantId).where('c.id', '=', id).executeTakeFirst();
    if (!r) throw notFound('contract');
    if (!unitInScope(actor, r.shop_path)) throw new AppError(403, 'OUT_OF_SCOPE');
    return r;
  }

  async function checkDuties(actor: Actor, duties: string[]) {
    const allowed = (await settings.get(actor.tenantId)).frontageDuties;
    const unknown = duties.filter((d) => !allowed.includes(d));
    if (unknown.length) {
      throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'duties', rule: 'enum', message: `${unknown.join('、')} ∉ ${allowed.join('、')}` }]);
    }
  }

  async function checkFile(ex: Executor, actor: Actor, fileId: number | null | undefined) {
    if (fileId == null) return;
    const f = await ex.selectFrom('stored_file').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', fileId).executeTakeFirst();
    if (!f) throw new AppError(422, 'NOT_FOUND', { entity: 'file' }, [{ field: 'contractFileId', rule: 'exists', message: '' }]);
  }

  async function one(ex: Executor, actor: Actor, id: number) {
    const s = await settings.get(actor.tenantId);
    return view(actor, await load(ex, actor, id), todayIn(clock), s.contractExpiryWarningDays);
  }

  async function insertContract(tx: Executor, actor: Actor, body: CreateFrontageBody, renewedFromId: number | null, replacesAssignmentId: number | null, validTo: string | null) {
    if (body.expiresOn && body.expiresOn < body.validFrom) throw new AppError(422, 'PERIOD_INVALID', {}, [{ field: 'expiresOn', rule: 'period', message: '' }]);
    await assignments.checkParties(tx, actor, 'frontage', body.shopUnitId, body.shopUnitId, null);
    const assignmentId = await assignments.insert(tx, actor, {
      kind: 'frontage', targetId: body.shopUnitId, unitId: body.shopUnitId, personId: null,
      from: body.validFrom, to: validTo, note: null, replacesId: replacesAssignmentId,
    });
    const { id } = await tx.insertInto('frontage_contract').values({
      tenant_id: actor.tenantId, assignment_id: assignmentId, shop_unit_id: body.shopUnitId, duties: body.duties,
      signed_on: body.signedOn, signer_name: body.signerName, responsible_name: body.responsibleName ?? null,
      responsible_phone: body.responsiblePhone ?? null, plate_posted: body.platePosted ?? false,
      contract_file_id: body.contractFileId ?? null, expires_on: body.expiresOn ?? null, renewed_from_id: renewedFromId, updated_at: clock.now(),
    }).returning('id').executeTakeFirstOrThrow();
    return id;
  }

  return {
    async list(actor: Actor, f: FrontageListQuery) {
      const page = f.page ?? 1;
      const pageSize = f.pageSize ?? 20;
      const s = await settings.get(actor.tenantId);
      const today = todayIn(clock);
      const warnUntil = addDays(today, s.contractExpiryWarningDays);
      let q = base(db, actor.tenantId).where(unitScopeSql(actor, 'u.path'));
      if (f.q) {
        const like = `%${escapeLike(f.q)}%`;
        q = q.where((eb) => eb.or([eb('u.name', 'ilike', like), eb('u.address', 'ilike', like), eb('c.signer_name', 'ilike', like)]));
      }
      if (f.regionId) {
        q = q.where(sql<SqlBool>`exists (select 1 from region r where r.tenant_id = u.tenant_id and r.id = u.region_id
          and r.path like (select path from region where tenant_id = u.tenant_id and id = ${f.regionId}) || '%')`);
      }
      // The same rules as statusOf, in SQL, so the filter and the paging agree.
      if (f.status === 'ended') q = q.where('a.valid_to', '<', today);
      else {
        if (f.status) q = q.where((eb) => eb.or([eb('a.valid_to', 'is', null), eb('a.valid_to', '>=', today)]));
        if (f.status === 'expired') q = q.where('c.expires_on', '<', today);
        if (f.status === 'expiring') q = q.where('c.expires_on', '>=', today).where('c.expires_on', '<=', warnUntil);
        if (f.status === 'active') q = q.where((eb) => eb.or([eb('c.expires_on', 'is', null), eb('c.expires_on', '>', warnUntil)]));
      }
      const [rows, total] = await Promise.all([
        q.orderBy(sql`c.expires_on nulls last`).orderBy('c.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((r) => view(actor, r, today, s.contractExpiryWarningDays)),
        total: Number(total.n), page, pageSize,
        actions: actionsFor({ create: can(actor, 'frontage.write') }),
      };
    },

    get: (actor: Actor, id: number) => one(db, actor, id),

    async create(actor: Actor, body: CreateFrontageBody, ctx: AuditContext) {
      await checkDuties(actor, body.duties);
      return db.transaction().execute(async (tx) => {
        await checkFile(tx, actor, body.contractFileId);
        const id = await insertContract(tx, actor, body, null, null, null);
        const v = await one(tx, actor, id);
        await recordAudit(tx, ctx, { action: 'frontage.signed', entityType: 'contract', entityId: id, after: v });
        return v;
      });
    },

    /** Re-signing: the old contract's period closes the day before the new one starts. */
    async renew(actor: Actor, id: number, body: RenewFrontageBody, ctx: AuditContext) {
      return db.transaction().execute(async (tx) => {
        const old = await load(tx, actor, id);
        const s = await settings.get(actor.tenantId);
        const oldView = view(actor, old, todayIn(clock), s.contractExpiryWarningDays);
        if (!oldView.actions.includes('renew')) throw new AppError(oldView.status === 'ended' ? 409 : 403, oldView.status === 'ended' ? 'ASSIGNMENT_ENDED' : 'FORBIDDEN');
        if (old.version !== body.version) throw conflict();
        if (body.validFrom <= old.valid_from) throw new AppError(422, 'PERIOD_INVALID', {}, [{ field: 'validFrom', rule: 'after-current', message: '' }]);
        const duties = body.duties ?? old.duties;
        await checkDuties(actor, duties);
        await checkFile(tx, actor, body.contractFileId);
        await tx.updateTable('responsibility_assignment').set((eb) => ({ valid_to: addDays(body.validFrom, -1), updated_at: clock.now(), version: eb('version', '+', 1) }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', old.assignment_id).execute();
        await tx.updateTable('frontage_contract').set((eb) => ({ updated_at: clock.now(), version: eb('version', '+', 1) }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
        const newId = await insertContract(tx, actor, {
          shopUnitId: old.shop_unit_id, duties, signedOn: body.signedOn, signerName: body.signerName,
          responsibleName: old.responsible_name, responsiblePhone: old.responsible_phone,
          platePosted: body.platePosted ?? old.plate_posted, contractFileId: body.contractFileId ?? null,
          validFrom: body.validFrom, expiresOn: body.expiresOn ?? null,
        }, id, old.assignment_id, old.valid_to !== null && old.valid_to >= body.validFrom ? old.valid_to : null);
        const v = await one(tx, actor, newId);
        await recordAudit(tx, ctx, { action: 'frontage.renewed', entityType: 'contract', entityId: newId, before: oldView, after: v });
        return v;
      });
    },

    async end(actor: Actor, id: number, validTo: string, version: number, ctx: AuditContext) {
      return db.transaction().execute(async (tx) => {
        const old = await load(tx, actor, id);
        if (old.version !== version) throw conflict();
        if (validTo < old.valid_from) throw new AppError(422, 'PERIOD_INVALID', {}, [{ field: 'validTo', rule: 'period', message: '' }]);
        await tx.updateTable('responsibility_assignment').set((eb) => ({ valid_to: validTo, updated_at: clock.now(), version: eb('version', '+', 1) }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', old.assignment_id).execute();
        await tx.updateTable('frontage_contract').set((eb) => ({ updated_at: clock.now(), version: eb('version', '+', 1) }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
        const v = await one(tx, actor, id);
        await recordAudit(tx, ctx, { action: 'frontage.ended', entityType: 'contract', entityId: id, after: v });
        return v;
      });
    },

    async addCheck(actor: Actor, id: number, body: FrontageCheckBody, ctx: AuditContext): Promise<FrontageCheckView> {
      const contract = await one(db, actor, id);
      if (!contract.actions.includes('check')) throw new AppError(403, 'FORBIDDEN');
      const failed = body.failedDuties ?? [];
      const unknown = failed.filter((d) => !contract.duties.includes(d));
      if (unknown.length) throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'failedDuties', rule: 'enum', message: unknown.join('、') }]);
      return db.transaction().execute(async (tx) => {
        const row = await tx.insertInto('frontage_check').values({
          tenant_id: actor.tenantId, contract_id: id, checked_on: body.checkedOn, passed: body.passed, failed_duties: failed,
          note: body.note ?? null, penalty_yuan: body.penaltyYuan ?? null, source: 'manual', recorded_by: actor.userId,
        }).returning(['id', 'checked_on', 'passed', 'failed_duties', 'note', 'penalty_yuan', 'source']).executeTakeFirstOrThrow();
        await recordAudit(tx, ctx, { action: 'frontage.checked', entityType: 'contract', entityId: id, after: row });
        return { id: row.id, checkedOn: row.checked_on, passed: row.passed, failedDuties: row.failed_duties, note: row.note, penaltyYuan: row.penalty_yuan, source: row.source };
      });
    },

    async checks(actor: Actor, id: number): Promise<FrontageCheckView[]> {
      await load(db, actor, id);
      const rows = await db.selectFrom('frontage_check').selectAll().where('tenant_id', '=', actor.tenantId).where('contract_id', '=', id).orderBy('checked_on', 'desc').execute();
      return rows.map((r) => ({ id: r.id, checkedOn: r.checked_on, passed: r.passed, failedDuties: r.failed_duties, note: r.note, penaltyYuan: r.penalty_yuan, source: r.source }));
    },

    /** Located shops with the status of the contract valid on the date ('none' without one; 'ended' if only past ones). */
    async mapShops(actor: Actor, date?: string) {
      const s = await settings.get(actor.tenantId);
      const day = date ?? todayIn(clock);
      const warnUntil = addDays(day, s.contractExpiryWarningDays);
      const rows = await db.selectFrom('unit as u')
        .select(['u.id', 'u.name', 'u.lng', 'u.lat', sql<string | null>`(
          select case when c.expires_on < ${day}::date then 'expired'
                      when c.expires_on <= ${warnUntil}::date then 'expiring' else 'active' end
            from responsibility_assignment a
            join frontage_contract c on c.tenant_id = a.tenant_id and c.assignment_id = a.id
           where a.tenant_id = u.tenant_id and a.kind = 'frontage' and a.target_type = 'unit' and a.target_id = u.id
             and a.valid_from <= ${day}::date and (a.valid_to is null or a.valid_to >= ${day}::date)
           order by a.valid_from desc limit 1)`.as('status'), sql<boolean>`exists (
            select 1 from responsibility_assignment a where a.tenant_id = u.tenant_id and a.kind = 'frontage'
               and a.target_type = 'unit' and a.target_id = u.id and a.valid_to < ${day}::date)`.as('had_contract')])
        .where('u.tenant_id', '=', actor.tenantId).where('u.kind', '=', 'merchant').where('u.lng', 'is not', null)
        .where(unitScopeSql(actor, 'u.path')).orderBy('u.id').execute();
      return rows.map((r) => ({
        id: r.id, name: r.name, lng: r.lng!, lat: r.lat!,
        status: (r.status ?? (r.had_contract ? 'ended' : 'none')) as 'active' | 'expiring' | 'expired' | 'ended' | 'none',
      }));
    },

    async update(actor: Actor, id: number, body: UpdateFrontageBody, ctx: AuditContext) {
      return db.transaction().execute(async (tx) => {
        const before = await one(tx, actor, id);
        if (!before.actions.includes('update')) throw new AppError(before.status === 'ended' ? 409 : 403, before.status === 'ended' ? 'ASSIGNMENT_ENDED' : 'FORBIDDEN');
        if (body.duties) await checkDuties(actor, body.duties);
        await checkFile(tx, actor, body.contractFileId);
        if (body.expiresOn && body.expiresOn < before.validFrom) throw new AppError(422, 'PERIOD_INVALID', {}, [{ field: 'expiresOn', rule: 'period', message: '' }]);
        const ok = await tx.updateTable('frontage_contract').set((eb) => ({
          duties: body.duties ?? before.duties,
          plate_posted: body.platePosted ?? before.platePosted,
          responsible_name: body.responsibleName === undefined ? before.responsibleName : body.responsibleName,
          responsible_phone: body.responsiblePhone === undefined ? before.responsiblePhone : body.responsiblePhone,
          contract_file_id: body.contractFileId === undefined ? before.contractFileId : body.contractFileId,
          expires_on: body.expiresOn === undefined ? before.expiresOn : body.expiresOn,
          updated_at: clock.now(),
          version: eb('version', '+', 1),
        })).where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).returning('id').executeTakeFirst();
        if (!ok) throw conflict();
        const after = await one(tx, actor, id);
        await recordAudit(tx, ctx, { action: 'frontage.updated', entityType: 'contract', entityId: id, before, after });
        return after;
      });
    },
  };
}

export type FrontageService = ReturnType<typeof createFrontageService>;
