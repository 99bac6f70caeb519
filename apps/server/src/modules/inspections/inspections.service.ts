import { createHash } from 'node:crypto';
import {
  applicableItems, distanceM, formatMessage, localDate, scoreSheet, targetTokens, windowOf,
  type ExplanationQuery, type InspectionListQuery, type InspectionState, type InspectionSummary, type InspectionView, type Locale, type PlanKind, type PlanMode, type PlanResults,
  type RecheckTaskView, type Recurrence, type ReopenBody, type ResultExplanation, type ResultsQuery, type ScoredItem, type SheetSyncBody, type TargetSpec, type TaskView,
} from '@cc/domain';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, can, escapeLike, unitInScope } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { saveStoredFile, type FileStore } from '../../platform/files.js';
import type { CasesService } from '../cases/cases.service.js';
import { nextSeq } from '../cases/sequences.js';
import { mayPerform, planVisible, type PlanRow, type PlansService } from './plans.service.js';
import type { StandardsService } from './standards.service.js';
import { publicTarget, resolveTargets, targetKey, type ResolvedTarget } from './targets.js';

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;
type Problem = { field: string; problem: string; params: Record<string, string | number> };

const baseQuery = (ex: Executor, tenantId: number) => ex.selectFrom('inspection as i')
  .innerJoin('inspection_plan as p', (j) => j.onRef('p.tenant_id', '=', 'i.tenant_id').onRef('p.id', '=', 'i.plan_id'))
  .innerJoin('unit as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.owner_unit_id'))
  .innerJoin('standard_edition as e', (j) => j.onRef('e.tenant_id', '=', 'i.tenant_id').onRef('e.id', '=', 'i.edition_id'))
  .innerJoin('app_user as u', (j) => j.onRef('u.tenant_id', '=', 'i.tenant_id').onRef('u.id', '=', 'i.inspector_id'))
  .leftJoin('unit as tu', (j) => j.onRef('tu.tenant_id', '=', 'i.tenant_id').onRef('tu.id', '=', 'i.target_unit_id'))
  .selectAll('i')
  .select(['p.name as plan_name', 'p.kind as plan_kind', 'p.mode as plan_mode', 'p.reopen_hours', 'p.team_user_ids', 'o.path as owner_path', 'e.label as edition_label',
    'u.display_name as inspector_name', 'tu.name as target_unit_name'])
  .where('i.tenant_id', '=', tenantId);

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
/** Ties in a ranking by name, in Chinese order (one collator: `localeCompare` with a locale builds one per call). */
const byName = new Intl.Collator('zh-CN').compare;
const FAR_M = 500;

