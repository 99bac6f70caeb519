import { UNIT_KIND_LABELS, UNIT_KINDS, type UnitKind } from '@cc/domain';
import { unitScopeSql } from '../../../platform/access.js';
import { allocateIds, bulkInsert, bulkUpdate, same } from '../bulk.js';
import type { ColumnDef, ImportKindSpec, ParsedRow, ValidateContext } from '../kind.js';
import { FileIndex, num, str } from '../kind.js';
import { loadRegions, loadUnits, regionLevelLabel, regionUsable, unitUsable, unitWritable, type RegionRef, type UnitRef } from '../refs.js';

const KIND_ALIASES: Partial<Record<UnitKind, string[]>> = {
  street_office: ['街道办事处', '街道办', '乡镇政府', '乡镇人民政府'],
  community: ['社区居委会', '村委会', '居委会', '社区'],
  department: ['机关', '部门', '县直部门'],
  merchant: ['商户', '门店', '个体工商户'],
  volunteer_team: ['志愿队', '志愿者队伍'],
};
const kindOptions = () => UNIT_KINDS.map((k) => ({ value: k, label: UNIT_KIND_LABELS[k]['zh-CN'], aliases: KIND_ALIASES[k] ?? [] }));
export const kindLabel = (k: string) => UNIT_KIND_LABELS[k as UnitKind]?.['zh-CN'] ?? k;

/** Columns shared with the shops sheet (a shop is a unit of kind merchant). */
export const LOCATION_COLUMNS: ColumnDef[] = [
  { key: 'lng', header: '经度', cell: { type: 'number', min: -180, max: 180, axis: 'lng' }, example: 113.6654, width: 12, note: 'WGS-84 经度（GPS、天地图坐标），如 113.6654；与纬度同时填写或同时留空。高德、腾讯地图拾取的是 GCJ-02 坐标，会偏约数百米。' },
  { key: 'lat', header: '纬度', cell: { type: 'number', min: -90, max: 90, axis: 'lat' }, example: 34.7579, width: 12, note: 'WGS-84 纬度，如 34.7579。' },
];
export const CONTACT_COLUMNS: ColumnDef[] = [
  { key: 'contactName', header: '联系人', cell: { type: 'text', max: 64 }, example: '王秀兰', width: 12, note: '选填。' },
  { key: 'contactPhone', header: '联系电话', cell: { type: 'phone' }, example: '0371-6000001', width: 16, note: '选填；手机或座机，5～20 位。' },
];

/** Both coordinates or neither, with a hint when they look swapped. Returns whether the pair is usable. */
export function checkLocation(ctx: ValidateContext, row: ParsedRow): boolean {
  const lng = num(row, 'lng');
  const lat = num(row, 'lat');
  const lngBad = row.bad.has('lng');
  const latBad = row.bad.has('lat');
  if (lngBad || latBad) {
    const l = Number(row.text.lng), t = Number(row.text.lat);
    if (Number.isFinite(l) && Number.isFinite(t) && Math.abs(l) <= 90 && Math.abs(t) > 90) ctx.problems.add(row, 'lng', 'IMPORT_COORD_SWAPPED');
    return false;
  }
  if ((lng === null) !== (lat === null)) {
    ctx.problems.add(row, lng === null ? 'lng' : 'lat', 'IMPORT_COORD_PAIR');
    return false;
  }
  return true;
}

/**
 * The region of a unit row: known, and within the caller's area (unless it is the region the
 * unit already has). `null` = none given; `false` = a problem was reported.
 */
export function resolveRegion(ctx: ValidateContext, row: ParsedRow, regions: Map<string, RegionRef>, opts: { levels?: readonly string[]; current?: number | null } = {}): RegionRef | null | false {
  const code = str(row, 'regionCode');
  if (code === null) return null;
  const r = regions.get(code);
  if (!r) {
    ctx.problems.add(row, 'regionCode', 'IMPORT_UNKNOWN_REF');
    return false;
  }
  if (r.id !== opts.current && !regionUsable(ctx.actor, r)) {
    ctx.problems.add(row, 'regionCode', 'IMPORT_OUT_OF_SCOPE');
    return false;
  }
  if (opts.levels && !opts.levels.includes(r.level)) {
    ctx.problems.add(row, 'regionCode', 'IMPORT_REGION_LEVEL', { expected: opts.levels.map(regionLevelLabel).join('或'), level: regionLevelLabel(r.level) });
    return false;
  }
  return r;
}

export interface PlannedUnit { id: number; path: string; kind: string }

/**
 * The parent of a unit row: an earlier row of the file or a unit in the system; for a new unit,
 * inside the caller's scope. `null` = none given; `false` = a problem was reported.
 */
