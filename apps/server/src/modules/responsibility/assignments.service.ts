import { sql, type Expression, type SqlBool } from 'kysely';
import {
  addDays,
  ASSIGNMENT_KIND_RULES,
  type AssignmentKind,
  type AssignmentListQuery,
  type AssignmentView,
  type CreateAssignmentBody,
  type EndAssignmentBody,
  type ReassignBody,
  type TargetType,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, can, escapeLike, regionInScope, unitInScope } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';

export interface AssignmentRow {
  id: number;
  kind: string;
  target_type: string;
  target_id: number;
  responsible_unit_id: number | null;
  responsible_person_id: number | null;
  valid_from: string;
  valid_to: string | null;
  note: string | null;
  replaces_id: number | null;
  version: number;
}

const COLUMNS = ['id', 'kind', 'target_type', 'target_id', 'responsible_unit_id', 'responsible_person_id', 'valid_from', 'valid_to', 'note', 'replaces_id', 'version'] as const;

// Building an Intl formatter costs about a millisecond: build it once.
const SHANGHAI_DATE = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' });
/** Today's calendar date in China. */
export function todayIn(clock: Clock): string {
  return SHANGHAI_DATE.format(clock.now());
}

interface Resolved {
  name: string;
  /** Unit path or region path that decides scope; null = only city-wide roles. */
  unitPath: string | null;
  regionPath: string | null;
}

/** Name and scope path of a target. */
export async function resolveTarget(ex: Executor, tenantId: number, type: TargetType, id: number): Promise<(Resolved & { level?: string }) | null> {
  switch (type) {
    case 'region': {
      const r = await ex.selectFrom('region').select(['name', 'path', 'level']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return r ? { name: r.name, unitPath: null, regionPath: r.path, level: r.level } : null;
    }
    case 'road_segment': {
      const r = await ex.selectFrom('road_segment as t')
        .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 't.tenant_id').onRef('r.id', '=', 't.region_id'))
        .select(['t.name', 'r.path']).where('t.tenant_id', '=', tenantId).where('t.id', '=', id).executeTakeFirst();
      return r ? { name: r.name, unitPath: null, regionPath: r.path } : null;
    }
    case 'zone': {
      const r = await ex.selectFrom('responsibility_zone as t')
        .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 't.tenant_id').onRef('r.id', '=', 't.region_id'))
        .select(['t.name', 'r.path']).where('t.tenant_id', '=', tenantId).where('t.id', '=', id).executeTakeFirst();
      return r ? { name: r.name, unitPath: null, regionPath: r.path } : null;
    }
    case 'unit': {
      const r = await ex.selectFrom('unit').select(['name', 'path']).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      return r ? { name: r.name, unitPath: r.path, regionPath: null } : null;
    }
  }
}

function resolvedInScope(actor: Actor, r: Resolved): boolean {
  if (actor.scope === 'tenant') return true;
  if (r.unitPath) return unitInScope(actor, r.unitPath);
  if (r.regionPath) return regionInScope(actor, r.regionPath);
  return false;
}

/** An assignment is visible when its target or its responsible unit lies in the caller's scope. */
export function assignmentScopeSql(actor: Actor, alias = 'a'): Expression<SqlBool> {
  if (actor.scope === 'tenant') return sql<SqlBool>`true`;
  const up = actor.scope === 'subtree' ? escapeLike(actor.unitPath) + '%' : actor.unitPath;
  const rp = actor.regionPath ? (actor.scope === 'subtree' ? escapeLike(actor.regionPath) + '%' : actor.regionPath) : null;
  const a = sql.table(alias);
  const unitMatch = (col: ReturnType<typeof sql.ref>) =>
    sql`exists (select 1 from unit u where u.tenant_id = ${a}.tenant_id and u.id = ${col} and u.path like ${up})`;
  const regionMatch = rp === null ? sql`false` : sql`(
      (${a}.target_type = 'region' and exists (select 1 from region r where r.tenant_id = ${a}.tenant_id and r.id = ${a}.target_id and r.path like ${rp}))
   or (${a}.target_type = 'road_segment' and exists (select 1 from road_segment s join region r on r.tenant_id = s.tenant_id and r.id = s.region_id
         where s.tenant_id = ${a}.tenant_id and s.id = ${a}.target_id and r.path like ${rp}))
   or (${a}.target_type = 'zone' and exists (select 1 from responsibility_zone z join region r on r.tenant_id = z.tenant_id and r.id = z.region_id
         where z.tenant_id = ${a}.tenant_id and z.id = ${a}.target_id and r.path like ${rp})))`;
  return sql<SqlBool>`(${regionMatch}
    or (${a}.target_type = 'unit' and ${unitMatch(sql.ref(`${alias}.target_id`))})
    or ${unitMatch(sql.ref(`${alias}.responsible_unit_id`))})`;
}