export function createInspectionsService(deps: { db: DB; clock: Clock; files: FileStore; cases: CasesService; plans: PlansService; standards: StandardsService }) {
  const { db, clock, files, cases, plans, standards } = deps;
  const today = () => localDate(clock.now());

  /** Sheets the actor may read: the city's staff; the inspector; the unit running the plan; the inspected once published. */
  function scopeSql(actor: Actor): Expression<SqlBool> {
    if (actor.scope === 'tenant') return sql<SqlBool>`true`;
    return sql<SqlBool>`(o.path like ${mineLike(actor)} or ${ownSheetsSql(actor)})`;
  }
  /** The actor's units as a LIKE pattern on unit paths: the unit, or the unit and those below it. */
  const mineLike = (actor: Actor) => (actor.scope === 'subtree' ? escapeLike(actor.unitPath) + '%' : escapeLike(actor.unitPath));
  /** Sheets the actor scored, and those of the actor's units once published (shown to the inspected). */
  const ownSheetsSql = (actor: Actor) =>
    sql<SqlBool>`(i.inspector_id = ${actor.userId} or (i.target_unit_path like ${mineLike(actor)} and i.published_at is not null))`;

  const lockedAt = (r: Pick<Row, 'submitted_at' | 'reopen_hours' | 'state'>) =>
    r.state === 'submitted' && r.submitted_at ? new Date(new Date(r.submitted_at).getTime() + r.reopen_hours * 3_600_000) : null;
  const isLocked = (r: Pick<Row, 'submitted_at' | 'reopen_hours' | 'state'>) => {
    const at = lockedAt(r);
    return at !== null && at.getTime() <= clock.now().getTime();
  };
  const mayManagePlan = (actor: Actor, r: { owner_path: string }) => can(actor, 'inspection.plan') && (actor.scope === 'tenant' || unitInScope(actor, r.owner_path));

  function summary(r: Row, locale: Locale): InspectionSummary {
    return {
      id: r.id, number: r.number, clientKey: r.client_key,
      plan: { id: r.plan_id, name: r.plan_name, kind: r.plan_kind as PlanKind, mode: r.plan_mode as PlanMode },
      edition: { id: r.edition_id, label: r.edition_label },
      target: {
        kind: r.target_kind as ResolvedTarget['kind'], id: r.target_id, name: r.target_name, subtype: r.target_subtype,
        responsibleUnit: r.target_unit_id ? { id: r.target_unit_id, name: r.target_unit_name ?? '' } : null, lat: null, lng: null,
      },
      inspector: { id: r.inspector_id, name: r.inspector_name }, inspectedOn: r.inspected_on, state: r.state as InspectionState, locked: isLocked(r),
      score: r.score, maxScore: r.max_score, rate: r.rate, vetoed: r.vetoed, findingCount: r.finding_count,
      flags: ((r.flags ?? []) as { code: string; distanceM?: number }[]).map((f) => ({
        code: f.code, message: formatMessage('INSPECTION_FAR_FROM_TARGET', locale, { distance: f.distanceM ?? 0 }), ...(f.distanceM !== undefined ? { distanceM: f.distanceM } : {}),
      })),
      submittedAt: iso(r.submitted_at), publishedAt: iso(r.published_at),
    };
  }

  async function load(actor: Actor, id: number, ex: Executor = db): Promise<Row> {
    const r = await baseQuery(ex, actor.tenantId).where('i.id', '=', id).where(scopeSql(actor)).executeTakeFirst();
    if (!r) throw notFound('inspection');
    return r;
  }

  async function sheetItems(ex: Executor, tenantId: number, editionId: number, target: { kind: ResolvedTarget['kind']; subtype: string | null }) {
    const rows = await standards.nodesOf(ex, tenantId, editionId);
    const data = rows.map((n) => ({ ...n, key: String(n.id), parentKey: n.parent_id === null ? null : String(n.parent_id), appliesTo: n.applies_to }));
    const tokens = targetTokens(target.kind === 'unit' ? { kind: 'unit', unitKind: target.subtype } : target.kind === 'zone' ? { kind: 'zone' } : { kind: 'point', pointType: target.subtype });
    const items = applicableItems(data, tokens);
    return { rows, items };
  }

  async function view(actor: Actor, id: number, locale: Locale, ex: Executor = db): Promise<InspectionView> {
    const r = await load(actor, id, ex);
    const { rows, items } = await sheetItems(ex, actor.tenantId, r.edition_id, { kind: r.target_kind as ResolvedTarget['kind'], subtype: r.target_subtype });
    const [entries, findings, photos, events] = await Promise.all([
      ex.selectFrom('inspection_item').selectAll().where('tenant_id', '=', actor.tenantId).where('inspection_id', '=', id).execute(),
      ex.selectFrom('inspection_finding as f').leftJoin('case_record as c', (j) => j.onRef('c.tenant_id', '=', 'f.tenant_id').onRef('c.id', '=', 'f.case_id'))
        .selectAll('f').select(['c.number as case_number', 'c.state as case_state']).where('f.tenant_id', '=', actor.tenantId).where('f.inspection_id', '=', id).orderBy('f.id').execute(),
      ex.selectFrom('inspection_photo').selectAll().where('tenant_id', '=', actor.tenantId).where('inspection_id', '=', id).orderBy('id').execute(),
      ex.selectFrom('inspection_event').selectAll().where('tenant_id', '=', actor.tenantId).where('inspection_id', '=', id).orderBy('id').execute(),
    ]);
    const node = (nid: number | null) => rows.find((n) => n.id === nid);
    const locked = isLocked(r);
    const mine = r.inspector_id === actor.userId;
    // Where the target is (its point, its zone's centre, its unit), for the sheet's map.
    const tk = r.target_kind as ResolvedTarget['kind'];
    const [place] = await resolveTargets(ex, actor.tenantId, {
      unitKinds: [], withinUnitId: null, unitIds: tk === 'unit' ? [r.target_id] : [], zoneIds: tk === 'zone' ? [r.target_id] : [], pointIds: tk === 'point' ? [r.target_id] : [], pointTypeIds: [],
    }, r.inspected_on);
    const head = summary(r, locale);
    return {
      ...head,
      target: { ...head.target, lat: place?.lat ?? null, lng: place?.lng ?? null },
      lat: r.lat, lng: r.lng, startedAt: iso(r.started_at), note: r.note, lockedAt: iso(lockedAt(r)),
      items: items.map((it) => {
        const e = entries.find((x) => x.node_id === it.id);
        return {
          nodeId: it.id, code: it.code, title: it.title, section: node(it.parent_id)?.title ?? null, method: it.method as ScoredItem['method'], max: it.points ?? 0,
          score: e?.score ?? null, na: e?.na ?? false, observed: e?.observed ?? null, passed: e?.passed ?? null, note: e?.note ?? null, deducted: e?.deducted ?? 0,
        };
      }),
      findings: findings.map((f) => ({
        id: f.id, clientKey: f.client_key, itemNodeId: f.item_node_id, criterionNodeId: f.criterion_node_id, criterion: node(f.criterion_node_id)?.title ?? null,
        points: f.points, note: f.note, lat: f.lat, lng: f.lng,
        photos: photos.filter((p) => p.finding_id === f.id).map((p) => ({ id: p.id, fileId: p.file_id, takenAt: iso(p.taken_at), lat: p.lat, lng: p.lng })),
        case: f.case_id ? { id: f.case_id, number: f.case_number ?? '', state: f.case_state ?? '' } : null,
      })),
      events: events.map((e) => ({ event: e.event, fromState: e.from_state, toState: e.to_state, actor: e.actor_label, note: e.note, at: new Date(e.at).toISOString() })),
      version: r.version,
      actions: actionsFor({
        edit: mine && (r.state === 'draft' || r.state === 'reopened'),
        reopen: r.state === 'submitted' && !locked && mayManagePlan(actor, r),
      }),
    };
  }

  async function list(actor: Actor, q: InspectionListQuery, locale: Locale) {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const base = baseQuery(db, actor.tenantId).where(scopeSql(actor))
      .$if(q.planId !== undefined, (b) => b.where('i.plan_id', '=', q.planId!))
      .$if(q.unitId !== undefined, (b) => b.where('i.target_unit_id', '=', q.unitId!))
      .$if(q.zoneId !== undefined, (b) => b.where('i.target_kind', '=', 'zone').where('i.target_id', '=', q.zoneId!))
      .$if(q.pointId !== undefined, (b) => b.where('i.target_kind', '=', 'point').where('i.target_id', '=', q.pointId!))
      .$if(q.inspectorId !== undefined, (b) => b.where('i.inspector_id', '=', q.inspectorId!))
      .$if(q.state !== undefined, (b) => b.where('i.state', '=', q.state!))
      .$if(q.from !== undefined, (b) => b.where('i.inspected_on', '>=', q.from!))
      .$if(q.to !== undefined, (b) => b.where('i.inspected_on', '<=', q.to!));
    const total = await base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base.orderBy('i.inspected_on', 'desc').orderBy('i.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
    return { items: rows.map((r) => summary(r, locale)), total: Number(total.n), page, pageSize, actions: [] };
  }

  // ---------- field work ----------
  async function tasks(actor: Actor, date?: string): Promise<TaskView[]> {
    const day = date ?? today();
    const rows = (await db.selectFrom('inspection_plan as p').innerJoin('unit as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.owner_unit_id'))
      .select(['p.id', 'p.name', 'p.kind', 'p.edition_id', 'p.mode', 'p.recurrence', 'p.targets', 'p.owner_unit_id', 'p.team_user_ids', 'p.starts_on', 'p.ends_on',
        'p.reopen_hours', 'p.active', 'p.version', 'o.path as owner_path', 'o.name as owner_name'])
      .where('p.tenant_id', '=', actor.tenantId).where('p.active', '=', true).where('p.starts_on', '<=', day).where('p.kind', '<>', 'recheck')
      .where((eb) => eb.or([eb('p.ends_on', 'is', null), eb('p.ends_on', '>=', day)])).orderBy('p.id').execute()) as PlanRow[];
    const out: TaskView[] = [];
    for (const p of rows) {
      const w = windowOf(p.recurrence as Recurrence, day);
      if (!w) continue;
      const targets = (await resolveTargets(db, actor.tenantId, p.targets as TargetSpec, day)).filter((t) => mayPerform(actor, p, t));
      if (!targets.length) continue;
      const sheets = await db.selectFrom('inspection').select(['id', 'client_key', 'target_kind', 'target_id', 'state', 'inspector_id'])
        .where('tenant_id', '=', actor.tenantId).where('plan_id', '=', p.id).where('inspected_on', '>=', w.start).where('inspected_on', '<=', w.end).execute();
      for (const t of targets) {
        const mineFor = sheets.filter((s) => targetKey({ kind: s.target_kind as ResolvedTarget['kind'], id: s.target_id }) === targetKey(t));
        const done = mineFor.filter((s) => s.state === 'submitted').length;
        const draft = mineFor.find((s) => s.state !== 'submitted' && s.inspector_id === actor.userId);
        if (done >= w.required && !draft) continue;
        out.push({
          plan: { id: p.id, name: p.name, kind: p.kind as PlanKind, mode: p.mode as PlanMode, editionId: p.edition_id! },
          target: publicTarget(t), window: w, done, draft: draft ? { id: draft.id, clientKey: draft.client_key } : null,
        });
      }
    }
    return out;
  }

  /**
   * Re-check plans with pending re-checks for the caller: plans whose team names them, or — without
   * a team — any plan, for the city's inspectors (as for the settings sample). Worked on the 回头看 page.
   */
  async function recheckTasks(actor: Actor): Promise<RecheckTaskView[]> {
    if (!can(actor, 'case.verify')) return [];
    const day = today();
    const rows = await db.selectFrom('case_recheck as r')
      .innerJoin('inspection_plan as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.plan_id'))
      .select((eb) => ['p.id', 'p.name', eb.fn.countAll<number>().as('pending'),
        eb.fn.countAll<number>().filterWhere('r.due_date', '<', day).as('overdue'), eb.fn.min('r.due_date').as('due')])
      .where('r.tenant_id', '=', actor.tenantId).where('r.state', '=', 'pending')
      .where((eb) => eb.or([
        sql<SqlBool>`${actor.userId} = any(p.team_user_ids)`,
        ...(actor.scope === 'tenant' && can(actor, 'inspection.perform') ? [sql<SqlBool>`cardinality(p.team_user_ids) = 0`] : []),
      ]))
      .groupBy(['p.id', 'p.name']).orderBy('p.id').execute();
    return rows.map((r) => ({ plan: { id: r.id, name: r.name }, pending: Number(r.pending), overdue: Number(r.overdue), dueDate: String(r.due) }));
  }

  const contentHash = (b: SheetSyncBody) => createHash('sha256').update(JSON.stringify({
    p: b.planId, t: b.target, d: b.inspectedOn, n: b.note ?? null,
    i: [...b.items].sort((x, y) => x.nodeId - y.nodeId).map((i) => [i.nodeId, i.na ?? false, i.score ?? null, i.observed ?? null, i.passed ?? null, i.note ?? null]),
    f: [...b.findings].sort((x, y) => x.clientKey.localeCompare(y.clientKey)).map((f) => [f.clientKey, f.itemNodeId, f.criterionNodeId ?? null, f.points, f.note, f.photos.map((p) => p.fileId)]),
  })).digest('hex');

  async function sync(actor: Actor, body: SheetSyncBody, ctx: AuditContext, locale: Locale): Promise<{ view: InspectionView; created: boolean }> {
    const plan = await plans.planRow(actor, body.planId);
    // A re-check plan has no sheets: its work is recorded on the 回头看 page.
    if (plan.edition_id === null) throw new AppError(422, 'INSPECTION_TARGET_NOT_IN_PLAN');
    const editionId = plan.edition_id;
    if (body.inspectedOn > today()) throw new AppError(422, 'INSPECTION_FUTURE_DATE');
    if (!plan.active || body.inspectedOn < plan.starts_on || (plan.ends_on && body.inspectedOn > plan.ends_on)) throw new AppError(422, 'INSPECTION_PLAN_INACTIVE');
    if (!windowOf(plan.recurrence as Recurrence, body.inspectedOn)) throw new AppError(422, 'INSPECTION_OUTSIDE_WINDOW', { date: body.inspectedOn });
    const target = (await resolveTargets(db, actor.tenantId, plan.targets as TargetSpec, body.inspectedOn)).find((t) => targetKey(t) === targetKey(body.target));
    if (!target) throw new AppError(422, 'INSPECTION_TARGET_NOT_IN_PLAN');
    if (!mayPerform(actor, plan, target)) throw new AppError(403, 'INSPECTION_NOT_ON_TEAM');

    const hash = contentHash(body);
    const existing = await db.selectFrom('inspection').select(['id', 'state', 'inspector_id', 'content_hash', 'submitted_at', 'plan_id', 'target_kind', 'target_id'])
      .where('tenant_id', '=', actor.tenantId).where('client_key', '=', body.clientKey).executeTakeFirst();
    if (existing) {
      if (existing.inspector_id !== actor.userId) throw new AppError(403, 'INSPECTION_NOT_OWNER');
      if (existing.plan_id !== body.planId || targetKey({ kind: existing.target_kind as ResolvedTarget['kind'], id: existing.target_id }) !== targetKey(body.target)) {
        throw new AppError(422, 'INSPECTION_TARGET_NOT_IN_PLAN');
      }
      if (existing.state === 'submitted') {
        // A retry of the same submission (the phone lost the answer) gets the sheet; anything else is refused.
        if (body.submit && existing.content_hash === hash) return { view: await view(actor, existing.id, locale), created: false };
        throw new AppError(409, 'INSPECTION_ALREADY_SUBMITTED', { at: new Date(existing.submitted_at!).toISOString().slice(0, 16).replace('T', ' ') });
      }
    }

    // Check the sheet against the pinned edition.
    const { rows, items } = await sheetItems(db, actor.tenantId, editionId, target);
    const problems: Problem[] = [];
    const itemById = new Map(items.map((i) => [i.id, i]));
    const scored: ScoredItem[] = items.map((i) => ({ key: String(i.id), code: i.code, points: i.points ?? 0, method: i.method as ScoredItem['method'], floor: i.floor, naAllowed: i.na_allowed, veto: i.veto }));
    body.items.forEach((e, idx) => { if (!itemById.has(e.nodeId)) problems.push({ field: `items/${idx}/nodeId`, problem: 'ITEM_NOT_ON_SHEET', params: {} }); });
    const fileIds = [...new Set(body.findings.flatMap((f) => f.photos.map((p) => p.fileId)))];
    const okFiles = fileIds.length
      ? new Set((await db.selectFrom('stored_file').select('id').where('tenant_id', '=', actor.tenantId).where('id', 'in', fileIds).where('mime', 'in', ['image/jpeg', 'image/png', 'image/webp']).execute()).map((f) => f.id))
      : new Set<number>();
    const categories = new Map<string, string>();
    body.findings.forEach((f, idx) => {
      const item = itemById.get(f.itemNodeId);
      if (!item) { problems.push({ field: `findings/${idx}/itemNodeId`, problem: 'ITEM_NOT_ON_SHEET', params: {} }); return; }
      const crit = f.criterionNodeId ? rows.find((n) => n.id === f.criterionNodeId) : undefined;
      if (f.criterionNodeId && (!crit || crit.parent_id !== item.id)) problems.push({ field: `findings/${idx}/criterionNodeId`, problem: 'INSPECTION_CRITERION_MISMATCH', params: { code: item.code } });
      const category = crit?.category_code ?? item.category_code ?? (rows.filter((n) => n.parent_id === item.id && n.category_code).length === 1 ? rows.find((n) => n.parent_id === item.id && n.category_code)!.category_code : null);
      if (!category) problems.push({ field: `findings/${idx}/criterionNodeId`, problem: 'INSPECTION_FINDING_NO_CATEGORY', params: { code: item.code } });
      else categories.set(f.clientKey, category);
      if (body.submit && (crit?.evidence_required || item.evidence_required) && f.photos.length === 0) {
        problems.push({ field: `findings/${idx}/photos`, problem: 'INSPECTION_PHOTO_REQUIRED', params: { code: item.code } });
      }
      f.photos.forEach((p, j) => { if (!okFiles.has(p.fileId)) problems.push({ field: `findings/${idx}/photos/${j}/fileId`, problem: 'NOT_FOUND', params: { entity: 'photo' } }); });
      const lat = f.lat ?? body.lat ?? target.lat;
      const lng = f.lng ?? body.lng ?? target.lng;
      if (body.submit && (lat === null || lat === undefined || lng === null || lng === undefined)) problems.push({ field: `findings/${idx}/lat`, problem: 'INSPECTION_FINDING_NO_POSITION', params: {} });
    });
    const result = scoreSheet(scored, body.items.map((e) => ({ key: String(e.nodeId), na: e.na, score: e.score, observed: e.observed, passed: e.passed })),
      body.findings.map((f) => ({ itemKey: String(f.itemNodeId), points: f.points })), { complete: body.submit });
    for (const p of result.problems) {
      if (p.problem === 'ITEM_NOT_ON_SHEET') continue; // reported above with its field
      const idx = body.items.findIndex((e) => String(e.nodeId) === p.itemKey);
      problems.push({ field: idx >= 0 ? `items/${idx}` : `items/${p.itemCode}`, problem: p.problem, params: p.params });
    }
    if (problems.length) throw new AppError(422, 'INSPECTION_INVALID', { count: problems.length }, problems);

    // Where the inspector stood: flagged (not refused) when far from the target.
    const flags: { code: string; distanceM: number }[] = [];
    const farFrom = (lat: number | null | undefined, lng: number | null | undefined) => {
      if (lat == null || lng == null || target.lat === null || target.lng === null) return null;
      const d = distanceM([lng, lat], [target.lng, target.lat]);
      const allowance = target.bbox ? distanceM([target.bbox[0], target.bbox[1]], [target.bbox[2], target.bbox[3]]) / 2 + FAR_M : FAR_M;
      return d > allowance ? Math.round(d) : null;
    };
    const far = [farFrom(body.lat, body.lng), ...body.findings.map((f) => farFrom(f.lat, f.lng))].filter((d): d is number => d !== null);
    if (far.length) flags.push({ code: 'FAR_FROM_TARGET', distanceM: Math.max(...far) });

    const now = clock.now();
    const out = await db.transaction().execute(async (tx) => {
      let row = await tx.selectFrom('inspection').select(['id', 'state', 'version', 'number']).where('tenant_id', '=', actor.tenantId).where('client_key', '=', body.clientKey).forUpdate().executeTakeFirst();
      let created = false;
      if (!row) {
        const day = body.inspectedOn.replaceAll('-', '');
        const seq = await nextSeq(tx, actor.tenantId, 'inspection', day);
        const ins = await tx.insertInto('inspection').values({
          tenant_id: actor.tenantId, number: `JC${day}${String(seq).padStart(4, '0')}`, client_key: body.clientKey, plan_id: plan.id, edition_id: editionId,
          target_kind: target.kind, target_id: target.id, target_name: target.name, target_subtype: target.subtype, target_unit_id: target.responsibleUnit?.id ?? null,
          target_unit_path: target.unitPath, target_region_path: target.regionPath, inspector_id: actor.userId, inspected_on: body.inspectedOn, flags: '[]',
          lat: null, lng: null, note: null, started_at: body.startedAt ?? now, submitted_at: null, published_at: null, score: null, max_score: null, rate: null,
          content_hash: null, updated_at: now,
        }).onConflict((oc) => oc.columns(['tenant_id', 'client_key']).doNothing()).returning(['id', 'state', 'version', 'number']).executeTakeFirst();
        if (ins) {
          created = true;
          await tx.insertInto('inspection_event').values({ tenant_id: actor.tenantId, inspection_id: ins.id, event: 'start', from_state: null, to_state: 'draft', actor_user_id: actor.userId, actor_label: actor.displayName, note: null, at: now }).execute();
        }
        row = await tx.selectFrom('inspection').select(['id', 'state', 'version', 'number']).where('tenant_id', '=', actor.tenantId).where('client_key', '=', body.clientKey).forUpdate().executeTakeFirstOrThrow();
      }
      if (row.state === 'submitted') {
        // Lost a race with an identical retry: the first one won.
        return { id: row.id, created: false, already: true };
      }
      // Findings that opened cases stay (a reopened sheet cannot silently drop a case).
      const kept = await tx.selectFrom('inspection_finding as f').innerJoin('case_record as c', (j) => j.onRef('c.tenant_id', '=', 'f.tenant_id').onRef('c.id', '=', 'f.case_id'))
        .select(['f.client_key', 'c.number']).where('f.tenant_id', '=', actor.tenantId).where('f.inspection_id', '=', row.id).execute();
      const gone = kept.find((k) => !body.findings.some((f) => f.clientKey === k.client_key));
      if (gone) throw new AppError(409, 'INSPECTION_FINDING_HAS_CASE', { number: gone.number });

      await tx.deleteFrom('inspection_item').where('tenant_id', '=', actor.tenantId).where('inspection_id', '=', row.id).execute();
      // One row per item on the sheet (touched or not), with what the findings took off it.
      if (result.items.length) {
        await tx.insertInto('inspection_item').values(result.items.map((it) => {
          const e = body.items.find((x) => String(x.nodeId) === it.key);
          return {
            tenant_id: actor.tenantId, inspection_id: row.id, node_id: Number(it.key), na: e?.na ?? false, score: e?.score ?? null, observed: e?.observed ?? null,
            passed: e?.passed ?? null, note: e?.note?.trim() || null, deducted: it.deducted,
          };
        })).execute();
      }
      await tx.deleteFrom('inspection_photo').where('tenant_id', '=', actor.tenantId).where('inspection_id', '=', row.id).execute();
      await tx.deleteFrom('inspection_finding').where('tenant_id', '=', actor.tenantId).where('inspection_id', '=', row.id)
        .where('client_key', 'not in', body.findings.length ? body.findings.map((f) => f.clientKey) : ['-']).execute();
      for (const f of body.findings) {
        const fr = await tx.insertInto('inspection_finding').values({
          tenant_id: actor.tenantId, inspection_id: row.id, client_key: f.clientKey, item_node_id: f.itemNodeId, criterion_node_id: f.criterionNodeId ?? null,
          points: f.points, note: f.note.trim(), lat: f.lat ?? null, lng: f.lng ?? null, case_id: null,
        }).onConflict((oc) => oc.columns(['tenant_id', 'inspection_id', 'client_key']).doUpdateSet({
          item_node_id: f.itemNodeId, criterion_node_id: f.criterionNodeId ?? null, points: f.points, note: f.note.trim(), lat: f.lat ?? null, lng: f.lng ?? null,
        })).returning('id').executeTakeFirstOrThrow();
        if (f.photos.length) {
          await tx.insertInto('inspection_photo').values(f.photos.map((p) => ({
            tenant_id: actor.tenantId, inspection_id: row.id, finding_id: fr.id, file_id: p.fileId, taken_at: p.takenAt ?? null, lat: p.lat ?? null, lng: p.lng ?? null,
          }))).execute();
        }
      }
      const submit = body.submit;
      await tx.updateTable('inspection').set({
        lat: body.lat ?? null, lng: body.lng ?? null, note: body.note?.trim() || null, flags: JSON.stringify(flags), finding_count: body.findings.length,
        score: result.max > 0 || submit ? result.score : null, max_score: result.max, rate: result.rate, vetoed: result.vetoed, updated_at: now, version: row.version + 1,
        ...(submit ? { state: 'submitted', submitted_at: now, content_hash: hash, published_at: plan.mode === 'announced' ? now : null } : {}),
      }).where('tenant_id', '=', actor.tenantId).where('id', '=', row.id).execute();
      if (submit) {
        await tx.insertInto('inspection_event').values({ tenant_id: actor.tenantId, inspection_id: row.id, event: 'submit', from_state: row.state, to_state: 'submitted', actor_user_id: actor.userId, actor_label: actor.displayName, note: null, at: now }).execute();
        // Announced: each problem becomes a case now. Unannounced: when the results are published.
        if (plan.mode === 'announced') await openCases(tx, actor.tenantId, row.id, plan, target, categories, { userId: actor.userId, label: actor.displayName }, ctx);
        await recordAudit(tx, ctx, { action: 'inspection.submitted', entityType: 'inspection', entityId: row.id, after: { number: row.number, score: result.score, max: result.max, findings: body.findings.length } });
      }
      return { id: row.id, created, already: false };
    });
    if (out.already) {
      if (!body.submit) throw new AppError(409, 'INSPECTION_ALREADY_SUBMITTED', { at: '' });
    }
    return { view: await view(actor, out.id, locale), created: out.created };
  }

  /** Each finding without a case opens one through the cases module, routed and timed like any other. */
  async function openCases(tx: Executor, tenantId: number, inspectionId: number, plan: Pick<PlanRow, 'name'>, target: Pick<ResolvedTarget, 'kind' | 'subtype' | 'name' | 'lat' | 'lng' | 'responsibleUnit'>,
    categories: Map<string, string> | null, reporter: { userId: number | null; label: string }, ctx: AuditContext) {
    const sheet = await tx.selectFrom('inspection').select(['number', 'lat', 'lng']).where('tenant_id', '=', tenantId).where('id', '=', inspectionId).executeTakeFirstOrThrow();
    const findings = await tx.selectFrom('inspection_finding').selectAll().where('tenant_id', '=', tenantId).where('inspection_id', '=', inspectionId).where('case_id', 'is', null).orderBy('id').execute();
    if (!findings.length) return;
    const nodes = await tx.selectFrom('standard_node').select(['id', 'parent_id', 'title', 'category_code']).where('tenant_id', '=', tenantId)
      .where('id', 'in', [...new Set(findings.flatMap((f) => [f.item_node_id, ...(f.criterion_node_id ? [f.criterion_node_id] : [])]))]).execute();
    const children = await tx.selectFrom('standard_node').select(['id', 'parent_id', 'category_code']).where('tenant_id', '=', tenantId)
      .where('parent_id', 'in', [...new Set(findings.map((f) => f.item_node_id))]).where('category_code', 'is not', null).execute();
    const photos = await tx.selectFrom('inspection_photo').selectAll().where('tenant_id', '=', tenantId).where('inspection_id', '=', inspectionId).execute();
    // A unit scored inside its own gate answers for what was found there; areas route by place.
    const ownUnit = target.kind === 'point' || (target.kind === 'unit' && target.subtype !== 'community' && target.subtype !== 'street_office') ? target.responsibleUnit?.id : undefined;
    for (const f of findings) {
      const item = nodes.find((n) => n.id === f.item_node_id);
      const crit = f.criterion_node_id ? nodes.find((n) => n.id === f.criterion_node_id) : undefined;
      const only = children.filter((c) => c.parent_id === f.item_node_id);
      const category = categories?.get(f.client_key) ?? crit?.category_code ?? item?.category_code ?? (only.length === 1 ? only[0]!.category_code : null);
      if (!category) throw new AppError(422, 'INSPECTION_FINDING_NO_CATEGORY', { code: item?.title ?? '' });
      const lat = f.lat ?? sheet.lat ?? target.lat;
      const lng = f.lng ?? sheet.lng ?? target.lng;
      if (lat === null || lng === null) throw new AppError(422, 'INSPECTION_FINDING_NO_POSITION');
      const caseId = await cases.intake(tenantId, {
        source: 'inspection', categoryCode: category,
        description: `【${plan.name}】${target.name}：${item?.title ?? ''}${crit ? `—${crit.title}` : ''}。${f.note}`.slice(0, 1000),
        lat, lng, address: target.name,
        photos: photos.filter((p) => p.finding_id === f.id).map((p) => ({ fileId: p.file_id, ...(p.taken_at ? { takenAt: new Date(p.taken_at).toISOString() } : {}), ...(p.lat !== null ? { lat: p.lat } : {}), ...(p.lng !== null ? { lng: p.lng } : {}) })),
        reporter, ...(ownUnit ? { unitId: ownUnit } : {}), inspectionRef: sheet.number,
      }, ctx, tx);
      await tx.updateTable('inspection_finding').set({ case_id: caseId }).where('tenant_id', '=', tenantId).where('id', '=', f.id).execute();
    }
  }

  async function reopen(actor: Actor, id: number, body: ReopenBody, ctx: AuditContext, locale: Locale): Promise<InspectionView> {
    await db.transaction().execute(async (tx) => {
      const r = await load(actor, id, tx);
      if (!mayManagePlan(actor, r)) throw new AppError(403, 'FORBIDDEN');
      if (r.version !== body.version) throw new AppError(409, 'CONFLICT');
      if (r.state !== 'submitted') throw new AppError(409, 'TRANSITION_NOT_ALLOWED');
      if (isLocked(r)) throw new AppError(409, 'INSPECTION_LOCKED', { at: lockedAt(r)!.toISOString().slice(0, 16).replace('T', ' ') });
      const now = clock.now();
      const n = await tx.updateTable('inspection').set({ state: 'reopened', content_hash: null, updated_at: now, version: r.version + 1 })
        .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).executeTakeFirst();
      if (Number(n.numUpdatedRows) === 0) throw new AppError(409, 'CONFLICT');
      await tx.insertInto('inspection_event').values({ tenant_id: actor.tenantId, inspection_id: id, event: 'reopen', from_state: 'submitted', to_state: 'reopened', actor_user_id: actor.userId, actor_label: actor.displayName, note: body.note.trim(), at: now }).execute();
      await recordAudit(tx, ctx, { action: 'inspection.reopened', entityType: 'inspection', entityId: id, before: { state: 'submitted' }, after: { state: 'reopened', note: body.note } });
    });
    return view(actor, id, locale);
  }

  /** Unannounced plans: show the submitted sheets to the inspected and open their cases. */
  async function publishResults(actor: Actor, planId: number, ctx: AuditContext): Promise<{ published: number }> {
    const plan = await plans.planRow(actor, planId);
    if (!mayManagePlan(actor, plan)) throw new AppError(403, 'FORBIDDEN');
    return db.transaction().execute(async (tx) => {
      const sheets = await tx.selectFrom('inspection').selectAll().where('tenant_id', '=', actor.tenantId).where('plan_id', '=', planId).where('state', '=', 'submitted')
        .where('published_at', 'is', null).orderBy('id').forUpdate().execute();
      if (!sheets.length) throw new AppError(409, 'PLAN_RESULTS_NOTHING');
      const now = clock.now();
      for (const s of sheets) {
        await tx.updateTable('inspection').set({ published_at: now, updated_at: now, version: s.version + 1 }).where('tenant_id', '=', actor.tenantId).where('id', '=', s.id).execute();
        await tx.insertInto('inspection_event').values({ tenant_id: actor.tenantId, inspection_id: s.id, event: 'publish', from_state: 'submitted', to_state: 'submitted', actor_user_id: actor.userId, actor_label: actor.displayName, note: null, at: now }).execute();
        const inspector = await tx.selectFrom('app_user').select(['id', 'display_name']).where('tenant_id', '=', actor.tenantId).where('id', '=', s.inspector_id).executeTakeFirstOrThrow();
        const target = { kind: s.target_kind as ResolvedTarget['kind'], subtype: s.target_subtype, name: s.target_name, lat: s.lat, lng: s.lng,
          responsibleUnit: s.target_unit_id ? { id: s.target_unit_id, name: '' } : null };
        if (target.lat === null || target.lng === null) {
          const t = (await resolveTargets(tx, actor.tenantId, { unitKinds: [], withinUnitId: null, unitIds: s.target_kind === 'unit' ? [s.target_id] : [], zoneIds: s.target_kind === 'zone' ? [s.target_id] : [], pointIds: s.target_kind === 'point' ? [s.target_id] : [], pointTypeIds: [] }, s.inspected_on))[0];
          target.lat = t?.lat ?? null;
          target.lng = t?.lng ?? null;
        }
        await openCases(tx, actor.tenantId, s.id, plan, target, null, { userId: inspector.id, label: inspector.display_name }, ctx);
      }
      await recordAudit(tx, ctx, { action: 'plan.results_published', entityType: 'plan', entityId: planId, after: { sheets: sheets.length } });
      return { published: sheets.length };
    });
  }

  /**
   * Which of a plan's sheets the actor may count, as a condition on `inspection as i`: all of them
   * for the city's staff and for the unit running the plan (and above); otherwise the sheets the
   * actor scored, and those of the actor's own units once published — `scopeSql` with the plan
   * fixed. It names the plan by id (PostgreSQL checks its owner once), so it needs no plan row and
   * can run while the plan's visibility is checked.
   */
  function planSheetsSql(actor: Actor, planId: number): Expression<SqlBool> {
    if (actor.scope === 'tenant') return sql<SqlBool>`true`;
    return sql<SqlBool>`(exists (select 1 from inspection_plan p join unit o on o.tenant_id = p.tenant_id and o.id = p.owner_unit_id
                                  where p.tenant_id = ${actor.tenantId} and p.id = ${planId} and o.path like ${mineLike(actor)})
                         or ${ownSheetsSql(actor)})`;
  }

  const rateOf = (score: number, max: number) => (max > 0 ? Math.round((score / max) * 10000) / 10000 : null);
  const r2 = (x: number) => Math.round(x * 100) / 100;

  /**
   * A plan's ranking over a period. PostgreSQL sums the submitted sheets per target, so a month of
   * a city's 创文 sheets is one aggregate, not tens of thousands of rows sent to Node; the per-type
   * and per-unit groups count each sheet under the type and unit it recorded; a target keeps the
   * name, type and unit of its newest sheet. The plan's visibility is checked while PostgreSQL
   * sums (a refusal still answers, and nothing summed is returned without the plan); as soon as
   * the plan shows targets other than units (points, zones), the names of their responsible units
   * and of the point types are asked for too, so they rarely cost a round trip after the sums.
   */
  async function results(actor: Actor, q: ResultsQuery): Promise<PlanResults> {
    if (q.from > q.to) throw new AppError(422, 'RECURRENCE_DATES');
    const visible = () => db.selectFrom('inspection as i')
      .where('i.tenant_id', '=', actor.tenantId).where('i.plan_id', '=', q.planId).where('i.state', '=', 'submitted')
      .where('i.inspected_on', '>=', q.from).where('i.inspected_on', '<=', q.to).where(planSheetsSql(actor, q.planId));
    const sumsOf = [
      sql<number>`count(*)`.as('sheets'),
      sql<number>`coalesce(sum(i.score), 0)`.as('score'),
      sql<number>`coalesce(sum(i.max_score), 0)`.as('max'),
      sql<number>`sum(i.finding_count)`.as('findings'),
      sql<number>`max(i.id)`.as('latest_id'),
    ];
    const unitNames = (ids: number[] | Expression<unknown>) => db.selectFrom('unit').select(['id', 'name']).where('tenant_id', '=', actor.tenantId)
      .where('id', '=', Array.isArray(ids) ? sql<number>`any(${ids}::bigint[])` : sql<number>`any(array(${ids}))`).execute();
    const typeNames = () => db.selectFrom('assessment_point_type').select(['code', 'name']).where('tenant_id', '=', actor.tenantId).execute();
    const planP = plans.planRow(actor, q.planId);
    // Points and zones answer through other units: their names, and the point types', asked for
    // while the sums run (the units the sheets recorded, each once, by key).
    const namesP = planP.then((plan) => {
      const spec = plan.targets as TargetSpec | null;
      if (spec && !spec.zoneIds.length && !spec.pointIds.length && !spec.pointTypeIds.length) return null;
      return Promise.all([
        unitNames(visible().select('i.target_unit_id').distinct().where('i.target_kind', '<>', 'unit').where('i.target_unit_id', 'is not', null)),
        typeNames(),
      ]);
    }, () => null);
    // Handled here too, so a refusal or a failed sum (which answers first) leaves no unhandled rejection.
    namesP.catch(() => undefined);
    // Sums per target and per the type, unit and name each sheet recorded: one group per target
    // unless a target changed (renamed, another type or responsible unit), so a month of a city's
    // 创文 sheets is 200 groups. PostgreSQL hashes them once it knows that these columns follow the
    // target (the statistics object inspection_target_groups, migration 0019); without it PG 15
    // expected tens of thousands of groups for a year and sorted 180,000 sheets.
    const [plan, groups] = await Promise.all([
      planP,
      visible()
        .select(['i.target_kind', 'i.target_id', 'i.target_subtype', 'i.target_unit_id', 'i.target_name', ...sumsOf])
        .groupBy(['i.target_kind', 'i.target_id', 'i.target_subtype', 'i.target_unit_id', 'i.target_name'])
        .execute(),
    ]);
    type Group = (typeof groups)[number];
    const key = (t: { target_kind: string; target_id: number }) => `${t.target_kind}:${t.target_id}`;
    // A target keeps the name, type and unit of its newest sheet.
    const by = new Map<string, { latest: Group; sheets: number; score: number; max: number; findings: number }>();
    for (const g of groups) {
      const a = by.get(key(g));
      if (!a) by.set(key(g), { latest: g, sheets: g.sheets, score: g.score, max: g.max, findings: g.findings });
      else {
        if (g.latest_id > a.latest.latest_id) a.latest = g;
        a.sheets += g.sheets; a.score = r2(a.score + g.score); a.max = r2(a.max + g.max); a.findings += g.findings;
      }
    }
    // A unit scored as itself is its own responsible unit: its name is the one its newest sheet recorded.
    const ownName = new Map([...by.values()].flatMap(({ latest: t }) => (t.target_kind === 'unit' && t.target_unit_id === t.target_id ? [[t.target_id, t.target_name] as const] : [])));
    // Names of the other responsible units, and of the point types when points are ranked: those
    // asked for early, then any still missing (a plan whose targets changed kind).
    const early = await namesP;
    const known = new Map([...ownName, ...(early?.[0] ?? []).map((u) => [u.id, u.name] as const)]);
    const missing = [...new Set(groups.flatMap((g) => (g.target_unit_id === null || known.has(g.target_unit_id) ? [] : [g.target_unit_id])))];
    const [units, types] = await Promise.all([
      missing.length ? unitNames(missing) : [],
      early ? early[1] : groups.some((g) => g.target_kind === 'point') ? typeNames() : [],
    ]);
    const unitName = new Map([...known, ...units.map((u) => [u.id, u.name] as const)]);
    const typeName = new Map(types.map((t) => [t.code, t.name]));
    const list = [...by.values()].map((a) => ({
      target: { kind: a.latest.target_kind as ResolvedTarget['kind'], id: a.latest.target_id, name: a.latest.target_name, subtype: a.latest.target_subtype,
        responsibleUnit: a.latest.target_unit_id ? { id: a.latest.target_unit_id, name: unitName.get(a.latest.target_unit_id) ?? '' } : null },
      sheets: a.sheets, score: a.score, maxScore: a.max, average: r2(a.score / a.sheets), rate: rateOf(a.score, a.max), findings: a.findings, rank: 0,
    })).sort((x, y) => (y.rate ?? -1) - (x.rate ?? -1) || y.score - x.score || byName(x.target.name, y.target.name));
    list.forEach((r, i) => { r.rank = i > 0 && list[i - 1]!.rate === r.rate ? list[i - 1]!.rank : i + 1; });
    const group = (keyOf: (g: Group) => [string, string]) => {
      const m = new Map<string, { name: string; sheets: number; score: number; max: number }>();
      for (const g of groups) {
        const [k, name] = keyOf(g);
        const a = m.get(k) ?? { name, sheets: 0, score: 0, max: 0 };
        a.sheets += g.sheets; a.score += g.score; a.max += g.max;
        m.set(k, a);
      }
      return [...m.entries()].map(([k, a]) => ({ key: k, name: a.name, sheets: a.sheets, rate: rateOf(a.score, a.max) })).sort((x, y) => (y.rate ?? -1) - (x.rate ?? -1));
    };
    return {
      plan: { id: plan.id, name: plan.name, kind: plan.kind as PlanKind, mode: plan.mode as PlanMode }, from: q.from, to: q.to, rows: list,
      byType: group((g) => [g.target_subtype ?? '', (g.target_subtype !== null ? typeName.get(g.target_subtype) : undefined) ?? g.target_subtype ?? '']),
      byUnit: group((g) => [String(g.target_unit_id ?? 0), (g.target_unit_id !== null ? unitName.get(g.target_unit_id) : undefined) ?? '—']),
    };
  }

  async function explain(actor: Actor, q: ExplanationQuery): Promise<ResultExplanation> {
    if (q.from > q.to) throw new AppError(422, 'RECURRENCE_DATES');
    const [plan, sheets] = await Promise.all([plans.planRow(actor, q.planId), db.selectFrom('inspection as i')
      .innerJoin('app_user as u', (j) => j.onRef('u.tenant_id', '=', 'i.tenant_id').onRef('u.id', '=', 'i.inspector_id'))
      .leftJoin('unit as tu', (j) => j.onRef('tu.tenant_id', '=', 'i.tenant_id').onRef('tu.id', '=', 'i.target_unit_id'))
      .select(['i.id', 'i.number', 'i.inspected_on', 'u.display_name as inspector', 'i.score', 'i.max_score', 'i.rate', 'i.finding_count', 'i.vetoed',
        'i.target_name', 'i.target_subtype', 'i.target_unit_id', 'tu.name as target_unit_name'])
      .where('i.tenant_id', '=', actor.tenantId).where('i.target_kind', '=', q.targetKind).where('i.target_id', '=', q.targetId)
      .where('i.plan_id', '=', q.planId).where('i.state', '=', 'submitted').where('i.inspected_on', '>=', q.from).where('i.inspected_on', '<=', q.to)
      .where(planSheetsSql(actor, q.planId))
      .orderBy('i.inspected_on', 'desc').orderBy('i.id', 'desc')
      .execute()]);
    if (!sheets.length) throw notFound('result');
    const ids = sheets.map((x) => x.id);
    // Each sheet's items scored again by the domain's own rules (as the sheet's total was), then
    // summed per item: what the sheets recorded, not a second formula.
    const [entries, findingPoints, findings] = await Promise.all([
      db.selectFrom('inspection_item').select(['inspection_id', 'node_id', 'na', 'score', 'observed', 'passed'])
        .where('tenant_id', '=', actor.tenantId).where('inspection_id', 'in', ids).execute(),
      db.selectFrom('inspection_finding').select(['inspection_id', 'item_node_id', 'points'])
        .where('tenant_id', '=', actor.tenantId).where('inspection_id', 'in', ids).execute(),
      db.selectFrom('inspection_finding as f')
        .innerJoin('inspection as i', (j) => j.onRef('i.tenant_id', '=', 'f.tenant_id').onRef('i.id', '=', 'f.inspection_id'))
        .innerJoin('standard_node as n', (j) => j.onRef('n.tenant_id', '=', 'f.tenant_id').onRef('n.id', '=', 'f.item_node_id'))
        .leftJoin('case_record as c', (j) => j.onRef('c.tenant_id', '=', 'f.tenant_id').onRef('c.id', '=', 'f.case_id'))
        .select(['f.id', 'f.inspection_id', 'i.number', 'i.inspected_on', 'n.code', 'n.title', 'f.points', 'f.note', 'c.id as case_id', 'c.number as case_number', 'c.state as case_state'])
        .where('f.tenant_id', '=', actor.tenantId).where('f.inspection_id', 'in', ids)
        .orderBy('i.inspected_on', 'desc').orderBy('f.id', 'desc').limit(100)
        .execute(),
    ]);
    const nodeIds = [...new Set(entries.map((e) => e.node_id))];
    const nodes = nodeIds.length ? await db.selectFrom('standard_node as n')
      .leftJoin('standard_node as s', (j) => j.onRef('s.tenant_id', '=', 'n.tenant_id').onRef('s.id', '=', 'n.parent_id'))
      .select(['n.id', 'n.code', 'n.title', 's.title as section', 'n.points', 'n.method', 'n.floor', 'n.na_allowed', 'n.veto', 'n.position'])
      .where('n.tenant_id', '=', actor.tenantId).where('n.id', 'in', nodeIds).execute() : [];
    const nodeOf = new Map(nodes.map((n) => [n.id, n]));
    const bySheet = new Map<number, { entries: typeof entries; findings: typeof findingPoints }>(ids.map((id) => [id, { entries: [], findings: [] }]));
    for (const e of entries) bySheet.get(e.inspection_id)!.entries.push(e);
    for (const f of findingPoints) bySheet.get(f.inspection_id)?.findings.push(f);
    const perItem = new Map(nodes.map((n) => [n.id, { scored: 0, na: 0, maxTotal: 0, scoreTotal: 0, failedSheets: 0, findings: 0 }]));
    for (const sheet of bySheet.values()) {
      const scored: ScoredItem[] = sheet.entries.map((e) => {
        const n = nodeOf.get(e.node_id)!;
        return { key: String(n.id), code: n.code, points: n.points ?? 0, method: (n.method ?? 'deduct') as ScoredItem['method'], floor: n.floor, naAllowed: n.na_allowed, veto: n.veto };
      });
      const result = scoreSheet(scored,
        sheet.entries.map((e) => ({ key: String(e.node_id), na: e.na, score: e.score, observed: e.observed, passed: e.passed })),
        sheet.findings.map((f) => ({ itemKey: String(f.item_node_id), points: f.points })));
      for (const r of result.items) {
        const a = perItem.get(Number(r.key))!;
        a.findings += r.findings;
        if (r.na) a.na += 1;
        else if (r.score !== null) {
          a.scored += 1; a.maxTotal = r2(a.maxTotal + r.max); a.scoreTotal = r2(a.scoreTotal + r.score);
          if (r.failed) a.failedSheets += 1;
        }
      }
    }
    const latest = sheets[0]!;
    const score = r2(sheets.reduce((a, x) => a + (x.score ?? 0), 0));
    const max = r2(sheets.reduce((a, x) => a + (x.max_score ?? 0), 0));
    return {
      plan: { id: plan.id, name: plan.name, kind: plan.kind as PlanKind, mode: plan.mode as PlanMode }, from: q.from, to: q.to,
      target: { kind: q.targetKind, id: q.targetId, name: latest.target_name, subtype: latest.target_subtype,
        responsibleUnit: latest.target_unit_id ? { id: latest.target_unit_id, name: latest.target_unit_name ?? '' } : null },
      sheets: sheets.length, score, maxScore: max, average: r2(score / sheets.length), rate: rateOf(score, max),
      findings: sheets.reduce((a, x) => a + x.finding_count, 0), vetoed: sheets.filter((x) => x.vetoed).length,
      items: nodes.map((n) => {
        const a = perItem.get(n.id)!;
        return { nodeId: n.id, code: n.code, title: n.title, section: n.section, points: n.points, ...a, lost: r2(a.maxTotal - a.scoreTotal), position: n.position };
      }).sort((a, b) => b.lost - a.lost || b.findings - a.findings || a.position - b.position).map(({ position: _position, ...rest }) => rest),
      sheetList: sheets.map((x) => ({ id: x.id, number: x.number, inspectedOn: x.inspected_on, inspector: x.inspector, score: x.score ?? 0, maxScore: x.max_score ?? 0, rate: x.rate,
        findingCount: x.finding_count, vetoed: x.vetoed })),
      findingList: findings.map((f) => ({ id: f.id, inspectionId: f.inspection_id, inspectionNumber: f.number, inspectedOn: f.inspected_on, itemCode: f.code, itemTitle: f.title,
        points: f.points, note: f.note, case: f.case_id !== null ? { id: f.case_id, number: f.case_number ?? '', state: f.case_state ?? '' } : null })),
    };
  }

  // ---------- photos ----------
  async function uploadPhoto(actor: Actor, input: { data: Buffer; mime: string; name: string; clientKey: string | null }, ctx: AuditContext) {
    return db.transaction().execute(async (tx) => {
      if (input.clientKey) {
        const prior = await tx.selectFrom('upload_key as k').innerJoin('stored_file as f', (j) => j.onRef('f.tenant_id', '=', 'k.tenant_id').onRef('f.id', '=', 'k.file_id'))
          .select(['f.id', 'f.original_name', 'f.mime', 'f.size_bytes', 'k.user_id']).where('k.tenant_id', '=', actor.tenantId).where('k.client_key', '=', input.clientKey).executeTakeFirst();
        if (prior) {
          if (prior.user_id !== actor.userId) throw new AppError(409, 'ALREADY_EXISTS');
          return { id: prior.id, name: prior.original_name, mime: prior.mime, sizeBytes: Number(prior.size_bytes), clientKey: input.clientKey, created: false };
        }
      }
      const id = await saveStoredFile(tx, files, ctx, { tenantId: actor.tenantId, data: input.data, mime: input.mime, name: input.name, createdBy: actor.userId });
      if (input.clientKey) {
        const k = await tx.insertInto('upload_key').values({ tenant_id: actor.tenantId, client_key: input.clientKey, file_id: id, user_id: actor.userId })
          .onConflict((oc) => oc.columns(['tenant_id', 'client_key']).doNothing()).returning('file_id').executeTakeFirst();
        if (!k) throw new AppError(409, 'CONFLICT');
      }
      return { id, name: input.name, mime: input.mime, sizeBytes: input.data.length, clientKey: input.clientKey, created: true };
    });
  }

  async function photo(actor: Actor, inspectionId: number, photoId: number) {
    await load(actor, inspectionId);
    const p = await db.selectFrom('inspection_photo as p').innerJoin('stored_file as f', (j) => j.onRef('f.tenant_id', '=', 'p.tenant_id').onRef('f.id', '=', 'p.file_id'))
      .select(['f.sha256', 'f.mime']).where('p.tenant_id', '=', actor.tenantId).where('p.inspection_id', '=', inspectionId).where('p.id', '=', photoId).executeTakeFirst();
    if (!p) throw notFound('photo');
    return p;
  }

  return { list, view, tasks, recheckTasks, sync, reopen, publishResults, results, explain, uploadPhoto, photo, planVisible };
}
export type InspectionsService = ReturnType<typeof createInspectionsService>;
