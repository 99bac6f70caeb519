import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import {
  CASE_OPEN_STATES, CASE_SOURCES, CASE_STATE_CATEGORY, caseSearchQuery, distanceM, CASE_STATES, CASE_TIMED_STATES, CASE_TRANSITIONS, availableEvents, computeDeadline, decide, elapsed, localDate,
  type CaseActorRole, type CaseEvent, type CaseListQuery, type CasePage, type CasePreview, type CaseSource, type CaseState, type CaseView,
  type CaseSettings, type CreateCaseBody, type DeadlineClass, type WorkCalendar, type MessageParam, type HideCaseBody, type PhotoInput, type ResponsibilityAnswer, type TransitionBody, type CasePhotoStage,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, can, escapeLike, regionScopeSql, unitInScope, unitScopeSql } from '../../platform/access.js';
import { recordAudit, redact, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { createBatcher, isDatabaseRefusal } from '../../platform/batch.js';
import { prepared, type DB, type Executor } from '../../platform/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { RoutingService } from '../responsibility/routing.service.js';
import type { CaseCatalog } from './catalog.service.js';
import { createDocumentNumberer, createGapsAllowedSequence, documentFormat, insertUnnumberedDocument, nextSeq } from './sequences.js';
import type { Selectable } from 'kysely';
import type { CaseRecordTable } from '../../db/schema.js';

export type CaseRow = Selectable<CaseRecordTable>;

/** Who fires an event: a user acting in a case role, or the scheduler. */
export interface CaseActor {
  userId: number | null;
  label: string;
  role: CaseActorRole | 'system' | 'reporter';
}

/** A new case from any source: the web, the mobile page, an inspection, the public form, Open311. */
export interface IntakeInput {
  source: CaseSource;
  categoryCode: string;
  description: string;
  lat: number;
  lng: number;
  address?: string | null;
  photos: PhotoInput[];
  reporter: { userId: number | null; label: string; name?: string | null; phone?: string | null; ipHash?: string | null };
  unitId?: number;
  deadlineAt?: string;
  inspectionRef?: string | null;
  /** Register and assign at once (the city's autoAssignSources decide when omitted). */
  autoAssign?: boolean;
}

/** One intake as the write statement takes it (snake_case: the columns it fills). */
interface IntakeWrite {
  tenant_id: number; number: string; source: CaseSource; category_id: number; description: string; address: string | null; lat: number; lng: number;
  grid_id: number | null; community_id: number | null; street_id: number | null; region_path: string | null; state: CaseState; version: number;
  responsible_unit_id: number | null; routed_by: string | null; routing: ResponsibilityAnswer; deadline_amount: number; deadline_class: DeadlineClass; inspection_ref: string | null;
  reported_by: number | null; reporter_name: string | null; reporter_phone: string | null; reporter_ip_hash: string | null;
  assigned_at: string | null; deadline_at: string | null; at: string;
  /** the 交办单's number format, when the intake assigns */
  slip: string | null; slip_year: number;
  events: { ord: number; event: string; from_state: string | null; to_state: string; actor_user_id: number | null; actor_role: string; actor_label: string; data: Record<string, unknown> | null }[];
  outbox: { ord: number; topic: string; event: string; payload: Record<string, unknown> }[];
  audit: { tenant_id: number; actor_user_id: number | null; actor_label: string | null; after: unknown; ip: string | null; request_id: string | null };
}

/**
 * Intake write statements under way at once, and the most intakes one of them writes (see
 * writeBatch). County city, 100 clients, PG 15 server on two cores (bench/README): unbatched
 * 212–251 req/s; 2 under way, 32 each 328–422; 1 and 64 about the same (405–421); 3 or 4 under
 * way left most statements with one intake (274–299).
 */
const INTAKE_WRITES_IN_FLIGHT = 2;
const INTAKE_BATCH_MAX = 32;

const TIMED = CASE_TIMED_STATES as readonly string[];
const IMAGE_MIMES = ['image/jpeg', 'image/png', 'image/webp'];
/** The ledger counts its matches up to this many and then says "10,000+" (tests lower it). */
export const listTuning = { countCap: 10_000, searchWindow: 2_000 };
/**
 * The ledger's filters without paging (the export takes these); `regionPath` is the path of `regionId` as `resolveFilter` found it (null: no
 * such region), so the region filter is a prefix the index can range over, not a subquery.
 */
type CaseListFilter = Omit<CaseListQuery, 'page' | 'pageSize'> & { regionPath?: string | null };

/** Events whose user must say why. */
const NOTE_REQUIRED: Partial<Record<CaseEvent, Readonly<Record<'zh-CN' | 'en', string>>>> = {
  reject: { 'zh-CN': '不予立案的理由', en: 'the reason for not registering it' },
  verify_fail: { 'zh-CN': '返工的原因', en: 'the reason for rework' },
  request_return: { 'zh-CN': '申请退回的理由', en: 'the reason for sending it back' },
  request_deferral: { 'zh-CN': '申请挂账的理由', en: 'the reason for deferring it' },
  deny_return: { 'zh-CN': '不同意退回的理由', en: 'the reason for refusing the return' },
  deny_deferral: { 'zh-CN': '不同意挂账的理由', en: 'the reason for refusing the deferral' },
  cancel: { 'zh-CN': '撤销的理由', en: 'the reason for cancelling' },
};

export function createCasesService(deps: { db: DB; clock: Clock; catalog: CaseCatalog; routing: RoutingService }) {
  const { db, clock, catalog, routing } = deps;
  const numberer = createDocumentNumberer(db);
  const nextCaseSeq = createGapsAllowedSequence(db);
  /**
   * Intakes without photos, outside a caller's transaction, asked for while earlier writes are
   * under way go together in the next statement (ADR 0007, "intake: one statement for many").
   * Should the database refuse a shared statement (its error message: nothing was written),
   * each of its intakes is tried alone, so one intake's error (or a constraint it breaks) is its
   * own; each caller gets its row or its error. Any other failure (a lost connection: the commit
   * may have happened) fails the whole batch without trying again.
   */
  const writeBatch = createBatcher((items: readonly IntakeWrite[]) => writeIntakes(db, items),
    { maxInFlight: INTAKE_WRITES_IN_FLIGHT, maxBatch: INTAKE_BATCH_MAX, retryAlone: isDatabaseRefusal });
  /** The intake's routing look-ups, likewise shared (with the intake's context as extra columns). */
  const routeQueued = routing.queued(catalog.intakeContextSql);

  // ---------- scope and roles ----------

  /** The case roles an actor holds on one case. */
  function rolesOn(actor: Actor, unitPath: string | null): CaseActorRole[] {
    const roles: CaseActorRole[] = [];
    if (can(actor, 'case.manage')) roles.push('office');
    if (can(actor, 'case.verify')) roles.push('inspector');
    if (can(actor, 'case.handle') && unitPath && unitInScope(actor, unitPath)) roles.push('unit');
    return roles;
  }

  /**
   * Which cases a user sees: the whole city, or those of their units, their area, or their own reports.
   * On case_record alone (alias c): each arm can use an index, no join to the unit is needed.
   */
  function scopeSql(actor: Actor): Expression<SqlBool> {
    if (actor.scope === 'tenant') return sql<SqlBool>`true`;
    const units = sql`array(select su.id from unit su where su.tenant_id = ${actor.tenantId} and ${unitScopeSql(actor, 'su.path')})`;
    return sql<SqlBool>`(c.responsible_unit_id = any(${units}) or ${regionScopeSql(actor, 'c.region_path')} or c.reported_by = ${actor.userId})`;
  }

  function baseQuery(ex: Executor, tenantId: number) {
    return ex.selectFrom('case_record as c')
      .innerJoin('case_category as k', (j) => j.onRef('k.tenant_id', '=', 'c.tenant_id').onRef('k.id', '=', 'c.category_id'))
      .leftJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'c.tenant_id').onRef('u.id', '=', 'c.responsible_unit_id'))
      .leftJoin('region as g', (j) => j.onRef('g.tenant_id', '=', 'c.tenant_id').onRef('g.id', '=', 'c.grid_id'))
      .leftJoin('region as cm', (j) => j.onRef('cm.tenant_id', '=', 'c.tenant_id').onRef('cm.id', '=', 'c.community_id'))
      .leftJoin('region as st', (j) => j.onRef('st.tenant_id', '=', 'c.tenant_id').onRef('st.id', '=', 'c.street_id'))
      .selectAll('c')
      .select(['k.code as category_code', 'k.name as category_name', 'k.major_name', 'k.major_code', 'k.closing as category_closing',
        'u.name as unit_name', 'u.path as unit_path', 'g.name as grid_name', 'cm.name as community_name', 'st.name as street_name'])
      .where('c.tenant_id', '=', tenantId);
  }
  type Joined = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

  function isOverdue(r: Pick<CaseRow, 'state' | 'deadline_at'>, now: Date): boolean {
    return TIMED.includes(r.state) && r.deadline_at !== null && r.deadline_at.getTime() < now.getTime();
  }

  function actionsOf(actor: Actor, r: Joined, now: Date): string[] {
    const roles = rolesOn(actor, r.unit_path);
    const events = availableEvents(CASE_TRANSITIONS, r.state as CaseState, roles)
      .filter((e) => e !== 'escalate' || isOverdue(r, now));
    return [...new Set(events), ...actionsFor({ hide: can(actor, 'case.manage') && ['citizen', 'open311'].includes(r.source) })];
  }

  function coreView(actor: Actor, r: Joined, now: Date) {
    const named = (id: number | null, name: string | null) => (id !== null ? { id, name: name ?? '' } : null);
    return {
      id: r.id, number: r.number, source: r.source as CaseSource,
      category: { id: r.category_id, code: r.category_code, name: r.category_name, majorName: r.major_name },
      description: r.description, address: r.address, lat: r.lat, lng: r.lng,
      grid: named(r.grid_id, r.grid_name), community: named(r.community_id, r.community_name), street: named(r.street_id, r.street_name),
      state: r.state as CaseState, stateCategory: CASE_STATE_CATEGORY[r.state as CaseState], version: r.version,
      unit: named(r.responsible_unit_id, r.unit_name), routedBy: r.routed_by,
      deadline: { amount: Number(r.deadline_amount), cls: r.deadline_class as DeadlineClass, at: r.deadline_at?.toISOString() ?? null, paused: r.state === 'deferred' },
      overdue: isOverdue(r, now), escalationCount: r.escalation_count, returnedCount: r.returned_count, relapseCount: r.relapse_count,
      assignedAt: iso(r.assigned_at), submittedAt: iso(r.submitted_at), closedAt: iso(r.closed_at), closedOnTime: r.closed_on_time,
      hidden: r.hidden, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
      actions: actionsOf(actor, r, now),
    };
  }

  async function loadVisible(actor: Actor, id: number, ex: Executor = db): Promise<Joined> {
    const row = await baseQuery(ex, actor.tenantId).where('c.id', '=', id).where(scopeSql(actor)).executeTakeFirst();
    if (!row) {
      // Tell "not there" from "not yours" only to those who may see the whole city.
      throw notFound('case');
    }
    return row;
  }

  /** One case's row with its photos, events, documents and merge target, as `view` reads it and `intake` writes it. */
  function viewQuery(ex: Executor, tenantId: number) {
    return baseQuery(ex, tenantId).select((eb) => [
      jsonArrayFrom(eb.selectFrom('case_photo as p').select(['p.id', 'p.stage', 'p.taken_at', 'p.lat', 'p.lng', 'p.event_id'])
        .whereRef('p.tenant_id', '=', 'c.tenant_id').whereRef('p.case_id', '=', 'c.id').orderBy('p.id')).as('photos'),
      jsonArrayFrom(eb.selectFrom('case_event as e').select(['e.id', 'e.event', 'e.from_state', 'e.to_state', 'e.actor_label', 'e.actor_role', 'e.note', 'e.data', 'e.at'])
        .whereRef('e.tenant_id', '=', 'c.tenant_id').whereRef('e.case_id', '=', 'c.id').orderBy('e.id')).as('events'),
      jsonArrayFrom(eb.selectFrom('case_document as d').select(['d.id', 'd.kind', 'd.number_text', 'd.created_at'])
        .whereRef('d.tenant_id', '=', 'c.tenant_id').whereRef('d.case_id', '=', 'c.id').orderBy('d.id')).as('documents'),
      jsonObjectFrom(eb.selectFrom('case_record as m').select(['m.id', 'm.number'])
        .whereRef('m.tenant_id', '=', 'c.tenant_id').whereRef('m.id', '=', 'c.merged_into_id')).as('merged'),
    ]);
  }
  type ViewRow = Awaited<ReturnType<ReturnType<typeof viewQuery>['executeTakeFirstOrThrow']>>;

  /** One case with its photos, events, documents and merge target: one query (each round trip costs). */
  async function view(actor: Actor, id: number, ex: Executor = db): Promise<CaseView> {
    const row = await viewQuery(ex, actor.tenantId).where('c.id', '=', id).where(scopeSql(actor)).modifyFront(prepared('case_view')).executeTakeFirst();
    if (!row) throw notFound('case');
    return viewOf(actor, row);
  }

  function viewOf(actor: Actor, row: ViewRow): CaseView {
    const { photos, events, documents, merged, ...r } = row;
    const id = r.id;
    const now = clock.now();
    const office = can(actor, 'case.manage');
    return {
      ...coreView(actor, r, now),
      routing: r.routing ?? null,
      mergedInto: merged ? { id: merged.id, number: merged.number } : null,
      inspectionRef: r.inspection_ref,
      reporter: { userId: r.reported_by, name: r.reporter_name, phone: office ? r.reporter_phone : null },
      hiddenReason: office ? r.hidden_reason : null,
      photos: photos.map((p) => ({
        id: p.id, stage: p.stage as CasePhotoStage, url: `/api/v1/cases/${id}/photos/${p.id}`,
        takenAt: p.taken_at ? new Date(p.taken_at).toISOString() : null, lat: p.lat, lng: p.lng, eventId: p.event_id,
      })),
      events: events.map((e) => ({
        id: e.id, event: e.event, from: e.from_state, to: e.to_state, actor: e.actor_label, actorRole: e.actor_role, note: e.note,
        data: e.data ?? null, at: new Date(e.at).toISOString(),
      })),
      documents: documents.map((d) => ({ id: d.id, kind: d.kind as 'assignment_slip' | 'urging_letter', number: d.number_text, createdAt: new Date(d.created_at).toISOString() })),
    };
  }

  // ---------- photos ----------

  async function attachPhotos(tx: Executor, tenantId: number, caseId: number, eventId: number | null, stage: CasePhotoStage, photos: readonly PhotoInput[], by: number | null) {
    if (!photos.length) return [];
    const ids = [...new Set(photos.map((p) => p.fileId))];
    const files = await tx.selectFrom('stored_file').select(['id', 'mime']).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    const used = await tx.selectFrom('case_photo').select(['file_id', 'case_id']).where('tenant_id', '=', tenantId).where('file_id', 'in', ids).where('case_id', '!=', caseId).execute();
    const problems: { field: string; problem: 'CASE_PHOTO_INVALID'; params: { reason: MessageParam } }[] = [];
    photos.forEach((p, i) => {
      const f = files.find((x) => x.id === p.fileId);
      if (!f) problems.push({ field: `photos/${i}/fileId`, problem: 'CASE_PHOTO_INVALID', params: { reason: { 'zh-CN': `文件 ${p.fileId} 不存在`, en: `file ${p.fileId} does not exist` } } });
      else if (!IMAGE_MIMES.includes(f.mime)) problems.push({ field: `photos/${i}/fileId`, problem: 'CASE_PHOTO_INVALID', params: { reason: { 'zh-CN': '不是图片', en: 'not an image' } } });
      else if (used.some((u) => u.file_id === p.fileId)) problems.push({ field: `photos/${i}/fileId`, problem: 'CASE_PHOTO_INVALID', params: { reason: { 'zh-CN': '已用于其他问题', en: 'used by another case' } } });
      if (p.takenAt && Date.parse(p.takenAt) > clock.now().getTime() + 5 * 60_000) {
        problems.push({ field: `photos/${i}/takenAt`, problem: 'CASE_PHOTO_INVALID', params: { reason: { 'zh-CN': '拍摄时间晚于当前时间', en: 'taken in the future' } } });
      }
      if ((p.lat === undefined) !== (p.lng === undefined)) problems.push({ field: `photos/${i}`, problem: 'CASE_PHOTO_INVALID', params: { reason: { 'zh-CN': '经纬度须同时填写', en: 'lat and lng go together' } } });
    });
    if (problems.length) throw new AppError(422, 'VALIDATION_FAILED', {}, problems);
    return tx.insertInto('case_photo').values(photos.map((p) => ({
      tenant_id: tenantId, case_id: caseId, event_id: eventId, stage, file_id: p.fileId, taken_at: p.takenAt ?? null,
      lat: p.lat ?? null, lng: p.lng ?? null, uploaded_by: by,
    }))).returning(['id', 'stage', 'taken_at', 'lat', 'lng', 'event_id']).execute();
  }

  // ---------- intake ----------

  function assertPlace(answer: ResponsibilityAnswer) {
    if (!answer.grid && !answer.community && !answer.street) {
      throw new AppError(422, 'CASE_OUTSIDE_CITY', {}, [{ field: 'lat', problem: 'CASE_OUTSIDE_CITY', params: {} }]);
    }
  }

  function assertFuture(deadlineAt: string | undefined, field = 'deadlineAt') {
    if (deadlineAt !== undefined && Date.parse(deadlineAt) <= clock.now().getTime()) {
      throw new AppError(422, 'CASE_DEADLINE_PAST', {}, [{ field, problem: 'CASE_DEADLINE_PAST', params: {} }]);
    }
  }

  async function assertUnit(ex: Executor, tenantId: number, unitId: number) {
    const u = await ex.selectFrom('unit').select(['id']).where('tenant_id', '=', tenantId).where('id', '=', unitId).executeTakeFirst();
    if (!u) {
      const reason = { 'zh-CN': `单位 ${unitId} 不存在`, en: `unit ${unitId} does not exist` };
      throw new AppError(422, 'CASE_UNIT_INVALID', { reason }, [{ field: 'unitId', problem: 'CASE_UNIT_INVALID', params: { reason } }]);
    }
  }

  async function duplicatesNear(ex: Executor, tenantId: number, categoryId: number, lat: number, lng: number, excludeId?: number) {
    const s = await catalog.settings(tenantId, ex);
    const since = new Date(clock.now().getTime() - s.duplicateWindowHours * 3_600_000);
    const dLat = s.duplicateRadiusM / 111_320;
    const dLng = s.duplicateRadiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
    const rows = await ex.selectFrom('case_record').select(['id', 'number', 'state', 'lat', 'lng', 'created_at', 'description'])
      .where('tenant_id', '=', tenantId).where('category_id', '=', categoryId).where('created_at', '>=', since)
      .where('state', 'in', CASE_OPEN_STATES).where('lat', '>=', lat - dLat).where('lat', '<=', lat + dLat).where('lng', '>=', lng - dLng).where('lng', '<=', lng + dLng)
      .$if(excludeId !== undefined, (q) => q.where('id', '!=', excludeId!))
      .orderBy('created_at', 'desc').limit(10).execute();
    return rows.map((r) => ({ ...r, distanceM: Math.round(distanceM([lng, lat], [r.lng, r.lat])) })).filter((r) => r.distanceM <= s.duplicateRadiusM)
      .map((r) => ({ id: r.id, number: r.number, state: r.state as CaseState, distanceM: r.distanceM, createdAt: new Date(r.created_at).toISOString(), description: r.description }));
  }

  /**
   * A new case: everything that only reads comes first (the routing answer, and in the same
   * statement the category, settings, calendar and region path), then the day's case number in its
   * own short statement (a failed intake leaves a gap), then ONE statement writes the case in the
   * state it ends in, its events (report, and register + assign when the source is auto-assigned —
   * each checked against the transition table), the audit row, the outbox rows and the 交办单 row,
   * whose gapless number is given just after commit (`settleDocuments`). That statement is shared
   * with the intakes arriving while earlier writes are under way (`writeBatch`); with photos, or
   * inside a caller's transaction, it writes this intake alone in that transaction.
   */
  async function intake(tenantId: number, input: IntakeInput, ctx: AuditContext, tx?: Executor): Promise<number> {
    return (await intakeRow(tenantId, input, ctx, tx)).id;
  }

  /**
   * The intake, answering with the case as written — the row the write statement returned, with
   * the names view() joins, its events, the 交办单 row and the photos — so the caller that shows
   * it (the POST) does not read it back. The 交办单's number is filled in by `withNumbers`.
   */
  async function intakeRow(tenantId: number, input: IntakeInput, ctx: AuditContext, tx?: Executor): Promise<ViewRow> {
    const ex = tx ?? db;
    assertFuture(input.deadlineAt);
    // Outside a transaction, shared with the intakes asking meanwhile (routeQueued).
    const routed = tx
      ? await routing.resolveWith(tenantId, input.lat, input.lng, undefined, input.categoryCode, tx, catalog.intakeContextSql)
      : await routeQueued({ tenantId, lat: input.lat, lng: input.lng, category: input.categoryCode });
    const answer = routed.answer;
    const k = catalog.intakeContextOf(routed.extra, input.categoryCode);
    assertPlace(answer);
    const autoAssign = input.autoAssign ?? k.settings.autoAssignSources.includes(input.source);
    if (input.unitId !== undefined) await assertUnit(ex, tenantId, input.unitId);
    const day = localDate(clock.now()).replaceAll('-', '');
    const now = clock.now();
    const unitId = input.unitId ?? answer.routing.unit?.id ?? null;
    const routedBy = input.unitId !== undefined ? 'office' : answer.routing.answeredBy;
    const reporter: CaseActor = { userId: input.reporter.userId, label: input.reporter.label, role: 'reporter' };
    const system: CaseActor = { userId: input.reporter.userId, label: input.reporter.label, role: 'system' };

    // The path through the transition table: report, then register (+ assign when a unit answers).
    const events: { event: string; from: string | null; to: CaseState; actor: CaseActor; data: Record<string, unknown> | null }[] = [
      { event: 'report', from: null, to: 'reported', actor: reporter, data: { source: input.source, routedBy, unitId } },
    ];
    const step = (event: CaseEvent, data: Record<string, unknown> | null) => {
      const from = events[events.length - 1]!.to;
      const d = decide(CASE_TRANSITIONS, from, event, ['office', 'inspector']);
      if (!d.ok) throw new AppError(409, d.reason, {}, { state: from, event });
      events.push({ event, from, to: d.to, actor: system, data });
    };
    let deadline: Date | null = null;
    if (autoAssign) {
      step('register', null);
      if (unitId !== null) {
        deadline = input.deadlineAt ? new Date(input.deadlineAt) : computeDeadline(now, k.category.deadlineAmount, k.category.deadlineClass, k.calendar);
        step('assign', { unitId, deadlineAt: deadline.toISOString() });
      }
    }
    const state = events[events.length - 1]!.to;
    const assigned = state === 'assigned';
    // The outbox rows the same transitions wrote one by one: the case as it stood after each.
    const base = { unitId, deadlineAt: null as string | null };
    const outbox: { topic: string; event: string; payload: Record<string, unknown> }[] = !autoAssign
      ? [{ topic: 'case.reported', event: 'report', payload: { ...base, state: 'reported' } }]
      : [
          { topic: 'case.register', event: 'register', payload: { ...base, state: 'registered', event: 'register', from: 'reported', actor: system.label } },
          assigned
            ? { topic: 'case.assign', event: 'assign', payload: { ...base, state: 'assigned', deadlineAt: deadline!.toISOString(), event: 'assign', from: 'registered', actor: system.label, unitId } }
            : { topic: 'case.unrouted', event: 'register', payload: { ...base, state: 'registered' } },
        ];
    const slip = assigned ? documentFormat(k.settings.slipNumberFormat, Number(day.slice(0, 4))) : null;
    const audit = redact({ source: input.source, category: k.category.code, lat: input.lat, lng: input.lng });

    const seq = tx ? await nextSeq(tx, tenantId, 'case', day) : await nextCaseSeq(tenantId, 'case', day);
    const number = `${day}${String(seq).padStart(4, '0')}`;
    const at = (d: Date | null) => (d ? d.toISOString() : null);
    const item: IntakeWrite = {
      tenant_id: tenantId, number, source: input.source, category_id: k.category.id, description: input.description.trim(), address: input.address?.trim() || null,
      lat: input.lat, lng: input.lng, grid_id: answer.grid?.id ?? null, community_id: answer.community?.id ?? null, street_id: answer.street?.id ?? null,
      region_path: k.regionPath, state, version: events.length, responsible_unit_id: unitId, routed_by: routedBy, routing: answer,
      deadline_amount: k.category.deadlineAmount, deadline_class: k.category.deadlineClass, inspection_ref: input.inspectionRef ?? null,
      reported_by: input.reporter.userId, reporter_name: input.reporter.name ?? null, reporter_phone: input.reporter.phone ?? null, reporter_ip_hash: input.reporter.ipHash ?? null,
      assigned_at: assigned ? at(now) : null, deadline_at: at(deadline), at: at(now)!, slip, slip_year: Number(day.slice(0, 4)),
      events: events.map((x, i) => ({
        ord: i, event: x.event, from_state: x.from, to_state: x.to, actor_user_id: x.actor.userId, actor_role: x.actor.role, actor_label: x.actor.label, data: x.data,
      })),
      outbox: outbox.map((x, i) => ({ ord: i, ...x })),
      audit: { tenant_id: ctx.tenantId, actor_user_id: ctx.actorUserId, actor_label: ctx.actorLabel, after: audit, ip: ctx.ip, request_id: ctx.requestId },
    };
    const withPhotos = async (t: Executor, r: WrittenIntake) => {
      const { report_event_id: reportEventId, ...row } = r;
      const photos = await attachPhotos(t, tenantId, row.id, reportEventId, 'before', input.photos, input.reporter.userId);
      return { ...row, photos, merged: null } as ViewRow;
    };
    if (tx) return withPhotos(tx, (await writeIntakes(tx, [item]))[0]!);
    if (input.photos.length) return db.transaction().execute(async (t) => withPhotos(t, (await writeIntakes(t, [item]))[0]!));
    // Without photos and outside a caller's transaction: written together with the intakes that
    // arrive while earlier writes are under way (one statement, one commit for all of them).
    const written = await writeBatch(item);
    return { ...written, photos: [], merged: null } as ViewRow;
  }

  type WrittenIntake = Omit<ViewRow, 'photos' | 'merged'> & { report_event_id: number };

  /**
   * Writes intakes in ONE statement, in the order given: each case in the state it ends in, its
   * events (in order), the 交办单 row of its assign event, its outbox rows and its audit row; and
   * answers with each case as view() shows it (baseQuery's names, the events, the documents), in
   * the same order. Either all are written or none.
   */
  async function writeIntakes(ex: Executor, items: readonly IntakeWrite[]): Promise<WrittenIntake[]> {
    const { rows } = await sql<WrittenIntake>`
      ${prepared('case_intake')} with v as materialized (
        select * from jsonb_to_recordset(${JSON.stringify(items.map((x, ord) => ({ ord, ...x })))}::jsonb) as v(
          ord int, tenant_id bigint, number text, source text, category_id bigint, description text, address text, lat float8, lng float8,
          grid_id bigint, community_id bigint, street_id bigint, region_path text, state text, version int, responsible_unit_id bigint, routed_by text,
          routing jsonb, deadline_amount numeric, deadline_class text, inspection_ref text, reported_by bigint, reporter_name text, reporter_phone text,
          reporter_ip_hash text, assigned_at timestamptz, deadline_at timestamptz, at timestamptz, slip text, slip_year int, events jsonb, outbox jsonb, audit jsonb)),
      c as (
        insert into case_record (tenant_id, number, source, category_id, description, address, lat, lng, grid_id, community_id, street_id, region_path,
                                 state, version, responsible_unit_id, routed_by, routing, deadline_amount, deadline_class, inspection_ref,
                                 reported_by, reporter_name, reporter_phone, reporter_ip_hash, assigned_at, deadline_at, timer_started_at, created_at, updated_at)
        select tenant_id, number, source, category_id, description, address, lat, lng, grid_id, community_id, street_id, region_path,
               state, version, responsible_unit_id, routed_by, routing, deadline_amount, deadline_class, inspection_ref,
               reported_by, reporter_name, reporter_phone, reporter_ip_hash, assigned_at, deadline_at, assigned_at, at, at
          from v order by ord
        returning *),
      cv as (select c.id as case_id, v.* from c join v on v.tenant_id = c.tenant_id and v.number = c.number),
      e as (
        insert into case_event (tenant_id, case_id, event, from_state, to_state, actor_user_id, actor_role, actor_label, data, at)
        select cv.tenant_id, cv.case_id, x.event, x.from_state, x.to_state, x.actor_user_id, x.actor_role, x.actor_label, x.data, cv.at
          from cv, jsonb_to_recordset(cv.events) as x(ord int, event text, from_state text, to_state text, actor_user_id bigint, actor_role text, actor_label text, data jsonb)
         order by cv.ord, x.ord
        returning id, case_id, event, from_state, to_state, actor_label, actor_role, note, data, at),
      d as (
        insert into case_document (tenant_id, case_id, event_id, kind, year, number_format, unit_id, deadline_at, created_at)
        select cv.tenant_id, cv.case_id, e.id, 'assignment_slip', cv.slip_year, cv.slip, cv.responsible_unit_id, cv.deadline_at, cv.at
          from cv join e on e.case_id = cv.case_id and e.event = 'assign'
         where cv.slip is not null
         order by cv.ord
        returning id, case_id, kind, number_text, created_at),
      o as (
        insert into outbox (tenant_id, topic, case_id, created_at, payload)
        select cv.tenant_id, x.topic, cv.case_id, cv.at,
               x.payload || jsonb_build_object('caseId', cv.case_id, 'number', cv.number, 'eventId', (select e.id from e where e.case_id = cv.case_id and e.event = x.event))
          from cv, jsonb_to_recordset(cv.outbox) as x(ord int, topic text, event text, payload jsonb)
         order by cv.ord, x.ord),
      a as (
        insert into audit_log (tenant_id, actor_user_id, actor_label, action, entity_type, entity_id, after, ip, request_id)
        select (cv.audit ->> 'tenant_id')::bigint, (cv.audit ->> 'actor_user_id')::bigint, cv.audit ->> 'actor_label', 'case.reported', 'case', cv.case_id::text,
               (cv.audit -> 'after') || jsonb_build_object('number', cv.number), cv.audit ->> 'ip', cv.audit ->> 'request_id'
          from cv order by cv.ord)
      -- Each case as view() shows it (baseQuery's names), from what this statement wrote.
      select c.*, k.code as category_code, k.name as category_name, k.major_name, k.major_code, k.closing as category_closing,
             u.name as unit_name, u.path as unit_path, g.name as grid_name, cm.name as community_name, st.name as street_name,
             (select json_agg(json_build_object('id', e.id, 'event', e.event, 'from_state', e.from_state, 'to_state', e.to_state, 'actor_label', e.actor_label,
                                                'actor_role', e.actor_role, 'note', e.note, 'data', e.data, 'at', e.at) order by e.id) from e where e.case_id = c.id) as events,
             (select coalesce(json_agg(json_build_object('id', d.id, 'kind', d.kind, 'number_text', d.number_text, 'created_at', d.created_at) order by d.id), '[]')
                from d where d.case_id = c.id) as documents,
             (select e.id from e where e.case_id = c.id and e.event = 'report') as report_event_id
        from c
        join case_category k on k.tenant_id = c.tenant_id and k.id = c.category_id
        left join unit u on u.tenant_id = c.tenant_id and u.id = c.responsible_unit_id
        left join region g on g.tenant_id = c.tenant_id and g.id = c.grid_id
        left join region cm on cm.tenant_id = c.tenant_id and cm.id = c.community_id
        left join region st on st.tenant_id = c.tenant_id and st.id = c.street_id`.execute(ex);
    const byNumber = new Map(rows.map((r) => [`${r.tenant_id}:${r.number}`, r]));
    return items.map((x) => {
      const r = byNumber.get(`${x.tenant_id}:${x.number}`);
      if (!r) throw new Error(`intake ${x.number} was not written`);
      return r;
    });
  }

  /**
   * The documents an intake wrote, with the numbers the numbering step gave them after commit;
   * one read for those another instance numbered (or none could be given: they stay without).
   */
  async function withNumbers(tenantId: number, documents: ViewRow['documents']): Promise<ViewRow['documents']> {
    if (!documents.some((d) => d.number_text === null)) return documents;
    const given = await numberer.settle().catch(() => new Map<number, string>());
    const numbers = new Map(documents.flatMap((d) => (d.number_text === null && given.get(d.id) !== undefined ? [[d.id, given.get(d.id)!] as const] : [])));
    const missing = documents.filter((d) => d.number_text === null && !numbers.has(d.id)).map((d) => d.id);
    if (missing.length) {
      const rows = await db.selectFrom('case_document').select(['id', 'number_text']).where('tenant_id', '=', tenantId).where('id', 'in', missing).execute();
      for (const r of rows) if (r.number_text !== null) numbers.set(r.id, r.number_text);
    }
    return documents.map((d) => (numbers.has(d.id) ? { ...d, number_text: numbers.get(d.id)! } : d));
  }

  // ---------- transitions ----------

  async function addEvent(tx: Executor, c: CaseRow, event: string, from: string | null, to: string, who: CaseActor, note: string | null, data: unknown): Promise<number> {
    const r = await tx.insertInto('case_event').values({
      tenant_id: c.tenant_id, case_id: c.id, event, from_state: from, to_state: to, actor_user_id: who.userId, actor_role: who.role,
      actor_label: who.label, note, data: data === undefined ? null : JSON.stringify(data), at: clock.now(),
    }).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  async function addOutbox(tx: Executor, c: CaseRow, topic: string, extra: Record<string, unknown>) {
    await tx.insertInto('outbox').values({
      tenant_id: c.tenant_id, topic, case_id: c.id, created_at: clock.now(),
      payload: JSON.stringify({ caseId: c.id, number: c.number, state: c.state, unitId: c.responsible_unit_id, deadlineAt: c.deadline_at, ...extra }),
    }).execute();
  }

  /** The 交办单/督办函 row of an event; its gapless number is given after commit (settleDocuments). */
  async function addDocument(tx: Executor, c: CaseRow, kind: 'assignment_slip' | 'urging_letter', eventId: number, known?: CaseSettings) {
    const s = known ?? await catalog.settings(c.tenant_id, tx);
    await insertUnnumberedDocument(tx, {
      tenantId: c.tenant_id, caseId: c.id, eventId, kind, year: Number(localDate(clock.now()).slice(0, 4)),
      format: kind === 'assignment_slip' ? s.slipNumberFormat : s.urgingNumberFormat, unitId: c.responsible_unit_id, deadlineAt: c.deadline_at, createdAt: clock.now(),
    });
  }

  interface ApplyInput {
    note: string | null;
    deadlineAt: string | undefined;
    unitId?: number;
    intoCaseId?: number;
    photos?: readonly PhotoInput[];
    expectedVersion?: number;
    /** Read before the transaction by intake, so the transaction does not read them again. */
    calendar?: WorkCalendar;
    settings?: CaseSettings;
  }

  /**
   * Fire one event on a case inside a transaction: the table decides the next state, the update
   * is guarded by the version the caller saw (or the row as read), and the event row, photos,
   * numbered documents and the outbox message are written in the same transaction.
   */
  async function apply(tx: Executor, c: CaseRow, event: CaseEvent, who: CaseActor, input: ApplyInput): Promise<CaseRow> {
    const d = decide(CASE_TRANSITIONS, c.state as CaseState, event, who.role === 'system' ? ['office', 'inspector'] : [who.role as CaseActorRole]);
    if (!d.ok) throw new AppError(409, d.reason, {}, { state: c.state, event });
    const now = clock.now();
    // The city's calendar only for the events that count working time (not on every transition).
    const calendar = async () => input.calendar ?? catalog.calendar(c.tenant_id, tx);
    const cls = c.deadline_class as DeadlineClass;
    const amount = Number(c.deadline_amount);
    const set: Partial<Record<keyof CaseRow, unknown>> = {};
    const data: Record<string, unknown> = {};
    const newDeadline = async (from: Date) => (input.deadlineAt ? new Date(input.deadlineAt) : computeDeadline(from, amount, cls, await calendar()));

    switch (event) {
      case 'assign': {
        const unitId = input.unitId ?? c.responsible_unit_id;
        if (unitId === null || unitId === undefined) throw new AppError(422, 'CASE_NO_UNIT', {}, [{ field: 'unitId', problem: 'CASE_NO_UNIT', params: {} }]);
        if (input.unitId !== undefined && input.unitId !== c.responsible_unit_id) {
          await assertUnit(tx, c.tenant_id, input.unitId);
          set.routed_by = 'office';
        }
        const deadline = await newDeadline(now);
        Object.assign(set, { responsible_unit_id: unitId, assigned_at: now, deadline_at: deadline, timer_started_at: now, time_used: 0, overdue_at: null, submitted_at: null });
        data.unitId = unitId;
        data.deadlineAt = deadline.toISOString();
        break;
      }
      case 'submit':
        set.submitted_at = now;
        break;
      case 'verify_pass':
        Object.assign(set, { closed_at: now, closed_on_time: c.deadline_at === null || (c.submitted_at ?? now).getTime() <= c.deadline_at.getTime(), timer_started_at: null });
        break;
      case 'verify_fail':
        set.returned_count = c.returned_count + 1;
        break;
      case 'approve_return':
        Object.assign(set, { responsible_unit_id: null, routed_by: null, deadline_at: null, timer_started_at: null, time_used: 0, overdue_at: null });
        data.previousUnitId = c.responsible_unit_id;
        break;
      case 'approve_deferral': {
        const used = Number(c.time_used) + (c.timer_started_at ? elapsed(c.timer_started_at, now, cls, await calendar()) : 0);
        Object.assign(set, { time_used: used, deadline_at: null, timer_started_at: null });
        data.timeUsed = used;
        break;
      }
      case 'end_deferral': {
        const left = Math.max(amount - Number(c.time_used), 0);
        const deadline = input.deadlineAt ? new Date(input.deadlineAt) : computeDeadline(now, left, cls, await calendar());
        Object.assign(set, { deadline_at: deadline, timer_started_at: now, overdue_at: deadline.getTime() < now.getTime() ? now : null });
        data.deadlineAt = deadline.toISOString();
        break;
      }
      case 'escalate':
        Object.assign(set, { escalation_count: c.escalation_count + 1, last_escalated_at: now, overdue_at: c.overdue_at ?? now });
        data.level = c.escalation_count + 1;
        data.overdueHours = c.deadline_at ? Math.max(0, Math.round((now.getTime() - c.deadline_at.getTime()) / 3_600_000)) : 0;
        break;
      case 'relapse': {
        const deadline = await newDeadline(now);
        Object.assign(set, {
          relapse_count: c.relapse_count + 1, assigned_at: now, deadline_at: deadline, timer_started_at: now, time_used: 0, overdue_at: null,
          submitted_at: null, closed_at: null, closed_on_time: null,
        });
        data.previousClosedAt = c.closed_at?.toISOString() ?? null;
        data.deadlineAt = deadline.toISOString();
        break;
      }
      case 'merge': {
        if (!input.intoCaseId) {
          const reason = { 'zh-CN': '请指定合并到的问题', en: 'name the case to merge into' };
          throw new AppError(422, 'CASE_MERGE_INVALID', { reason }, [{ field: 'intoCaseId', problem: 'CASE_MERGE_INVALID', params: { reason } }]);
        }
        const into = await tx.selectFrom('case_record').select(['id', 'state', 'merged_into_id']).where('tenant_id', '=', c.tenant_id).where('id', '=', input.intoCaseId).executeTakeFirst();
        const reason = !into ? { 'zh-CN': '目标问题不存在', en: 'no such case' } : into.id === c.id ? { 'zh-CN': '不能合并到自身', en: 'not into itself' }
          : ['merged', 'cancelled', 'rejected'].includes(into.state) ? { 'zh-CN': '目标问题已结束', en: 'the target case is finished' } : null;
        if (reason) throw new AppError(422, 'CASE_MERGE_INVALID', { reason }, [{ field: 'intoCaseId', problem: 'CASE_MERGE_INVALID', params: { reason } }]);
        Object.assign(set, { merged_into_id: input.intoCaseId, timer_started_at: null });
        data.intoCaseId = input.intoCaseId;
        break;
      }
      case 'cancel':
      case 'reject':
        set.timer_started_at = null;
        break;
      default:
        break;
    }
    const version = input.expectedVersion ?? c.version;
    const updated = await tx.updateTable('case_record').set({ ...set, state: d.to, version: version + 1, updated_at: now } as never)
      .where('tenant_id', '=', c.tenant_id).where('id', '=', c.id).where('version', '=', version).where('state', '=', c.state)
      .returningAll().executeTakeFirst();
    if (!updated) {
      const cur = await tx.selectFrom('case_record').select('state').where('tenant_id', '=', c.tenant_id).where('id', '=', c.id).executeTakeFirst();
      throw new AppError(409, 'CASE_VERSION_CONFLICT', { state: cur?.state ?? '' }, { state: cur?.state ?? null });
    }
    const eventId = await addEvent(tx, updated, event, c.state, d.to, who, input.note, Object.keys(data).length ? data : undefined);
    if (input.photos?.length) {
      const stage: CasePhotoStage = event === 'relapse' ? 'recheck' : ['submit', 'verify_pass', 'verify_fail'].includes(event) ? 'after' : 'before';
      await attachPhotos(tx, c.tenant_id, c.id, eventId, stage, input.photos, who.userId);
    }
    // The outbox message names its event: the dispatcher reads the event's numbered document by it.
    const extra: Record<string, unknown> = { event, from: c.state, actor: who.label, eventId, ...data };
    if (event === 'assign' || event === 'relapse') await addDocument(tx, updated, 'assignment_slip', eventId, input.settings);
    if (event === 'escalate') await addDocument(tx, updated, 'urging_letter', eventId, input.settings);
    if (event === 'approve_return') extra.unitId = c.responsible_unit_id;
    await addOutbox(tx, updated, `case.${event}`, extra);
    return updated;
  }

  async function transition(actor: Actor, id: number, b: TransitionBody, ctx: AuditContext): Promise<CaseView> {
    const documented = ['assign', 'relapse', 'escalate'].includes(b.event);
    await db.transaction().execute(async (tx) => {
      const r = await loadVisible(actor, id, tx);
      if (r.version !== b.version) throw new AppError(409, 'CASE_VERSION_CONFLICT', { state: r.state }, { state: r.state, version: r.version });
      const roles = rolesOn(actor, r.unit_path);
      const d = decide(CASE_TRANSITIONS, r.state as CaseState, b.event, roles);
      if (!d.ok) throw new AppError(d.reason === 'ROLE_NOT_ALLOWED' ? 403 : 409, d.reason, {}, { state: r.state, event: b.event });
      // The role the actor acts in: the first of theirs the table allows for this event.
      const row = CASE_TRANSITIONS.find((t) => t.from === r.state && t.event === b.event)!;
      const role = roles.find((x) => row.roles?.includes(x)) ?? roles[0]!;
      const note = b.note?.trim() || null;
      if (NOTE_REQUIRED[b.event] && !note) throw new AppError(422, 'CASE_NOTE_REQUIRED', { what: NOTE_REQUIRED[b.event]! }, [{ field: 'note', problem: 'CASE_NOTE_REQUIRED', params: { what: NOTE_REQUIRED[b.event]! } }]);
      if (b.event === 'submit' && !(b.photos?.length)) {
        throw new AppError(422, 'CASE_PHOTO_REQUIRED', { stage: { 'zh-CN': '整改完成', en: 'Completing the rectification' } }, [{ field: 'photos', problem: 'CASE_PHOTO_REQUIRED', params: { stage: { 'zh-CN': '整改完成', en: 'Completing the rectification' } } }]);
      }
      if ((b.unitId !== undefined || b.deadlineAt !== undefined) && role !== 'office') throw new AppError(403, 'CASE_OVERRIDE_NOT_ALLOWED');
      if (b.event === 'escalate' && !isOverdue(r, clock.now())) throw new AppError(409, 'TRANSITION_NOT_ALLOWED', {}, { state: r.state, event: b.event, reason: 'not overdue' });
      assertFuture(b.deadlineAt);
      await apply(tx, r, b.event, { userId: actor.userId, label: actor.displayName, role }, {
        note, deadlineAt: b.deadlineAt, unitId: b.unitId, intoCaseId: b.intoCaseId, photos: b.photos, expectedVersion: b.version,
      });
      await recordAudit(tx, ctx, { action: `case.${b.event}`, entityType: 'case', entityId: id, before: { state: r.state, version: r.version }, after: { state: row.to } });
    });
    // The document the event wrote gets its number before the answer shows it. The event is saved
    // already: should numbering fail now, the dispatcher numbers it within seconds, and the answer
    // must not be an error that invites the user to do it again.
    if (documented) await numberer.settle().catch(() => undefined);
    return view(actor, id);
  }

  // ---------- list ----------

  /** The ledger's filters and the reader's scope as conditions on case_record alone (alias c). */
  function listConditions(actor: Actor, q: CaseListFilter, now: Date): Expression<SqlBool>[] {
    const conds: Expression<SqlBool>[] = [scopeSql(actor)];
    const csv = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
    const states = csv(q.state);
    const bad = states.find((s) => !(CASE_STATES as readonly string[]).includes(s));
    if (bad) throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'state', message: `unknown state ${bad}` }]);
    const sources = csv(q.source);
    const badSource = sources.find((s) => !(CASE_SOURCES as readonly string[]).includes(s));
    if (badSource) throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: 'source', message: `unknown source ${badSource}` }]);
    const inList = (col: string, xs: readonly string[]) => sql<SqlBool>`${sql.ref(col)} in (${sql.join(xs)})`;
    if (states.length) conds.push(inList('c.state', states));
    if (q.stateCategory) conds.push(inList('c.state', CASE_STATES.filter((s) => CASE_STATE_CATEGORY[s] === q.stateCategory)));
    if (sources.length) conds.push(inList('c.source', sources));
    if (q.unitId) conds.push(sql<SqlBool>`c.responsible_unit_id = ${q.unitId}`);
    if (q.categoryId) conds.push(sql<SqlBool>`c.category_id = ${q.categoryId}`);
    if (q.majorCode) conds.push(sql<SqlBool>`c.category_id = any(array(select mk.id from case_category mk where mk.tenant_id = ${actor.tenantId} and mk.major_code = ${q.majorCode}))`);
    if (q.overdue !== undefined) {
      const cond = sql<SqlBool>`(c.state in (${sql.join(TIMED)}) and c.deadline_at < ${now})`;
      conds.push(q.overdue ? cond : sql<SqlBool>`not ${cond}`);
    }
    if (q.escalated !== undefined) conds.push(q.escalated ? sql<SqlBool>`c.escalation_count > 0` : sql<SqlBool>`c.escalation_count = 0`);
    if (q.relapsed !== undefined) conds.push(q.relapsed ? sql<SqlBool>`c.relapse_count > 0` : sql<SqlBool>`c.relapse_count = 0`);
    if (q.hidden !== undefined) conds.push(sql<SqlBool>`c.hidden = ${q.hidden}`);
    if (q.from) conds.push(sql<SqlBool>`c.created_at >= ${startOfDay(q.from)}`);
    if (q.to) conds.push(sql<SqlBool>`c.created_at < ${startOfDay(q.to, 1)}`);
    if (q.regionId) {
      if (q.regionPath === undefined) {
        conds.push(sql<SqlBool>`c.region_path like (select r.path from region r where r.tenant_id = ${actor.tenantId} and r.id = ${q.regionId}) || '%'`);
      } else {
        conds.push(q.regionPath === null ? sql<SqlBool>`false` : sql<SqlBool>`c.region_path like ${escapeLike(q.regionPath) + '%'}`);
      }
    }
    if (q.q) {
      const like = `%${escapeLike(q.q)}%`;
      // The bigram index narrows to candidates (search_terms, migration 0011, rule in the domain's
      // cases/search.ts); the LIKE re-checks them, so the result is exactly the LIKE's.
      const terms = caseSearchQuery(q.q);
      if (terms) conds.push(sql<SqlBool>`c.search_terms @@ ${terms}::tsquery`);
      conds.push(sql<SqlBool>`(c.number like ${like} or c.description like ${like} or c.address like ${like})`);
    }
    return conds;
  }

  /** The filter with its region's path looked up (one primary-key read), for the index on region_path. */
  async function resolveFilter<Q extends CaseListFilter>(actor: Actor, q: Q): Promise<Q> {
    if (!q.regionId || q.regionPath !== undefined) return q;
    const r = await db.selectFrom('region').select('path').where('tenant_id', '=', actor.tenantId).where('id', '=', q.regionId).executeTakeFirst();
    return { ...q, regionPath: r?.path ?? null };
  }

  /** The matching cases, case_record only (alias c): for pages of ids, counts and keyset reads. */
  function filteredCases(actor: Actor, q: CaseListFilter, now: Date) {
    let query = db.selectFrom('case_record as c').where('c.tenant_id', '=', actor.tenantId);
    for (const cond of listConditions(actor, q, now)) query = query.where(cond);
    return query;
  }

  /** The matching cases with the names a view shows. */
  function listFilter(actor: Actor, q: CaseListFilter, now: Date) {
    let query = baseQuery(db, actor.tenantId);
    for (const cond of listConditions(actor, q, now)) query = query.where(cond);
    return query;
  }

  /** Matching cases counted up to `cap` (+1 tells "more"): the count stops early instead of reading every row. */
  async function countCapped(actor: Actor, q: CaseListFilter, now: Date, cap: number): Promise<{ total: number; capped: boolean }> {
    const r = await db.selectFrom(filteredCases(actor, q, now).select(sql<number>`1`.as('one')).limit(cap + 1).as('x'))
      .select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const n = Number(r.n);
    return n > cap ? { total: cap, capped: true } : { total: n, capped: false };
  }

  /**
   * A text search that matches many cases (a common phrase such as 暴露垃圾) gets its page from the
   * newest cases without the text index: the planner takes the bigram index for selective and
   * scans every one of 40,000 matches before it can sort them. The probe walks the sort's own index
   * over the other filters, at most `searchWindow` rows, and re-checks the text there; when it
   * finds the first `needed` matches (or the window held every candidate) those are exactly the
   * page's rows, in order. Otherwise (a rare phrase) it returns null and the index plan runs.
   */
  async function searchProbe(actor: Actor, q: CaseListFilter, now: Date, order: RawBuilder<unknown>, needed: number): Promise<number[] | null> {
    const window = listTuning.searchWindow;
    if (!q.q || needed > window) return null;
    const like = `%${escapeLike(q.q)}%`;
    const candidates = filteredCases(actor, { ...q, q: undefined }, now)
      .select(['c.id', 'c.created_at', 'c.deadline_at', 'c.number', 'c.description', 'c.address']).orderBy(order).limit(window);
    const { rows: [r] } = await sql<{ ids: number[]; scanned: number }>`
      select coalesce(array_agg(c.id order by ${order}) filter (where c.number like ${like} or c.description like ${like} or c.address like ${like}), '{}') as ids,
             count(*)::int as scanned
        from (${candidates}) c`.execute(db);
    const ids = r!.ids.map(Number);
    return ids.length >= needed || r!.scanned < window ? ids.slice(0, needed) : null;
  }

  async function list(actor: Actor, query: CaseListQuery): Promise<CasePage> {
    const now = clock.now();
    const q = await resolveFilter(actor, query);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    // Order: each sort matches an index, ties broken by id in the same direction.
    const order = q.sort === 'deadline_asc' ? sql`c.deadline_at asc nulls last, c.id desc`
      : q.sort === 'created_asc' ? sql`c.created_at asc, c.id asc` : sql`c.created_at desc, c.id desc`;
    // The page's ids from case_record alone (cheap even at a deep offset), then the names for those rows only.
    // The count runs beside the page (a text search's page may first try the probe).
    const offset = (page - 1) * pageSize;
    const pageRows = async () => {
      const probed = q.q ? await searchProbe(actor, q, now, order, offset + pageSize) : null;
      const ids = probed
        ? db.selectFrom('case_record as c').select('c.id').where('c.tenant_id', '=', actor.tenantId).where('c.id', '=', sql<number>`any(${probed.slice(offset)}::bigint[])`)
        : filteredCases(actor, q, now).select('c.id').orderBy(order).limit(pageSize).offset(offset);
      return baseQuery(db, actor.tenantId).innerJoin(ids.as('p'), 'p.id', 'c.id').orderBy(order).execute();
    };
    const [rows, count] = await Promise.all([pageRows(), countCapped(actor, q, now, listTuning.countCap)]);
    return {
      items: rows.map((r) => coreView(actor, r, now)), total: count.total, totalCapped: count.capped, page, pageSize,
      actions: actionsFor({ create: can(actor, 'case.report'), export: true }),
    };
  }

  return {
    rolesOn,
    scopeSql,
    baseQuery,
    loadVisible,
    view,
    list,
    listFilter,
    filteredCases,
    resolveFilter,
    countCapped,
    intake,
    apply,
    transition,
    attachPhotos,
    duplicatesNear,
    /** Resolves once every 交办单/督办函 committed before the call has its number. */
    settleDocuments: () => numberer.settle(),
    isOverdue,

    /** Staff intake from the web or the mobile page. */
    async create(actor: Actor, b: CreateCaseBody, ctx: AuditContext): Promise<CaseView> {
      const office = can(actor, 'case.manage');
      if ((b.unitId !== undefined || b.deadlineAt !== undefined) && !office) throw new AppError(403, 'CASE_OVERRIDE_NOT_ALLOWED');
      // Only the office records cases that came in by phone, from the media or from leaders' instructions.
      const staffSources: CaseSource[] = ['inspector', 'grid_worker', 'inspection'];
      if (!office && !staffSources.includes(b.source) && !(b.source === 'leader' && actor.roles.includes('leader'))) {
        throw new AppError(403, 'CASE_SOURCE_NOT_ALLOWED', { source: b.source });
      }
      if (['citizen', 'open311'].includes(b.source)) throw new AppError(403, 'CASE_SOURCE_NOT_ALLOWED', { source: b.source });
      const row = await intakeRow(actor.tenantId, {
        ...b, photos: b.photos ?? [], reporter: { userId: actor.userId, label: actor.displayName, name: b.reporterName ?? null, phone: b.reporterPhone ?? null },
        // The office registers what it records itself (立案 is its own decision); others follow the city's settings.
        ...(office && { autoAssign: true }),
      }, ctx);
      // The reporter always sees their own report (scopeSql), so the answer is the case as written,
      // with the 交办单's number once given. Saved: a numbering failure now leaves the 交办单 to the
      // dispatcher (see transition), and the answer shows it without a number.
      return viewOf(actor, { ...row, documents: await withNumbers(row.tenant_id, row.documents) });
    },

    async preview(actor: Actor, q: { lat: number; lng: number; categoryCode: string }): Promise<CasePreview> {
      const category = await catalog.categoryByCode(db, actor.tenantId, q.categoryCode, { activeOnly: true });
      const answer = await routing.resolve(actor.tenantId, q.lat, q.lng, undefined, q.categoryCode);
      assertPlace(answer);
      const cal = await catalog.calendar(actor.tenantId);
      return {
        grid: answer.grid && { id: answer.grid.id, name: answer.grid.name },
        community: answer.community && { id: answer.community.id, name: answer.community.name },
        street: answer.street && { id: answer.street.id, name: answer.street.name },
        unit: answer.routing.unit, routedBy: answer.routing.answeredBy,
        deadline: {
          amount: Number(category.deadline_amount), cls: category.deadline_class as DeadlineClass,
          at: computeDeadline(clock.now(), Number(category.deadline_amount), category.deadline_class as DeadlineClass, cal).toISOString(),
        },
        duplicates: await duplicatesNear(db, actor.tenantId, category.id, q.lat, q.lng),
      };
    },

    async hide(actor: Actor, id: number, b: HideCaseBody, ctx: AuditContext): Promise<CaseView> {
      return db.transaction().execute(async (tx) => {
        const r = await loadVisible(actor, id, tx);
        if (!['citizen', 'open311'].includes(r.source)) throw new AppError(409, 'TRANSITION_NOT_ALLOWED', {}, { reason: 'only public reports can be hidden' });
        const u = await tx.updateTable('case_record').set({ hidden: b.hidden, hidden_reason: b.hidden ? (b.reason ?? null) : null, version: r.version + 1, updated_at: clock.now() })
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', b.version).returningAll().executeTakeFirst();
        if (!u) throw new AppError(409, 'CASE_VERSION_CONFLICT', { state: r.state });
        await addEvent(tx, u, b.hidden ? 'hide' : 'unhide', r.state, r.state, { userId: actor.userId, label: actor.displayName, role: 'office' }, b.reason ?? null, undefined);
        await recordAudit(tx, ctx, { action: b.hidden ? 'case.hidden' : 'case.unhidden', entityType: 'case', entityId: id, after: { reason: b.reason ?? null } });
        return view(actor, id, tx);
      });
    },

    /** A photo of a case the reader may see. */
    async photo(actor: Actor, caseId: number, photoId: number) {
      await loadVisible(actor, caseId);
      const p = await db.selectFrom('case_photo as p').innerJoin('stored_file as f', (j) => j.onRef('f.tenant_id', '=', 'p.tenant_id').onRef('f.id', '=', 'p.file_id'))
        .select(['f.sha256', 'f.mime', 'f.original_name']).where('p.tenant_id', '=', actor.tenantId).where('p.case_id', '=', caseId).where('p.id', '=', photoId).executeTakeFirst();
      if (!p) throw notFound('file');
      return p;
    },
  };
}

export type CasesService = ReturnType<typeof createCasesService>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The instant a local (Asia/Shanghai) date starts, plus `days`. */
export function startOfDay(date: string, days = 0): Date {
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + days * 86_400_000);
}
