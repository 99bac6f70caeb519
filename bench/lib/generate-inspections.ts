import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import {
  addDays, applicableItems, localDate, scoreSheet, targetTokens, windowsBetween,
  type CreatePlanBody, type FindingEntry, type ItemEntry, type Recurrence, type ScoredItem, type TargetSpec,
} from '@cc/domain';
import type { DB } from '../../apps/server/src/platform/database.js';
import { systemAuditContext } from '../../apps/server/src/platform/audit.js';
import { loadActor } from '../../apps/server/src/platform/auth.js';
import { ManualClock } from '../../apps/server/src/platform/clock.js';
import { createPlansService } from '../../apps/server/src/modules/inspections/plans.service.js';
import { resolveTargets, type ResolvedTarget } from '../../apps/server/src/modules/inspections/targets.js';
import { createRoutingIndex } from '../../apps/server/src/modules/responsibility/routing-index.js';
import { createRoutingService } from '../../apps/server/src/modules/responsibility/routing.service.js';
import type { GeneratedCity } from './generate-city.js';
import { withForeignKeysOff } from './db.js';
import { rng } from './stats.js';

/**
 * Two years of inspection sheets for a generated city, the same for the same seed and end day.
 *
 * The city already has the built-in standards, published (createTenant → seedStandards, the code
 * the demo city gets them from). This adds an assessment point (包路段点位) per road segment, with
 * the department that covers the segment as its responsible unit, and creates the plans through
 * the real plans service (validated as the app validates them):
 *  - 创文实地考察 (CIVILIZED, 23 items): weekly on every community — the bulk of the sheets;
 *  - 创卫每周检查 (JNS-2024): weekly on communities (9 items), departments (3), resident units (6);
 *  - 门内达标月检 (INSIDE-GATE, 6 items), one per street, run by its street office: 26th–28th of each
 *    month on the schools, hospitals, enterprises and resident units of the street;
 *  - 包路段月检 (POINTS-CIVILIZED, 5 items): monthly on every segment point.
 *
 * Sheets are scored by the city's inspectors (each one belongs to a community, and scores that
 * community, its street's units and points, and the departments), mostly on weekdays in office
 * hours. Items get full marks unless a finding takes points off (the service's rule: an item's
 * deduction is the sum of its findings); rate items lose points by their counts. Each target has
 * its own quality and the city improves over the two years, so rankings differ. Totals come from
 * the domain's scoreSheet, the function the service scores with. Each sheet has one
 * inspection_item row per applicable item, its start and submit events, the version, timestamps
 * and content hash the service leaves; numbers are JC<day><seq> per inspection day and doc_sequence
 * 'inspection' continues after them. The last two days keep a few drafts.
 *
 * Not generated: photos (most criteria ask for one on submit; none are stored), cases for the
 * findings (case_id null: the generated cases are drawn independently), audit rows for the sheets.
 *
 * Sizes: about 50,000 item scores per community over two years (county 1 M, city 10 M); the
 * number of sheets follows from each plan's item count (`items` or `sheets` override it).
 */
export interface InspectionGenOptions {
  seed?: number;
  /** about this many sheets in all (e.g. a few hundred for a test); default: from `items` */
  sheets?: number;
  /** item scores to aim at (default 50,000 per community) */
  items?: number;
  /** the day after the last sheet (local date, default: today in Asia/Shanghai) */
  until?: string;
  days?: number;
  log?: (m: string) => void;
}

const H = 3_600_000;
const DAY = 86_400_000;
const TZ = 8 * H;
const COVER = 0.95; // share of required windows a plan's targets are actually inspected in
const ITEMS_PER_COMMUNITY = 50_000;
const PLACES = ['东侧', '西侧', '南门', '北门', '主入口', '拐角处', '中段', '后院', '楼道口', '停车区'];
const REMARKS = ['已当场指出，要求立即整改', '负责人在场，已签字确认', '已拍照留存', '上周同类问题已整改', '现场整体较好'];

interface NodeRow { id: number; parent_id: number | null; kind: string; code: string; title: string; points: number | null; method: string | null; floor: number | null; na_allowed: boolean; veto: boolean; applies_to: string[] }
interface Item { node: NodeRow; scored: ScoredItem; criteria: NodeRow[] }
interface PlanGen {
  id: number; name: string; editionId: number; recurrence: Recurrence; bulk: boolean;
  targets: ResolvedTarget[]; items: Item[][]; pools: number[][]; quality: number[];
}

