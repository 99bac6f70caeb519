import fc from 'fast-check';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchOutbox } from '../src/modules/notifications/dispatcher.js';
import { loadDemoCases } from '../src/modules/demo/demo-cases.js';
import { loadDemoCity } from '../src/modules/demo/load-demo-city.js';
import { loadOperations, openApiPath, problemWith, valid, type Operation } from './abuse-support.js';
import { createTestApp, login, makeUser, multipartFile, PNG_1x1, type Session, type TestApp } from './harness.js';

/**
 * Data scope under attack (issue 6). access-matrix.routes.test.ts checks each route's permission;
 * this file checks the record behind it. In the demo county, 东关社区 (unit A) and 西关社区 (unit B)
 * are sibling communities. Every route that names a record in its path is called, as each scoped
 * role of unit B (unit staff, grid worker, volunteer), against records that belong to A's scope
 * only — with bodies that pass validation, so the handler itself has to refuse (403 or 404).
 * Lists and their filters, asked for A's unit or region, must not show A's records to B either.
 */
let t: TestApp;
let tenantId: number;
const asB: Record<string, Session> = {};
let asA: Session;
let admin: Session;
/** Records in A's scope and not in B's, by resource (the URL segment after /api/v1/). */
const aOnly = new Map<string, number[]>();
/** Ids B may use in bodies (its own unit, region, people …), so a refusal is about the record in the URL. */
const bIds = new Map<string, number[]>();
let nestedPhotos: { id: number; photoId: number }[] = [];
let nestedSheetPhotos: { id: number; photoId: number }[] = [];
let nestedDocs: { id: number; docId: number }[] = [];
let unitA: { id: number; path: string; regionPath: string };
let unitB: { id: number; path: string; regionPath: string };

const ids = (rows: { id: number | string }[]) => rows.map((r) => Number(r.id));

