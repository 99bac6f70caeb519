import { sql } from 'kysely';
import { addDays, MERCHANT_TRADE_LABELS, MERCHANT_TRADES } from '@cc/domain';
import { unitScopeSql } from '../../../platform/access.js';
import { allocateIds, bulkInsert, bulkUpdate, same, textArrayLiteral, type BulkColumn } from '../bulk.js';
import { FileIndex, num, str, type ImportKindSpec, type ParsedRow, type ValidateContext } from '../kind.js';
import { loadRegions, loadUnits, type UnitRef } from '../refs.js';
import {
  checkExistingUnit, checkLocation, checkWritable, CONTACT_COLUMNS, LOCATION_COLUMNS, resolveParent, resolveRegion,
  UNIT_INSERT_COLUMNS, UNIT_UPDATE_COLUMNS, unitFields, unitFieldsOf, type PlannedUnit,
} from './units.js';

const tradeOptions = () => MERCHANT_TRADES.map((t) => ({ value: t, label: MERCHANT_TRADE_LABELS[t]['zh-CN'], aliases: t === 'restaurant' ? ['餐饮'] : t === 'hotel' ? ['旅馆', '宾馆'] : [] }));

/** The contract columns: all empty = a shop without a contract; any filled = these are needed. */
const CONTRACT_KEYS = ['signedOn', 'signerName', 'responsibleName', 'responsiblePhone', 'platePosted', 'validFrom', 'expiresOn', 'duties'] as const;
const CONTRACT_REQUIRED = ['signedOn', 'signerName', 'validFrom', 'duties'] as const;

interface Latest {
  id: number; assignment_id: number; shop_unit_id: number; duties: string[]; signed_on: string; signer_name: string;
  responsible_name: string | null; responsible_phone: string | null; plate_posted: boolean; expires_on: string | null;
  valid_from: string; valid_to: string | null;
}

/** Each shop's current contract: the one whose period starts last. */
async function latestContracts(ex: ValidateContext['tx'], tenantId: number, shopIds: number[]): Promise<Map<number, Latest>> {
  if (!shopIds.length) return new Map();
  const { rows } = await sql<Latest>`
    select distinct on (c.shop_unit_id) c.id, c.assignment_id, c.shop_unit_id, c.duties, c.signed_on, c.signer_name, c.responsible_name,
           c.responsible_phone, c.plate_posted, c.expires_on, a.valid_from, a.valid_to
      from frontage_contract c
      join responsibility_assignment a on a.tenant_id = c.tenant_id and a.id = c.assignment_id
     where c.tenant_id = ${tenantId} and c.shop_unit_id = any(${shopIds}::bigint[])
     order by c.shop_unit_id, a.valid_from desc, c.id desc`.execute(ex);
  return new Map(rows.map((r) => [r.shop_unit_id, r]));
}

interface ContractRow { row: ParsedRow; shop: () => number; renewedFrom: number | null; validTo: string | null }

const particulars = (row: ParsedRow) => [
  row.v.duties as string[], str(row, 'signedOn'), str(row, 'signerName'), str(row, 'responsibleName'),
  str(row, 'responsiblePhone'), (row.v.platePosted as boolean | null) ?? false, str(row, 'expiresOn'),
];
const particularsOf = (c: Latest) => [c.duties, c.signed_on, c.signer_name, c.responsible_name, c.responsible_phone, c.plate_posted, c.expires_on];

/**
 * The contract half of a row: complete when any of it is filled, duties from the city's list,
 * a sane period. Returns whether the row carries a usable contract (null = none at all).
 */
function checkContract(ctx: ValidateContext, row: ParsedRow): boolean | null {
  const filled = CONTRACT_KEYS.some((k) => (k === 'platePosted' ? row.v[k] === true : row.text[k] !== null));
  if (!filled) return null;
  let good = !CONTRACT_KEYS.some((k) => row.bad.has(k));
  for (const k of CONTRACT_REQUIRED) {
    if (row.text[k] === null) {
      ctx.problems.add(row, k, 'IMPORT_REQUIRED_WITH_CONTRACT');
      good = false;
    }
  }
  const duties = row.v.duties as string[] | null;
  const allowed = ctx.settings.frontageDuties;
  const unknown = (duties ?? []).filter((d) => !allowed.includes(d));
  if (unknown.length) {
    ctx.problems.add(row, 'duties', 'IMPORT_DUTIES', { value: unknown.join('、'), allowed: allowed.join('、') });
    good = false;
  }
  const from = str(row, 'validFrom');
  const expires = str(row, 'expiresOn');
  if (from !== null && expires !== null && expires < from) {
    ctx.problems.add(row, 'expiresOn', 'PERIOD_INVALID');
    good = false;
  }
  return good;
}