export async function generateInspections(pool: DB, city: GeneratedCity, opts: InspectionGenOptions = {}): Promise<Record<string, number>> {
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? 42;
  const rand = rng(seed + 2);
  const { tenantId, model } = city;
  const untilDay = opts.until ?? localDate(new Date());
  const days = opts.days ?? 730;
  const end = Date.parse(`${untilDay}T00:00:00Z`) - TZ;
  const start = end - days * DAY;
  const startDay = localDate(new Date(start));
  const lastDay = addDays(untilDay, -1);
  const t0 = performance.now();

  // ---- the editions (built in, published at the city's creation; dated before the first sheet) ----
  const editions = await pool.selectFrom('standard as s').innerJoin('standard_edition as e', (j) => j.onRef('e.tenant_id', '=', 's.tenant_id').onRef('e.standard_id', '=', 's.id'))
    .select(['s.code', 'e.id']).where('s.tenant_id', '=', tenantId).where('e.state', '=', 'published').where('s.builtin', '=', true).orderBy('e.id').execute();
  const edition = (code: string) => {
    const e = editions.find((x) => x.code === code);
    if (!e) throw new Error(`no published built-in edition ${code} in city ${tenantId}`);
    return e.id;
  };
  const publishedAt = new Date(start - 30 * DAY);
  await pool.updateTable('standard_edition').set({ published_at: publishedAt, created_at: publishedAt, updated_at: publishedAt })
    .where('tenant_id', '=', tenantId).where('id', 'in', editions.map((e) => e.id)).execute();
  await pool.updateTable('standard_edition_event').set({ at: publishedAt }).where('tenant_id', '=', tenantId).where('edition_id', 'in', editions.map((e) => e.id)).execute();

  // ---- a point per road segment (包路段), responsible: the department covering the segment ----
  const types = await pool.selectFrom('assessment_point_type').select(['id', 'code']).where('tenant_id', '=', tenantId).where('code', 'in', ['main_road', 'back_lane']).execute();
  const typeId = (code: string) => types.find((t) => t.code === code)!.id;
  const segments = await pool.selectFrom('road_segment as s')
    .leftJoin('responsibility_assignment as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.target_id', '=', 's.id').on('a.kind', '=', 'segment_cover'))
    .select(['s.id', 's.code', 's.name', 's.region_id', 's.min_lng', 's.min_lat', 's.max_lng', 's.max_lat', 'a.responsible_unit_id'])
    .where('s.tenant_id', '=', tenantId).orderBy('s.id').execute();
  const communityBoxes = await pool.selectFrom('region').select(['id', 'min_lng', 'min_lat', 'max_lng', 'max_lat'])
    .where('tenant_id', '=', tenantId).where('level', '=', 'community').execute();
  const now = new Date(start);
  const pointRows = segments.map((s, i) => {
    // On the pavement beside the middle of the segment (15 m off the road line), in the community there.
    const lng = (s.min_lng + s.max_lng) / 2 + (s.code.startsWith('V') ? 15 / (111_320 * Math.cos((s.min_lat * Math.PI) / 180)) : 0);
    const lat = (s.min_lat + s.max_lat) / 2 + (s.code.startsWith('H') ? 15 / 110_574 : 0);
    const box = communityBoxes.find((b) => lng >= (b.min_lng ?? 0) && lng <= (b.max_lng ?? 0) && lat >= (b.min_lat ?? 0) && lat <= (b.max_lat ?? 0));
    const roadNo = Number(/(\d+)$/.exec(s.name)?.[1] ?? 0);
    // codes are H<y>-<x> and V<x>-<y> (km): the second figure counts the segments along the road
    const name = `${s.name}第${Math.round(Number(s.code.split('-')[1] ?? 0) / 0.4) + 1}段`;
    return {
      tenant_id: tenantId, code: `LD${String(i + 1).padStart(5, '0')}`, name, type_id: typeId(roadNo % 2 === 1 ? 'main_road' : 'back_lane'), address: name, lat, lng,
      responsible_unit_id: s.responsible_unit_id, chief_person_id: null, region_id: box?.id ?? s.region_id, active: true, created_at: now, updated_at: now,
    };
  });
  for (let i = 0; i < pointRows.length; i += 2_000) await pool.insertInto('assessment_point').values(pointRows.slice(i, i + 2_000)).execute();

  // ---- the plans, through the plans service as the office (validated like any new plan) ----
  const clock = new ManualClock(new Date(start + 9 * H));
  const routing = createRoutingService({ db: pool, clock, index: createRoutingIndex(pool) });
  const plans = createPlansService({ db: pool, clock, routing });
  const loaded = await loadActor(pool, tenantId, model.officeUserId);
  if (!loaded) throw new Error('the generated office user is missing');
  const office = { ...loaded, authMethod: 'session' as const, sessionId: null, csrfToken: null };
  const ctx = systemAuditContext(tenantId, 'bench generator');
  const none: TargetSpec = { unitKinds: [], withinUnitId: null, unitIds: [], zoneIds: [], pointIds: [], pointTypeIds: [] };
  const base = { mode: 'announced' as const, teamUserIds: [] as number[], startsOn: startDay, endsOn: null, reopenHours: 48, active: true, recheck: null };
  const specs: (CreatePlanBody & { bulk: boolean })[] = [
    { ...base, name: '创文实地考察（社区）', kind: 'routine', editionId: edition('CIVILIZED'), recurrence: { type: 'weekly', atLeast: 3 },
      targets: { ...none, unitKinds: ['community'] }, ownerUnitId: model.officeId, bulk: true },
    { ...base, name: '创卫每周检查', kind: 'routine', editionId: edition('JNS-2024'), recurrence: { type: 'weekly', atLeast: 1 },
      targets: { ...none, unitKinds: ['community', 'department', 'resident_unit'] }, ownerUnitId: model.officeId, bulk: false },
    ...model.streets.map((s, i) => ({ ...base, name: `门内达标月检（第${i + 1}街道）`, kind: 'inside_gate' as const, editionId: edition('INSIDE-GATE'),
      recurrence: { type: 'monthly' as const, fromDay: 26, toDay: 28, atLeast: 1 }, targets: { ...none, unitKinds: ['resident_unit', 'school', 'hospital', 'enterprise'], withinUnitId: s.unitId },
      ownerUnitId: s.unitId, bulk: false })),
    ...(pointRows.length ? [{ ...base, name: '包路段月检', kind: 'routine' as const, editionId: edition('POINTS-CIVILIZED'), recurrence: { type: 'monthly' as const, fromDay: 1, toDay: 31, atLeast: 1 },
      targets: { ...none, pointTypeIds: [typeId('main_road'), typeId('back_lane')] }, ownerUnitId: model.officeId, bulk: false }] : []),
  ];

  // Who inspects what: inspector i belongs to community i mod n; a street's pool is its communities'.
  const insp = model.inspectorUserIds;
  const byCommunity = model.communities.map((_, c) => insp.filter((_, i) => i % model.communities.length === c));
  const byStreet = model.streets.map((_, s) => model.communities.flatMap((c, ci) => (c.street === s ? byCommunity[ci]! : [])));
  const communityOfUnit = new Map(model.communities.map((c, i) => [c.unitId, i]));
  const streetOfUnit = new Map(model.streets.map((s, i) => [s.unitId, i]));
  const streetOfRegion = new Map(model.streets.map((s, i) => [s.id, i]));
  const poolFor = (t: ResolvedTarget): number[] => {
    let p: number[] | undefined;
    if (t.kind === 'unit' && t.subtype === 'community') p = byCommunity[communityOfUnit.get(t.id) ?? -1];
    else if (t.kind === 'unit' && t.subtype !== 'department') p = byStreet[streetOfUnit.get(Number(t.unitPath?.split('/')[1])) ?? -1];
    else if (t.kind === 'point') p = byStreet[streetOfRegion.get(Number(t.regionPath?.split('/')[2])) ?? -1];
    return p?.length ? p : insp;
  };
  const labelOf = new Map(insp.map((id, i) => [id, `督查员${i}`]));

  const gens: PlanGen[] = [];
  const nodeCache = new Map<number, NodeRow[]>();
  for (const s of specs) {
    const { bulk, ...body } = s;
    const view = await plans.create(office, body, ctx);
    const editionId = body.editionId!;
    if (!nodeCache.has(editionId)) {
      nodeCache.set(editionId, await pool.selectFrom('standard_node').select(['id', 'parent_id', 'kind', 'code', 'title', 'points', 'method', 'floor', 'na_allowed', 'veto', 'applies_to'])
        .where('tenant_id', '=', tenantId).where('edition_id', '=', editionId).orderBy('position').execute());
    }
    const nodes = nodeCache.get(editionId)!;
    const data = nodes.map((n) => ({ ...n, key: String(n.id), parentKey: n.parent_id === null ? null : String(n.parent_id), appliesTo: n.applies_to }));
    const targets = await resolveTargets(pool, tenantId, body.targets, lastDay);
    const itemsBySubtype = new Map<string, Item[]>();
    const items = targets.map((t) => {
      const k = `${t.kind}:${t.subtype}`;
      let list = itemsBySubtype.get(k);
      if (!list) {
        const tokens = targetTokens(t.kind === 'unit' ? { kind: 'unit', unitKind: t.subtype } : t.kind === 'zone' ? { kind: 'zone' } : { kind: 'point', pointType: t.subtype });
        list = applicableItems(data, tokens).map((n) => ({
          node: n,
          scored: { key: String(n.id), code: n.code, points: n.points ?? 0, method: n.method as ScoredItem['method'], floor: n.floor, naAllowed: n.na_allowed, veto: n.veto },
          criteria: nodes.filter((c) => c.parent_id === n.id && c.kind === 'criterion'),
        }));
        itemsBySubtype.set(k, list);
      }
      return list;
    });
    // A target's standing: most are good, some persistently poor.
    const quality = targets.map(() => 0.35 + 2.2 * rand() ** 2);
    gens.push({ id: view.id, name: body.name, editionId, recurrence: body.recurrence as Recurrence, bulk, targets, items, pools: targets.map(poolFor), quality });
  }
  const stamp = new Date(start + 9 * H);
  await pool.updateTable('inspection_plan').set({ created_at: stamp, updated_at: stamp }).where('tenant_id', '=', tenantId).where('id', 'in', gens.map((g) => g.id)).execute();
  log(`inspections: ${pointRows.length} segment points, ${gens.length} plans (${gens.map((g) => `${g.name} ${g.targets.length}`).join(', ')})`);

  // ---- how many sheets: the fixed plans cover ~95 % of their windows, the bulk plan the rest ----
  type Win = { start: string; end: string; days: string[]; weights: number[] };
  const windows = gens.map((g) => windowsBetween(g.recurrence, startDay, lastDay).map((w): Win | null => {
    const s = w.start < startDay ? startDay : w.start;
    const e = w.end > lastDay ? lastDay : w.end;
    if (s > e) return null;
    const ds: string[] = [];
    for (let d = s; d <= e; d = addDays(d, 1)) ds.push(d);
    const weights = ds.map((d) => [0.15, 1, 1, 1, 1, 1, 0.3][new Date(`${d}T00:00:00Z`).getUTCDay()]!);
    return { start: s, end: e, days: ds, weights };
  }).filter((w): w is Win => w !== null));
  const perSheet = opts.sheets !== undefined;
  const measure = gens.map((g, p) => windows[p]!.length * (perSheet ? g.targets.length : g.items.reduce((n, l) => n + l.length, 0)));
  const budget = opts.sheets ?? opts.items ?? ITEMS_PER_COMMUNITY * model.communities.length;
  const fixed = gens.reduce((n, g, p) => n + (g.bulk ? 0 : measure[p]! * COVER), 0);
  const bulk = gens.reduce((n, g, p) => n + (g.bulk ? measure[p]! : 0), 0);
  let rFixed = COVER;
  let rBulk = bulk > 0 ? Math.max(0, (budget - fixed) / bulk) : 0;
  if (budget < fixed + bulk) {
    const f = budget / (fixed + bulk);
    rFixed = COVER * f;
    rBulk = f;
  }

  // Sheet stubs (plan, target, day, minute, inspector, seed), then numbered in time order per day.
  const sPlan: number[] = [];
  const sTarget: number[] = [];
  const sDay: number[] = [];
  const sMin: number[] = [];
  const sInsp: number[] = [];
  const sSeed: number[] = [];
  const dayIndex = (d: string) => Math.round((Date.parse(`${d}T00:00:00Z`) - Date.parse(`${startDay}T00:00:00Z`)) / DAY);
  gens.forEach((g, p) => {
    const r = g.bulk ? rBulk : rFixed;
    for (const w of windows[p]!) {
      const wSum = w.weights.reduce((a, b) => a + b, 0);
      for (let t = 0; t < g.targets.length; t++) {
        const k = Math.floor(r) + (rand() < r - Math.floor(r) ? 1 : 0);
        for (let j = 0; j < k; j++) {
          let x = rand() * wSum;
          let di = 0;
          while (di < w.days.length - 1 && (x -= w.weights[di]!) >= 0) di++;
          const pl = g.pools[t]!;
          sPlan.push(p);
          sTarget.push(t);
          sDay.push(dayIndex(w.days[di]!));
          sMin.push(510 + Math.floor(rand() * 540)); // 08:30–17:30
          sInsp.push(pl[Math.floor(rand() * pl.length)]!);
          sSeed.push(Math.floor(rand() * 2 ** 32));
        }
      }
    }
  });
  const total = sPlan.length;
  const order = new Float64Array(total);
  for (let i = 0; i < total; i++) order[i] = (sDay[i]! * 1440 + sMin[i]!) * 2 ** 23 + i;
  order.sort();
  const itemTotal = gens.reduce((n, g, p) => n + (g.bulk ? rBulk : rFixed) * windows[p]!.length * g.items.reduce((a, l) => a + l.length, 0), 0);
  log(`inspections: ${total.toLocaleString('en')} sheets planned (~${Math.round(itemTotal).toLocaleString('en')} item scores; ${rBulk.toFixed(2)} 创文 sheets per community and week)`);

  // ---- load on one connection, the foreign-key triggers off (as generateCases) ----
  return withForeignKeysOff(pool, load);

    async function load(db: DB, fkOff: boolean): Promise<Record<string, number>> {
      const idBase = Number((await sql<{ v: string }>`select nextval(pg_get_serial_sequence('inspection', 'id')) as v`.execute(db)).rows[0]!.v);
      // Column arrays of one batch; a batch is written while the next one is generated.
      const newBatch = () => ({
        S: { id: [] as number[], number: [] as string[], client_key: [] as string[], plan_id: [] as number[], edition_id: [] as number[], target_kind: [] as string[],
          target_id: [] as number[], target_name: [] as string[], target_subtype: [] as (string | null)[], target_unit_id: [] as (number | null)[],
          target_unit_path: [] as (string | null)[], target_region_path: [] as (string | null)[], inspector_id: [] as number[], inspected_on: [] as string[],
          state: [] as string[], score: [] as (number | null)[], max_score: [] as number[], rate: [] as (number | null)[], vetoed: [] as boolean[], finding_count: [] as number[],
          lat: [] as (number | null)[], lng: [] as (number | null)[], note: [] as (string | null)[], started_at: [] as string[], submitted_at: [] as (string | null)[],
          content_hash: [] as (string | null)[], version: [] as number[], created_at: [] as string[], updated_at: [] as string[] },
        I: { inspection_id: [] as number[], node_id: [] as number[], na: [] as boolean[], score: [] as (number | null)[], observed: [] as (number | null)[],
          passed: [] as (number | null)[], deducted: [] as number[] },
        F: { inspection_id: [] as number[], client_key: [] as string[], item_node_id: [] as number[], criterion_node_id: [] as (number | null)[], points: [] as number[],
          note: [] as string[], lat: [] as (number | null)[], lng: [] as (number | null)[], created_at: [] as string[] },
        E: { inspection_id: [] as number[], event: [] as string[], from: [] as (string | null)[], to: [] as string[], user: [] as number[], label: [] as string[], at: [] as string[] },
      });
      type Batch = ReturnType<typeof newBatch>;
      const counts = { inspections: 0, inspectionItems: 0, inspectionFindings: 0, inspectionEvents: 0, inspectionDrafts: 0 };
      const perDay = new Map<string, number>();
      const tl = performance.now();

      let dbMs = 0;
      async function flush({ S, I, F, E }: Batch) {
        if (!S.id.length) return;
        const f0 = performance.now();
        // published_at: every plan here is announced, so a sheet is shown to the inspected when submitted.
        await sql`insert into inspection (tenant_id, id, number, client_key, plan_id, edition_id, target_kind, target_id, target_name, target_subtype, target_unit_id,
            target_unit_path, target_region_path, inspector_id, inspected_on, state, score, max_score, rate, vetoed, finding_count, flags, lat, lng, note,
            started_at, submitted_at, published_at, content_hash, version, created_at, updated_at)
          overriding system value
          select ${tenantId}, id, number, client_key, plan_id, edition_id, target_kind, target_id, target_name, target_subtype, target_unit_id,
            target_unit_path, target_region_path, inspector_id, inspected_on, state, score, max_score, rate, vetoed, finding_count, '[]'::jsonb, lat, lng, note,
            started_at, submitted_at, submitted_at, content_hash, version, created_at, updated_at
          from unnest(${S.id}::bigint[], ${S.number}::text[], ${S.client_key}::text[], ${S.plan_id}::bigint[], ${S.edition_id}::bigint[], ${S.target_kind}::text[],
            ${S.target_id}::bigint[], ${S.target_name}::text[], ${S.target_subtype}::text[], ${S.target_unit_id}::bigint[], ${S.target_unit_path}::text[],
            ${S.target_region_path}::text[], ${S.inspector_id}::bigint[], ${S.inspected_on}::date[], ${S.state}::text[], ${S.score}::numeric[], ${S.max_score}::numeric[],
            ${S.rate}::numeric[], ${S.vetoed}::boolean[], ${S.finding_count}::int[], ${S.lat}::float8[], ${S.lng}::float8[], ${S.note}::text[],
            ${S.started_at}::timestamptz[], ${S.submitted_at}::timestamptz[], ${S.content_hash}::text[], ${S.version}::int[],
            ${S.created_at}::timestamptz[], ${S.updated_at}::timestamptz[])
            as v(id, number, client_key, plan_id, edition_id, target_kind, target_id, target_name, target_subtype, target_unit_id, target_unit_path, target_region_path,
              inspector_id, inspected_on, state, score, max_score, rate, vetoed, finding_count, lat, lng, note, started_at, submitted_at, content_hash,
              version, created_at, updated_at)`.execute(db);
        await sql`insert into inspection_item (tenant_id, inspection_id, node_id, na, score, observed, passed, deducted)
          select ${tenantId}, * from unnest(${I.inspection_id}::bigint[], ${I.node_id}::bigint[], ${I.na}::boolean[], ${I.score}::numeric[], ${I.observed}::int[],
            ${I.passed}::int[], ${I.deducted}::numeric[])`.execute(db);
        if (F.inspection_id.length) {
          await sql`insert into inspection_finding (tenant_id, inspection_id, client_key, item_node_id, criterion_node_id, points, note, lat, lng, case_id, created_at)
            select ${tenantId}, inspection_id, client_key, item_node_id, criterion_node_id, points, note, lat, lng, null, created_at from unnest(${F.inspection_id}::bigint[],
              ${F.client_key}::text[], ${F.item_node_id}::bigint[], ${F.criterion_node_id}::bigint[], ${F.points}::numeric[], ${F.note}::text[], ${F.lat}::float8[],
              ${F.lng}::float8[], ${F.created_at}::timestamptz[])
              as v(inspection_id, client_key, item_node_id, criterion_node_id, points, note, lat, lng, created_at)`.execute(db);
        }
        await sql`insert into inspection_event (tenant_id, inspection_id, event, from_state, to_state, actor_user_id, actor_label, at)
          select ${tenantId}, * from unnest(${E.inspection_id}::bigint[], ${E.event}::text[], ${E.from}::text[], ${E.to}::text[], ${E.user}::bigint[],
            ${E.label}::text[], ${E.at}::timestamptz[])`.execute(db);
        counts.inspections += S.id.length;
        counts.inspectionItems += I.inspection_id.length;
        counts.inspectionFindings += F.inspection_id.length;
        counts.inspectionEvents += E.inspection_id.length;
        dbMs += performance.now() - f0;
        const s = (performance.now() - tl) / 1000;
        const rows = counts.inspections + counts.inspectionItems + counts.inspectionFindings + counts.inspectionEvents;
        log(`inspections: ${counts.inspections.toLocaleString('en')} / ${total.toLocaleString('en')} sheets, ${counts.inspectionItems.toLocaleString('en')} item scores, `
          + `${counts.inspectionFindings.toLocaleString('en')} findings, ${s.toFixed(0)} s, ${Math.round(counts.inspectionItems / s).toLocaleString('en')} item scores/s `
          + `(${Math.round(rows / s).toLocaleString('en')} rows/s; database busy ${Math.round((100 * dbMs) / (s * 1000))} % of the time)${fkOff ? '' : ' (foreign keys checked: not a superuser)'}`);
      }
      let batch = newBatch();
      let pending: Promise<void> = Promise.resolve();
      /** Waits for the batch being written, starts writing this one, and goes on generating. */
      const handOver = async () => {
        await pending;
        pending = flush(batch);
        pending.catch(() => undefined); // awaited at the next hand-over; not an unhandled rejection meanwhile
        batch = newBatch();
      };

      const jitter = (r: () => number, lat: number, lng: number, m: number): [number, number] => {
        const a = r() * 2 * Math.PI;
        const d = m * Math.sqrt(r());
        return [lat + (d * Math.sin(a)) / 110_574, lng + (d * Math.cos(a)) / (111_320 * Math.cos((lat * Math.PI) / 180))];
      };
      const iso = (t: number) => new Date(t).toISOString();

      for (let n = 0; n < total; n++) {
        const i = order[n]! % 2 ** 23;
        const g = gens[sPlan[i]!]!;
        const ti = sTarget[i]!;
        const target = g.targets[ti]!;
        const items = g.items[ti]!;
        const r = rng(sSeed[i]!);
        const dayNo = sDay[i]!;
        const day = addDays(startDay, dayNo);
        const dayKey = day.replaceAll('-', '');
        const seq = (perDay.get(dayKey) ?? 0) + 1;
        perDay.set(dayKey, seq);
        const id = idBase + n;
        const inspector = sInsp[i]!;
        const label = labelOf.get(inspector)!;
        const draft = dayNo >= days - 2 && r() < 0.08;

        // What the inspector found: deductions through findings, rate items by their counts.
        const trend = 1.25 - (0.5 * dayNo) / days;
        const pBad = 0.07 * g.quality[ti]! * trend;
        const entries: (ItemEntry & { nodeId: number })[] = [];
        const findings: (FindingEntry & { clientKey: string; nodeId: number; criterionId: number | null; note: string })[] = [];
        // Client keys as a phone makes them, but ascending (the unique index is appended to, not split).
        const keyBase = `${id.toString(36).padStart(8, '0')}${r().toString(36).slice(2, 10).padEnd(8, '0')}`;
        for (const it of items) {
          const s = it.scored;
          if (s.naAllowed && r() < 0.35) { entries.push({ key: s.key, nodeId: it.node.id, na: true }); continue; }
          const find = (points: (c: NodeRow) => number) => {
            const c = it.criteria.length ? it.criteria[Math.floor(r() * it.criteria.length)]! : null;
            const place = PLACES[Math.floor(r() * PLACES.length)]!;
            const remark = r() < 0.3 ? `，${REMARKS[Math.floor(r() * REMARKS.length)]}` : '';
            findings.push({ itemKey: s.key, nodeId: it.node.id, criterionId: c?.id ?? null, points: c ? points(c) : 0,
              clientKey: `f${findings.length}-${keyBase}`, note: `${c ? c.title : `${it.node.title}不达标`}（${place}）${remark}` });
          };
          switch (s.method) {
            case 'deduct':
              if (r() < pBad) {
                const x = r();
                const k = x < 0.65 ? 1 : x < 0.9 ? 2 : 3;
                for (let j = 0; j < k; j++) find((c) => Math.min(c.points ?? 0, s.points));
              }
              break;
            case 'pass_fail':
              if (r() < pBad / 2) find(() => 0);
              break;
            case 'rate': {
              const observed = 10 + Math.floor(r() * 31);
              const missed = r() < pBad * 4 ? 1 + Math.floor(r() * Math.max(1, observed * 0.25)) : 0;
              entries.push({ key: s.key, nodeId: it.node.id, observed, passed: observed - missed });
              break;
            }
            case 'scale':
              entries.push({ key: s.key, nodeId: it.node.id, score: r() < 1 - pBad * 4 ? s.points : Math.round(s.points * (0.4 + 0.6 * r()) * 10) / 10 });
              break;
          }
        }
        const result = scoreSheet(items.map((x) => x.scored), entries, findings, { complete: !draft });
        if (result.problems.length) throw new Error(`generated sheet ${id} would be refused: ${JSON.stringify(result.problems[0])}`);

        // When: started at the drawn minute, about a minute per item, some synced as a draft first.
        const started = Date.parse(`${day}T00:00:00Z`) - TZ + sMin[i]! * 60_000 + Math.floor(r() * 60_000);
        const took = (0.6 + r() * 1.2) * items.length * 60_000 + 4 * 60_000;
        const draftFirst = r() < 0.3;
        const created = draft || draftFirst ? started + (1 + r() * 4) * 60_000 : started + took;
        const submitted = draft ? null : started + took;
        const [lat, lng] = target.lat !== null && target.lng !== null ? jitter(r, target.lat, target.lng, 120) : [null, null];
        const note = r() < 0.08 ? REMARKS[Math.floor(r() * REMARKS.length)]! : null;
        // The service's content hash of the submitted body (a retried upload is recognised by it).
        const hash = draft ? null : createHash('sha256').update(JSON.stringify({
          p: g.id, t: { kind: target.kind, id: target.id }, d: day, n: note,
          i: [...entries].sort((x, y) => x.nodeId - y.nodeId).map((e) => [e.nodeId, e.na ?? false, e.score ?? null, e.observed ?? null, e.passed ?? null, null]),
          f: [...findings].sort((x, y) => x.clientKey.localeCompare(y.clientKey)).map((f) => [f.clientKey, f.nodeId, f.criterionId, f.points, f.note, []]),
        })).digest('hex');

        const { S, I, F, E } = batch;
        const createdAt = iso(created);
        const submittedAt = submitted === null ? null : iso(submitted);
        S.id.push(id); S.number.push(`JC${dayKey}${String(seq).padStart(4, '0')}`); S.client_key.push(`gen-${keyBase}`); S.plan_id.push(g.id); S.edition_id.push(g.editionId);
        S.target_kind.push(target.kind); S.target_id.push(target.id); S.target_name.push(target.name); S.target_subtype.push(target.subtype);
        S.target_unit_id.push(target.responsibleUnit?.id ?? null); S.target_unit_path.push(target.unitPath); S.target_region_path.push(target.regionPath);
        S.inspector_id.push(inspector); S.inspected_on.push(day); S.state.push(draft ? 'draft' : 'submitted');
        S.score.push(draft && !(result.max > 0) ? null : result.score); S.max_score.push(result.max); S.rate.push(result.rate); S.vetoed.push(result.vetoed);
        S.finding_count.push(findings.length); S.lat.push(lat); S.lng.push(lng); S.note.push(note); S.started_at.push(iso(started)); S.submitted_at.push(submittedAt);
        S.content_hash.push(hash); S.version.push(draft ? 2 : draftFirst ? 3 : 2); S.created_at.push(createdAt); S.updated_at.push(submittedAt ?? createdAt);
        for (const it of result.items) {
          let e: ItemEntry | undefined;
          for (const x of entries) if (x.key === it.key) { e = x; break; }
          I.inspection_id.push(id); I.node_id.push(Number(it.key)); I.na.push(e?.na ?? false); I.score.push(e?.score ?? null);
          I.observed.push(e?.observed ?? null); I.passed.push(e?.passed ?? null); I.deducted.push(it.deducted);
        }
        for (const f of findings) {
          const [flat, flng] = target.lat !== null && target.lng !== null ? jitter(r, target.lat, target.lng, 150) : [null, null];
          F.inspection_id.push(id); F.client_key.push(f.clientKey); F.item_node_id.push(f.nodeId); F.criterion_node_id.push(f.criterionId); F.points.push(f.points);
          F.note.push(f.note); F.lat.push(flat); F.lng.push(flng); F.created_at.push(createdAt);
        }
        E.inspection_id.push(id); E.event.push('start'); E.from.push(null); E.to.push('draft'); E.user.push(inspector); E.label.push(label); E.at.push(createdAt);
        if (submittedAt !== null) {
          E.inspection_id.push(id); E.event.push('submit'); E.from.push('draft'); E.to.push('submitted'); E.user.push(inspector); E.label.push(label); E.at.push(submittedAt);
        } else counts.inspectionDrafts++;
        if (I.inspection_id.length >= 100_000) await handOver();
      }
      await handOver();
      await pending;

      // Numbers continue after the generated ones; the identity past the explicit ids.
      await sql`select setval(pg_get_serial_sequence('inspection', 'id'), greatest((select max(id) from inspection), 1))`.execute(db);
      const seqRows = [...perDay];
      if (seqRows.length) {
        await sql`insert into doc_sequence (tenant_id, kind, period, last)
          select ${tenantId}, 'inspection', * from unnest(${seqRows.map((x) => x[0])}::text[], ${seqRows.map((x) => x[1])}::int[])
          on conflict (tenant_id, kind, period) do update set last = greatest(doc_sequence.last, excluded.last)`.execute(db);
      }
      log('inspections: analyze …');
      for (const t of ['inspection', 'inspection_item', 'inspection_finding', 'inspection_event']) await sql`analyze ${sql.table(t)}`.execute(db);
      log(`inspections: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return { ...counts, inspectionPlans: gens.length, assessmentPoints: pointRows.length };
    }
}
