import { sql } from 'kysely';
import { ASSIGNMENT_KIND_RULES, DEFAULT_FRONTAGE_DUTIES, MERCHANT_TRADES, type AreaGeometry, type LineStringGeometry, type Position } from '@cc/domain';
import type { DB, Executor } from '../../apps/server/src/platform/database.js';
import { hashPassword } from '../../apps/server/src/platform/passwords.js';
import { createTenant } from '../../apps/server/src/modules/system/tenants.js';
import { rng } from './stats.js';

/**
 * A synthetic city, the same for the same seed: streets are bands of communities, communities
 * blocks of grids (200 m cells), roads every 400 m split into segments between crossings, shops
 * scattered over the grids, each with a frontage contract. Loaded with multi-row inserts.
 */
export interface CityScale {
  streets: number;
  communityCols: number;
  communityRows: number;
  gridCols: number; // grids per community, across
  gridRows: number; // grids per community, down
  shops: number;
  departments: number;
  /** schools, hospitals, enterprises, resident units (辖区单位) besides the government units */
  otherUnits: number;
  inspectors: number;
  /** cases over the two years before the generation day (bench/lib/generate-cases.ts) */
  cases: number;
  /** 常住人口 of the whole city, spread over the grids; communities, streets and the county hold their sums */
  residents: number;
}

export type ScaleName = 'county' | 'city' | 'province';

export const SCALES: Record<ScaleName, CityScale> = {
  // about a tenth of a city
  county: { streets: 5, communityCols: 5, communityRows: 4, gridCols: 2, gridRows: 5, shops: 10_000, departments: 20, otherUnits: 150, inspectors: 120, cases: 100_000, residents: 300_000 },
  // 15 streets, 200 communities, 2,000 grids, 2,000 units besides the shops, 100,000 shops, 1,200 inspectors, 1 M cases
  city: { streets: 15, communityCols: 20, communityRows: 10, gridCols: 2, gridRows: 5, shops: 100_000, departments: 30, otherUnits: 1_750, inspectors: 1_200, cases: 1_000_000, residents: 3_000_000 },
  // four cities' worth (not run on the 2-core bench machine: see bench/README.md)
  province: { streets: 60, communityCols: 40, communityRows: 20, gridCols: 2, gridRows: 5, shops: 400_000, departments: 60, otherUnits: 7_000, inspectors: 4_800, cases: 4_000_000, residents: 12_000_000 },
};

export function isScaleName(s: string): s is ScaleName {
  return Object.hasOwn(SCALES, s);
}

const CELL_KM = 0.2;
const ORIGIN: Position = [113.5, 34.6];
const KM_LNG = 1 / (111.32 * Math.cos((ORIGIN[1] * Math.PI) / 180));
const KM_LAT = 1 / 110.574;
const pos = (xKm: number, yKm: number): Position => [ORIGIN[0] + xKm * KM_LNG, ORIGIN[1] + yKm * KM_LAT];
const rect = (x0: number, y0: number, x1: number, y1: number): AreaGeometry => ({
  type: 'Polygon', coordinates: [[pos(x0, y0), pos(x1, y0), pos(x1, y1), pos(x0, y1), pos(x0, y0)]],
});
const bboxCols = (x0: number, y0: number, x1: number, y1: number) => {
  const [a, b] = [pos(x0, y0), pos(x1, y1)];
  return { min_lng: a[0], min_lat: a[1], max_lng: b[0], max_lat: b[1] };
};

/** Insert many rows in statements of at most ~60,000 parameters; returns the ids in order. */
async function insertMany<T extends Record<string, unknown>>(ex: Executor, table: string, rows: T[]): Promise<number[]> {
  if (!rows.length) return [];
  const per = Math.max(1, Math.floor(60_000 / Object.keys(rows[0]!).length));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += per) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generic bulk loader over several tables
    const r = await (ex as any).insertInto(table).values(rows.slice(i, i + per)).returning('id').execute();
    ids.push(...r.map((x: { id: number }) => x.id));
  }
  return ids;
}

async function setPaths(ex: Executor, table: 'region' | 'unit', tenantId: number, ids: number[], paths: string[]) {
  for (let i = 0; i < ids.length; i += 20_000) {
    await sql`update ${sql.table(table)} t set path = v.path
      from unnest(${ids.slice(i, i + 20_000)}::bigint[], ${paths.slice(i, i + 20_000)}::text[]) as v(id, path)
      where t.tenant_id = ${tenantId} and t.id = v.id`.execute(ex);
  }
}