/** 沿街商户及门前责任书: a shop (unit of kind merchant) and its frontage contract, one per row. */
export const shopsKind: ImportKindSpec = {
  kind: 'shops',
  sheetName: '沿街商户',
  read: 'frontage.read',
  write: 'frontage.write',
  alsoNeeds: ['unit.write'],
  cityWide: false,
  columns: [
    { key: 'code', header: '编码', cell: { type: 'code' }, required: true, example: 'SH-DG-001', width: 14, note: '商户的唯一编码：字母、数字、“-”“_”，最长 32 位。' },
    { key: 'name', header: '店名', cell: { type: 'text', max: 100 }, required: true, example: '东关烩面馆', width: 20, note: '门头招牌上的店名。' },
    { key: 'trade', header: '行业', cell: { type: 'enum', options: tradeOptions }, required: true, example: '餐饮店', width: 12, note: `可选：${MERCHANT_TRADES.map((t) => MERCHANT_TRADE_LABELS[t]['zh-CN']).join('、')}。` },
    { key: 'parentCode', header: '上级单位编码', cell: { type: 'code' }, required: true, example: 'DG-JWH', width: 16, note: '管理该商户的社区居委会（或村委会）的单位编码，须在您的管辖范围内。' },
    { key: 'regionCode', header: '所属区划编码', cell: { type: 'code' }, required: true, example: 'DG-01', width: 16, note: '商户所在网格或社区的区划编码。' },
    { key: 'address', header: '地址', cell: { type: 'text', max: 200 }, example: '人民路 12 号', width: 24, note: '选填。' },
    { ...LOCATION_COLUMNS[0]!, required: true, ownRequiredCheck: true, note: `${LOCATION_COLUMNS[0]!.note.replace('；与纬度同时填写或同时留空', '')}；沿街商户必填：按位置查找门前责任时要用。` },
    { ...LOCATION_COLUMNS[1]!, required: true, ownRequiredCheck: true, note: 'WGS-84 纬度，如 34.7579；必填。' },
    ...CONTACT_COLUMNS,
    { key: 'signedOn', header: '签订日期', cell: { type: 'date' }, example: '2026-01-05', width: 12, note: '门前责任书签订日期，YYYY-MM-DD 或 Excel 日期。' },
    { key: 'signerName', header: '签订人', cell: { type: 'text', max: 64 }, example: '李春梅', width: 10, note: '代表社区（或执法部门）签订的人。' },
    { key: 'responsibleName', header: '责任人', cell: { type: 'text', max: 64 }, example: '张建国', width: 10, note: '选填：商户一方的责任人。' },
    { key: 'responsiblePhone', header: '责任人电话', cell: { type: 'phone' }, example: '13900000001', width: 14, note: '选填。' },
    { key: 'platePosted', header: '责任牌', cell: { type: 'yesno' }, example: '是', width: 8, note: '门前责任牌是否已张贴：是 / 否（留空为否）。' },
    { key: 'validFrom', header: '生效日期', cell: { type: 'date' }, example: '2026-01-05', width: 12, note: '责任书生效日期。' },
    { key: 'expiresOn', header: '到期日期', cell: { type: 'date' }, example: '2026-12-31', width: 12, note: '选填：责任书到期日期，不早于生效日期。' },
    { key: 'duties', header: '责任内容', cell: { type: 'list', max: 16 }, example: '卫生、秩序、绿化、设施、文明', width: 28, note: '用顿号或逗号分隔，须是本市门前责任清单中的项目（见“地图设置”）。' },
  ],
  rules: [
    '每行一个商户及其门前责任书；不签责任书的商户，签订日期到责任内容各列都留空。',
    '编码已存在的商户：按本表更新店名、行业、区划、地址、经纬度和联系方式；上级单位不能通过导入修改。编码不存在的：新建。',
    '责任书：生效日期与该商户现有责任书相同的，按本表更新责任书内容；晚于现有责任书的，视为续签，原责任书于新生效日期的前一天结束；早于的不能导入。',
    '社区、街道的用户只能导入本辖区的商户，其他商户所在的行会被逐行指出。',
  ],

  async validate(ctx, rows) {
    const { tx, actor, problems } = ctx;
    const codes = rows.flatMap((r) => [str(r, 'code'), str(r, 'parentCode')]).filter((c): c is string => c !== null);
    const [existing, regions] = await Promise.all([loadUnits(tx, actor.tenantId, codes), loadRegions(tx, actor.tenantId)]);
    const shopIds = rows.map((r) => existing.get(str(r, 'code') ?? '')).filter((u): u is UnitRef => u?.kind === 'merchant').map((u) => u.id);
    const latest = await latestContracts(tx, actor.tenantId, shopIds);
    const file = new FileIndex<PlannedUnit>(rows, 'code');
    const creates: { row: ParsedRow; parent: PlannedUnit; regionId: number }[] = [];
    const unitUpdates: unknown[][] = [];
    const contracts: ContractRow[] = [];
    const contractUpdates: unknown[][] = [];
    const closes: unknown[][] = [];
    const byShop = new Map<number, number>();
    let updated = 0;
    let unchanged = 0;
    let geoChanged = false;

    for (const row of rows) {
      const code = str(row, 'code');
      if (code === null) continue;
      const earlier = file.seen(code);
      if (earlier !== null) {
        problems.add(row, 'code', 'IMPORT_DUPLICATE_IN_FILE', { row: earlier });
        continue;
      }
      const old = existing.get(code);
      const parent = resolveParent(ctx, row, file, existing, !old);
      const region = resolveRegion(ctx, row, regions, { levels: ['grid', 'community'], current: old?.region_id });
      const located = checkLocation(ctx, row);
      // One problem that says why, rather than "empty" twice.
      const noCoords = located && num(row, 'lng') === null;
      if (noCoords) problems.add(row, 'lng', 'IMPORT_SHOP_NO_COORDS');
      const contract = checkContract(ctx, row);
      const fields = unitFields(row, region ? region.id : null, str(row, 'trade'));
      if (old) {
        file.set(code, row.line, { id: old.id, path: old.path, kind: old.kind });
        if (!checkExistingUnit(ctx, row, old, 'merchant', parent !== false) || !region || !located || noCoords || contract === false) continue;
        const unitChanged = !fields.every((v, i) => same(v, unitFieldsOf(old)[i]));
        const current = latest.get(old.id);
        const from = str(row, 'validFrom')!;
        let contractChanged = false;
        if (contract) {
          if (!current) {
            contracts.push({ row, shop: () => old.id, renewedFrom: null, validTo: null });
            contractChanged = true;
          } else if (from === current.valid_from) {
            const next = particulars(row);
            if (!next.every((v, i) => same(v, particularsOf(current)[i]))) {
              // As PATCH /frontage-contracts/:id: a contract whose period has closed is history.
              if (current.valid_to !== null && current.valid_to < ctx.today) {
                problems.add(row, 'validFrom', 'ASSIGNMENT_ENDED');
                continue;
              }
              contractUpdates.push([current.id, textArrayLiteral(next[0] as string[]), ...next.slice(1)]);
              contractChanged = true;
            }
          } else if (from > current.valid_from) {
            // Re-signing, as POST /frontage-contracts/:id/renew: the old period closes the day before.
            const stillOpen = current.valid_to === null || current.valid_to >= from;
            if (stillOpen) closes.push([current.assignment_id, addDays(from, -1)]);
            contracts.push({ row, shop: () => old.id, renewedFrom: current.id, validTo: current.valid_to !== null && current.valid_to >= from ? current.valid_to : null });
            contractChanged = true;
          } else {
            problems.add(row, 'validFrom', 'IMPORT_FRONTAGE_EARLIER', { date: current.valid_from });
            continue;
          }
        }
        if (!unitChanged && !contractChanged) {
          unchanged++;
          continue;
        }
        if (!checkWritable(ctx, row, old)) continue;
        if (unitChanged) unitUpdates.push([old.id, ...fields]);
        if (!same(old.lng, num(row, 'lng')) || !same(old.lat, num(row, 'lat'))) geoChanged = true;
        if (contractChanged) byShop.set(old.id, row.line);
        updated++;
        continue;
      }
      const planned: PlannedUnit = { id: 0, path: '', kind: 'merchant' };
      file.set(code, row.line, planned);
      if (!parent || !region || !located || noCoords || contract === false) continue;
      creates.push({ row, parent, regionId: region.id });
      if (contract) contracts.push({ row, shop: () => planned.id, renewedFrom: null, validTo: null });
      geoChanged = true;
    }
    await ctx.progress(rows.length);

    return {
      async apply(tx, progress) {
        const unitIds = await allocateIds(tx, 'unit', creates.length);
        const unitRows = creates.map((c, i) => {
          const planned = file.get(str(c.row, 'code')!)!;
          planned.id = unitIds[i]!;
          planned.path = `${c.parent.path}${planned.id}/`;
          byShop.set(planned.id, c.row.line);
          const f = unitFields(c.row, c.regionId, str(c.row, 'trade'));
          return [planned.id, c.parent.id, 'merchant', str(c.row, 'code'), f[0], f[1], planned.path, ...f.slice(2)];
        });
        await bulkInsert(tx, 'unit', actor.tenantId, [...UNIT_INSERT_COLUMNS], unitRows, { withIds: true, progress });
        await bulkUpdate(tx, 'unit', actor.tenantId, [...UNIT_UPDATE_COLUMNS], unitUpdates, { progress });
        // Close renewed contracts' periods before the new ones open (ra_exclusive_ex).
        await bulkUpdate(tx, 'responsibility_assignment', actor.tenantId, [{ name: 'id', type: 'bigint' }, { name: 'valid_to', type: 'date' }], closes);
        await bulkUpdate(tx, 'frontage_contract', actor.tenantId, [{ name: 'id', type: 'bigint' }],
          contracts.filter((c) => c.renewedFrom !== null).map((c) => [c.renewedFrom]));

        const assignmentIds = await allocateIds(tx, 'responsibility_assignment', contracts.length);
        await bulkInsert(tx, 'responsibility_assignment', actor.tenantId, [
          { name: 'id', type: 'bigint' }, { name: 'kind', type: 'text' }, { name: 'target_type', type: 'text' }, { name: 'target_id', type: 'bigint' },
          { name: 'responsible_unit_id', type: 'bigint' }, { name: 'valid_from', type: 'date' }, { name: 'valid_to', type: 'date' },
          { name: 'exclusive', type: 'boolean' }, { name: 'created_by', type: 'bigint' },
        ], contracts.map((c, i) => [assignmentIds[i], 'frontage', 'unit', c.shop(), c.shop(), str(c.row, 'validFrom'), c.validTo, true, actor.userId]), { withIds: true });
        const contractColumns: BulkColumn[] = [
          { name: 'duties', type: 'text', as: 'v.duties::text[]' }, { name: 'signed_on', type: 'date' }, { name: 'signer_name', type: 'text' },
          { name: 'responsible_name', type: 'text' }, { name: 'responsible_phone', type: 'text' }, { name: 'plate_posted', type: 'boolean' },
          { name: 'expires_on', type: 'date' },
        ];
        await bulkInsert(tx, 'frontage_contract', actor.tenantId, [
          { name: 'assignment_id', type: 'bigint' }, { name: 'shop_unit_id', type: 'bigint' }, { name: 'renewed_from_id', type: 'bigint' }, ...contractColumns,
        ], contracts.map((c, i) => {
          const p = particulars(c.row);
          return [assignmentIds[i], c.shop(), c.renewedFrom, textArrayLiteral(p[0] as string[]), ...p.slice(1)];
        }), { progress });
        await bulkUpdate(tx, 'frontage_contract', actor.tenantId, [{ name: 'id', type: 'bigint' }, ...contractColumns], contractUpdates);
        return { created: creates.length, updated, unchanged, geoChanged };
      },
      rowOfAssignment(kind, targetId) {
        const line = kind === 'frontage' ? byShop.get(targetId) : undefined;
        return line === undefined ? null : { line, key: 'validFrom' };
      },
    };
  },

  async *exportPages(ex, actor) {
    let after = '';
    for (;;) {
      const { rows } = await sql<Record<string, unknown> & { path: string }>`
        select u.code, u.name, u.trade, p.code as "parentCode", r.code as "regionCode", u.address, u.lng, u.lat,
               u.contact_name as "contactName", u.contact_phone as "contactPhone", c.signed_on as "signedOn", c.signer_name as "signerName",
               c.responsible_name as "responsibleName", c.responsible_phone as "responsiblePhone", c.plate_posted as "platePosted",
               c.valid_from as "validFrom", c.expires_on as "expiresOn", c.duties, u.path
          from unit u
          left join unit p on p.tenant_id = u.tenant_id and p.id = u.parent_id
          left join region r on r.tenant_id = u.tenant_id and r.id = u.region_id
          left join lateral (
            select c.*, a.valid_from from frontage_contract c
              join responsibility_assignment a on a.tenant_id = c.tenant_id and a.id = c.assignment_id
             where c.tenant_id = u.tenant_id and c.shop_unit_id = u.id
             order by a.valid_from desc, c.id desc limit 1) c on true
         where u.tenant_id = ${actor.tenantId} and u.kind = 'merchant' and ${unitScopeSql(actor, 'u.path')} and u.path > ${after}
         order by u.path limit 5000`.execute(ex);
      if (!rows.length) return;
      yield rows;
      after = rows[rows.length - 1]!.path;
    }
  },
};