export function resolveParent(ctx: ValidateContext, row: ParsedRow, file: FileIndex<PlannedUnit>, existing: Map<string, UnitRef>, checkScope: boolean): PlannedUnit | null | false {
  const code = str(row, 'parentCode');
  if (code === null) return null;
  const inFile = file.get(code);
  const inDb = existing.get(code);
  const parent = inFile ?? (inDb ? { id: inDb.id, path: inDb.path, kind: inDb.kind } : null);
  if (!parent) {
    const later = file.lineLater(code);
    ctx.problems.add(row, 'parentCode', later ? 'IMPORT_REF_LATER' : 'IMPORT_UNKNOWN_REF', later ? { row: later } : {});
    return false;
  }
  // A unit created by this file was itself checked against the caller's scope on its own row.
  if (checkScope && !(inFile && parent.id === 0) && !unitUsable(ctx.actor, parent)) {
    ctx.problems.add(row, 'parentCode', 'IMPORT_OUT_OF_SCOPE');
    return false;
  }
  return parent;
}

/**
 * A row whose code exists must describe the same unit: same kind, same parent, visible to the
 * caller. Whether the caller may change it is decided once we know the row changes anything.
 */
export function checkExistingUnit(ctx: ValidateContext, row: ParsedRow, old: UnitRef, kind: string | null, parentOk: boolean): boolean {
  if (!unitUsable(ctx.actor, old)) {
    ctx.problems.add(row, 'code', 'IMPORT_OUT_OF_SCOPE');
    return false;
  }
  if (kind !== null && old.kind !== kind) {
    ctx.problems.add(row, 'code', 'IMPORT_KIND_MISMATCH', { kind: kindLabel(old.kind), name: old.name });
    return false;
  }
  if (parentOk && (old.parent_code ?? null) !== str(row, 'parentCode')) {
    ctx.problems.add(row, 'parentCode', 'IMPORT_CHANGE_NOT_ALLOWED', { current: old.parent_code ?? '—' });
    return false;
  }
  return true;
}

/** A changing row needs write access to the unit: not the caller's own unit unless city-wide. */
export function checkWritable(ctx: ValidateContext, row: ParsedRow, old: UnitRef): boolean {
  if (unitWritable(ctx.actor, old)) return true;
  ctx.problems.add(row, 'code', 'IMPORT_OWN_UNIT');
  return false;
}

export const UNIT_INSERT_COLUMNS = [
  { name: 'id', type: 'bigint' }, { name: 'parent_id', type: 'bigint' }, { name: 'kind', type: 'text' }, { name: 'code', type: 'text' },
  { name: 'name', type: 'text' }, { name: 'region_id', type: 'bigint' }, { name: 'path', type: 'text' }, { name: 'address', type: 'text' },
  { name: 'contact_name', type: 'text' }, { name: 'contact_phone', type: 'text' }, { name: 'lng', type: 'double precision' },
  { name: 'lat', type: 'double precision' }, { name: 'trade', type: 'text' },
] as const;
export const UNIT_UPDATE_COLUMNS = [
  { name: 'id', type: 'bigint' }, { name: 'name', type: 'text' }, { name: 'region_id', type: 'bigint' }, { name: 'address', type: 'text' },
  { name: 'contact_name', type: 'text' }, { name: 'contact_phone', type: 'text' }, { name: 'lng', type: 'double precision' },
  { name: 'lat', type: 'double precision' }, { name: 'trade', type: 'text' },
] as const;

/** The unit's own fields from a row, in UNIT_UPDATE_COLUMNS order after the id. */
export function unitFields(row: ParsedRow, regionId: number | null, trade: string | null): unknown[] {
  return [str(row, 'name'), regionId, str(row, 'address'), str(row, 'contactName'), str(row, 'contactPhone'), num(row, 'lng'), num(row, 'lat'), trade];
}
export function unitFieldsOf(u: UnitRef): unknown[] {
  return [u.name, u.region_id, u.address, u.contact_name, u.contact_phone, u.lng, u.lat, u.trade];
}

