import { sql } from 'kysely';
import {
  CASE_TIMED_STATES, CATEGORY_SEEDS, DEFAULT_CASE_SETTINGS, DEFAULT_ROUTING, SHIPPED_CALENDARS, computeDeadline, elapsed, localDate, makeCalendar,
  type CaseSource, type CaseState, type DeadlineClass, type RoutingStep,
} from '@cc/domain';
import type { DB } from '../../apps/server/src/platform/database.js';
import { CITY_CELL_KM, cityPos, type GeneratedCity } from './generate-city.js';
import { withForeignKeysOff } from './db.js';
import { rng } from './stats.js';

/**
 * Two years of cases for a generated city, the same for the same seed and end day: each case is
 * walked through the workflow table of packages/domain (report → register → assign → accept →
 * submit → verify, with rejections, merges, cancellations, returns and re-assignments (改派),
 * deferrals (挂账), rework (返工), overdue marks and escalations (督办) by the scheduler's steps,
 * and relapses (反弹)) with times drawn around each category's deadline, computed with the real
 * working-time rules and the shipped holiday calendars. Whatever would happen after the end day
 * has not happened yet, so recent cases are open and older ones mostly closed.
 *
 * Rows go to case_record and case_event (with the version, counters and timestamps the service
 * would have left) in batches of multi-row INSERT … SELECT FROM unnest(arrays): one statement per
 * 10,000 cases and one for their events, ids assigned here (OVERRIDING SYSTEM VALUE) and the
 * identity sequences moved past them afterwards. The 交办单 and 督办函 (case_document) of every
 * assignment, relapse and escalation follow in one statement, numbered per year. doc_sequence is
 * set so new case numbers and document numbers continue after the generated ones. Not generated:
 * photos, re-check samples, outbox and notifications.
 */
export interface CaseGenOptions {
  count: number;
  seed?: number;
  /** the day after the last generated case (local date, default: today in Asia/Shanghai) */
  until?: string;
  days?: number;
  batch?: number;
  stallRate?: number;
  log?: (m: string) => void;
}

const H = 3_600_000;
const DAY = 86_400_000;
const TZ = 8 * H;
const TIMED = CASE_TIMED_STATES as readonly string[];
const SOURCES: [CaseSource, number][] = [
  ['inspector', 28], ['grid_worker', 25], ['inspection', 15], ['citizen', 12], ['hotline', 8], ['office', 5], ['leader', 3], ['media', 2], ['open311', 2],
];
const AUTO = new Set<CaseSource>(DEFAULT_CASE_SETTINGS.autoAssignSources);
const PUBLIC = new Set<CaseSource>(['citizen', 'hotline', 'open311', 'media']);
const PLACES = ['路口', '小区门口', '公交站旁', '菜市场周边', '学校附近', '背街小巷', '沿街商铺前', '广场东侧', '桥下', '停车场'];
const DETAILS = ['群众反映多次', '现场拍照取证', '需尽快处置', '影响市容', '存在安全隐患', '已现场告知', '早晚高峰明显', '周末集中出现'];
const REASONS = {
  reject: ['不属于创城问题', '重复上报', '描述不清无法核实'],
  cancel: ['上报有误', '已由其他部门处置'],
  verify_fail: ['整改不彻底，仍有残留', '照片与现场不符', '未按标准整改'],
  request_return: ['不属于本单位职责', '位置不在本辖区'],
  deny_return: ['属于门前责任区，请整改'],
  request_deferral: ['需协调多部门，申请挂账', '涉及拆迁，需延期处理'],
  deny_deferral: ['不符合挂账条件'],
} as const;

interface Ev { event: string; from: string | null; to: string; user: number | null; role: string; label: string; note: string | null; data: string | null; at: number }

export async function generateCases(pool: DB, city: GeneratedCity, opts: CaseGenOptions): Promise<Record<string, number>> {
  return withForeignKeysOff(pool, (db, fkOff) => load(db, city, opts, fkOff));
}

