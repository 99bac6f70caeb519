import { bboxOf, lineLengthM, type LineStringGeometry, type Position } from '@cc/domain';
import { regionScopeSql } from '../../../platform/access.js';
import { bulkInsert, bulkUpdate, same, type BulkColumn } from '../bulk.js';
import { str, type ImportKindSpec } from '../kind.js';
import { loadRegions } from '../refs.js';

const GEOMETRY_COLUMNS: BulkColumn[] = [
  { name: 'geometry', type: 'text', as: 'v.geometry::jsonb' }, { name: 'length_m', type: 'double precision' },
  { name: 'min_lng', type: 'double precision' }, { name: 'min_lat', type: 'double precision' },
  { name: 'max_lng', type: 'double precision' }, { name: 'max_lat', type: 'double precision' },
];

function geometryValues(coords: Position[]): unknown[] {
  const b = bboxOf(coords);
  const g: LineStringGeometry = { type: 'LineString', coordinates: coords };
  return [JSON.stringify(g), lineLengthM(coords), b.minLng, b.minLat, b.maxLng, b.maxLat];
}

const round6 = (line: Position[]) => line.map(([x, y]) => [Math.round(x * 1e6) / 1e6, Math.round(y * 1e6) / 1e6]);

/** 路段: the road segments a unit covers (包路段), drawn as a line of points. */
export const segmentsKind: ImportKindSpec = {
  kind: 'segments',
  sheetName: '路段',
  read: 'map.read',
  write: 'map.write',
  cityWide: true,
  columns: [
    { key: 'code', header: '编码', cell: { type: 'code' }, required: true, example: 'LD-RM-02', width: 16, note: '路段的唯一编码：字母、数字、“-”“_”，最长 32 位。' },
    { key: 'name', header: '名称', cell: { type: 'text', max: 100 }, required: true, example: '人民路中段', width: 20, note: '路段名称。' },
    { key: 'fromDesc', header: '起点', cell: { type: 'text', max: 100 }, example: '东风路口', width: 16, note: '选填：起点描述。' },
    { key: 'toDesc', header: '终点', cell: { type: 'text', max: 100 }, example: '建设路口', width: 16, note: '选填：终点描述。' },
    { key: 'regionCode', header: '所属区划编码', cell: { type: 'code' }, example: 'CG', width: 16, note: '选填：路段所在区划（通常是街道）的编码。不填则只有全市范围的用户能看到该路段。' },
    { key: 'coords', header: '坐标', cell: { type: 'coords' }, required: true, example: '113.6601,34.7571;113.6688,34.7573', width: 48, note: '沿路段依次排列的点，格式“经度,纬度;经度,纬度;…”（WGS-84，[lng,lat] 顺序，经度在前），至少 2 个点。' },
  ],
  rules: [
    '编码已存在的路段：按本表更新名称、起终点、区划和坐标。编码不存在的：新建。',
    '导入路段需要全市范围的权限（创建办、系统管理员）；包路段的责任单位请用“责任安排”模板导入。',
  ],

  async validate(ctx, rows) {
    const { tx, actor, problems } = ctx;
    const regions = await loadRegions(tx, actor.tenantId);
    const existing = new Map((await tx.selectFrom('road_segment').select(['id', 'code', 'name', 'from_desc', 'to_desc', 'region_id', 'geometry'])
      .where('tenant_id', '=', actor.tenantId).execute()).map((s) => [s.code, s]));
    const seen = new Map<string, number>();
    const creates: unknown[][] = [];
    const updates: unknown[][] = [];
    const moves: unknown[][] = [];
    let unchanged = 0;
    for (const row of rows) {
      const code = str(row, 'code');
      if (code === null) continue;
      const earlier = seen.get(code);
      if (earlier !== undefined) {
        problems.add(row, 'code', 'IMPORT_DUPLICATE_IN_FILE', { row: earlier });
        continue;
      }
      seen.set(code, row.line);
      const regionCode = str(row, 'regionCode');
      const region = regionCode === null ? null : regions.get(regionCode);
      if (region === undefined) problems.add(row, 'regionCode', 'IMPORT_UNKNOWN_REF');
      const coords = row.v.coords as Position[] | null;
      if (region === undefined || coords === null) continue;
      const fields = [str(row, 'name'), str(row, 'fromDesc'), str(row, 'toDesc'), region?.id ?? null];
      const old = existing.get(code);
      if (!old) {
        creates.push([code, ...fields, ...geometryValues(coords)]);
        continue;
      }
      const oldCoords = (old.geometry as LineStringGeometry).coordinates;
      const fieldsSame = fields.every((v, i) => same(v, [old.name, old.from_desc, old.to_desc, old.region_id][i]));
      // The export writes 6 decimals (~0.1 m): a line read back from it is the same line.
      const geometrySame = same(round6(coords), round6(oldCoords));
      if (fieldsSame && geometrySame) unchanged++;
      else if (geometrySame) updates.push([old.id, ...fields]);
      else moves.push([old.id, ...fields, ...geometryValues(coords)]);
    }
    await ctx.progress(rows.length);

    const fieldColumns: BulkColumn[] = [
      { name: 'name', type: 'text' }, { name: 'from_desc', type: 'text' }, { name: 'to_desc', type: 'text' }, { name: 'region_id', type: 'bigint' },
    ];
    return {
      async apply(tx, progress) {
        await bulkInsert(tx, 'road_segment', actor.tenantId, [{ name: 'code', type: 'text' }, ...fieldColumns, ...GEOMETRY_COLUMNS], creates, { progress });
        await bulkUpdate(tx, 'road_segment', actor.tenantId, [{ name: 'id', type: 'bigint' }, ...fieldColumns], updates, { progress });
        await bulkUpdate(tx, 'road_segment', actor.tenantId, [{ name: 'id', type: 'bigint' }, ...fieldColumns, ...GEOMETRY_COLUMNS], moves, { progress });
        return { created: creates.length, updated: updates.length + moves.length, unchanged, geoChanged: creates.length + moves.length > 0 };
      },
    };
  },

  async *exportPages(ex, actor) {
    let after = '';
    for (;;) {
      let q = ex.selectFrom('road_segment as s')
        .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.id', '=', 's.region_id'))
        .select(['s.code', 's.name', 's.from_desc as fromDesc', 's.to_desc as toDesc', 'r.code as regionCode', 's.geometry'])
        .where('s.tenant_id', '=', actor.tenantId).where('s.code', '>', after);
      // As GET /segments: outside city-wide roles, only segments of regions in scope.
      if (actor.scope !== 'tenant') q = q.where(regionScopeSql(actor, 'r.path'));
      const rows = await q.orderBy('s.code').limit(2000).execute();
      if (!rows.length) return;
      yield rows.map((s) => ({ ...s, coords: (s.geometry as LineStringGeometry).coordinates }));
      after = rows[rows.length - 1]!.code;
    }
  },
};
