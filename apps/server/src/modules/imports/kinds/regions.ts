import { childLevelOf, REGION_LEVEL_LABELS, REGION_LEVELS, type RegionLevel } from '@cc/domain';
import { regionScopeSql } from '../../../platform/access.js';
import { allocateIds, bulkInsert, bulkUpdate } from '../bulk.js';
import { FileIndex, given, num, str, type ImportKindSpec, type ParsedRow } from '../kind.js';
import { loadRegions, regionLevelLabel } from '../refs.js';

const LEVEL_ALIASES: Record<RegionLevel, string[]> = {
  county: ['区', '县', '县区', '区/县', '市辖区'],
  street: ['街道', '乡镇', '镇', '乡', '街道办'],
  community: ['社区', '村', '居委会', '村委会'],
  grid: ['网格单元'],
};
const levelOptions = () => REGION_LEVELS.map((l) => ({ value: l, label: REGION_LEVEL_LABELS[l]['zh-CN'], aliases: LEVEL_ALIASES[l] }));

interface Planned { id: number; level: string; path: string }

/** 区划网格: the administrative tree, one level per row, each row below a parent a few rows up or already in the system. */
export const regionsKind: ImportKindSpec = {
  kind: 'regions',
  sheetName: '区划网格',
  read: 'region.read',
  write: 'region.write',
  cityWide: true,
  columns: [
    { key: 'code', header: '编码', cell: { type: 'code' }, required: true, example: 'DG-01', width: 16, note: '区划或网格的唯一编码：字母、数字、“-”“_”，最长 32 位。' },
    { key: 'name', header: '名称', cell: { type: 'text', max: 100 }, required: true, example: '东关社区第一网格', width: 24, note: '区划或网格的名称。' },
    { key: 'level', header: '层级', cell: { type: 'enum', options: levelOptions }, required: true, example: '网格', width: 12, note: '区县 / 街道/乡镇 / 社区/村 / 网格（也可写“街道”“社区”等简称）。' },
    { key: 'parentCode', header: '上级编码', cell: { type: 'code' }, example: 'DG', width: 16, note: '上一级区划的编码；区县留空。下级须恰好低一级：街道的上级是区县，社区的上级是街道，网格的上级是社区。上级可以是系统中已有的，也可以是本表中排在前面的行。' },
    { key: 'population', header: '常住人口', cell: { type: 'integer', min: 0, max: 2147483647 }, optionalHeader: true, example: 3500, width: 12, note: '选填；统计部门公布的常住人口（人），整数，可写 8,640。留空表示未知（已有区划的人口会被清空）；表中没有这一列时，已有区划的人口保持不变。' },
  ],
  rules: [
    '编码已存在的区划：按本表更新名称和常住人口；层级和上级不能通过导入修改（请在“区划网格”页面调整）。编码不存在的：新建。',
    '边界（地图范围）不在 Excel 中，请导入后在地图上绘制。',
    '导入区划需要全市范围的权限（创建办、系统管理员）。',
  ],

  async validate(ctx, rows) {
    const { tx, actor, problems } = ctx;
    const existing = await loadRegions(tx, actor.tenantId);
    const file = new FileIndex<Planned>(rows, 'code');
    const creates: { row: ParsedRow; parentRef: () => Planned | null; level: string }[] = [];
    const updates: { id: number; name: string; population: number | null }[] = [];
    let unchanged = 0;
    for (const row of rows) {
      const code = str(row, 'code');
      const level = str(row, 'level');
      const parentCode = str(row, 'parentCode');
      if (code === null) continue;
      const earlier = file.seen(code);
      if (earlier !== null) {
        problems.add(row, 'code', 'IMPORT_DUPLICATE_IN_FILE', { row: earlier });
        continue;
      }
      const old = existing.get(code);
      const levelChanged = old !== undefined && level !== null && old.level !== level;
      if (levelChanged) problems.add(row, 'level', 'IMPORT_CHANGE_NOT_ALLOWED', { current: regionLevelLabel(old.level) });
      // The parent: an earlier row of the file, or a region already in the system.
      let parent: Planned | null = null;
      let parentOk = !levelChanged;
      if (levelChanged) {
        // Reported above; its parent rule would only repeat it.
      } else if (level === 'county') {
        if (parentCode !== null) {
          problems.add(row, 'parentCode', 'IMPORT_COUNTY_PARENT');
          parentOk = false;
        }
      } else if (parentCode === null) {
        if (!row.bad.has('parentCode') && level !== null) problems.add(row, 'parentCode', 'IMPORT_REQUIRED');
        parentOk = false;
      } else {
        const inFile = file.get(parentCode);
        const inDb = existing.get(parentCode);
        parent = inFile ?? (inDb ? { id: inDb.id, level: inDb.level, path: inDb.path } : null);
        if (!parent) {
          const later = file.lineLater(parentCode);
          problems.add(row, 'parentCode', later ? 'IMPORT_REF_LATER' : 'IMPORT_UNKNOWN_REF', later ? { row: later } : {});
          parentOk = false;
        } else if (level !== null && childLevelOf(parent.level as RegionLevel) !== level) {
          const expected = childLevelOf(parent.level as RegionLevel);
          problems.add(row, 'level', 'IMPORT_LEVEL', { parentLevel: regionLevelLabel(parent.level), expected: expected ? regionLevelLabel(expected) : '—' });
          parentOk = false;
        }
      }

      if (old) {
        if (parentOk && (old.parent_code ?? null) !== parentCode) problems.add(row, 'parentCode', 'IMPORT_CHANGE_NOT_ALLOWED', { current: old.parent_code ?? '—' });
        file.set(code, row.line, { id: old.id, level: old.level, path: old.path });
        const name = str(row, 'name') ?? old.name;
        // A sheet without the 常住人口 column (an older template) leaves the figure alone.
        const population = given(row, 'population') ? num(row, 'population') : old.population;
        if (name !== old.name || population !== old.population) updates.push({ id: old.id, name, population });
        else unchanged++;
      } else if (level !== null) {
        // Ids and paths are filled in once the rows are known to be good (planned below).
        const planned: Planned = { id: 0, level, path: '' };
        file.set(code, row.line, planned);
        creates.push({ row, level, parentRef: () => parent });
      }
    }
    await ctx.progress(rows.length);

    return {
      async apply(tx, progress) {
        const ids = await allocateIds(tx, 'region', creates.length);
        const values: unknown[][] = creates.map((c, i) => {
          const planned = file.get(str(c.row, 'code')!)!;
          const parent = c.parentRef();
          planned.id = ids[i]!;
          // Rows come in file order, so a parent created by the file already has its path.
          planned.path = `${parent?.path ?? '/'}${planned.id}/`;
          return [planned.id, parent?.id ?? null, c.level, str(c.row, 'code'), str(c.row, 'name'), planned.path, num(c.row, 'population')];
        });
        await bulkInsert(tx, 'region', actor.tenantId, [
          { name: 'id', type: 'bigint' }, { name: 'parent_id', type: 'bigint' }, { name: 'level', type: 'text' },
          { name: 'code', type: 'text' }, { name: 'name', type: 'text' }, { name: 'path', type: 'text' }, { name: 'population', type: 'integer' },
        ], values, { withIds: true, progress });
        await bulkUpdate(tx, 'region', actor.tenantId, [{ name: 'id', type: 'bigint' }, { name: 'name', type: 'text' }, { name: 'population', type: 'integer' }],
          updates.map((u) => [u.id, u.name, u.population]), { progress });
        // Region names and codes are part of the routing index's answers.
        return { created: creates.length, updated: updates.length, unchanged, geoChanged: creates.length + updates.length > 0 };
      },
    };
  },

  async *exportPages(ex, actor) {
    let after = '';
    for (;;) {
      const rows = await ex.selectFrom('region as r')
        .leftJoin('region as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.parent_id'))
        .select(['r.code', 'r.name', 'r.level', 'p.code as parentCode', 'r.population', 'r.path'])
        .where('r.tenant_id', '=', actor.tenantId).where(regionScopeSql(actor, 'r.path')).where('r.path', '>', after)
        // Path order puts every parent before its children, so the export imports as it is.
        .orderBy('r.path').limit(5000).execute();
      if (!rows.length) return;
      yield rows;
      after = rows[rows.length - 1]!.path;
    }
  },
};
