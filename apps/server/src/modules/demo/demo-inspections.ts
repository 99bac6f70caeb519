import { addDays, localDate, windowOf, type Recurrence, type SheetSyncBody, type TargetSpec } from '@cc/domain';
import { systemAuditContext } from '../../platform/audit.js';
import { loadActor } from '../../platform/auth.js';
import { ManualClock } from '../../platform/clock.js';
import type { DB, Tx } from '../../platform/database.js';
import type { FileStore } from '../../platform/files.js';
import { createCaseCatalog } from '../cases/catalog.service.js';
import { createCasesService } from '../cases/cases.service.js';
import { createInspectionsService } from '../inspections/inspections.service.js';
import { createPlansService } from '../inspections/plans.service.js';
import { createStandardsService } from '../inspections/standards.service.js';
import { createRoutingIndex } from '../responsibility/routing-index.js';
import { createRoutingService } from '../responsibility/routing.service.js';
import { DEMO_CITY } from './demo-city.data.js';
import { at, demoPersonName, demoRegionRects } from './demo-geo.js';
import { SIMULATED } from './demo-simulated.js';

/**
 * The demo county's inspections (issue 5): assessment points (实地考察点位) with a responsible unit
 * and a 点位长 each, and the four plans of the users' documents — the weekly 创卫 check on the seed
 * 003 scheme (JNS-2024), the monthly 门内达标 check run by 城关镇, the daily 十分制 zone scoring and
 * an unannounced simulated assessment of the points. Plans start a few weeks before today so
 * coverage has history; `loadDemoInspectionSheets` (first start only) adds submitted past sheets.
 */

/** A point: code, name, type code, community region, responsible unit, position inside the community (0–1). */
const POINTS: [string, string, string, string, string, [number, number]][] = [
  ['DP-01', '东关农贸市场', 'farmers_market', '419901100001', 'C-DG', [0.3, 0.7]],
  ['DP-02', '人民路东段', 'main_road', '419901100001', 'D-CGJ', [0.5, 0.5]],
  ['DP-03', '东关小区', 'residential', '419901100001', 'C-DG', [0.7, 0.3]],
  ['DP-04', '城关镇第一小学周边', 'school', '419901100001', 'SCH-01', [0.6, 0.8]],
  ['DP-05', '育才街背街小巷', 'back_lane', '419901100002', 'C-XG', [0.4, 0.4]],
  ['DP-06', '县人民医院', 'hospital', '419901100002', 'H-01', [0.6, 0.6]],
  ['DP-07', '南大街公共厕所', 'public_toilet', '419901100003', 'C-NJ', [0.5, 0.3]],
  ['DP-08', '南街农商银行网点', 'bank', '419901100003', 'R-02', [0.3, 0.6]],
  ['DP-09', '北街文化广场', 'park_square', '419901100004', 'C-BJ', [0.5, 0.5]],
  ['DP-10', '福满楼饭店', 'restaurant', '419901100004', 'M-008', [0.3, 0.7]],
  ['DP-11', '青岚县汽车客运站', 'station', '419901001002', 'R-03', [0.6, 0.4]],
  ['DP-12', '十里河安置房建筑工地', 'construction_site', '419901001001', 'D-ZJJ', [0.4, 0.3]],
  ['DP-13', '凤凰大道公交站台', 'public_transport', '419901001001', 'D-JTYS', [0.7, 0.6]],
];

