import { sql } from 'kysely';
import { unitScopeSql } from '../../../platform/access.js';
import { bulkInsert, bulkUpdate, same } from '../bulk.js';
import { str, type ImportKindSpec, type ParsedRow } from '../kind.js';
import { loadUnits, unitUsable } from '../refs.js';

interface PersonRef { id: number; unit_id: number; name: string; position: string | null; phone: string | null; note: string | null }

/** The people of some units, by unit and name: a person is known by name within their unit. */
export async function loadPeople(ex: Parameters<typeof loadUnits>[0], tenantId: number, unitIds: number[]): Promise<Map<string, PersonRef[]>> {
  const out = new Map<string, PersonRef[]>();
  if (!unitIds.length) return out;
  const { rows } = await sql<PersonRef>`
    select id, unit_id, name, position, phone, note from person
     where tenant_id = ${tenantId} and unit_id = any(${[...new Set(unitIds)]}::bigint[]) order by id`.execute(ex);
  for (const p of rows) {
    const k = `${p.unit_id}\u0000${p.name}`;
    out.set(k, [...(out.get(k) ?? []), p]);
  }
  return out;
}
export const personKey = (unitId: number, name: string) => `${unitId}\u0000${name}`;

/** 人员: the people of the units (包保领导, 网格员 …), known by name within their unit. */
export const peopleKind: ImportKindSpec = {
  kind: 'people',
  sheetName: '人员',
  read: 'person.read',
  write: 'person.write',
  cityWide: false,
  columns: [
    { key: 'name', header: '姓名', cell: { type: 'text', max: 64 }, required: true, example: '王秀兰', width: 12, note: '人员姓名。' },
    { key: 'unitCode', header: '所属单位编码', cell: { type: 'code' }, required: true, example: 'DG-JWH', width: 16, note: '人员所在单位的编码，须已在系统中、在您的管辖范围内。' },
    { key: 'position', header: '职务', cell: { type: 'text', max: 64 }, example: '社区书记', width: 16, note: '选填，如“副县长”“网格员”。' },
    { key: 'phone', header: '电话', cell: { type: 'phone' }, example: '13800000001', width: 16, note: '选填；手机或座机，5～20 位。' },
    { key: 'note', header: '备注', cell: { type: 'text', max: 500 }, example: '包保东关社区', width: 24, note: '选填。' },
  ],
  rules: [
    '同一单位下姓名相同的人员视为同一人：按本表更新其职务、电话和备注；单位下还没有此人的：新建。',
    '同一单位下已有两位同名人员时无法确定是谁，该行不能导入，请在“人员”页面处理。',
  ],

  async validate(ctx, rows) {
    const { tx, actor, problems } = ctx;
    const units = await loadUnits(tx, actor.tenantId, rows.map((r) => str(r, 'unitCode')).filter((c): c is string => c !== null));
    const people = await loadPeople(tx, actor.tenantId, [...units.values()].map((u) => u.id));
    const seen = new Map<string, number>();
    const creates: unknown[][] = [];
    const updates: unknown[][] = [];
    let unchanged = 0;
    const fields = (r: ParsedRow) => [str(r, 'position'), str(r, 'phone'), str(r, 'note')];
    for (const row of rows) {
      const name = str(row, 'name');
      const unitCode = str(row, 'unitCode');
      if (name === null || unitCode === null) continue;
      const unit = units.get(unitCode);
      if (!unit) {
        problems.add(row, 'unitCode', 'IMPORT_UNKNOWN_REF');
        continue;
      }
      if (!unitUsable(actor, unit)) {
        problems.add(row, 'unitCode', 'IMPORT_OUT_OF_SCOPE');
        continue;
      }
      const key = personKey(unit.id, name);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        problems.add(row, 'name', 'IMPORT_DUPLICATE_IN_FILE', { row: earlier });
        continue;
      }
      seen.set(key, row.line);
      const matches = people.get(key) ?? [];
      if (matches.length > 1) {
        problems.add(row, 'name', 'IMPORT_PERSON_AMBIGUOUS', { unit: unit.name, name, count: matches.length });
      } else if (matches.length === 1) {
        const p = matches[0]!;
        const next = fields(row);
        if (next.every((v, i) => same(v, [p.position, p.phone, p.note][i]))) unchanged++;
        else updates.push([p.id, ...next]);
      } else {
        creates.push([name, unit.id, ...fields(row)]);
      }
    }
    await ctx.progress(rows.length);

    return {
      async apply(tx, progress) {
        await bulkInsert(tx, 'person', actor.tenantId, [
          { name: 'name', type: 'text' }, { name: 'unit_id', type: 'bigint' }, { name: 'position', type: 'text' },
          { name: 'phone', type: 'text' }, { name: 'note', type: 'text' },
        ], creates, { progress });
        await bulkUpdate(tx, 'person', actor.tenantId, [
          { name: 'id', type: 'bigint' }, { name: 'position', type: 'text' }, { name: 'phone', type: 'text' }, { name: 'note', type: 'text' },
        ], updates, { progress });
        return { created: creates.length, updated: updates.length, unchanged, geoChanged: false };
      },
    };
  },

  async *exportPages(ex, actor) {
    let after: [string, number] = ['', 0];
    for (;;) {
      const rows = await ex.selectFrom('person as p')
        .innerJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'p.tenant_id').onRef('u.id', '=', 'p.unit_id'))
        .select(['p.id', 'p.name', 'u.code as unitCode', 'p.position', 'p.phone', 'p.note', 'u.path'])
        .where('p.tenant_id', '=', actor.tenantId).where(unitScopeSql(actor, 'u.path'))
        .where(sql<boolean>`(u.path, p.id) > (${after[0]}::text, ${after[1]}::bigint)`)
        .orderBy('u.path').orderBy('p.id').limit(5000).execute();
      if (!rows.length) return;
      yield rows;
      const last = rows[rows.length - 1]!;
      after = [last.path, last.id];
    }
  },
};