/** Names for a page of assignments, fetched in three queries rather than one per row. */
export async function assignmentViews(ex: Executor, actor: Actor, rows: AssignmentRow[], today: string): Promise<AssignmentView[]> {
  const ids = (pred: (r: AssignmentRow) => number | null) => [...new Set(rows.map(pred).filter((x): x is number => x !== null))];
  const unitIds = ids((r) => r.responsible_unit_id).concat(ids((r) => (r.target_type === 'unit' ? r.target_id : null)));
  const personIds = ids((r) => r.responsible_person_id);
  const regionIds = ids((r) => (r.target_type === 'region' ? r.target_id : null));
  const segmentIds = ids((r) => (r.target_type === 'road_segment' ? r.target_id : null));
  const zoneIds = ids((r) => (r.target_type === 'zone' ? r.target_id : null));
  const t = actor.tenantId;
  const [units, persons, regions, segments, zones] = await Promise.all([
    unitIds.length ? ex.selectFrom('unit').select(['id', 'name', 'path']).where('tenant_id', '=', t).where('id', 'in', unitIds).execute() : [],
    personIds.length ? ex.selectFrom('person').select(['id', 'name', 'position']).where('tenant_id', '=', t).where('id', 'in', personIds).execute() : [],
    regionIds.length ? ex.selectFrom('region').select(['id', 'name', 'path']).where('tenant_id', '=', t).where('id', 'in', regionIds).execute() : [],
    segmentIds.length ? ex.selectFrom('road_segment as s').leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.id', '=', 's.region_id'))
      .select(['s.id', 's.name', 'r.path']).where('s.tenant_id', '=', t).where('s.id', 'in', segmentIds).execute() : [],
    zoneIds.length ? ex.selectFrom('responsibility_zone as z').leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'z.tenant_id').onRef('r.id', '=', 'z.region_id'))
      .select(['z.id', 'z.name', 'r.path']).where('z.tenant_id', '=', t).where('z.id', 'in', zoneIds).execute() : [],
  ]);
  const byId = <T extends { id: number }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
  const U = byId(units), P = byId(persons), R = byId(regions), S = byId(segments), Z = byId(zones);
  return rows.map((r) => {
    let target: Resolved;
    if (r.target_type === 'region') target = { name: R.get(r.target_id)?.name ?? '?', unitPath: null, regionPath: R.get(r.target_id)?.path ?? null };
    else if (r.target_type === 'road_segment') target = { name: S.get(r.target_id)?.name ?? '?', unitPath: null, regionPath: S.get(r.target_id)?.path ?? null };
    else if (r.target_type === 'zone') target = { name: Z.get(r.target_id)?.name ?? '?', unitPath: null, regionPath: Z.get(r.target_id)?.path ?? null };
    else target = { name: U.get(r.target_id)?.name ?? '?', unitPath: U.get(r.target_id)?.path ?? null, regionPath: null };
    const ended = r.valid_to !== null && r.valid_to < today;
    const write = can(actor, 'assignment.write') && resolvedInScope(actor, target) && !ended;
    const unit = r.responsible_unit_id ? U.get(r.responsible_unit_id) : undefined;
    const person = r.responsible_person_id ? P.get(r.responsible_person_id) : undefined;
    return {
      id: r.id,
      kind: r.kind as AssignmentKind,
      target: { type: r.target_type as TargetType, id: r.target_id, name: target.name },
      responsibleUnit: unit ? { id: unit.id, name: unit.name } : null,
      responsiblePerson: person ? { id: person.id, name: person.name, position: person.position } : null,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      note: r.note,
      replacesId: r.replaces_id,
      version: r.version,
      actions: actionsFor({ end: write && r.kind !== 'frontage', reassign: write && r.kind !== 'frontage' }),
    };
  });
}

