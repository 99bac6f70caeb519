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
}

export const SCALES: Record<'county' | 'city', CityScale> = {
  // about a tenth of a city
  county: { streets: 5, communityCols: 5, communityRows: 4, gridCols: 2, gridRows: 5, shops: 10_000, departments: 20 },
  // 15 streets, 200 communities, 2,000 grids, 100,000 shops
  city: { streets: 15, communityCols: 20, communityRows: 10, gridCols: 2, gridRows: 5, shops: 100_000, departments: 30 },
};

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

export interface GeneratedCity {
  tenantId: number;
  username: string;
  password: string;
  bounds: { minLng: number; minLat: number; maxLng: number; maxLat: number };
  counts: Record<string, number>;
}

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
    const region = (parent: { id: number; path: string } | null, level: string, code: string, name: string, g: [number, number, number, number]) => ({
      tenant_id: tenantId, parent_id: parent?.id ?? null, level, code, name, path: '', updated_at: now,
      geometry: JSON.stringify(rect(...g)), ...bboxCols(...g),
    });

    const [countyId] = await insertMany(tx, 'region', [region(null, 'county', 'C0', '基准县', [0, 0, W, H])]);
    const county = { id: countyId!, path: `/${countyId}/` };
    await setPaths(tx, 'region', tenantId, [county.id], [county.path]);

    // Streets: vertical bands of whole community columns.
    const streetCols = Array.from({ length: scale.streets }, (_, s) => [Math.floor((s * scale.communityCols) / scale.streets), Math.floor(((s + 1) * scale.communityCols) / scale.streets)] as const);
    const streetIds = await insertMany(tx, 'region', streetCols.map(([c0, c1], s) =>
      region(county, 'street', `S${s}`, `第${s + 1}街道`, [c0 * commW, 0, c1 * commW, H])));
    const streets = streetIds.map((id) => ({ id, path: `${county.path}${id}/` }));
    await setPaths(tx, 'region', tenantId, streetIds, streets.map((s) => s.path));
    const streetOfCol = (col: number) => streetCols.findIndex(([a, b]) => col >= a && col < b);

    const commRows: ReturnType<typeof region>[] = [];
    const commMeta: { col: number; row: number; street: number }[] = [];
    for (let col = 0; col < scale.communityCols; col++) {
      for (let row = 0; row < scale.communityRows; row++) {
        const s = streetOfCol(col);
        commRows.push(region(streets[s]!, 'community', `S${s}C${col}-${row}`, `社区${col}-${row}`, [col * commW, row * commH, (col + 1) * commW, (row + 1) * commH]));
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
          gridRows.push(region(c, 'grid', `G${ci}-${gx}-${gy}`, `网格${ci}-${gx}-${gy}`, [x0, y0, x0 + CELL_KM, y0 + CELL_KM]));
          gridMeta.push({ community: ci, x0, y0 });
        }
      }
    });
    const gridIds = await insertMany(tx, 'region', gridRows);
    await setPaths(tx, 'region', tenantId, gridIds, gridIds.map((id, i) => `${communities[gridMeta[i]!.community]!.path}${id}/`));
    counts.streets = streets.length;
    counts.communities = communities.length;
    counts.grids = gridIds.length;
    log(`regions: ${streets.length} streets, ${communities.length} communities, ${gridIds.length} grids`);

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
    counts.units = rootIds.length + cuIds.length + shopIds.length;
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

    const username = `bench_office_${tenantId}`;
    const { id: userId } = await tx.insertInto('app_user').values({
      tenant_id: tenantId, username, display_name: '基准测试', password_hash: await hashPassword(password), unit_id: officeId,
      must_change_password: false, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    const role = await tx.selectFrom('role').select('id').where('tenant_id', '=', tenantId).where('code', '=', 'campaign_office').executeTakeFirstOrThrow();
    await tx.insertInto('user_role').values({ tenant_id: tenantId, user_id: userId, role_id: role.id }).execute();
    await sql`update tenant set geo_version = geo_version + 1 where id = ${tenantId}`.execute(tx);
    await sql`analyze`.execute(tx);

    const [minLng, minLat] = pos(0, 0);
    const [maxLng, maxLat] = pos(W, H);
    return { tenantId, username, password, bounds: { minLng, minLat, maxLng, maxLat }, counts };
  });
}