/** What the case generator needs to know about the city: where things are and who acts. */
export interface CityModel {
  officeId: number;
  officeUserId: number;
  departments: number[];
  /** per street: region id and path, street-office unit id, the staff user of that office */
  streets: { id: number; path: string; unitId: number; userId: number }[];
  /** per community: region id and path, street index, committee unit id and its staff user */
  communities: { id: number; path: string; street: number; unitId: number; userId: number }[];
  /** per grid: region id, path, community index, south-west corner in km from the origin */
  grids: { id: number; path: string; name: string; community: number; x0: number; y0: number }[];
  /** shops per grid: [unit id, lng, lat] */
  shopsByGrid: [number, number, number][][];
  departmentUserIds: number[];
  inspectorUserIds: number[];
  gridWorkerUserIds: number[];
}

export interface GeneratedCity {
  tenantId: number;
  username: string;
  password: string;
  bounds: { minLng: number; minLat: number; maxLng: number; maxLat: number };
  counts: Record<string, number>;
  model: CityModel;
  /** log-in names of the generated inspectors (same password) */
  inspectorUsernames: string[];
}

/** km from the city's south-west corner to [lng, lat] */
export const cityPos = (xKm: number, yKm: number): Position => [ORIGIN[0] + xKm * KM_LNG, ORIGIN[1] + yKm * KM_LAT];
export const CITY_CELL_KM = CELL_KM;

