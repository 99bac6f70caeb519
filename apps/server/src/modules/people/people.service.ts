import type { CreatePersonBody, PersonListQuery, PersonView, UpdatePersonBody } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, assertUnitInScope, can, escapeLike, unitInScope, unitScopeSql } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { findUnit } from '../units/units.repository.js';

interface PersonRow {
  id: number; name: string; unit_id: number; unit_name: string; unit_path: string; position: string | null;
  phone: string | null; note: string | null; user_id: number | null; version: number;
}

function base(ex: Executor, tenantId: number) {
  return ex.selectFrom('person as p')
    .innerJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'p.tenant_id').onRef('u.id', '=', 'p.unit_id'))
    .leftJoin('app_user as au', (j) => j.onRef('au.tenant_id', '=', 'p.tenant_id').onRef('au.person_id', '=', 'p.id'))
    .select(['p.id', 'p.name', 'p.unit_id', 'u.name as unit_name', 'u.path as unit_path', 'p.position', 'p.phone', 'p.note', 'au.id as user_id', 'p.version'])
    .where('p.tenant_id', '=', tenantId);
}

/** People of the units (position, phone), optionally linked to a login account. */
export function createPeopleService({ db }: { db: DB }) {
  const view = (actor: Actor, p: PersonRow): PersonView => {
    const write = can(actor, 'person.write') && unitInScope(actor, p.unit_path);
    return {
      id: p.id, name: p.name, unit: { id: p.unit_id, name: p.unit_name }, position: p.position, phone: p.phone, note: p.note,
      userId: p.user_id, version: p.version, actions: actionsFor({ update: write, delete: write }),
    };
  };

  async function load(actor: Actor, id: number, ex: Executor = db): Promise<PersonRow> {
    const p = await base(ex, actor.tenantId).where('p.id', '=', id).executeTakeFirst();
    if (!p) throw notFound('person');
    assertUnitInScope(actor, p.unit_path);
    return p;
  }

  async function checkUnit(ex: Executor, actor: Actor, unitId: number) {
    const u = await findUnit(ex, actor.tenantId, unitId);
    if (!u) throw new AppError(422, 'NOT_FOUND', { entity: 'unit' }, [{ field: 'unitId', rule: 'exists', message: '' }]);
    assertUnitInScope(actor, u.path);
  }

  async function linkUser(ex: Executor, actor: Actor, personId: number, userId: number | null | undefined) {
    if (userId === undefined) return;
    await ex.updateTable('app_user').set({ person_id: null }).where('tenant_id', '=', actor.tenantId).where('person_id', '=', personId).execute();
    if (userId === null) return;
    const u = await ex.updateTable('app_user').set({ person_id: personId })
      .where('tenant_id', '=', actor.tenantId).where('id', '=', userId).returning('id').executeTakeFirst();
    if (!u) throw new AppError(422, 'NOT_FOUND', { entity: 'user' }, [{ field: 'userId', rule: 'exists', message: '' }]);
  }

  return {
    async list(actor: Actor, query: PersonListQuery) {
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? 20;
      let q = base(db, actor.tenantId).where(unitScopeSql(actor, 'u.path'));
      if (query.q) {
        const like = `%${escapeLike(query.q)}%`;
        q = q.where((eb) => eb.or([eb('p.name', 'ilike', like), eb('p.phone', 'ilike', like), eb('p.position', 'ilike', like)]));
      }
      if (query.unitId) q = q.where('p.unit_id', '=', query.unitId);
      const [items, total] = await Promise.all([
        q.orderBy('u.path').orderBy('p.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items.map((p) => view(actor, p)), total: Number(total.n), page, pageSize, actions: actionsFor({ create: can(actor, 'person.write') }) };
    },

    async get(actor: Actor, id: number) {
      return view(actor, await load(actor, id));
    },

    async create(actor: Actor, body: CreatePersonBody, ctx: AuditContext) {
      return db.transaction().execute(async (tx) => {
        await checkUnit(tx, actor, body.unitId);
        const { id } = await tx.insertInto('person').values({
          tenant_id: actor.tenantId, name: body.name, unit_id: body.unitId, position: body.position ?? null,
          phone: body.phone ?? null, note: body.note ?? null, updated_at: new Date(),
        }).returning('id').executeTakeFirstOrThrow();
        await linkUser(tx, actor, id, body.userId);
        const row = await load(actor, id, tx);
        await recordAudit(tx, ctx, { action: 'person.created', entityType: 'person', entityId: id, after: row });
        return view(actor, row);
      });
    },

    async update(actor: Actor, id: number, body: UpdatePersonBody, ctx: AuditContext) {
      const before = await load(actor, id);
      if (!view(actor, before).actions.includes('update')) throw new AppError(403, 'FORBIDDEN');
      return db.transaction().execute(async (tx) => {
        if (body.unitId) await checkUnit(tx, actor, body.unitId);
        const ok = await tx.updateTable('person').set((eb) => ({
          name: body.name ?? before.name,
          unit_id: body.unitId ?? before.unit_id,
          position: body.position === undefined ? before.position : body.position,
          phone: body.phone === undefined ? before.phone : body.phone,
          note: body.note === undefined ? before.note : body.note,
          updated_at: new Date(),
          version: eb('version', '+', 1),
        })).where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).returning('id').executeTakeFirst();
        if (!ok) throw conflict();
        await linkUser(tx, actor, id, body.userId);
        const after = await load(actor, id, tx);
        await recordAudit(tx, ctx, { action: 'person.updated', entityType: 'person', entityId: id, before, after });
        return view(actor, after);
      });
    },

    async remove(actor: Actor, id: number, ctx: AuditContext) {
      const before = await load(actor, id);
      if (!view(actor, before).actions.includes('delete')) throw new AppError(403, 'FORBIDDEN');
      await db.transaction().execute(async (tx) => {
        const used = await tx.selectFrom('responsibility_assignment').select('id').where('tenant_id', '=', actor.tenantId).where('responsible_person_id', '=', id).executeTakeFirst();
        const first = await tx.selectFrom('unit').select('id').where('tenant_id', '=', actor.tenantId).where('first_responsible_person_id', '=', id).executeTakeFirst();
        const chief = await tx.selectFrom('assessment_point').select('id').where('tenant_id', '=', actor.tenantId).where('chief_person_id', '=', id).executeTakeFirst();
        if (used || first || chief) throw new AppError(409, 'IN_USE', { entity: 'person' });
        await tx.updateTable('app_user').set({ person_id: null }).where('tenant_id', '=', actor.tenantId).where('person_id', '=', id).execute();
        await tx.deleteFrom('person').where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
        await recordAudit(tx, ctx, { action: 'person.deleted', entityType: 'person', entityId: id, before });
      });
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
