import {
  localDate, planShapeProblem, recurrenceProblem, windowsBetween, type CoverageBoard, type RecheckSpec, type RecheckWindowView, type CreatePlanBody, type CreatePointBody, type PlanCoverage, type PlanKind, type PlanListQuery,
  type PlanMode, type PlanView, type PointListQuery, type PointTypeBody, type PointTypeView, type PointView, type Recurrence, type TargetSpec, type UpdatePlanBody,
  type UpdatePointBody,
} from '@cc/domain';
import { sql } from 'kysely';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, can, escapeLike, unitInScope } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { RoutingService } from '../responsibility/routing.service.js';
import { sampleRecheckPlan } from './recheck-sampling.js';
import { publicTarget, resolveTargets, targetKey, type ResolvedTarget } from './targets.js';

export type PlanRow = {
  id: number; name: string; kind: string; edition_id: number | null; mode: string; recurrence: unknown; targets: unknown; recheck: unknown; owner_unit_id: number; team_user_ids: number[];
  starts_on: string; ends_on: string | null; reopen_hours: number; active: boolean; version: number; owner_path: string; owner_name: string;
};

/**
 * Who may see a plan: the whole city's staff, the unit that runs it (and above), its team, and —
 * for an announced plan without a team — the inspectors of the units below the one running it
 * (the communities of a street scoring the units inside them, 门内达标).
 */
export function planVisible(actor: Actor, plan: Pick<PlanRow, 'owner_path' | 'team_user_ids' | 'mode'>): boolean {
  if (actor.scope === 'tenant' || unitInScope(actor, plan.owner_path) || plan.team_user_ids.map(Number).includes(actor.userId)) return true;
  return plan.mode === 'announced' && plan.team_user_ids.length === 0 && can(actor, 'inspection.perform') && actor.unitPath.startsWith(plan.owner_path);
}

/**
 * Who may score a target of a plan: its team; without a team, the city's inspectors, or (for
 * announced plans) staff of a unit above the target — never the target's own staff.
 */
export function mayPerform(actor: Actor, plan: Pick<PlanRow, 'team_user_ids' | 'mode'>, target: Pick<ResolvedTarget, 'unitPath'>): boolean {
  if (!can(actor, 'inspection.perform')) return false;
  if (plan.team_user_ids.length) return plan.team_user_ids.map(Number).includes(actor.userId);
  if (actor.scope === 'tenant') return true;
  if (plan.mode !== 'announced' || actor.scope !== 'subtree' || !target.unitPath) return false;
  return target.unitPath.startsWith(actor.unitPath) && target.unitPath !== actor.unitPath;
}