export async function generateCity(db: DB, scale: CityScale, seed = 42, log: (m: string) => void = () => undefined): Promise<GeneratedCity> {
  const rand = rng(seed);
  const now = new Date();
  const counts: Record<string, number> = {};
  const commW = scale.gridCols * CELL_KM;
  const commH = scale.gridRows * CELL_KM;
  const W = scale.communityCols * commW;
  const H = scale.communityRows * commH;
  const password = 'Bench@2026';

  return db.transaction().execute(async (tx) => {
    const tenantId = await createTenant(tx, { code: `bench${seed}${Date.now()}`, name: '基准测试市', isDemo: false });
    const region = (parent: { id: number; path: string } | null, level: string, code: string, name: string, g: [number, number, number, number], population: number) => ({
      tenant_id: tenantId, parent_id: parent?.id ?? null, level, code, name, path: '', updated_at: now,
      geometry: JSON.stringify(rect(...g)), ...bboxCols(...g), population,
    });

    // Residents: each grid a share drawn from a skewed spread (a new estate beside an old lane),
    // rounded so that the grids add up to the city's figure exactly; the levels above hold sums.
    const gridsPerCommunity = scale.gridCols * scale.gridRows;
    const nCommunities = scale.communityCols * scale.communityRows;
    // Drawn from a stream of their own, so the rest of the city is what it was before residents.
    const popRand = rng(seed ^ 0x5eed);
    const weights = Array.from({ length: nCommunities * gridsPerCommunity }, () => 0.3 + popRand() ** 2 * 2.7);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const gridPopulation = weights.map((w) => Math.floor((scale.residents * w) / weightSum));
    let short = scale.residents - gridPopulation.reduce((a, b) => a + b, 0);
    for (let i = 0; short > 0; i = (i + 1) % gridPopulation.length, short--) gridPopulation[i]!++;
    // Grids are laid out community by community (below), so community ci owns a run of them.
    const communityPopulation = Array.from({ length: nCommunities }, (_, ci) =>
      gridPopulation.slice(ci * gridsPerCommunity, (ci + 1) * gridsPerCommunity).reduce((a, b) => a + b, 0));

    const [countyId] = await insertMany(tx, 'region', [region(null, 'county', 'C0', '基准县', [0, 0, W, H], scale.residents)]);
    const county = { id: countyId!, path: `/${countyId}/` };
    await setPaths(tx, 'region', tenantId, [county.id], [county.path]);

    // Streets: vertical bands of whole community columns.
    const streetCols = Array.from({ length: scale.streets }, (_, s) => [Math.floor((s * scale.communityCols) / scale.streets), Math.floor(((s + 1) * scale.communityCols) / scale.streets)] as const);
    // Communities are numbered column by column, so a street's are a run of them too.
    const streetPopulation = streetCols.map(([c0, c1]) =>
      communityPopulation.slice(c0 * scale.communityRows, c1 * scale.communityRows).reduce((a, b) => a + b, 0));
    const streetIds = await insertMany(tx, 'region', streetCols.map(([c0, c1], s) =>
      region(county, 'street', `S${s}`, `第${s + 1}街道`, [c0 * commW, 0, c1 * commW, H], streetPopulation[s]!)));
    const streets = streetIds.map((id) => ({ id, path: `${county.path}${id}/` }));
    await setPaths(tx, 'region', tenantId, streetIds, streets.map((s) => s.path));
    const streetOfCol = (col: number) => streetCols.findIndex(([a, b]) => col >= a && col < b);

    const commRows: ReturnType<typeof region>[] = [];
    const commMeta: { col: number; row: number; street: number }[] = [];
    for (let col = 0; col < scale.communityCols; col++) {
      for (let row = 0; row < scale.communityRows; row++) {
        const s = streetOfCol(col);
        commRows.push(region(streets[s]!, 'community', `S${s}C${col}-${row}`, `社区${col}-${row}`, [col * commW, row * commH, (col + 1) * commW, (row + 1) * commH], communityPopulation[commRows.length]!));
        commMeta.push({ col, row, street: s });
      }
    }
    const commIds = await insertMany(tx, 'region', commRows);
    const communities = commIds.map((id, i) => ({ id, path: `${streets[commMeta[i]!.street]!.path}${id}/`, ...commMeta[i]! }));
    await setPaths(tx, 'region', tenantId, commIds, communities.map((c) => c.path));

    const gridRows: ReturnType<typeof region>[] = [];
    const gridMeta: { community: number; x0: number; y0: number }[] = [];
    communities.forEach((c, ci) => {
      for (let gx = 0; gx < scale.gridCols; gx++) {
        for (let gy = 0; gy < scale.gridRows; gy++) {
          const x0 = c.col * commW + gx * CELL_KM;
          const y0 = c.row * commH + gy * CELL_KM;
          gridRows.push(region(c, 'grid', `G${ci}-${gx}-${gy}`, `网格${ci}-${gx}-${gy}`, [x0, y0, x0 + CELL_KM, y0 + CELL_KM], gridPopulation[gridRows.length]!));
          gridMeta.push({ community: ci, x0, y0 });
        }
      }
    });
    const gridIds = await insertMany(tx, 'region', gridRows);
    await setPaths(tx, 'region', tenantId, gridIds, gridIds.map((id, i) => `${communities[gridMeta[i]!.community]!.path}${id}/`));
    counts.streets = streets.length;
    counts.communities = communities.length;
    counts.grids = gridIds.length;
    counts.residents = scale.residents;
    log(`regions: ${streets.length} streets, ${communities.length} communities, ${gridIds.length} grids, ${scale.residents.toLocaleString('en')} residents`);

    // Units: the office, departments, street offices, community committees, shops.
    const unit = (parentId: number | null, kind: string, code: string, name: string, regionId: number | null, p?: Position, trade?: string) => ({
      tenant_id: tenantId, parent_id: parentId, kind, code, name, region_id: regionId, path: '', updated_at: now,
      lng: p?.[0] ?? null, lat: p?.[1] ?? null, trade: trade ?? null,
    });
    const rootIds = await insertMany(tx, 'unit', [
      unit(null, 'campaign_office', 'OFFICE', '创建办', county.id),
      ...Array.from({ length: scale.departments }, (_, d) => unit(null, 'department', `D${d}`, `部门${d}`, county.id)),
      ...streets.map((s, i) => unit(null, 'street_office', `SO${i}`, `第${i + 1}街道办事处`, s.id)),
    ]);
    await setPaths(tx, 'unit', tenantId, rootIds, rootIds.map((id) => `/${id}/`));
    const officeId = rootIds[0]!;
    const departments = rootIds.slice(1, 1 + scale.departments);
    const streetOffices = rootIds.slice(1 + scale.departments).map((id) => ({ id, path: `/${id}/` }));
    const cuIds = await insertMany(tx, 'unit', communities.map((c, i) => unit(streetOffices[c.street]!.id, 'community', `CU${i}`, `社区${c.col}-${c.row}居委会`, c.id)));
    const communityUnits = cuIds.map((id, i) => ({ id, path: `${streetOffices[communities[i]!.street]!.path}${id}/` }));
    await setPaths(tx, 'unit', tenantId, cuIds, communityUnits.map((u) => u.path));

    const shopRows: ReturnType<typeof unit>[] = [];
    const shopCommunity: number[] = [];
    for (let i = 0; i < scale.shops; i++) {
      const g = Math.floor(rand() * gridIds.length);
      const m = gridMeta[g]!;
      const p = pos(m.x0 + rand() * CELL_KM, m.y0 + rand() * CELL_KM);
      shopRows.push(unit(communityUnits[m.community]!.id, 'merchant', `M${i}`, `商户${i}`, gridIds[g]!, p, MERCHANT_TRADES[i % MERCHANT_TRADES.length]));
      shopCommunity.push(m.community);
    }
    const shopIds = await insertMany(tx, 'unit', shopRows);
    await setPaths(tx, 'unit', tenantId, shopIds, shopIds.map((id, i) => `${communityUnits[shopCommunity[i]!]!.path}${id}/`));
    // Other units in the city (schools, hospitals, enterprises, resident units), under their street.
    const OTHER_KINDS = ['school', 'hospital', 'enterprise', 'resident_unit'] as const;
    const otherRows = Array.from({ length: scale.otherUnits }, (_, i) => {
      const g = Math.floor(rand() * gridIds.length);
      const m = gridMeta[g]!;
      const s = communities[m.community]!.street;
      const p = pos(m.x0 + rand() * CELL_KM, m.y0 + rand() * CELL_KM);
      return { row: unit(streetOffices[s]!.id, OTHER_KINDS[i % OTHER_KINDS.length]!, `O${i}`, `辖区单位${i}`, gridIds[g]!, p), street: s };
    });
    const otherIds = await insertMany(tx, 'unit', otherRows.map((o) => o.row));
    await setPaths(tx, 'unit', tenantId, otherIds, otherIds.map((id, i) => `${streetOffices[otherRows[i]!.street]!.path}${id}/`));
    counts.units = rootIds.length + cuIds.length + otherIds.length + shopIds.length;
    counts.shops = shopIds.length;
    log(`units: ${counts.units} (${shopIds.length} shops)`);

    // People: one covering cadre per community.
    const cadreIds = await insertMany(tx, 'person', communities.map((_, i) => ({
      tenant_id: tenantId, name: `干部${i}`, unit_id: departments[i % departments.length]!, position: '科级干部', updated_at: now,
    })));

    // Roads every 400 m both ways, split at crossings.
    const ROAD = 2 * CELL_KM;
    const segRows: Record<string, unknown>[] = [];
    const lineRow = (code: string, name: string, a: [number, number], b: [number, number]) => {
      const g: LineStringGeometry = { type: 'LineString', coordinates: [pos(...a), pos(...b)] };
      const mid = (a[0] + b[0]) / 2;
      const s = streetOfCol(Math.min(scale.communityCols - 1, Math.floor(mid / commW)));
      segRows.push({
        tenant_id: tenantId, code, name, region_id: streets[s]!.id, geometry: JSON.stringify(g),
        length_m: Math.hypot(b[0] - a[0], b[1] - a[1]) * 1000, ...bboxCols(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])), updated_at: now,
      });
    };
    for (let y = ROAD; y < H; y += ROAD) for (let x = 0; x + ROAD <= W + 1e-9; x += ROAD) lineRow(`H${y.toFixed(1)}-${x.toFixed(1)}`, `东西路${(y / ROAD).toFixed(0)}`, [x, y], [x + ROAD, y]);
    for (let x = ROAD; x < W; x += ROAD) for (let y = 0; y + ROAD <= H + 1e-9; y += ROAD) lineRow(`V${x.toFixed(1)}-${y.toFixed(1)}`, `南北路${(x / ROAD).toFixed(0)}`, [x, y], [x, y + ROAD]);
    const segIds = await insertMany(tx, 'road_segment', segRows);
    counts.segments = segIds.length;

    // Assignments valid since 2024: 包社区, 挂钩, 包路段, and a frontage contract per shop.
    const assignment = (kind: keyof typeof ASSIGNMENT_KIND_RULES, targetId: number, unitId: number | null, personId: number | null) => ({
      tenant_id: tenantId, kind, target_type: ASSIGNMENT_KIND_RULES[kind].target, target_id: targetId,
      responsible_unit_id: unitId, responsible_person_id: personId, valid_from: '2024-01-01', valid_to: null,
      exclusive: ASSIGNMENT_KIND_RULES[kind].exclusive, updated_at: now,
    });
    await insertMany(tx, 'responsibility_assignment', [
      ...communities.map((c, i) => assignment('community_cover', c.id, null, cadreIds[i]!)),
      ...communities.map((c, i) => assignment('pairing', c.id, departments[(i + 7) % departments.length]!, null)),
      ...segIds.map((id, i) => assignment('segment_cover', id, departments[i % departments.length]!, null)),
    ]);
    const frontIds = await insertMany(tx, 'responsibility_assignment', shopIds.map((id) => assignment('frontage', id, id, null)));
    await insertMany(tx, 'frontage_contract', shopIds.map((id, i) => ({
      tenant_id: tenantId, assignment_id: frontIds[i]!, shop_unit_id: id, duties: [...DEFAULT_FRONTAGE_DUTIES],
      signed_on: '2024-01-01', signer_name: `店主${i}`, plate_posted: true, expires_on: '2027-12-31', updated_at: now,
    })));
    counts.assignments = communities.length * 2 + segIds.length + frontIds.length;
    log(`roads: ${segIds.length} segments; assignments: ${counts.assignments}`);

    // Users, all with the same password (hashed once): the office account, one inspector per
    // scale.inspectors, a staff member per department, street office and community committee,
    // a grid worker per grid.
    const username = `bench_office_${tenantId}`;
    const passwordHash = await hashPassword(password);
    const roles = new Map((await tx.selectFrom('role').select(['id', 'code']).where('tenant_id', '=', tenantId).execute()).map((r) => [r.code, r.id]));
    const user = (name: string, display: string, unitId: number) => ({
      tenant_id: tenantId, username: name, display_name: display, password_hash: passwordHash, unit_id: unitId, must_change_password: false, updated_at: now,
    });
    const inspectorUsernames = Array.from({ length: scale.inspectors }, (_, i) => `bench_insp_${tenantId}_${i}`);
    const userGroups: { role: string; rows: ReturnType<typeof user>[] }[] = [
      { role: 'campaign_office', rows: [user(username, '基准测试', officeId)] },
      { role: 'inspector', rows: inspectorUsernames.map((n, i) => user(n, `督查员${i}`, officeId)) },
      { role: 'unit_staff', rows: departments.map((id, i) => user(`bench_dept_${tenantId}_${i}`, `部门${i}联络员`, id)) },
      { role: 'unit_staff', rows: streetOffices.map((u, i) => user(`bench_street_${tenantId}_${i}`, `街道${i + 1}联络员`, u.id)) },
      { role: 'unit_staff', rows: communityUnits.map((u, i) => user(`bench_comm_${tenantId}_${i}`, `社区${i}工作人员`, u.id)) },
      { role: 'grid_worker', rows: gridIds.map((_, i) => user(`bench_grid_${tenantId}_${i}`, `网格员${i}`, communityUnits[gridMeta[i]!.community]!.id)) },
    ];
    const userIds: number[][] = [];
    for (const g of userGroups) {
      const ids = await insertMany(tx, 'app_user', g.rows);
      userIds.push(ids);
      const roleId = roles.get(g.role);
      if (roleId === undefined) throw new Error(`no built-in role ${g.role}`);
      for (let i = 0; i < ids.length; i += 20_000) {
        await tx.insertInto('user_role').values(ids.slice(i, i + 20_000).map((id) => ({ tenant_id: tenantId, user_id: id, role_id: roleId }))).execute();
      }
    }
    const [[officeUserId], inspectorUserIds, departmentUserIds, streetUserIds, communityUserIds, gridWorkerUserIds] = userIds as [number[], number[], number[], number[], number[], number[]];
    counts.users = userIds.reduce((n, ids) => n + ids.length, 0);
    counts.inspectors = inspectorUserIds.length;
    log(`users: ${counts.users} (${inspectorUserIds.length} inspectors, ${gridWorkerUserIds.length} grid workers)`);
    await sql`update tenant set geo_version = geo_version + 1 where id = ${tenantId}`.execute(tx);
    await sql`analyze`.execute(tx);

    const [minLng, minLat] = pos(0, 0);
    const [maxLng, maxLat] = pos(W, H);
    const shopsByGrid: [number, number, number][][] = gridIds.map(() => []);
    const gridIndex = new Map(gridIds.map((id, i) => [id, i]));
    shopRows.forEach((r, i) => shopsByGrid[gridIndex.get(r.region_id!)!]!.push([shopIds[i]!, r.lng!, r.lat!]));
    const model: CityModel = {
      officeId, officeUserId: officeUserId!, departments, departmentUserIds,
      streets: streets.map((s, i) => ({ id: s.id, path: s.path, unitId: streetOffices[i]!.id, userId: streetUserIds[i]! })),
      communities: communities.map((c, i) => ({ id: c.id, path: c.path, street: c.street, unitId: communityUnits[i]!.id, userId: communityUserIds[i]! })),
      grids: gridIds.map((id, i) => ({ id, path: `${communities[gridMeta[i]!.community]!.path}${id}/`, name: gridRows[i]!.name, ...gridMeta[i]! })),
      shopsByGrid, inspectorUserIds, gridWorkerUserIds,
    };
    return { tenantId, username, password, bounds: { minLng, minLat, maxLng, maxLat }, counts, model, inspectorUsernames };
  });
}