beforeAll(async () => {
  t = await createTestApp();
  tenantId = await loadDemoCity(t.db);
  await loadDemoCases(t.db, tenantId, t.clock.now());
  await dispatchOutbox(t.db, { clock: t.clock });
  const unitOf = async (code: string) => {
    const u = await t.db.selectFrom('unit as u').innerJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'u.tenant_id').onRef('r.id', '=', 'u.region_id'))
      .select(['u.id', 'u.path', 'r.path as regionPath']).where('u.tenant_id', '=', tenantId).where('u.code', '=', code).executeTakeFirstOrThrow();
    return { id: Number(u.id), path: u.path, regionPath: u.regionPath };
  };
  unitA = await unitOf('C-DG');
  unitB = await unitOf('C-XG');
  expect(unitA.path.startsWith(unitB.path) || unitB.path.startsWith(unitA.path)).toBe(false);

  admin = await login(t.app, 'admin', 'Demo@2026');
  asA = await login(t.app, 'community', 'Demo@2026');
  asB.unit_staff = await login(t.app, 'community2', 'Demo@2026');
  for (const role of ['grid_worker', 'volunteer'] as const) {
    const u = await makeUser(t.db, tenantId, { unitId: unitB.id, roles: [role] });
    asB[role] = await login(t.app, u.username, u.password);
  }

  // A's records, by the scope rules of ADR 0003: unit paths under A, region paths under A's region.
  const PA = `${unitA.path}%`;
  const RA = `${unitA.regionPath}%`;
  const q = async (text: RawBuilder<{ id: number }>) => ids((await text.execute(t.db)).rows);
  aOnly.set('units', await q(sql`select id from unit where tenant_id = ${tenantId} and path like ${PA}`));
  aOnly.set('regions', await q(sql`select id from region where tenant_id = ${tenantId} and path like ${RA}`));
  aOnly.set('people', await q(sql`select p.id from person p join unit u on u.tenant_id = p.tenant_id and u.id = p.unit_id where p.tenant_id = ${tenantId} and u.path like ${PA}`));
  aOnly.set('users', await q(sql`select a.id from app_user a join unit u on u.tenant_id = a.tenant_id and u.id = a.unit_id where a.tenant_id = ${tenantId} and u.path like ${PA}`));
  // A road segment and a zone in A's community (the demo county draws them at street level).
  const ra = await t.db.selectFrom('region').select(['id', 'min_lng', 'min_lat', 'max_lng', 'max_lat']).where('tenant_id', '=', tenantId).where('path', '=', unitA.regionPath).executeTakeFirstOrThrow();
  const [x, y] = [(Number(ra.min_lng) + Number(ra.max_lng)) / 2, (Number(ra.min_lat) + Number(ra.max_lat)) / 2];
  const d = 0.0003;
  for (const [url, geometry] of [
    ['/api/v1/segments', { type: 'LineString', coordinates: [[x - d, y], [x + d, y]] }],
    ['/api/v1/zones', { type: 'Polygon', coordinates: [[[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]] }],
  ] as const) {
    const res = await admin.request({ method: 'POST', url, payload: { code: `A${url.length}`, name: '东关测试', regionId: Number(ra.id), geometry } });
    expect(res.statusCode, res.body).toBe(201);
  }
  aOnly.set('segments', await q(sql`select s.id from road_segment s join region r on r.tenant_id = s.tenant_id and r.id = s.region_id where s.tenant_id = ${tenantId} and r.path like ${RA}`));
  aOnly.set('zones', await q(sql`select z.id from responsibility_zone z join region r on r.tenant_id = z.tenant_id and r.id = z.region_id where z.tenant_id = ${tenantId} and r.path like ${RA}`));
  aOnly.set('frontage-contracts', await q(sql`select f.id from frontage_contract f join unit u on u.tenant_id = f.tenant_id and u.id = f.shop_unit_id where f.tenant_id = ${tenantId} and u.path like ${PA}`));
  // Cases handled by A or in A's region, not B's, and not reported by anyone of B.
  const cases = await q(sql`select c.id from case_record c left join unit u on u.tenant_id = c.tenant_id and u.id = c.responsible_unit_id
     where c.tenant_id = ${tenantId} and (u.path like ${PA} or c.region_path like ${RA})
       and not coalesce(u.path like ${unitB.path + '%'}, false) and not coalesce(c.region_path like ${unitB.regionPath + '%'}, false)`);
  aOnly.set('cases', cases);
  await t.db.insertInto('case_recheck').values({ tenant_id: tenantId, case_id: cases[0]!, closed_at: t.clock.now(), due_date: '2026-04-01' }).execute();
  aOnly.set('rechecks', await q(sql`select id from case_recheck where tenant_id = ${tenantId} and case_id = any(${cases})`));
  // A photo on one of A's cases, uploaded by A.
  const up = await asA.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('a.png', 'image/png', PNG_1x1) });
  expect(up.statusCode, up.body).toBe(201);
  await t.db.insertInto('case_photo').values({ tenant_id: tenantId, case_id: cases[0]!, event_id: null, stage: 'before', file_id: Number((up.json() as { id: number }).id), taken_at: null, lat: null, lng: null, uploaded_by: null }).execute();
  nestedPhotos = (await sql<{ id: number; photoId: number }>`select case_id as "id", id as "photoId" from case_photo where tenant_id = ${tenantId} and case_id = any(${cases}) limit 3`.execute(t.db)).rows.map((r) => ({ id: Number(r.id), photoId: Number(r.photoId) }));
  nestedDocs = (await sql<{ id: number; docId: number }>`select case_id as "id", id as "docId" from case_document where tenant_id = ${tenantId} and case_id = any(${cases}) limit 3`.execute(t.db)).rows.map((r) => ({ id: Number(r.id), docId: Number(r.docId) }));
  // Assignments: those A's list shows and B's does not.
  const listIds = async (s: Session, url: string) => ids(((await s.request({ method: 'GET', url })).json() as { items: { id: number }[] }).items);
  const bAssignments = new Set(await listIds(asB.unit_staff, '/api/v1/assignments?pageSize=500'));
  aOnly.set('assignments', (await listIds(asA, '/api/v1/assignments?pageSize=500')).filter((id) => !bAssignments.has(id)));
  aOnly.set('notifications', await listIds(asA, '/api/v1/notifications?pageSize=100'));
  // An export and an import job that A started, and an API token that is not B's.
  const exp = await asA.request({ method: 'POST', url: '/api/v1/case-exports', payload: {} });
  expect(exp.statusCode, exp.body).toBeLessThan(300);
  aOnly.set('case-exports', [Number((exp.json() as { id: number }).id)]);
  const communityId = Number((await t.db.selectFrom('app_user').select('id').where('tenant_id', '=', tenantId).where('username', '=', 'community').executeTakeFirstOrThrow()).id);
  const job = await t.db.insertInto('import_job').values({ tenant_id: tenantId, kind: 'people', file_name: 'a.xlsx', created_by: communityId, total: 1, problems: null, error_params: null }).returning('id').executeTakeFirstOrThrow();
  aOnly.set('imports', [Number(job.id)]);
  const token = await admin.request({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'not yours' } });
  aOnly.set('tokens', [Number((token.json() as { id: number }).id)]);
  // An inspection plan run by A (门内达标 of the units inside it) and a sheet A scored there, with a photo.
  const gate = ((await admin.request({ method: 'GET', url: '/api/v1/standards' })).json() as { code: string; editions: { id: number }[] }[]).find((x) => x.code === 'INSIDE-GATE')!.editions[0]!.id;
  const r01 = Number((await t.db.selectFrom('unit').select('id').where('tenant_id', '=', tenantId).where('code', '=', 'R-01').executeTakeFirstOrThrow()).id);
  const planRes = await admin.request({ method: 'POST', url: '/api/v1/inspection-plans', payload: {
    name: '东关门内达标', kind: 'inside_gate', editionId: gate, mode: 'announced', recurrence: { type: 'daily' }, ownerUnitId: unitA.id, teamUserIds: [],
    targets: { unitKinds: [], withinUnitId: null, unitIds: [r01], zoneIds: [], pointIds: [], pointTypeIds: [] }, startsOn: '2026-01-01', endsOn: null, reopenHours: 48, active: true,
  } });
  expect(planRes.statusCode, planRes.body).toBe(201);
  aOnly.set('inspection-plans', [Number(planRes.json().id)]);
  const edition = (await admin.request({ method: 'GET', url: `/api/v1/standard-editions/${gate}` })).json() as { nodes: { id: number; parentId: number | null; kind: string }[] };
  const item = edition.nodes.find((n) => n.kind === 'item')!;
  const crit = edition.nodes.find((n) => n.kind === 'criterion' && n.parentId === item.id)!;
  const shot = await asA.request({ method: 'POST', url: '/api/v1/inspection-photos', ...multipartFile('s.png', 'image/png', PNG_1x1) });
  expect(shot.statusCode, shot.body).toBe(201);
  const sheet = await asA.request({ method: 'PUT', url: '/api/v1/inspections/sync', payload: {
    clientKey: 'scope-sheet-0001', planId: planRes.json().id, target: { kind: 'unit', id: r01 }, inspectedOn: t.clock.now().toISOString().slice(0, 10), items: [], submit: true,
    findings: [{ clientKey: 'scope-finding-1', itemNodeId: item.id, criterionNodeId: crit.id, points: 1, note: '楼道堆放杂物', photos: [{ fileId: shot.json().id }] }],
  } });
  expect(sheet.statusCode, sheet.body).toBe(201);
  aOnly.set('inspections', [Number(sheet.json().id)]);
  nestedSheetPhotos = [{ id: Number(sheet.json().id), photoId: Number(sheet.json().findings[0].photos[0].id) }];
  for (const [k, v] of aOnly) if (!['imports', 'case-exports', 'tokens'].includes(k)) expect(v.length, `records of A: ${k}`).toBeGreaterThan(0);

  // What B may name in a body: its own unit and region, people of its unit.
  bIds.set('unit', [unitB.id]);
  bIds.set('region', ids((await sql<{ id: number }>`select id from region where tenant_id = ${tenantId} and path like ${unitB.regionPath + '%'}`.execute(t.db)).rows));
  bIds.set('person', ids((await sql<{ id: number }>`select p.id from person p join unit u on u.tenant_id = p.tenant_id and u.id = p.unit_id where p.tenant_id = ${tenantId} and u.path like ${unitB.path + '%'}`.execute(t.db)).rows));
}, 120_000);
afterAll(() => t?.close());

