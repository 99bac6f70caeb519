import { childLevelOf, type CreateRegionBody, type RegionLevel, type RegionView, type UpdateRegionBody } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, assertRegionInScope, can, regionInScope, regionScopeSql } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { DB } from '../../platform/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { countRegionDependants, findRegion, insertRegion, listRegions, type RegionRow } from './regions.repository.js';

export function createRegionsService({ db }: { db: DB }) {
  function view(actor: Actor, r: RegionRow): RegionView {
    const write = can(actor, 'region.write') && regionInScope(actor, r.path);
    return {
      id: r.id,
      parentId: r.parent_id,
      level: r.level as RegionLevel,
      code: r.code,
      name: r.name,
      hasGeometry: r.has_geometry,
      population: r.population,
      version: r.version,
      actions: actionsFor({ update: write, delete: write, 'create-child': write && childLevelOf(r.level as RegionLevel) !== null }),
    };
  }

  async function get(actor: Actor, id: number): Promise<RegionRow> {
    const r = await findRegion(db, actor.tenantId, id);
    if (!r) throw notFound('region');
    assertRegionInScope(actor, r.path);
    return r;
  }

  return {
    async list(actor: Actor) {
      const rows = await listRegions(db, actor.tenantId, actor.scope === 'tenant' ? null : regionScopeSql(actor, 'path'));
      return {
        items: rows.map((r) => view(actor, r)),
        actions: actionsFor({ create: can(actor, 'region.write') && actor.scope === 'tenant' }),
      };
    },

    async get(actor: Actor, id: number) {
      return view(actor, await get(actor, id));
    },

    async create(actor: Actor, body: CreateRegionBody, ctx: AuditContext) {
      let parentPath: string | null = null;
      if (body.parentId === null) {
        if (body.level !== 'county') throw new AppError(422, 'INVALID_PARENT', { entity: 'region', reason: 'top level must be county' }, [{ field: 'parentId', rule: 'level', message: '' }]);
        if (actor.scope !== 'tenant') throw new AppError(403, 'OUT_OF_SCOPE');
      } else {
        const parent = await findRegion(db, actor.tenantId, body.parentId);
        if (!parent) throw new AppError(422, 'INVALID_PARENT', { entity: 'region', reason: 'not found' }, [{ field: 'parentId', rule: 'exists', message: '' }]);
        assertRegionInScope(actor, parent.path);
        const expected = childLevelOf(parent.level as RegionLevel);
        if (expected !== body.level) {
          throw new AppError(422, 'INVALID_PARENT', { entity: 'region', reason: `${parent.level} → ${expected ?? '—'}` }, [{ field: 'level', rule: 'level', message: '' }]);
        }
        parentPath = parent.path;
      }
      return db.transaction().execute(async (tx) => {
        const dup = await tx.selectFrom('region').select('id').where('tenant_id', '=', actor.tenantId).where('code', '=', body.code).executeTakeFirst();
        if (dup) throw new AppError(409, 'DUPLICATE', { field: 'code', value: body.code }, [{ field: 'code', rule: 'unique', message: '' }]);
        const row = await insertRegion(tx, actor.tenantId, { parentId: body.parentId, parentPath, level: body.level, code: body.code, name: body.name, population: body.population ?? null });
        await recordAudit(tx, ctx, { action: 'region.created', entityType: 'region', entityId: row.id, after: row });
        return view(actor, row);
      });
    },

    async update(actor: Actor, id: number, body: UpdateRegionBody, ctx: AuditContext) {
      const before = await get(actor, id);
      return db.transaction().execute(async (tx) => {
        if (body.code && body.code !== before.code) {
          const dup = await tx.selectFrom('region').select('id').where('tenant_id', '=', actor.tenantId).where('code', '=', body.code).executeTakeFirst();
          if (dup) throw new AppError(409, 'DUPLICATE', { field: 'code', value: body.code }, [{ field: 'code', rule: 'unique', message: '' }]);
        }
        const updated = await tx.updateTable('region')
          .set((eb) => ({
            code: body.code ?? before.code,
            name: body.name ?? before.name,
            population: body.population === undefined ? before.population : body.population,
            updated_at: new Date(),
            version: eb('version', '+', 1),
          }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version)
          .returning('id')
          .executeTakeFirst();
        if (!updated) throw conflict();
        const after = (await findRegion(tx, actor.tenantId, id))!;
        await recordAudit(tx, ctx, { action: 'region.updated', entityType: 'region', entityId: id, before, after });
        return view(actor, after);
      });
    },

    async remove(actor: Actor, id: number, ctx: AuditContext) {
      const before = await get(actor, id);
      await db.transaction().execute(async (tx) => {
        const deps = await countRegionDependants(tx, actor.tenantId, id);
        if (deps.children > 0) throw new AppError(409, 'HAS_CHILDREN', { entity: 'region' });
        if (deps.units > 0) throw new AppError(409, 'IN_USE', { entity: 'region' });
        await tx.deleteFrom('region').where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
        await recordAudit(tx, ctx, { action: 'region.deleted', entityType: 'region', entityId: id, before });
      });
    },
  };
}

export type RegionsService = ReturnType<typeof createRegionsService>;