export function createPlansService(deps: { db: DB; clock: Clock; routing: RoutingService }) {
  const { db, clock, routing } = deps;
  const today = () => localDate(clock.now());

  const planQuery = (ex: Executor, tenantId: number) => ex.selectFrom('inspection_plan as p')
    .innerJoin('unit as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.owner_unit_id'))
    .select(['p.id', 'p.name', 'p.kind', 'p.edition_id', 'p.mode', 'p.recurrence', 'p.targets', 'p.recheck', 'p.owner_unit_id', 'p.team_user_ids', 'p.starts_on', 'p.ends_on',
      'p.reopen_hours', 'p.active', 'p.version', 'o.path as owner_path', 'o.name as owner_name'])
    .where('p.tenant_id', '=', tenantId);

  /** A plan the actor may see; an unannounced plan is not found for anyone else. */
  async function planRow(actor: Actor, id: number, ex: Executor = db): Promise<PlanRow> {
    const p = await planQuery(ex, actor.tenantId).where('p.id', '=', id).executeTakeFirst();
    if (!p || !planVisible(actor, p)) throw notFound('plan');
    return p as PlanRow;
  }

  async function views(actor: Actor, rows: PlanRow[], ex: Executor = db): Promise<PlanView[]> {
    if (!rows.length) return [];
    const editionIds = [...new Set(rows.flatMap((r) => (r.edition_id === null ? [] : [r.edition_id])))];
    const editions = !editionIds.length ? [] : await ex.selectFrom('standard_edition as e').innerJoin('standard as s', (j) => j.onRef('s.tenant_id', '=', 'e.tenant_id').onRef('s.id', '=', 'e.standard_id'))
      .select(['e.id', 'e.label', 's.id as standard_id', 's.name']).where('e.tenant_id', '=', actor.tenantId).where('e.id', 'in', editionIds).execute();
    const userIds = [...new Set(rows.flatMap((r) => r.team_user_ids.map(Number)))];
    const users = userIds.length ? await ex.selectFrom('app_user').select(['id', 'display_name']).where('tenant_id', '=', actor.tenantId).where('id', 'in', userIds).execute() : [];
    const unpublished = await ex.selectFrom('inspection').select(['plan_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', actor.tenantId).where('plan_id', 'in', rows.map((r) => r.id)).where('state', '=', 'submitted').where('published_at', 'is', null)
      .groupBy('plan_id').execute();
    const specs = rows.map((r) => r.recheck as RecheckSpec | null).filter((x): x is RecheckSpec => x !== null);
    const regionIds = [...new Set(specs.flatMap((x) => x.regionIds))];
    const categoryIds = [...new Set(specs.flatMap((x) => x.categoryIds))];
    const regions = regionIds.length ? await ex.selectFrom('region').select(['id', 'name']).where('tenant_id', '=', actor.tenantId).where('id', 'in', regionIds).execute() : [];
    const categories = categoryIds.length ? await ex.selectFrom('case_category').select(['id', 'name']).where('tenant_id', '=', actor.tenantId).where('id', 'in', categoryIds).execute() : [];
    const named = (ids: number[], from: { id: number; name: string }[]) => ids.map((id) => ({ id, name: from.find((x) => x.id === id)?.name ?? String(id) }));
    const out: PlanView[] = [];
    for (const r of rows) {
      const e = editions.find((x) => x.id === r.edition_id);
      const spec = r.recheck as RecheckSpec | null;
      const targets = spec ? [] : await resolveTargets(ex, actor.tenantId, r.targets as TargetSpec, today());
      const manage = can(actor, 'inspection.plan') && (actor.scope === 'tenant' || unitInScope(actor, r.owner_path));
      const unpub = Number(unpublished.find((u) => u.plan_id === r.id)?.n ?? 0);
      out.push({
        id: r.id, name: r.name, kind: r.kind as PlanKind, edition: e ? { id: e.id, label: e.label, standardId: e.standard_id, standardName: e.name } : null, mode: r.mode as PlanMode,
        recurrence: r.recurrence as Recurrence, targets: r.targets as TargetSpec, targetCount: targets.length,
        recheck: spec ? { ...spec, regions: named(spec.regionIds, regions), categories: named(spec.categoryIds, categories) } : null, ownerUnit: { id: r.owner_unit_id, name: r.owner_name },
        team: r.team_user_ids.map(Number).map((id) => ({ id, name: users.find((u) => u.id === id)?.display_name ?? String(id) })),
        startsOn: r.starts_on, endsOn: r.ends_on, reopenHours: r.reopen_hours, active: r.active, unpublishedSheets: unpub, version: r.version,
        actions: actionsFor({ edit: manage, coverage: true, results: !spec, rechecks: !!spec, publishResults: manage && r.mode === 'unannounced' && unpub > 0 }),
      });
    }
    return out;
  }

  async function list(actor: Actor, q: PlanListQuery) {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    let rows = (await planQuery(db, actor.tenantId)
      .$if(q.active !== undefined, (b) => b.where('p.active', '=', q.active!))
      .$if(q.kind !== undefined, (b) => b.where('p.kind', '=', q.kind!))
      .orderBy('p.id', 'desc').execute()) as PlanRow[];
    rows = rows.filter((r) => planVisible(actor, r));
    return { items: await views(actor, rows.slice((page - 1) * pageSize, page * pageSize)), total: rows.length, page, pageSize, actions: actionsFor({ create: can(actor, 'inspection.plan') }) };
  }

  async function validate(ex: Executor, actor: Actor, b: Omit<CreatePlanBody, 'name'>) {
    const shape = planShapeProblem({ kind: b.kind, editionId: b.editionId, recheck: b.recheck, recurrence: b.recurrence as Recurrence });
    if (shape) {
      const field = shape === 'PLAN_RECHECK_PERCENT' ? 'recheck' : shape === 'PLAN_RECHECK_RECURRENCE' ? 'recurrence' : shape === 'PLAN_RECHECK_SPEC_REQUIRED' ? 'recheck' : 'editionId';
      throw new AppError(422, shape, {}, [{ field, problem: shape, params: {} }]);
    }
    if (b.editionId !== null) {
      const ed = await ex.selectFrom('standard_edition').select(['state']).where('tenant_id', '=', actor.tenantId).where('id', '=', b.editionId).executeTakeFirst();
      if (!ed) throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'editionId', problem: 'NOT_FOUND', params: { entity: 'edition' } }]);
      if (ed.state !== 'published') throw new AppError(422, 'EDITION_NOT_PUBLISHED');
    }
    const owner = await ex.selectFrom('unit').select(['path']).where('tenant_id', '=', actor.tenantId).where('id', '=', b.ownerUnitId).executeTakeFirst();
    if (!owner) throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'ownerUnitId', problem: 'NOT_FOUND', params: { entity: 'unit' } }]);
    if (!unitInScope(actor, owner.path)) throw new AppError(403, 'OUT_OF_SCOPE');
    const rp = recurrenceProblem(b.recurrence as Recurrence);
    if (rp) throw new AppError(422, rp);
    if (b.endsOn && b.endsOn < b.startsOn) throw new AppError(422, 'RECURRENCE_DATES');
    if (b.teamUserIds.length) {
      const users = await ex.selectFrom('app_user').select(['id']).where('tenant_id', '=', actor.tenantId).where('id', 'in', b.teamUserIds).where('status', '=', 'active').execute();
      const missing = b.teamUserIds.find((id) => !users.some((u) => u.id === id));
      if (missing !== undefined) throw new AppError(422, 'PLAN_TEAM_INVALID', { id: missing });
    }
    if (b.kind === 'recheck') return validateRecheck(ex, actor, b.recheck!);
    const t = b.targets;
    if (t.withinUnitId !== null) {
      const w = await ex.selectFrom('unit').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', t.withinUnitId).executeTakeFirst();
      if (!w) throw new AppError(422, 'PLAN_TARGET_INVALID', { reason: { 'zh-CN': `单位 ${t.withinUnitId} 不存在`, en: `unit ${t.withinUnitId} does not exist` } });
    }
    for (const [table, ids, label] of [['unit', t.unitIds, ['单位', 'unit']], ['responsibility_zone', t.zoneIds, ['责任区', 'zone']], ['assessment_point', t.pointIds, ['点位', 'point']],
      ['assessment_point_type', t.pointTypeIds, ['点位类型', 'point type']]] as const) {
      if (!ids.length) continue;
      const found = await ex.selectFrom(table).select('id').where('tenant_id', '=', actor.tenantId).where('id', 'in', ids).execute();
      const missing = ids.find((id) => !found.some((f) => f.id === id));
      if (missing !== undefined) throw new AppError(422, 'PLAN_TARGET_INVALID', { reason: { 'zh-CN': `${label[0]} ${missing} 不存在`, en: `${label[1]} ${missing} does not exist` } });
    }
    const targets = await resolveTargets(ex, actor.tenantId, t, b.startsOn > today() ? b.startsOn : today());
    if (!targets.length) throw new AppError(422, 'PLAN_NO_TARGETS');
  }

  /** Regions must be streets or communities, categories the city's own. */
  async function validateRecheck(ex: Executor, actor: Actor, spec: RecheckSpec) {
    if (spec.regionIds.length) {
      const found = await ex.selectFrom('region').select(['id', 'level']).where('tenant_id', '=', actor.tenantId).where('id', 'in', spec.regionIds).execute();
      const bad = spec.regionIds.find((id) => !found.some((f) => f.id === id && (f.level === 'street' || f.level === 'community')));
      if (bad !== undefined) {
        throw new AppError(422, 'PLAN_RECHECK_SCOPE_INVALID', { reason: { 'zh-CN': `区域 ${bad} 不存在或不是街道/社区`, en: `region ${bad} does not exist or is not a street or community` } },
          [{ field: 'recheck', problem: 'PLAN_RECHECK_SCOPE_INVALID', params: {} }]);
      }
    }
    if (spec.categoryIds.length) {
      const found = await ex.selectFrom('case_category').select('id').where('tenant_id', '=', actor.tenantId).where('id', 'in', spec.categoryIds).execute();
      const bad = spec.categoryIds.find((id) => !found.some((f) => f.id === id));
      if (bad !== undefined) {
        throw new AppError(422, 'PLAN_RECHECK_SCOPE_INVALID', { reason: { 'zh-CN': `问题类别 ${bad} 不存在`, en: `case category ${bad} does not exist` } },
          [{ field: 'recheck', problem: 'PLAN_RECHECK_SCOPE_INVALID', params: {} }]);
      }
    }
  }

  const NO_TARGETS: TargetSpec = { unitKinds: [], withinUnitId: null, unitIds: [], zoneIds: [], pointIds: [], pointTypeIds: [] };
  /** Re-check plans keep an empty target spec and are announced; other kinds have no sample spec. */
  const normalise = <T extends Pick<CreatePlanBody, 'kind' | 'targets' | 'recheck' | 'mode'>>(b: T): T =>
    (b.kind === 'recheck' ? { ...b, targets: NO_TARGETS, mode: 'announced' } : { ...b, recheck: null });

  async function create(actor: Actor, input: CreatePlanBody, ctx: AuditContext): Promise<PlanView> {
    const body = normalise(input);
    return db.transaction().execute(async (tx) => {
      await validate(tx, actor, body);
      const r = await tx.insertInto('inspection_plan').values({
        tenant_id: actor.tenantId, name: body.name.trim(), kind: body.kind, edition_id: body.editionId, mode: body.mode, recurrence: JSON.stringify(body.recurrence),
        targets: JSON.stringify(body.targets), recheck: body.recheck ? JSON.stringify(body.recheck) : null, owner_unit_id: body.ownerUnitId, team_user_ids: body.teamUserIds, starts_on: body.startsOn, ends_on: body.endsOn,
        reopen_hours: body.reopenHours, active: body.active, created_by: actor.userId, updated_at: clock.now(),
      }).returning('id').executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { action: 'plan.created', entityType: 'plan', entityId: r.id, after: body });
      const row = await planRow(actor, r.id, tx);
      // A re-check plan's current window is filled at once.
      await sampleRecheckPlan(tx, actor.tenantId, row, clock.now());
      return (await views(actor, [row], tx))[0]!;
    });
  }

  async function update(actor: Actor, id: number, body: UpdatePlanBody, ctx: AuditContext): Promise<PlanView> {
    return db.transaction().execute(async (tx) => {
      const p = await planRow(actor, id, tx);
      if (!can(actor, 'inspection.plan') || !(actor.scope === 'tenant' || unitInScope(actor, p.owner_path))) throw new AppError(403, 'OUT_OF_SCOPE');
      const merged: CreatePlanBody = normalise({
        name: body.name ?? p.name, kind: body.kind ?? (p.kind as PlanKind), editionId: body.editionId !== undefined ? body.editionId : p.edition_id, mode: body.mode ?? (p.mode as PlanMode),
        recurrence: body.recurrence ?? (p.recurrence as Recurrence), targets: body.targets ?? (p.targets as TargetSpec),
        recheck: body.recheck !== undefined ? body.recheck : (p.recheck as RecheckSpec | null), ownerUnitId: body.ownerUnitId ?? p.owner_unit_id,
        teamUserIds: body.teamUserIds ?? p.team_user_ids.map(Number), startsOn: body.startsOn ?? p.starts_on, endsOn: body.endsOn !== undefined ? body.endsOn : p.ends_on,
        reopenHours: body.reopenHours ?? p.reopen_hours, active: body.active ?? p.active,
      });
      await validate(tx, actor, merged);
      const n = await tx.updateTable('inspection_plan').set({
        name: merged.name.trim(), kind: merged.kind, edition_id: merged.editionId, mode: merged.mode, recurrence: JSON.stringify(merged.recurrence), targets: JSON.stringify(merged.targets),
        recheck: merged.recheck ? JSON.stringify(merged.recheck) : null,
        owner_unit_id: merged.ownerUnitId, team_user_ids: merged.teamUserIds, starts_on: merged.startsOn, ends_on: merged.endsOn, reopen_hours: merged.reopenHours,
        active: merged.active, updated_at: clock.now(), version: p.version + 1,
      }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).executeTakeFirst();
      if (Number(n.numUpdatedRows) === 0) throw new AppError(409, 'CONFLICT');
      await recordAudit(tx, ctx, { action: 'plan.updated', entityType: 'plan', entityId: id, before: { ...p, owner_path: undefined }, after: merged });
      const row = await planRow(actor, id, tx);
      // Activated (or widened): fill the current window now; what is drawn already stays.
      await sampleRecheckPlan(tx, actor.tenantId, row, clock.now());
      return (await views(actor, [row], tx))[0]!;
    });
  }

  /** Re-check plans: per window, the cases sampled, checked (passed or relapsed), relapsed, and pending past the due date. */
  async function recheckWindows(actor: Actor, p: PlanRow, windows: { key: string; start: string; end: string }[]): Promise<RecheckWindowView[]> {
    if (!windows.length) return [];
    const day = today();
    const rows = await db.selectFrom('case_recheck').select((eb) => ['window_key',
      eb.fn.countAll<number>().as('sampled'),
      eb.fn.countAll<number>().filterWhere('state', 'in', ['passed', 'relapsed']).as('checked'),
      eb.fn.countAll<number>().filterWhere('state', '=', 'relapsed').as('relapsed'),
      eb.fn.countAll<number>().filterWhere((w) => w.and([w('state', '=', 'pending'), w('due_date', '<', day)])).as('overdue')])
      .where('tenant_id', '=', actor.tenantId).where('plan_id', '=', p.id).where('window_key', 'in', windows.map((w) => w.key)).groupBy('window_key').execute();
    return windows.map((w) => {
      const r = rows.find((x) => x.window_key === w.key);
      return { key: w.key, start: w.start, end: w.end, sampled: Number(r?.sampled ?? 0), checked: Number(r?.checked ?? 0), relapsed: Number(r?.relapsed ?? 0), overdue: Number(r?.overdue ?? 0) };
    });
  }

  /** Submitted sheets per target and window. */
  async function coverageOf(actor: Actor, p: PlanRow, from: string, to: string): Promise<PlanCoverage> {
    const start = from < p.starts_on ? p.starts_on : from;
    const end = p.ends_on && p.ends_on < to ? p.ends_on : to;
    const windows = start <= end ? windowsBetween(p.recurrence as Recurrence, start, end) : [];
    if (p.kind === 'recheck') {
      const rechecks = await recheckWindows(actor, p, windows);
      return {
        plan: { id: p.id, name: p.name, kind: 'recheck', mode: p.mode as PlanMode }, windows, rows: [], rechecks,
        missed: rechecks.reduce((n, w) => n + w.overdue, 0), cells: rechecks.reduce((n, w) => n + w.sampled, 0),
      };
    }
    const targets = await resolveTargets(db, actor.tenantId, p.targets as TargetSpec, end);
    const lo = windows[0]?.start ?? start;
    const hi = windows[windows.length - 1]?.end ?? end;
    const sheets = await db.selectFrom('inspection').select(['target_kind', 'target_id', 'inspected_on'])
      .where('tenant_id', '=', actor.tenantId).where('plan_id', '=', p.id).where('state', '=', 'submitted')
      .where('inspected_on', '>=', lo).where('inspected_on', '<=', hi).execute();
    const day = today();
    const byTarget = new Map<string, string[]>();
    for (const s of sheets) {
      const k = targetKey({ kind: s.target_kind as ResolvedTarget['kind'], id: s.target_id });
      byTarget.set(k, [...(byTarget.get(k) ?? []), s.inspected_on]);
    }
    let missed = 0;
    const rows = targets.map((t) => ({
      target: publicTarget(t),
      cells: windows.map((w) => {
        const done = (byTarget.get(targetKey(t)) ?? []).filter((d) => d >= w.start && d <= w.end).length;
        if (w.end < day && done < w.required) missed += 1;
        return { window: w.key, done, required: w.required };
      }),
    }));
    return { plan: { id: p.id, name: p.name, kind: p.kind as PlanKind, mode: p.mode as PlanMode }, windows, rows, missed, cells: targets.length * windows.length };
  }

  /** The asked period, or the current month up to today. */
  const period = (q: { from?: string; to?: string }) => {
    const to = q.to ?? today();
    const from = q.from ?? `${to.slice(0, 7)}-01`;
    if (from > to) throw new AppError(422, 'RECURRENCE_DATES');
    return { from, to };
  };

  async function coverage(actor: Actor, id: number, q: { from?: string; to?: string }): Promise<PlanCoverage> {
    const plan = await planRow(actor, id);
    const { from, to } = period(q);
    return coverageOf(actor, plan, from, to);
  }

  async function board(actor: Actor, query: { from?: string; to?: string }): Promise<CoverageBoard> {
    const q = period(query);
    const rows = ((await planQuery(db, actor.tenantId).where('p.active', '=', true).orderBy('p.id').execute()) as PlanRow[]).filter((r) => planVisible(actor, r));
    const plans = [];
    for (const r of rows) {
      const c = await coverageOf(actor, r, q.from, q.to);
      if (c.rechecks) {
        // Re-check plans: sampled cases stand for targets and cells, checked ones for done.
        plans.push({ plan: c.plan, targets: c.cells, cells: c.cells, missed: c.missed, done: c.rechecks.reduce((n, w) => n + w.checked, 0) });
        continue;
      }
      plans.push({ plan: c.plan, targets: c.rows.length, cells: c.cells, missed: c.missed, done: c.rows.reduce((s, row) => s + row.cells.filter((x) => x.done >= x.required).length, 0) });
    }
    return { from: q.from, to: q.to, plans };
  }

  // ---- assessment points ----
  async function pointTypes(actor: Actor): Promise<PointTypeView[]> {
    const rows = await db.selectFrom('assessment_point_type as t')
      .select(['t.id', 't.code', 't.name', 't.name_en', 't.active', 't.version',
        (eb) => eb.selectFrom('assessment_point as p').select((x) => x.fn.countAll<number>().as('n')).whereRef('p.tenant_id', '=', 't.tenant_id').whereRef('p.type_id', '=', 't.id').as('n')])
      .where('t.tenant_id', '=', actor.tenantId).orderBy('t.sort').orderBy('t.id').execute();
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, nameEn: r.name_en, active: r.active, version: r.version, pointCount: Number(r.n ?? 0) }));
  }

  async function createPointType(actor: Actor, body: PointTypeBody, ctx: AuditContext): Promise<PointTypeView> {
    return db.transaction().execute(async (tx) => {
      const dup = await tx.selectFrom('assessment_point_type').select('id').where('tenant_id', '=', actor.tenantId).where('code', '=', body.code).executeTakeFirst();
      if (dup) throw new AppError(409, 'DUPLICATE', { field: 'code', value: body.code });
      const max = await tx.selectFrom('assessment_point_type').select((eb) => eb.fn.max('sort').as('m')).where('tenant_id', '=', actor.tenantId).executeTakeFirst();
      const r = await tx.insertInto('assessment_point_type').values({ tenant_id: actor.tenantId, code: body.code, name: body.name.trim(), name_en: body.nameEn.trim(), active: body.active ?? true, sort: Number(max?.m ?? 0) + 1, updated_at: clock.now() })
        .returningAll().executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { action: 'point_type.created', entityType: 'point_type', entityId: r.id, after: body });
      return { id: r.id, code: r.code, name: r.name, nameEn: r.name_en, active: r.active, version: r.version, pointCount: 0 };
    });
  }

  const pointSelect = (ex: Executor, tenantId: number) => ex.selectFrom('assessment_point as p')
    .innerJoin('assessment_point_type as t', (j) => j.onRef('t.tenant_id', '=', 'p.tenant_id').onRef('t.id', '=', 'p.type_id'))
    .leftJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'p.tenant_id').onRef('u.id', '=', 'p.responsible_unit_id'))
    .leftJoin('person as c', (j) => j.onRef('c.tenant_id', '=', 'p.tenant_id').onRef('c.id', '=', 'p.chief_person_id'))
    .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'p.tenant_id').onRef('r.id', '=', 'p.region_id'))
    .select(['p.id', 'p.code', 'p.name', 'p.address', 'p.lat', 'p.lng', 'p.active', 'p.version', 't.id as type_id', 't.code as type_code', 't.name as type_name',
      'u.id as unit_id', 'u.name as unit_name', 'u.path as unit_path', 'c.id as chief_id', 'c.name as chief_name', 'c.phone as chief_phone', 'r.id as region_id', 'r.name as region_name'])
    .where('p.tenant_id', '=', tenantId);
  type PointRow = Awaited<ReturnType<ReturnType<typeof pointSelect>['executeTakeFirstOrThrow']>>;
  const pointView = (actor: Actor, p: PointRow): PointView => ({
    id: p.id, code: p.code, name: p.name, type: { id: p.type_id, code: p.type_code, name: p.type_name }, address: p.address, lat: p.lat, lng: p.lng,
    responsibleUnit: p.unit_id ? { id: p.unit_id, name: p.unit_name! } : null, chief: p.chief_id ? { id: p.chief_id, name: p.chief_name!, phone: p.chief_phone } : null,
    region: p.region_id ? { id: p.region_id, name: p.region_name! } : null, active: p.active, version: p.version,
    actions: actionsFor({ edit: can(actor, 'inspection.plan') }),
  });

  async function listPoints(actor: Actor, q: PointListQuery) {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const base = pointSelect(db, actor.tenantId)
      .$if(q.typeId !== undefined, (b) => b.where('p.type_id', '=', q.typeId!))
      .$if(q.responsibleUnitId !== undefined, (b) => b.where('p.responsible_unit_id', '=', q.responsibleUnitId!))
      .$if(!!q.q, (b) => b.where((eb) => eb.or([eb('p.name', 'ilike', `%${escapeLike(q.q!)}%`), eb('p.code', 'ilike', `%${escapeLike(q.q!)}%`)])))
      .$if(actor.scope !== 'tenant', (b) => b.where(sql<boolean>`u.path like ${escapeLike(actor.unitPath) + '%'}`));
    const total = await base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.orderBy('t.id').orderBy('p.code').limit(pageSize).offset((page - 1) * pageSize).execute();
    return { items: rows.map((r) => pointView(actor, r)), total: Number(total.n), page, pageSize, actions: actionsFor({ create: can(actor, 'inspection.plan') }) };
  }

  async function checkPointRefs(tx: Executor, actor: Actor, b: { typeId?: number; responsibleUnitId?: number | null; chiefPersonId?: number | null }) {
    if (b.typeId !== undefined && !(await tx.selectFrom('assessment_point_type').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', b.typeId).executeTakeFirst())) {
      throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'typeId', problem: 'NOT_FOUND', params: { entity: 'point_type' } }]);
    }
    if (b.responsibleUnitId != null && !(await tx.selectFrom('unit').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', b.responsibleUnitId).executeTakeFirst())) {
      throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'responsibleUnitId', problem: 'NOT_FOUND', params: { entity: 'unit' } }]);
    }
    if (b.chiefPersonId != null && !(await tx.selectFrom('person').select('id').where('tenant_id', '=', actor.tenantId).where('id', '=', b.chiefPersonId).executeTakeFirst())) {
      throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'chiefPersonId', problem: 'NOT_FOUND', params: { entity: 'person' } }]);
    }
  }

  async function regionAt(tenantId: number, lat: number, lng: number): Promise<number | null> {
    const a = await routing.resolve(tenantId, lat, lng);
    return a.community?.id ?? a.street?.id ?? null;
  }

  async function createPoint(actor: Actor, body: CreatePointBody, ctx: AuditContext): Promise<PointView> {
    const regionId = await regionAt(actor.tenantId, body.lat, body.lng);
    return db.transaction().execute(async (tx) => {
      await checkPointRefs(tx, actor, body);
      const dup = await tx.selectFrom('assessment_point').select('id').where('tenant_id', '=', actor.tenantId).where('code', '=', body.code).executeTakeFirst();
      if (dup) throw new AppError(409, 'DUPLICATE', { field: 'code', value: body.code });
      const r = await tx.insertInto('assessment_point').values({
        tenant_id: actor.tenantId, code: body.code, name: body.name.trim(), type_id: body.typeId, address: body.address?.trim() || null, lat: body.lat, lng: body.lng,
        responsible_unit_id: body.responsibleUnitId, chief_person_id: body.chiefPersonId ?? null, region_id: regionId, active: body.active ?? true, updated_at: clock.now(),
      }).returning('id').executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { action: 'point.created', entityType: 'point', entityId: r.id, after: body });
      return pointView(actor, await pointSelect(tx, actor.tenantId).where('p.id', '=', r.id).executeTakeFirstOrThrow());
    });
  }

  async function updatePoint(actor: Actor, id: number, body: UpdatePointBody, ctx: AuditContext): Promise<PointView> {
    const before = await pointSelect(db, actor.tenantId).where('p.id', '=', id).executeTakeFirst();
    if (!before) throw notFound('point');
    const lat = body.lat ?? before.lat;
    const lng = body.lng ?? before.lng;
    const regionId = body.lat !== undefined || body.lng !== undefined ? await regionAt(actor.tenantId, lat, lng) : before.region_id;
    return db.transaction().execute(async (tx) => {
      await checkPointRefs(tx, actor, body);
      const n = await tx.updateTable('assessment_point').set({
        ...(body.code !== undefined ? { code: body.code } : {}), ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(body.typeId !== undefined ? { type_id: body.typeId } : {}), ...(body.address !== undefined ? { address: body.address?.trim() || null } : {}),
        lat, lng, region_id: regionId,
        ...(body.responsibleUnitId !== undefined ? { responsible_unit_id: body.responsibleUnitId } : {}),
        ...(body.chiefPersonId !== undefined ? { chief_person_id: body.chiefPersonId } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}), updated_at: clock.now(), version: before.version + 1,
      }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).executeTakeFirst()
        .catch((e: unknown) => {
          if ((e as { code?: string }).code === '23505') throw new AppError(409, 'DUPLICATE', { field: 'code', value: body.code ?? '' });
          throw e;
        });
      if (Number(n.numUpdatedRows) === 0) throw new AppError(409, 'CONFLICT');
      await recordAudit(tx, ctx, { action: 'point.updated', entityType: 'point', entityId: id, before, after: body });
      return pointView(actor, await pointSelect(tx, actor.tenantId).where('p.id', '=', id).executeTakeFirstOrThrow());
    });
  }

  return { list, planRow, views, create, update, coverage, board, pointTypes, createPointType, listPoints, createPoint, updatePoint };
}
export type PlansService = ReturnType<typeof createPlansService>;