/** Monday of the week holding a date. */
const mondayOf = (d: string) => addDays(d, -((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7));

/** Points and plans, inside the demo loader's transaction. */
export async function loadDemoInspections(
  tx: Tx,
  tenantId: number,
  regions: Map<string, { id: number; path: string }>,
  units: Map<string, { id: number; path: string }>,
  today = localDate(new Date()),
): Promise<void> {
  const now = new Date();
  const rects = demoRegionRects(DEMO_CITY.regions);
  const types = await tx.selectFrom('assessment_point_type').select(['id', 'code']).where('tenant_id', '=', tenantId).execute();
  const typeId = (code: string) => types.find((t) => t.code === code)!.id;
  const pointIds: number[] = [];
  for (const [i, [code, name, type, region, unit, [fx, fy]]] of POINTS.entries()) {
    const r = rects.get(region)!;
    const [lng, lat] = at(r.x0 + (r.x1 - r.x0) * fx, r.y0 + (r.y1 - r.y0) * fy);
    const unitId = units.get(unit)!.id;
    const chief = await tx.insertInto('person').values({
      tenant_id: tenantId, name: demoPersonName(60 + i), unit_id: unitId, position: '点位长', phone: `1395000${String(2000 + i).slice(-4)}`, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    const p = await tx.insertInto('assessment_point').values({
      tenant_id: tenantId, code, name, type_id: typeId(type), address: name, lat, lng, responsible_unit_id: unitId, chief_person_id: chief.id,
      region_id: regions.get(region)!.id, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    pointIds.push(p.id);
  }

  const editions = await tx.selectFrom('standard as s').innerJoin('standard_edition as e', (j) => j.onRef('e.tenant_id', '=', 's.tenant_id').onRef('e.standard_id', '=', 's.id'))
    .select(['s.code', 'e.id']).where('s.tenant_id', '=', tenantId).where('e.state', '=', 'published').orderBy('e.id').execute();
  const edition = (code: string) => editions.find((e) => e.code === code)!.id;
  const zones = await tx.selectFrom('responsibility_zone').select('id').where('tenant_id', '=', tenantId).orderBy('code').execute();
  const inspector = await tx.selectFrom('app_user').select('id').where('tenant_id', '=', tenantId).where('username', '=', 'inspector').executeTakeFirstOrThrow();
  const office = await tx.selectFrom('app_user').select('id').where('tenant_id', '=', tenantId).where('username', '=', 'office').executeTakeFirstOrThrow();
  const none: TargetSpec = { unitKinds: [], withinUnitId: null, unitIds: [], zoneIds: [], pointIds: [], pointTypeIds: [] };
  const weekStart = addDays(mondayOf(today), -28);
  const plans: { name: string; kind: string; standard: string; mode: 'announced' | 'unannounced'; recurrence: Recurrence; targets: TargetSpec; owner: string; team: number[]; startsOn: string; endsOn: string | null }[] = [
    {
      name: '创卫每周检查', kind: 'routine', standard: 'JNS-2024', mode: 'announced', recurrence: { type: 'weekly', atLeast: 1 },
      targets: { ...none, unitKinds: ['community', 'department', 'resident_unit'] }, owner: 'CJB', team: [], startsOn: weekStart, endsOn: null,
    },
    {
      name: '门内达标月检', kind: 'inside_gate', standard: 'INSIDE-GATE', mode: 'announced', recurrence: { type: 'monthly', fromDay: 26, toDay: 28, atLeast: 1 },
      targets: { ...none, unitKinds: ['resident_unit', 'school', 'hospital', 'enterprise'], withinUnitId: units.get('S-CGZ')!.id }, owner: 'S-CGZ', team: [],
      startsOn: `${addDays(today, -45).slice(0, 7)}-01`, endsOn: null,
    },
    {
      name: '集镇十分制日评比', kind: 'zone_daily', standard: 'ZONE-10', mode: 'announced', recurrence: { type: 'daily' },
      targets: { ...none, zoneIds: zones.map((z) => z.id) }, owner: 'S-CGZ', team: [], startsOn: addDays(today, -21), endsOn: null,
    },
    {
      name: '模拟测评', kind: 'simulated', standard: 'POINTS-CIVILIZED', mode: 'unannounced', recurrence: { type: 'once', from: addDays(today, -14), to: addDays(today, 16) },
      targets: { ...none, pointIds }, owner: 'CJB', team: [inspector.id], startsOn: addDays(today, -14), endsOn: addDays(today, 16),
    },
  ];
  for (const p of plans) {
    await tx.insertInto('inspection_plan').values({
      tenant_id: tenantId, name: p.name, kind: p.kind, edition_id: edition(p.standard), mode: p.mode, recurrence: JSON.stringify(p.recurrence), targets: JSON.stringify(p.targets),
      owner_unit_id: units.get(p.owner)!.id, team_user_ids: p.team, starts_on: p.startsOn, ends_on: p.endsOn, reopen_hours: 48, active: true, created_by: office.id, updated_at: now,
    }).execute();
  }
  // 回头看计划: each week the inspector re-checks half of the cases closed in 东关社区 and 西关社区 the
  // week before (sampled by the scheduler, which runs soon after start).
  await tx.insertInto('inspection_plan').values({
    tenant_id: tenantId, name: '东关西关每周回头看', kind: 'recheck', edition_id: null, mode: 'announced', recurrence: JSON.stringify({ type: 'weekly', atLeast: 1 }),
    targets: JSON.stringify(none), recheck: JSON.stringify({ regionIds: [regions.get('419901100001')!.id, regions.get('419901100002')!.id], categoryIds: [], samplePercent: 50 }),
    owner_unit_id: units.get('CJB')!.id, team_user_ids: [inspector.id], starts_on: weekStart, ends_on: null, reopen_hours: 48, active: true, created_by: office.id, updated_at: now,
  }).execute();
}

/** Past sheets: which communities, which criteria (by code; none needs a photo), what the inspector wrote. */
const WEEKLY: { unit: string; na?: string[]; findings: [string, string][] }[] = [
  { unit: 'C-DG', na: ['1.6'], findings: [['1.1.4', '人民路两家新开商户门前五包责任书未签订']] },
  { unit: 'C-XG', findings: [['1.7.3', '十月保洁员考勤表缺两周'], ['1.9.1', '背街小巷整治台账未按期上报']] },
  { unit: 'C-NJ', na: ['1.6'], findings: [] },
  { unit: 'C-SLH', findings: [['1.6.3', '十里河北段无河长公示牌']] },
];


/**
 * Submitted sheets of the last two weeks (weekly plan) and days (zone scoring), through the real
 * inspections service so each deduction opens its case — first start only, like the demo cases.
 */
export async function loadDemoInspectionSheets(db: DB, tenantId: number, now = new Date()): Promise<number> {
  const clock = new ManualClock(now);
  const routing = createRoutingService({ db, clock, index: createRoutingIndex(db) });
  const cases = createCasesService({ db, clock, catalog: createCaseCatalog({ db }), routing });
  const standards = createStandardsService({ db, clock });
  const plans = createPlansService({ db, clock, routing });
  const noFiles = {} as FileStore; // the demo sheets carry no photos
  const inspections = createInspectionsService({ db, clock, files: noFiles, cases, plans, standards });
  const user = await db.selectFrom('app_user').select('id').where('tenant_id', '=', tenantId).where('username', '=', 'inspector').executeTakeFirst();
  const loaded = user ? await loadActor(db, tenantId, user.id) : null;
  if (!loaded) return 0;
  const actor = { ...loaded, authMethod: 'session' as const, sessionId: null, csrfToken: null };
  const ctx = systemAuditContext(tenantId, 'demo loader');
  const planRows = await db.selectFrom('inspection_plan').select(['id', 'name', 'edition_id', 'recurrence', 'starts_on']).where('tenant_id', '=', tenantId).execute();
  const today = localDate(now);
  let n = 0;
  const submit = async (when: string, body: Omit<SheetSyncBody, 'inspectedOn' | 'submit' | 'startedAt'>) => {
    clock.set(new Date(`${when}T10:30:00+08:00`));
    await inspections.sync(actor, { ...body, inspectedOn: when, startedAt: new Date(`${when}T10:00:00+08:00`).toISOString(), submit: true }, ctx, 'zh-CN');
    n += 1;
  };
  const nodes = async (editionId: number) => db.selectFrom('standard_node').select(['id', 'code', 'kind', 'points']).where('tenant_id', '=', tenantId).where('edition_id', '=', editionId).execute();

  const weekly = planRows.find((p) => p.name === '创卫每周检查');
  if (weekly) {
    const jns = await nodes(weekly.edition_id!);
    const byCode = (c: string) => jns.find((x) => x.code === c)!;
    const unitIds = await db.selectFrom('unit').select(['id', 'code']).where('tenant_id', '=', tenantId).where('code', 'in', WEEKLY.map((w) => w.unit)).execute();
    for (let w = 2; w >= 1; w--) {
      const day = addDays(mondayOf(today), -7 * w + 1); // Tuesday of that week
      if (day < weekly.starts_on) continue;
      for (const [i, s] of WEEKLY.entries()) {
        if ((w + i) % 4 === 0) continue; // one community missed that week: coverage shows a gap
        const target = unitIds.find((u) => u.code === s.unit)!.id;
        await submit(day, {
          clientKey: `demo-wk-${s.unit}-${day}`, planId: weekly.id, target: { kind: 'unit', id: target },
          items: (s.na ?? []).map((c) => ({ nodeId: byCode(c).id, na: true })),
          findings: s.findings.slice(0, w === 1 ? 2 : 1).map(([c, note], j) => {
            const crit = byCode(c);
            const item = byCode(c.split('.').slice(0, 2).join('.'));
            return { clientKey: `demo-wk-${s.unit}-${day}-${j}`, itemNodeId: item.id, criterionNodeId: crit.id, points: crit.points ?? 0, note, photos: [] };
          }),
        });
      }
    }
  }

  const zone = planRows.find((p) => p.name === '集镇十分制日评比');
  if (zone) {
    const z10 = await nodes(zone.edition_id!);
    const scale = z10.find((x) => x.code === '1.4')!;
    const zones = await db.selectFrom('responsibility_zone').select('id').where('tenant_id', '=', tenantId).orderBy('code').execute();
    for (let d = 2; d >= 1; d--) {
      const day = addDays(today, -d);
      if (day < zone.starts_on || !windowOf(zone.recurrence as Recurrence, day)) continue;
      for (const [i, z] of zones.entries()) {
        await submit(day, {
          clientKey: `demo-zone-${z.id}-${day}`, planId: zone.id, target: { kind: 'zone', id: z.id },
          items: [{ nodeId: scale.id, score: [1, 0.5, 1, 0.8, 0.6][(i + d) % 5]! }], findings: [],
        });
      }
    }
  }

  const simulated = planRows.find((p) => p.name === '模拟测评');
  if (simulated) {
    const nodes = await db.selectFrom('standard_node').select(['id', 'parent_id', 'kind', 'position', 'points', 'applies_to']).where('tenant_id', '=', tenantId)
      .where('edition_id', '=', simulated.edition_id).orderBy('position').orderBy('id').execute();
    const points = await db.selectFrom('assessment_point as p').innerJoin('assessment_point_type as t', (j) => j.onRef('t.tenant_id', '=', 'p.tenant_id').onRef('t.id', '=', 'p.type_id'))
      .select(['p.id', 'p.code', 't.code as type']).where('p.tenant_id', '=', tenantId).execute();
    const childrenOf = (id: number) => nodes.filter((x) => x.parent_id === id);
    for (const s of SIMULATED) {
      const day = addDays(today, -s.day);
      const point = points.find((p) => p.code === s.point);
      if (!point || day < simulated.starts_on || !windowOf(simulated.recurrence as Recurrence, day)) continue;
      const chapter = nodes.find((x) => x.kind === 'section' && x.applies_to.includes(`point:${point.type}`))!;
      const item = (no: number) => childrenOf(chapter.id)[no - 1]!;
      await submit(day, {
        clientKey: `demo-sim-${s.point}`, planId: simulated.id, target: { kind: 'point', id: point.id },
        items: (s.rates ?? []).map(([no, observed, passed]) => ({ nodeId: item(no).id, observed, passed })),
        findings: (s.findings ?? []).map(([no, c, note], j) => {
          const crit = childrenOf(item(no).id)[c - 1]!;
          return { clientKey: `demo-sim-${s.point}-${j}`, itemNodeId: item(no).id, criterionNodeId: crit.id, points: crit.points ?? 0, note, photos: [] };
        }),
      });
    }
  }
  return n;
}
