import type { CreateUnitBody, MerchantTrade, UnitKind, UnitListQuery, UnitView, UpdateUnitBody } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, assertRegionInScope, assertUnitInScope, can, unitInScope, unitScopeSql } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { findRegion } from '../regions/regions.repository.js';
import { bumpGeoVersion } from '../geo/geo-version.js';
import { countUnitDependants, findUnit, insertUnit, listUnits, type UnitRow } from './units.repository.js';

export function createUnitsService({ db }: { db: DB }) {
  function view(actor: Actor, u: UnitRow): UnitView {
    // A user may edit units below their own, not their own unit's identity (a community cannot rename itself).
    const write = can(actor, 'unit.write') && unitInScope(actor, u.path) && (actor.scope === 'tenant' || u.path !== actor.unitPath);
    return {
      id: u.id,
      parentId: u.parent_id,
      kind: u.kind as UnitKind,
      code: u.code,
      name: u.name,
      regionId: u.region_id,
      regionName: u.region_name,
      address: u.address,
      contactName: u.contact_name,
      contactPhone: u.contact_phone,
      lng: u.lng,
      lat: u.lat,
      firstResponsiblePerson: u.first_responsible_person_id ? { id: u.first_responsible_person_id, name: u.first_person_name ?? '' } : null,
      trade: u.trade as MerchantTrade | null,
      version: u.version,
      actions: actionsFor({ update: write, delete: write, 'create-child': can(actor, 'unit.write') && unitInScope(actor, u.path) }),
    };
  }

  async function load(actor: Actor, id: number): Promise<UnitRow> {
    const u = await findUnit(db, actor.tenantId, id);
    if (!u) throw notFound('unit');
    assertUnitInScope(actor, u.path);
    return u;
  }

  async function checkRegion(ex: Executor, actor: Actor, regionId: number | null | undefined) {
    if (regionId === null || regionId === undefined) return;
    const r = await findRegion(ex, actor.tenantId, regionId);
    if (!r) throw new AppError(422, 'NOT_FOUND', { entity: 'region' }, [{ field: 'regionId', rule: 'exists', message: '' }]);
    if (actor.scope !== 'tenant') assertRegionInScope(actor, r.path);
  }

  async function checkPerson(ex: Executor, actor: Actor, personId: number | null | undefined) {
    if (personId === null || personId === undefined) return;
    const p = await ex.selectFrom('person').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', personId).executeTakeFirst();
    if (!p) throw new AppError(422, 'NOT_FOUND', { entity: 'person' }, [{ field: 'firstResponsiblePersonId', rule: 'exists', message: '' }]);
  }

  function checkLocation(body: { lng?: number | null; lat?: number | null }) {
    if ((body.lng === undefined) !== (body.lat === undefined) || (body.lng === null) !== (body.lat === null)) {
      throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: body.lng == null ? 'lng' : 'lat', rule: 'pair', message: '' }]);
    }
  }

  async function assertCodeFree(ex: Executor, actor: Actor, code: string) {
    const dup = await ex.selectFrom('unit').select('id').where('tenant_id', '=', actor.tenantId).where('code', '=', code).executeTakeFirst();
    if (dup) throw new AppError(409, 'DUPLICATE', { field: 'code', value: code }, [{ field: 'code', rule: 'unique', message: '' }]);
  }

  return {
    async list(actor: Actor, query: UnitListQuery) {
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? 20;
      const { items, total } = await listUnits(db, actor.tenantId, unitScopeSql(actor, 'u.path'), query, page, pageSize);
      return {
        items: items.map((u) => view(actor, u)),
        total,
        page,
        pageSize,
        actions: actionsFor({ create: can(actor, 'unit.write') }),
      };
    },

    async get(actor: Actor, id: number) {
      return view(actor, await load(actor, id));
    },

    async create(actor: Actor, body: CreateUnitBody, ctx: AuditContext) {
      let parentPath: string | null = null;
      if (body.parentId === null) {
        if (actor.scope !== 'tenant') throw new AppError(403, 'OUT_OF_SCOPE');
      } else {
        const parent = await findUnit(db, actor.tenantId, body.parentId);
        if (!parent) throw new AppError(422, 'INVALID_PARENT', { entity: 'unit', reason: 'not found' }, [{ field: 'parentId', rule: 'exists', message: '' }]);
        assertUnitInScope(actor, parent.path);
        parentPath = parent.path;
      }
      checkLocation(body);
      return db.transaction().execute(async (tx) => {
        await checkRegion(tx, actor, body.regionId);
        await checkPerson(tx, actor, body.firstResponsiblePersonId);
        await assertCodeFree(tx, actor, body.code);
        const id = await insertUnit(tx, actor.tenantId, { ...body, parentPath, regionId: body.regionId ?? null });
        if (body.lng != null) await bumpGeoVersion(tx, actor.tenantId);
        const row = (await findUnit(tx, actor.tenantId, id))!;
        await recordAudit(tx, ctx, { action: 'unit.created', entityType: 'unit', entityId: id, after: row });
        return view(actor, row);
      });
    },

    async update(actor: Actor, id: number, body: UpdateUnitBody, ctx: AuditContext) {
      const before = await load(actor, id);
      if (!view(actor, before).actions.includes('update')) throw new AppError(403, 'FORBIDDEN');
      checkLocation(body);
      return db.transaction().execute(async (tx) => {
        await checkRegion(tx, actor, body.regionId);
        await checkPerson(tx, actor, body.firstResponsiblePersonId);
        if (body.code && body.code !== before.code) await assertCodeFree(tx, actor, body.code);
        const updated = await tx.updateTable('unit')
          .set((eb) => ({
            name: body.name ?? before.name,
            code: body.code ?? before.code,
            region_id: body.regionId === undefined ? before.region_id : body.regionId,
            address: body.address === undefined ? before.address : body.address,
            contact_name: body.contactName === undefined ? before.contact_name : body.contactName,
            contact_phone: body.contactPhone === undefined ? before.contact_phone : body.contactPhone,
            lng: body.lng === undefined ? before.lng : body.lng,
            lat: body.lat === undefined ? before.lat : body.lat,
            trade: body.trade === undefined ? before.trade : body.trade,
            first_responsible_person_id: body.firstResponsiblePersonId === undefined ? before.first_responsible_person_id : body.firstResponsiblePersonId,
            updated_at: new Date(),
            version: eb('version', '+', 1),
          }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version)
          .returning('id')
          .executeTakeFirst();
        if (!updated) throw conflict();
        if (body.lng !== undefined && (body.lng !== before.lng || body.lat !== before.lat)) await bumpGeoVersion(tx, actor.tenantId);
        const after = (await findUnit(tx, actor.tenantId, id))!;
        await recordAudit(tx, ctx, { action: 'unit.updated', entityType: 'unit', entityId: id, before, after });
        return view(actor, after);
      });
    },

    async remove(actor: Actor, id: number, ctx: AuditContext) {
      const before = await load(actor, id);
      if (!view(actor, before).actions.includes('delete')) throw new AppError(403, 'FORBIDDEN');
      await db.transaction().execute(async (tx) => {
        const deps = await countUnitDependants(tx, actor.tenantId, id);
        if (deps.children > 0) throw new AppError(409, 'HAS_CHILDREN', { entity: 'unit' });
        if (deps.users > 0) throw new AppError(409, 'IN_USE', { entity: 'unit' });
        await tx.deleteFrom('unit').where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
        if (before.lng !== null) await bumpGeoVersion(tx, actor.tenantId);
        await recordAudit(tx, ctx, { action: 'unit.deleted', entityType: 'unit', entityId: id, before });
      });
    },
  };
}

export type UnitsService = ReturnType<typeof createUnitsService>;