/** Routes whose record is the city's own configuration, not a unit's: guarded by permission alone. */
const CITY_WIDE = /^\/api\/v1\/(case-categories|holiday-calendars|routing-rules|webhooks|public|standard-editions|assessment-points)\//;

/** Ids for body fields: B's own records, so any refusal is about the record in the URL. */
const bodyIds = (name: string) => {
  if (/unit/i.test(name) || name === 'parentId' || name === 'target' || name === 'targetId') return bIds.get('unit')!;
  if (/region/i.test(name)) return bIds.get('region')!;
  if (/person/i.test(name)) return bIds.get('person')!;
  return [];
};

/** The record's current version, so a stale version never answers 409 before the scope check. */
async function versionOf(resource: string, id: number): Promise<number | null> {
  const table: Record<string, string> = {
    units: 'unit', regions: 'region', people: 'person', users: 'app_user', segments: 'road_segment', zones: 'responsibility_zone',
    'frontage-contracts': 'frontage_contract', assignments: 'responsibility_assignment', cases: 'case_record',
    'inspection-plans': 'inspection_plan', inspections: 'inspection',
  };
  if (!table[resource]) return null;
  const r = await sql<{ version: number }>`select version from ${sql.table(table[resource])} where tenant_id = ${tenantId} and id = ${id}`.execute(t.db);
  return r.rows[0] ? Number(r.rows[0].version) : null;
}