async function load(db: DB, city: GeneratedCity, opts: CaseGenOptions, fkOff: boolean): Promise<Record<string, number>> {
  const log = opts.log ?? (() => undefined);
  const rand = rng((opts.seed ?? 42) + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const between = (a: number, b: number) => a + rand() * (b - a);
  const { tenantId, model } = city;
  const cal = makeCalendar(SHIPPED_CALENDARS);
  const steps = DEFAULT_CASE_SETTINGS.escalationStepsHours;
  const untilDay = opts.until ?? localDate(new Date());
  const end = Date.parse(`${untilDay}T00:00:00Z`) - TZ;
  const days = opts.days ?? 730;
  const start = end - days * DAY;
  const batch = opts.batch ?? 10_000;
  /** share of cases whose unit never acts: with the deferrals, about a tenth of all cases are open at the end day */
  const stallRate = opts.stallRate ?? 0.075;

  const cats = await db.selectFrom('case_category').select(['id', 'code', 'name', 'deadline_amount', 'deadline_class', 'severity'])
    .where('tenant_id', '=', tenantId).orderBy('sort').execute();
  const categories = cats.map((c) => {
    const seed = CATEGORY_SEEDS.find((s) => s.code === c.code);
    return {
      id: c.id, code: c.code, name: c.name, amount: Number(c.deadline_amount), cls: c.deadline_class as DeadlineClass,
      routing: (seed?.routing ?? DEFAULT_ROUTING) as readonly RoutingStep[], weight: 4 - c.severity, severity: c.severity,
    };
  });
  const catTotal = categories.reduce((n, c) => n + c.weight, 0);
  const pickCategory = () => {
    let r = rand() * catTotal;
    for (const c of categories) if ((r -= c.weight) < 0) return c;
    return categories[categories.length - 1]!;
  };
  const srcTotal = SOURCES.reduce((n, [, w]) => n + w, 0);
  const pickSource = (): CaseSource => {
    let r = rand() * srcTotal;
    for (const [s, w] of SOURCES) if ((r -= w) < 0) return s;
    return 'inspector';
  };

  // Cases per day: weekdays busier than weekends, the campaign growing over the two years.
  const weights = Array.from({ length: days }, (_, d) => {
    const dow = new Date(start + d * DAY + TZ).getUTCDay();
    return (dow === 0 || dow === 6 ? 0.55 : 1) * (0.8 + (0.4 * d) / days);
  });
  const wSum = weights.reduce((a, b) => a + b, 0);
  const perDay = weights.map((w) => Math.floor((opts.count * w) / wSum));
  for (let d = 0, left = opts.count - perDay.reduce((a, b) => a + b, 0); left > 0; d = (d + 1) % days, left--) perDay[d]!++;

  const idBase = Number((await sql<{ v: string }>`select nextval(pg_get_serial_sequence('case_record', 'id')) as v`.execute(db)).rows[0]!.v);
  const officeLabel = '基准测试';
  const inspectorOf = () => {
    const i = Math.floor(rand() * model.inspectorUserIds.length);
    return { user: model.inspectorUserIds[i]!, label: `督查员${i}` };
  };
  const stats: Record<string, number> = {};
  const count = (k: string, n = 1) => { stats[k] = (stats[k] ?? 0) + n; };
  const slipsPerYear = new Map<number, number>();
  const urgingPerYear = new Map<number, number>();
  const bump = (m: Map<number, number>, t: number) => {
    const y = Number(localDate(new Date(t)).slice(0, 4));
    m.set(y, (m.get(y) ?? 0) + 1);
  };

  const C: Record<string, unknown[]> = {};
  const E: Record<string, unknown[]> = {};
  const push = (o: Record<string, unknown[]>, row: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(row)) (o[k] ??= []).push(v);
  };
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  let written = 0;
  let eventsWritten = 0;
  const t0 = performance.now();

  async function flush() {
    if (!C.id?.length) return;
    await sql`insert into case_record (tenant_id, id, number, source, category_id, description, address, lat, lng, grid_id, community_id, street_id,
        region_path, state, version, responsible_unit_id, routed_by, routing, deadline_amount, deadline_class, deadline_at, time_used, timer_started_at,
        overdue_at, escalation_count, last_escalated_at, returned_count, relapse_count, assigned_at, submitted_at, closed_at, closed_on_time,
        merged_into_id, inspection_ref, reported_by, reporter_name, reporter_phone, created_at, updated_at)
      overriding system value
      select ${tenantId}, * from unnest(${C.id}::bigint[], ${C.number}::text[], ${C.source}::text[], ${C.category_id}::bigint[], ${C.description}::text[],
        ${C.address}::text[], ${C.lat}::float8[], ${C.lng}::float8[], ${C.grid_id}::bigint[], ${C.community_id}::bigint[], ${C.street_id}::bigint[],
        ${C.region_path}::text[], ${C.state}::text[], ${C.version}::int[], ${C.unit}::bigint[], ${C.routed_by}::text[], ${C.routing}::jsonb[],
        ${C.amount}::numeric[], ${C.cls}::text[], ${C.deadline_at}::timestamptz[], ${C.time_used}::numeric[], ${C.timer}::timestamptz[],
        ${C.overdue_at}::timestamptz[], ${C.esc}::int[], ${C.last_esc}::timestamptz[], ${C.returned}::int[], ${C.relapses}::int[],
        ${C.assigned_at}::timestamptz[], ${C.submitted_at}::timestamptz[], ${C.closed_at}::timestamptz[], ${C.on_time}::boolean[],
        ${C.merged}::bigint[], ${C.insp}::text[], ${C.reported_by}::bigint[], ${C.reporter_name}::text[], ${C.reporter_phone}::text[],
        ${C.created_at}::timestamptz[], ${C.updated_at}::timestamptz[])`.execute(db);
    await sql`insert into case_event (tenant_id, case_id, event, from_state, to_state, actor_user_id, actor_role, actor_label, note, data, at)
      select ${tenantId}, * from unnest(${E.case_id}::bigint[], ${E.event}::text[], ${E.from}::text[], ${E.to}::text[], ${E.user}::bigint[],
        ${E.role}::text[], ${E.label}::text[], ${E.note}::text[], ${E.data}::jsonb[], ${E.at}::timestamptz[])`.execute(db);
    written += C.id.length;
    eventsWritten += E.case_id!.length;
    for (const k of Object.keys(C)) delete C[k];
    for (const k of Object.keys(E)) delete E[k];
    const s = (performance.now() - t0) / 1000;
    log(`cases: ${written.toLocaleString('en')} / ${opts.count.toLocaleString('en')} (${eventsWritten.toLocaleString('en')} events), ${s.toFixed(0)} s, ${Math.round(written / s).toLocaleString('en')} cases/s${fkOff ? '' : ' (foreign keys checked: not a superuser)'}`);
  }

  let i = 0;
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY;
    const dayKey = localDate(new Date(dayStart)).replaceAll('-', '');
    // Reports mostly in office hours, some in the evening.
    const times = Array.from({ length: perDay[d]! }, () => dayStart + (rand() < 0.85 ? between(8, 18) : between(18, 22)) * H).sort((a, b) => a - b);
    for (let seq = 1; seq <= times.length; seq++, i++) {
      const id = idBase + i;
      const created = times[seq - 1]!;
      const cat = pickCategory();
      const source = pickSource();
      const gi = Math.floor(rand() * model.grids.length);
      const g = model.grids[gi]!;
      const comm = model.communities[g.community]!;
      const street = model.streets[comm.street]!;
      const shops = model.shopsByGrid[gi]!;
      const atShop = shops.length > 0 && rand() < 0.5;
      const shop = atShop ? pick(shops) : null;
      let lng: number;
      let lat: number;
      if (shop) {
        lng = shop[1] + between(-0.00008, 0.00008);
        lat = shop[2] + between(-0.00006, 0.00006);
      } else {
        [lng, lat] = cityPos(g.x0 + rand() * CITY_CELL_KM, g.y0 + rand() * CITY_CELL_KM);
      }
      // The routing answer: the first step of the category's rule that answers here.
      let unit: number | null = null;
      let routedBy: string | null = null;
      let unitKind: 'shop' | 'community' | 'department' = 'community';
      for (const st of cat.routing) {
        if (st === 'frontage' && shop) { unit = shop[0]; routedBy = 'frontage'; unitKind = 'shop'; break; }
        if (st === 'segment_cover' && rand() < 0.35) { unit = model.departments[(gi * 7) % model.departments.length]!; routedBy = 'segment_cover'; unitKind = 'department'; break; }
        if (st === 'pairing' && rand() < 0.2) { unit = model.departments[(g.community + 7) % model.departments.length]!; routedBy = 'pairing'; unitKind = 'department'; break; }
        if (st === 'community') { unit = comm.unitId; routedBy = 'community'; unitKind = 'community'; break; }
      }
      const handler = () => {
        const d = unitKind === 'department' ? model.departments.indexOf(curUnit!) : -1;
        return d >= 0 ? { user: model.departmentUserIds[d]!, label: `部门${d}联络员` } : { user: comm.userId, label: `社区${g.community}工作人员` };
      };

      let reporter: { user: number | null; label: string; name: string | null; phone: string | null };
      if (source === 'inspector' || source === 'inspection') {
        const r = inspectorOf();
        reporter = { ...r, name: null, phone: null };
      } else if (source === 'grid_worker') {
        reporter = { user: model.gridWorkerUserIds[gi]!, label: `网格员${gi}`, name: null, phone: null };
      } else if (PUBLIC.has(source)) {
        const n = Math.floor(rand() * 5000);
        reporter = { user: source === 'citizen' || source === 'open311' ? null : model.officeUserId, label: source === 'citizen' ? '市民' : source === 'open311' ? 'Open311' : officeLabel,
          name: `市民${n}`, phone: `13${String(100_000_000 + Math.floor(rand() * 899_999_999))}` };
      } else {
        reporter = { user: model.officeUserId, label: officeLabel, name: null, phone: null };
      }

      // ---- the walk through the workflow ----
      const evs: Ev[] = [];
      // (declared with `as`: closures below change them, so no narrowing from the initial values)
      let state = 'reported' as CaseState;
      let version = 1;
      let t = created;
      let deadline = null as number | null;
      let timer = null as number | null;
      let timeUsed = 0;
      let overdueAt = null as number | null;
      let esc = 0;
      let lastEsc = null as number | null;
      let returned = 0;
      let relapses = 0;
      let assignedAt = null as number | null;
      let submittedAt = null as number | null;
      let closedAt = null as number | null;
      let onTime = null as boolean | null;
      let merged = null as number | null;
      let curUnit = unit as number | null;
      let curRoutedBy = routedBy as string | null;
      let updated = created;
      let done = false as boolean;

      const ev = (event: string, to: CaseState, who: { user: number | null; label: string }, role: string, at: number, note: string | null = null, data: unknown = null, bumps = true) => {
        evs.push({ event, from: event === 'report' ? null : state, to, user: who.user, role, label: who.label, note, data: data === null ? null : JSON.stringify(data), at });
        state = to;
        if (bumps) version++;
        updated = at;
        count(`event.${event}`);
      };
      const office = { user: model.officeUserId, label: officeLabel };
      const system = { user: null, label: '系统（自动督办）' };
      /** The scheduler's marks between now and `until`: overdue at the deadline, escalations at its steps. */
      const schedulerUntil = (until: number) => {
        if (deadline === null || !TIMED.includes(state)) return;
        const u = Math.min(until, end);
        const mark = deadline + 60_000;
        if (overdueAt === null && mark < u) {
          overdueAt = mark;
          ev('overdue', state, { user: null, label: '系统' }, 'system', mark, null, null, false);
        }
        while (esc < steps.length && deadline + steps[esc]! * H + 120_000 < u) {
          const at = deadline + steps[esc]! * H + 120_000;
          esc++;
          lastEsc = at;
          overdueAt ??= at;
          bump(urgingPerYear, at);
          ev('escalate', state, system, 'system', at, null, { level: esc, overdueHours: Math.max(0, Math.round((at - deadline) / H)) });
        }
      };
      /** Move to `at` if it is before the end day; otherwise the case stops where it is. */
      const reach = (at: number) => {
        schedulerUntil(at);
        if (at >= end) { done = true; return false; }
        t = at;
        return true;
      };
      const assign = (who: { user: number | null; label: string }, role: string) => {
        deadline = computeDeadline(new Date(t), cat.amount, cat.cls, cal).getTime();
        assignedAt = t; timer = t; timeUsed = 0; overdueAt = null; submittedAt = null;
        bump(slipsPerYear, t);
        ev('assign', 'assigned', who, role, t, null, { unitId: curUnit, deadlineAt: iso(deadline) });
      };

      ev('report', 'reported', reporter, 'reporter', created, null, { source, routedBy, unitId: unit }, false);
      // 立案: at once for the sources the city auto-assigns, otherwise the office decides within hours.
      if (AUTO.has(source)) {
        const sys = { user: reporter.user, label: reporter.label };
        ev('register', 'registered', sys, 'system', t);
        if (curUnit !== null) assign(sys, 'system');
      } else if (reach(t + between(0.3, 20) * H)) {
        const r = rand();
        if (PUBLIC.has(source) && r < 0.05) ev('reject', 'rejected', office, 'office', t, pick(REASONS.reject));
        else if (PUBLIC.has(source) && r < 0.07 && id > idBase + 50) {
          merged = id - 1 - Math.floor(rand() * 40);
          ev('merge', 'merged', office, 'office', t, null, { intoCaseId: merged });
        } else if (r < 0.08) ev('cancel', 'cancelled', office, 'office', t, pick(REASONS.cancel));
        else {
          ev('register', 'registered', office, 'office', t);
          if (curUnit !== null) assign(office, 'office');
        }
      }
      // Unrouted, or sent back: the office picks a unit.
      const officeAssigns = () => {
        if (!reach(t + between(1, 8) * H)) return false;
        unitKind = rand() < 0.6 ? 'department' : 'community';
        curUnit = unitKind === 'department' ? pick(model.departments) : comm.unitId;
        curRoutedBy = 'office';
        assign(office, 'office');
        return true;
      };
      if (state === 'registered' && !done) officeAssigns();

      // The unit's work, rework and relapses until closed or the end day.
      const stalls = rand() < stallRate;
      for (let loop = 0; loop < 12 && !done && ['assigned', 'rectifying', 'returned', 'closed'].includes(state); loop++) {
        const window = Math.max((deadline ?? t + DAY) - (assignedAt ?? t), H);
        if (state === 'closed') {
          // 回头看 about a month after closing; a few problems are back (反弹).
          if (rand() >= 0.025) break;
          if (!reach(t + between(30, 45) * DAY)) break;
          relapses++;
          const insp = inspectorOf();
          const prev = closedAt;
          deadline = computeDeadline(new Date(t), cat.amount, cat.cls, cal).getTime();
          assignedAt = t; timer = t; timeUsed = 0; overdueAt = null; submittedAt = null; closedAt = null; onTime = null;
          bump(slipsPerYear, t);
          ev('relapse', 'assigned', insp, 'inspector', t, '问题反弹', { previousClosedAt: iso(prev), deadlineAt: iso(deadline) });
          continue;
        }
        const who = handler();
        if (state === 'assigned') {
          const r = rand();
          if (r < 0.04 && loop === 0) {
            if (!reach(t + between(1, 12) * H)) break;
            ev('request_return', 'return_requested', who, 'unit', t, pick(REASONS.request_return));
            if (!reach(t + between(2, 24) * H)) break;
            if (rand() < 0.7) {
              const prevUnit = curUnit;
              deadline = null; timer = null; timeUsed = 0; overdueAt = null; curUnit = null; curRoutedBy = null;
              ev('approve_return', 'registered', office, 'office', t, null, { previousUnitId: prevUnit });
              if (!officeAssigns()) break;
            } else {
              ev('deny_return', 'rectifying', office, 'office', t, pick(REASONS.deny_return));
            }
            continue;
          }
          if (r < 0.8) {
            if (!reach(t + Math.min(window * 0.1, between(0.2, 4) * H))) break;
            ev('accept', 'rectifying', who, 'unit', t);
            continue;
          }
        }
        // Hard problems are deferred (挂账) for months.
        if (state === 'rectifying' && rand() < 0.05 && loop < 3) {
          if (!reach(t + window * 0.3)) break;
          ev('request_deferral', 'deferral_requested', who, 'unit', t, pick(REASONS.request_deferral));
          if (!reach(t + between(4, 48) * H)) break;
          if (rand() < 0.8) {
            timeUsed += timer !== null ? elapsed(new Date(timer), new Date(t), cat.cls, cal) : 0;
            deadline = null; timer = null;
            ev('approve_deferral', 'deferred', office, 'office', t, null, { timeUsed });
            if (!reach(t + (rand() < 0.5 ? between(15, 90) : between(90, 600)) * DAY)) break;
            deadline = computeDeadline(new Date(t), Math.max(cat.amount - timeUsed, 0), cat.cls, cal).getTime();
            timer = t;
            if (deadline < t) overdueAt = t;
            ev('end_deferral', 'rectifying', office, 'office', t, null, { deadlineAt: iso(deadline) });
          } else {
            ev('deny_deferral', 'rectifying', office, 'office', t, pick(REASONS.deny_deferral));
          }
          continue;
        }
        // A backlog: some units never get round to it (overdue, escalated at every step).
        if (stalls && relapses === 0 && returned === 0) { done = true; break; }
        // Submit: most within the deadline, some late (more often for the serious categories).
        const late = rand() < 0.12 + 0.05 * cat.severity;
        const from = assignedAt ?? t;
        const target = late ? from + window * between(1.05, 3) : from + window * between(0.15, 0.95);
        if (!reach(Math.max(target, t + 10 * 60_000))) break;
        submittedAt = t;
        ev('submit', 'submitted', who, 'unit', t, '已整改');
        // Verification by an inspector within a day or two.
        if (!reach(t + between(1, 40) * H)) break;
        const insp = inspectorOf();
        if (rand() < 0.86) {
          closedAt = t; onTime = deadline === null || submittedAt <= deadline; timer = null;
          ev('verify_pass', 'closed', insp, 'inspector', t);
        } else {
          returned++;
          ev('verify_fail', 'returned', insp, 'inspector', t, pick(REASONS.verify_fail));
          if (!reach(t + between(1, 12) * H)) break;
          if (rand() < 0.7) ev('resume', 'rectifying', handler(), 'unit', t);
          else {
            submittedAt = t;
            ev('submit', 'submitted', handler(), 'unit', t, '已整改');
            if (!reach(t + between(1, 30) * H)) break;
            closedAt = t; onTime = deadline === null || submittedAt <= deadline; timer = null;
            ev('verify_pass', 'closed', inspectorOf(), 'inspector', t);
          }
        }
      }
      schedulerUntil(end);
      count(`state.${state}`);

      push(C, {
        id, number: `${dayKey}${String(seq).padStart(4, '0')}`, source, category_id: cat.id,
        description: `${cat.name}：${pick(PLACES)}，${pick(DETAILS)}`, address: `第${comm.street + 1}街道 社区${g.community} ${pick(PLACES)}${1 + Math.floor(rand() * 200)}号`,
        lat, lng, grid_id: g.id, community_id: comm.id, street_id: street.id, region_path: g.path, state, version,
        unit: curUnit, routed_by: curRoutedBy,
        routing: JSON.stringify({ grid: { id: g.id, name: g.name }, community: { id: comm.id }, street: { id: street.id }, routing: { unit: unit === null ? null : { id: unit }, answeredBy: routedBy } }),
        amount: cat.amount, cls: cat.cls, deadline_at: iso(deadline), time_used: timeUsed, timer: iso(timer), overdue_at: iso(overdueAt),
        esc, last_esc: iso(lastEsc), returned, relapses, assigned_at: iso(assignedAt), submitted_at: iso(submittedAt), closed_at: iso(closedAt),
        on_time: onTime, merged, insp: source === 'inspection' ? `INSP-${dayKey}-${seq}` : null, reported_by: reporter.user,
        reporter_name: reporter.name, reporter_phone: reporter.phone, created_at: iso(created), updated_at: iso(updated),
      });
      for (const e of evs) push(E, { case_id: id, event: e.event, from: e.from, to: e.to, user: e.user, role: e.role, label: e.label, note: e.note, data: e.data, at: iso(e.at) });
      if (C.id!.length >= batch) await flush();
    }
  }
  await flush();

  // Numbers continue after the generated ones; identities past the explicit ids.
  await sql`select setval(pg_get_serial_sequence('case_record', 'id'), greatest((select max(id) from case_record), 1))`.execute(db);

  // 交办单 and 督办函 as the service writes them: a 交办单 for every assignment and relapse, a
  // 督办函 for every escalation, each linked to its event, numbered per year (the city's day) in the
  // order they were issued, after any numbers the city already used. The unit and deadline are the
  // event's where it names them (an assignment), else the case's last (a relapse keeps its unit;
  // an escalation names neither). One statement over the events just loaded.
  log('交办单 and 督办函 …');
  const d0 = performance.now();
  const docs = (await sql<{ kind: string; year: number; n: number; last: number }>`
    with d as (
      select e.tenant_id, e.case_id, e.id as event_id, e.at,
             case when e.event = 'escalate' then 'urging_letter' else 'assignment_slip' end as kind,
             extract(year from (e.at at time zone 'UTC') + ${TZ / 60_000} * interval '1 minute')::int as year,
             coalesce((e.data ->> 'unitId')::bigint, c.responsible_unit_id) as unit_id,
             coalesce((e.data ->> 'deadlineAt')::timestamptz, c.deadline_at) as deadline_at
        from case_event e
        join case_record c on c.tenant_id = e.tenant_id and c.id = e.case_id
       where e.tenant_id = ${tenantId} and e.case_id >= ${idBase} and e.event in ('assign', 'relapse', 'escalate')
    ), n as (
      select d.*,
             (row_number() over (partition by d.kind, d.year order by d.at, d.event_id)
              + coalesce((select s.last from doc_sequence s where s.tenant_id = d.tenant_id and s.kind = d.kind and s.period = d.year::text), 0))::int as seq,
             replace(case d.kind when 'urging_letter' then ${DEFAULT_CASE_SETTINGS.urgingNumberFormat} else ${DEFAULT_CASE_SETTINGS.slipNumberFormat} end,
                     '{year}', d.year::text) as format
        from d
    ), ins as (
      insert into case_document (tenant_id, case_id, event_id, kind, year, seq, number_text, number_format, unit_id, deadline_at, created_at)
      select tenant_id, case_id, event_id, kind, year, seq, replace(format, '{seq}', seq::text), format, unit_id, deadline_at, at from n
      returning kind, year, seq
    )
    select kind, year, count(*)::int as n, max(seq)::int as last from ins group by kind, year`.execute(db)).rows;
  // The walk counted what it issued; the statement must have found the same.
  for (const [kind, perYear] of [['assignment_slip', slipsPerYear], ['urging_letter', urgingPerYear]] as const) {
    for (const [y, n] of perYear) {
      const got = docs.find((x) => x.kind === kind && x.year === y)?.n ?? 0;
      if (got !== n) throw new Error(`generated ${n} ${kind} for ${y}, wrote ${got}`);
    }
  }
  const documents = docs.reduce((a, x) => a + x.n, 0);
  log(`交办单 and 督办函: ${documents.toLocaleString('en')} in ${((performance.now() - d0) / 1000).toFixed(0)} s`);

  const seqRows = perDay.map((n, d) => [localDate(new Date(start + d * DAY)).replaceAll('-', ''), n] as const).filter(([, n]) => n > 0);
  const docRows = [
    ...seqRows.map(([p, n]) => ['case', p, n] as const),
    ...docs.map((x) => [x.kind, String(x.year), x.last] as const),
  ];
  await sql`insert into doc_sequence (tenant_id, kind, period, last)
    select ${tenantId}, * from unnest(${docRows.map((r) => r[0])}::text[], ${docRows.map((r) => r[1])}::text[], ${docRows.map((r) => r[2])}::int[])
    on conflict (tenant_id, kind, period) do update set last = greatest(doc_sequence.last, excluded.last)`.execute(db);
  // As autovacuum does soon after a bulk load (an insert-only table is vacuumed since PostgreSQL 13):
  // the visibility map lets index-only scans (the map's points, the ledger's counts, the routing
  // statement's assignment look-up) skip the heap. The whole database, the city's tables too: a
  // server with autovacuum off (this machine's PostgreSQL 15) never did it for them, and its
  // intakes then cost PostgreSQL 3.26 ms each where 2.35 ms after a vacuum (one run each, city).
  log('vacuum analyze …');
  await sql`vacuum analyze`.execute(db);
  return { cases: written, caseEvents: eventsWritten, caseDocuments: documents, ...Object.fromEntries(Object.entries(stats).filter(([k]) => k.startsWith('state.'))) };
}