export function createAssignmentsService({ db, clock }: { db: DB; clock: Clock }) {
  async function load(ex: Executor, actor: Actor, id: number): Promise<AssignmentRow> {
    const r = await ex.selectFrom('responsibility_assignment as a').select(COLUMNS.map((c) => `a.${c}` as const))
      .where('a.tenant_id', '=', actor.tenantId).where('a.id', '=', id).where(assignmentScopeSql(actor)).executeTakeFirst();
    if (!r) {
      const exists = await ex.selectFrom('responsibility_assignment').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', id).executeTakeFirst();
      throw exists ? new AppError(403, 'OUT_OF_SCOPE') : notFound('assignment');
    }
    return r;
  }

  /** Check target and party against the kind's rule and the caller's scope. */
  async function checkParties(ex: Executor, actor: Actor, kind: AssignmentKind, targetId: number, unitId: number | null, personId: number | null) {
    const rule = ASSIGNMENT_KIND_RULES[kind];
    const target = await resolveTarget(ex, actor.tenantId, rule.target, targetId);
    if (!target) throw new AppError(422, 'ASSIGNMENT_TARGET_INVALID', { reason: `${rule.target} ${targetId} not found` }, [{ field: 'targetId', rule: 'exists', message: '' }]);
    if (rule.targetLevel && target.level !== rule.targetLevel) {
      throw new AppError(422, 'ASSIGNMENT_TARGET_INVALID', { reason: `${rule.label['zh-CN']} → ${rule.targetLevel}` }, [{ field: 'targetId', rule: 'level', message: '' }]);
    }
    if (!resolvedInScope(actor, target)) throw new AppError(403, 'OUT_OF_SCOPE');
    if (rule.responsible === 'unit' && (personId !== null || unitId === null)) {
      throw new AppError(422, 'ASSIGNMENT_PARTY_INVALID', { reason: 'unit' }, [{ field: 'responsibleUnitId', rule: 'required', message: '' }]);
    }
    if (rule.responsible === 'person' && personId === null) {
      throw new AppError(422, 'ASSIGNMENT_PARTY_INVALID', { reason: 'person' }, [{ field: 'responsiblePersonId', rule: 'required', message: '' }]);
    }
    if (unitId === null && personId === null) {
      throw new AppError(422, 'ASSIGNMENT_PARTY_INVALID', { reason: 'unit / person' }, [{ field: 'responsibleUnitId', rule: 'required', message: '' }]);
    }
    if (unitId !== null) {
      const u = await resolveTarget(ex, actor.tenantId, 'unit', unitId);
      if (!u) throw new AppError(422, 'NOT_FOUND', { entity: 'unit' }, [{ field: 'responsibleUnitId', rule: 'exists', message: '' }]);
      if (!resolvedInScope(actor, u)) throw new AppError(403, 'OUT_OF_SCOPE');
    }
    if (personId !== null) {
      const p = await ex.selectFrom('person as p').innerJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'p.tenant_id').onRef('u.id', '=', 'p.unit_id'))
        .select(['u.path']).where('p.tenant_id', '=', actor.tenantId).where('p.id', '=', personId).executeTakeFirst();
      if (!p) throw new AppError(422, 'NOT_FOUND', { entity: 'person' }, [{ field: 'responsiblePersonId', rule: 'exists', message: '' }]);
      if (actor.scope !== 'tenant' && !unitInScope(actor, p.path)) throw new AppError(403, 'OUT_OF_SCOPE');
    }
    return target;
  }

  /** Insert, turning an exclusion-constraint violation into a message naming the clash. */
  async function insert(ex: Executor, actor: Actor, v: {
    kind: AssignmentKind; targetId: number; unitId: number | null; personId: number | null; from: string; to: string | null; note: string | null; replacesId: number | null;
  }): Promise<number> {
    if (v.to !== null && v.to < v.from) throw new AppError(422, 'PERIOD_INVALID', {}, [{ field: 'validTo', rule: 'period', message: '' }]);
    const rule = ASSIGNMENT_KIND_RULES[v.kind];
    try {
      await sql`savepoint assignment_insert`.execute(ex);
      const { id } = await ex.insertInto('responsibility_assignment').values({
        tenant_id: actor.tenantId, kind: v.kind, target_type: rule.target, target_id: v.targetId,
        responsible_unit_id: v.unitId, responsible_person_id: v.personId, valid_from: v.from, valid_to: v.to,
        exclusive: rule.exclusive, note: v.note, replaces_id: v.replacesId, created_by: actor.userId, updated_at: clock.now(),
      }).returning('id').executeTakeFirstOrThrow();
      await sql`release savepoint assignment_insert`.execute(ex);
      return id;
    } catch (err) {
      if ((err as { code?: string }).code !== '23P01') throw err;
      await sql`rollback to savepoint assignment_insert`.execute(ex);
      const clash = await ex.selectFrom('responsibility_assignment as a')
        .leftJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'a.tenant_id').onRef('u.id', '=', 'a.responsible_unit_id'))
        .leftJoin('person as p', (j) => j.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.id', '=', 'a.responsible_person_id'))
        .select(['a.id', 'a.valid_from', 'a.valid_to', 'u.name as unit_name', 'p.name as person_name'])
        .where('a.tenant_id', '=', actor.tenantId).where('a.kind', '=', v.kind).where('a.target_id', '=', v.targetId)
        .where(sql<SqlBool>`daterange(a.valid_from, a.valid_to, '[]') && daterange(${v.from}::date, ${v.to}::date, '[]')`)
        .orderBy('a.valid_from').executeTakeFirst();
      throw new AppError(409, 'ASSIGNMENT_OVERLAP', {
        party: clash?.unit_name ?? clash?.person_name ?? '?', from: clash?.valid_from ?? '?', to: clash?.valid_to ?? '—',
      }, { conflictingAssignmentId: clash?.id ?? null });
    }
  }

  return {
    async list(actor: Actor, f: AssignmentListQuery) {
      const page = f.page ?? 1;
      const pageSize = f.pageSize ?? 50;
      let q = db.selectFrom('responsibility_assignment as a').where('a.tenant_id', '=', actor.tenantId).where(assignmentScopeSql(actor));
      if (f.kind) q = q.where('a.kind', '=', f.kind);
      if (f.targetType) q = q.where('a.target_type', '=', f.targetType);
      if (f.targetId) q = q.where('a.target_id', '=', f.targetId);
      if (f.unitId) q = q.where('a.responsible_unit_id', '=', f.unitId);
      if (f.personId) q = q.where('a.responsible_person_id', '=', f.personId);
      if (f.date) q = q.where('a.valid_from', '<=', f.date).where((eb) => eb.or([eb('a.valid_to', 'is', null), eb('a.valid_to', '>=', f.date!)]));
      const [rows, total] = await Promise.all([
        q.select(COLUMNS.map((c) => `a.${c}` as const)).orderBy('a.target_type').orderBy('a.target_id').orderBy('a.valid_from', 'desc')
          .limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: await assignmentViews(db, actor, rows, todayIn(clock)),
        total: Number(total.n), page, pageSize,
        actions: actionsFor({ create: can(actor, 'assignment.write') }),
      };
    },

    async get(actor: Actor, id: number) {
      const [v] = await assignmentViews(db, actor, [await load(db, actor, id)], todayIn(clock));
      return v!;
    },

    async create(actor: Actor, body: CreateAssignmentBody, ctx: AuditContext) {
      if (body.kind === 'frontage') {
        throw new AppError(422, 'ASSIGNMENT_TARGET_INVALID', { reason: 'frontage → /frontage-contracts' }, [{ field: 'kind', rule: 'use-contracts', message: '' }]);
      }
      return db.transaction().execute(async (tx) => {
        const unitId = body.responsibleUnitId ?? null;
        const personId = body.responsiblePersonId ?? null;
        await checkParties(tx, actor, body.kind, body.targetId, unitId, personId);
        const id = await insert(tx, actor, { kind: body.kind, targetId: body.targetId, unitId, personId, from: body.validFrom, to: body.validTo ?? null, note: body.note ?? null, replacesId: null });
        const row = await load(tx, actor, id);
        await recordAudit(tx, ctx, { action: 'assignment.created', entityType: 'assignment', entityId: id, after: row });
        const [v] = await assignmentViews(tx, actor, [row], todayIn(clock));
        return v!;
      });
    },

    /** Close the period on a date; the row stays as history. */
    async end(actor: Actor, id: number, body: EndAssignmentBody, ctx: AuditContext) {
      return db.transaction().execute(async (tx) => {
        const before = await load(tx, actor, id);
        const [v] = await assignmentViews(tx, actor, [before], todayIn(clock));
        if (!v!.actions.includes('end')) throw new AppError(before.valid_to && before.valid_to < todayIn(clock) ? 409 : 403, before.valid_to && before.valid_to < todayIn(clock) ? 'ASSIGNMENT_ENDED' : 'FORBIDDEN');
        if (body.validTo < before.valid_from) throw new AppError(422, 'PERIOD_INVALID', {}, [{ field: 'validTo', rule: 'period', message: '' }]);
        const ok = await tx.updateTable('responsibility_assignment').set((eb) => ({ valid_to: body.validTo, updated_at: clock.now(), version: eb('version', '+', 1) }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).returning('id').executeTakeFirst();
        if (!ok) throw conflict();
        const after = await load(tx, actor, id);
        await recordAudit(tx, ctx, { action: 'assignment.ended', entityType: 'assignment', entityId: id, before, after });
        const [view] = await assignmentViews(tx, actor, [after], todayIn(clock));
        return view!;
      });
    },

    /** Hand over from a date: the old period closes the day before, a new one opens. */
    async reassign(actor: Actor, id: number, body: ReassignBody, ctx: AuditContext) {
      return db.transaction().execute(async (tx) => {
        const before = await load(tx, actor, id);
        const [v] = await assignmentViews(tx, actor, [before], todayIn(clock));
        if (!v!.actions.includes('reassign')) throw new AppError(403, 'FORBIDDEN');
        if (body.from <= before.valid_from || (before.valid_to !== null && body.from > before.valid_to)) {
          throw new AppError(422, 'PERIOD_INVALID', {}, [{ field: 'from', rule: 'within-period', message: '' }]);
        }
        const kind = before.kind as AssignmentKind;
        const unitId = body.responsibleUnitId ?? null;
        const personId = body.responsiblePersonId ?? null;
        await checkParties(tx, actor, kind, before.target_id, unitId, personId);
        const ok = await tx.updateTable('responsibility_assignment').set((eb) => ({ valid_to: addDays(body.from, -1), updated_at: clock.now(), version: eb('version', '+', 1) }))
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).returning('id').executeTakeFirst();
        if (!ok) throw conflict();
        const newId = await insert(tx, actor, { kind, targetId: before.target_id, unitId, personId, from: body.from, to: before.valid_to, note: body.note ?? null, replacesId: id });
        const closed = await load(tx, actor, id);
        const opened = await load(tx, actor, newId);
        await recordAudit(tx, ctx, { action: 'assignment.ended', entityType: 'assignment', entityId: id, before, after: closed });
        await recordAudit(tx, ctx, { action: 'assignment.created', entityType: 'assignment', entityId: newId, after: opened });
        const [view] = await assignmentViews(tx, actor, [opened], todayIn(clock));
        return view!;
      });
    },

    /** Every period of one target, newest first: the timeline page. */
    async history(actor: Actor, targetType: TargetType, targetId: number) {
      const target = await resolveTarget(db, actor.tenantId, targetType, targetId);
      if (!target) throw notFound(targetType === 'road_segment' ? 'segment' : targetType);
      if (!resolvedInScope(actor, target)) throw new AppError(403, 'OUT_OF_SCOPE');
      const rows = await db.selectFrom('responsibility_assignment').select(COLUMNS)
        .where('tenant_id', '=', actor.tenantId).where('target_type', '=', targetType).where('target_id', '=', targetId)
        .orderBy('valid_from', 'desc').execute();
      return { target: { type: targetType, id: targetId, name: target.name }, items: await assignmentViews(db, actor, rows, todayIn(clock)) };
    },

    insert,
    checkParties,
    load,
  };
}

export type AssignmentsService = ReturnType<typeof createAssignmentsService>;