function targets(op: Operation): Record<string, string>[] {
  const resource = op.path.replace(/^\/api\/v1\//, '').split('/')[0]!;
  if (op.path.startsWith('/api/v1/inspections/') && op.path.includes('{photoId}')) return nestedSheetPhotos.map((p) => ({ id: String(p.id), photoId: String(p.photoId) }));
  if (op.path.includes('{photoId}')) return nestedPhotos.map((p) => ({ id: String(p.id), photoId: String(p.photoId) }));
  if (op.path.includes('{docId}')) return nestedDocs.map((d) => ({ id: String(d.id), docId: String(d.docId), format: 'pdf' }));
  // Spread over the list: the first, a middle one and the last record of A.
  const all = aOnly.get(resource) ?? [];
  const pick = [...new Set([all[0], all[Math.floor(all.length / 2)], all[all.length - 1]])].filter((x): x is number => x !== undefined);
  return pick.map((id) => ({ id: String(id) }));
}

describe('records of a sibling community’s scope', () => {
  let ops: Operation[] = [];
  beforeAll(async () => {
    ops = await loadOperations(t.app);
  });

  it('covers every route that names a record of a unit', () => {
    const withRecord = t.app.routeCatalog.filter((r) => r.url.includes(':') && !CITY_WIDE.test(r.url));
    expect(withRecord.length).toBeGreaterThan(35);
    const uncovered = withRecord.filter((r) => targets(ops.find((o) => o.method === r.method && o.path === openApiPath(r.url))!).length === 0);
    expect(uncovered.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  for (const role of ['unit_staff', 'grid_worker', 'volunteer'] as const) {
    it(`refuses B's ${role} every record of A, by path (403 or 404)`, async () => {
      const leaks: string[] = [];
      const undecided: string[] = [];
      let refused = 0;
      for (const r of t.app.routeCatalog.filter((x) => x.url.includes(':') && !CITY_WIDE.test(x.url))) {
        const op = ops.find((o) => o.method === r.method && o.path === openApiPath(r.url))!;
        const resource = r.url.replace(/^\/api\/v1\//, '').split('/')[0]!;
        for (const params of targets(op)) {
          const url = r.url.replace(/:(\w+)/g, (_, n: string) => params[n] ?? '1');
          const version = await versionOf(resource, Number(params.id));
          // Bodies that pass validation (several tries): the handler, not the schema, must refuse.
          const bodies = op.body
            ? fc.sample(valid(op.body, bodyIds), { numRuns: 12, seed: 42 }).map((b) => (b && typeof b === 'object' && 'version' in (op.body!.properties ?? {}) && version !== null ? { ...(b as object), version } : b))
            : [undefined];
          let decided = false;
          for (const payload of bodies) {
            const res = await asB[role]!.request({ method: r.method as 'GET', url, payload: payload as object | undefined });
            const label = `${role} ${r.method} ${url} ${JSON.stringify(payload ?? '').slice(0, 160)} → ${res.statusCode} ${res.body.slice(0, 160)}`;
            const shape = problemWith(res);
            if (shape) leaks.push(`${label}: ${shape}`);
            if (res.statusCode < 400) {
              leaks.push(label);
              decided = true;
              break;
            }
            if (res.statusCode === 403 || res.statusCode === 404) {
              refused++;
              decided = true;
              break;
            }
            if (res.statusCode === 409 && !/CONFLICT/.test(res.body)) {
              // A workflow refusal (TRANSITION_NOT_ALLOWED …) after the record was found: it must not be B's to act on.
              leaks.push(`${label}: refused by the workflow, not by scope`);
              decided = true;
              break;
            }
          }
          if (!decided) undecided.push(`${role} ${r.method} ${url}`);
        }
      }
      expect(leaks).toEqual([]);
      expect(undecided).toEqual([]);
      expect(refused).toBeGreaterThan(40);
    });
  }

  it('keeps A’s records out of B’s lists, also when B filters by A’s unit or region', async () => {
    const lists: [string, string][] = [
      ['units', '/api/v1/units?pageSize=500'], ['regions', '/api/v1/regions'], ['people', '/api/v1/people?pageSize=500'],
      ['users', '/api/v1/users?pageSize=500'], ['segments', '/api/v1/segments'], ['zones', '/api/v1/zones'],
      ['frontage-contracts', '/api/v1/frontage-contracts?pageSize=500'], ['assignments', '/api/v1/assignments?pageSize=500'],
      ['cases', '/api/v1/cases?pageSize=500'], ['rechecks', '/api/v1/rechecks?pageSize=500'], ['notifications', '/api/v1/notifications?pageSize=100'],
    ];
    const found: string[] = [];
    let checked = 0;
    for (const role of Object.keys(asB)) {
      for (const [resource, base] of lists) {
        for (const filter of ['', `&unitId=${unitA.id}`, `&regionId=${aOnly.get('regions')![0]}`, `&parentId=${unitA.id}`]) {
          const url = base.includes('?') ? base + filter : base + (filter ? '?' + filter.slice(1) : '');
          const res = await asB[role]!.request({ method: 'GET', url });
          expect(res.statusCode, `${role} ${url} ${res.body.slice(0, 200)}`).toBeLessThan(500);
          if (res.statusCode !== 200) continue;
          const body = res.json() as { items?: { id: number }[] } | { id: number }[];
          const items = Array.isArray(body) ? body : (body.items ?? []);
          const mine = new Set(aOnly.get(resource));
          for (const it of items) if (mine.has(Number(it.id))) found.push(`${role} ${url} shows ${resource} ${it.id}`);
          checked++;
        }
      }
    }
    expect(found).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });
});