/** 单位: organisations of any kind, each under a parent unit in the caller's scope. */
export const unitsKind: ImportKindSpec = {
  kind: 'units',
  sheetName: '单位',
  read: 'unit.read',
  write: 'unit.write',
  cityWide: false,
  columns: [
    { key: 'code', header: '编码', cell: { type: 'code' }, required: true, example: 'DG-XX-01', width: 16, note: '单位的唯一编码：字母、数字、“-”“_”，最长 32 位。' },
    { key: 'name', header: '名称', cell: { type: 'text', max: 100 }, required: true, example: '东关小学', width: 24, note: '单位全称。' },
    { key: 'kind', header: '类型', cell: { type: 'enum', options: kindOptions }, required: true, example: '学校', width: 18, note: `可选：${UNIT_KINDS.map((k) => UNIT_KIND_LABELS[k]['zh-CN']).join('、')}。` },
    { key: 'parentCode', header: '上级单位编码', cell: { type: 'code' }, example: 'DG-JWH', width: 16, note: '上级单位的编码（系统中已有的，或本表中排在前面的行）；须在您的管辖范围内。只有全市范围的用户可以留空（顶级单位）。' },
    { key: 'regionCode', header: '所属区划编码', cell: { type: 'code' }, example: 'DG', width: 16, note: '选填：单位所在区划或网格的编码。' },
    { key: 'address', header: '地址', cell: { type: 'text', max: 200 }, example: '东关路 8 号', width: 28, note: '选填。' },
    ...LOCATION_COLUMNS,
    ...CONTACT_COLUMNS,
  ],
  rules: [
    '编码已存在的单位：按本表更新名称、区划、地址、经纬度和联系方式；类型和上级单位不能通过导入修改。编码不存在的：新建。',
    '上级单位可以是本表中排在前面的行，例如先写社区居委会，再写它下面的学校。',
    '只能导入您管辖范围内的单位；本单位自身的信息请在“单位”页面修改。',
  ],

  async validate(ctx, rows) {
    const { tx, actor, problems } = ctx;
    const codes = rows.flatMap((r) => [str(r, 'code'), str(r, 'parentCode')]).filter((c): c is string => c !== null);
    const [existing, regions] = await Promise.all([loadUnits(tx, actor.tenantId, codes), loadRegions(tx, actor.tenantId)]);
    const file = new FileIndex<PlannedUnit>(rows, 'code');
    const creates: { row: ParsedRow; parent: PlannedUnit | null; regionId: number | null }[] = [];
    const updates: unknown[][] = [];
    let unchanged = 0;
    let geoChanged = false;
    for (const row of rows) {
      const code = str(row, 'code');
      const kind = str(row, 'kind');
      if (code === null) continue;
      const earlier = file.seen(code);
      if (earlier !== null) {
        problems.add(row, 'code', 'IMPORT_DUPLICATE_IN_FILE', { row: earlier });
        continue;
      }
      const old = existing.get(code);
      if (old) {
        file.set(code, row.line, { id: old.id, path: old.path, kind: old.kind });
        const parent = resolveParent(ctx, row, file, existing, false);
        const region = resolveRegion(ctx, row, regions, { current: old.region_id });
        const located = checkLocation(ctx, row);
        if (!checkExistingUnit(ctx, row, old, kind, parent !== false) || region === false || !located) continue;
        const next = unitFields(row, region?.id ?? null, old.trade);
        if (next.every((v, i) => same(v, unitFieldsOf(old)[i]))) {
          unchanged++;
        } else if (checkWritable(ctx, row, old)) {
          updates.push([old.id, ...next]);
          if (!same(old.lng, num(row, 'lng')) || !same(old.lat, num(row, 'lat'))) geoChanged = true;
        }
        continue;
      }
      const parent = resolveParent(ctx, row, file, existing, true);
      const region = resolveRegion(ctx, row, regions);
      const located = checkLocation(ctx, row);
      const planned: PlannedUnit = { id: 0, path: '', kind: kind ?? '' };
      file.set(code, row.line, planned);
      if (parent === null && actor.scope !== 'tenant') problems.add(row, 'parentCode', 'IMPORT_TOP_LEVEL', { entity: 'unit' });
      if (parent === false || region === false || !located || kind === null) continue;
      creates.push({ row, parent, regionId: region?.id ?? null });
      if (num(row, 'lng') !== null) geoChanged = true;
    }
    await ctx.progress(rows.length);

    return {
      async apply(tx, progress) {
        const ids = await allocateIds(tx, 'unit', creates.length);
        const values = creates.map((c, i) => {
          const planned = file.get(str(c.row, 'code')!)!;
          planned.id = ids[i]!;
          planned.path = `${c.parent?.path ?? '/'}${planned.id}/`;
          return [planned.id, c.parent?.id ?? null, str(c.row, 'kind'), str(c.row, 'code'), str(c.row, 'name'), c.regionId, planned.path,
            str(c.row, 'address'), str(c.row, 'contactName'), str(c.row, 'contactPhone'), num(c.row, 'lng'), num(c.row, 'lat'), null];
        });
        await bulkInsert(tx, 'unit', actor.tenantId, [...UNIT_INSERT_COLUMNS], values, { withIds: true, progress });
        await bulkUpdate(tx, 'unit', actor.tenantId, [...UNIT_UPDATE_COLUMNS], updates, { progress });
        return { created: creates.length, updated: updates.length, unchanged, geoChanged };
      },
    };
  },

  async *exportPages(ex, actor) {
    let after = '';
    for (;;) {
      const rows = await ex.selectFrom('unit as u')
        .leftJoin('unit as p', (j) => j.onRef('p.tenant_id', '=', 'u.tenant_id').onRef('p.id', '=', 'u.parent_id'))
        .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'u.tenant_id').onRef('r.id', '=', 'u.region_id'))
        .select(['u.code', 'u.name', 'u.kind', 'p.code as parentCode', 'r.code as regionCode', 'u.address', 'u.lng', 'u.lat',
          'u.contact_name as contactName', 'u.contact_phone as contactPhone', 'u.path'])
        .where('u.tenant_id', '=', actor.tenantId).where(unitScopeSql(actor, 'u.path')).where('u.path', '>', after)
        .orderBy('u.path').limit(5000).execute();
      if (!rows.length) return;
      yield rows;
      after = rows[rows.length - 1]!.path;
    }
  },
};
