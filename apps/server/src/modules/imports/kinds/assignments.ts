import { sql } from 'kysely';
import { ASSIGNMENT_KIND_RULES, periodsOverlap, type AssignmentKind } from '@cc/domain';
import { regionInScope, unitInScope } from '../../../platform/access.js';
import { assignmentScopeSql } from '../../responsibility/assignments.service.js';
import { bulkInsert, bulkUpdate, same } from '../bulk.js';
import { str, type ImportKindSpec, type ParsedRow, type ValidateContext } from '../kind.js';
import { loadRegions, loadUnits, regionLevelLabel } from '../refs.js';
import { loadPeople, personKey } from './people.js';

/** The kinds an office keeps in a list; frontage contracts come with the shops sheet. */
const KINDS = ['community_cover', 'segment_cover', 'pairing', 'zone'] as const satisfies readonly AssignmentKind[];
const ALIASES: Record<(typeof KINDS)[number], string[]> = {
  community_cover: ['包社区', '包保社区', '包保领导'],
  segment_cover: ['包路', '包路段单位'],
  pairing: ['挂钩', '挂钩共建', '结对共建'],
  zone: ['责任区单位'],
};
const kindOptions = () => KINDS.map((k) => ({ value: k, label: ASSIGNMENT_KIND_RULES[k].label['zh-CN'], aliases: ALIASES[k] }));
const kindLabel = (k: string) => ASSIGNMENT_KIND_RULES[k as AssignmentKind]?.label['zh-CN'] ?? k;

interface Target { id: number; path: string | null }
interface Period { id: number | null; line: number | null; unit: number | null; person: number | null; from: string; to: string | null; note: string | null; party: string }

async function loadTargets(ctx: ValidateContext) {
  const t = ctx.actor.tenantId;
  const named = async (table: 'road_segment' | 'responsibility_zone') => {
    const { rows } = await sql<{ id: number; code: string; path: string | null }>`
      select s.id, s.code, r.path from ${sql.table(table)} s left join region r on r.tenant_id = s.tenant_id and r.id = s.region_id
       where s.tenant_id = ${t}`.execute(ctx.tx);
    return new Map(rows.map((r) => [r.code, { id: r.id, path: r.path }]));
  };
  const [regions, segments, zones] = await Promise.all([loadRegions(ctx.tx, t), named('road_segment'), named('responsibility_zone')]);
  return { regions, segments, zones };
}

/** 责任安排: 包社区, 包路段, 挂钩, 责任区 — who answers for a place, for a period. */
export const assignmentsKind: ImportKindSpec = {
  kind: 'assignments',
  sheetName: '责任安排',
  read: 'assignment.read',
  write: 'assignment.write',
  cityWide: false,
  columns: [
    { key: 'kind', header: '类型', cell: { type: 'enum', options: kindOptions }, required: true, example: '包路段', width: 18, note: `可选：${KINDS.map(kindLabel).join('、')}（也可写“包社区”“挂钩”简称）。门前责任请用“沿街商户”模板。` },
    { key: 'targetCode', header: '责任对象编码', cell: { type: 'code' }, required: true, example: 'LD-RM-02', width: 16, note: '包社区、挂钩单位：社区的区划编码；包路段：路段编码；责任区：责任区编码。' },
    { key: 'unitCode', header: '责任单位编码', cell: { type: 'code' }, example: 'DEP-ZJJ', width: 16, note: '负责的单位。挂钩单位必填；包路段、责任区填单位或责任人；包社区可留空。' },
    { key: 'personName', header: '责任人姓名', cell: { type: 'text', max: 64 }, example: null, width: 12, note: '负责的人员（须已作为人员导入）。包社区必填；挂钩单位须留空。' },
    { key: 'personUnitCode', header: '责任人单位编码', cell: { type: 'code' }, example: null, width: 16, note: '责任人所在单位的编码，用来确定是哪一位（同名的人可能不止一位）。' },
    { key: 'validFrom', header: '开始日期', cell: { type: 'date' }, required: true, example: '2026-01-01', width: 12, note: 'YYYY-MM-DD 或 Excel 日期。' },
    { key: 'validTo', header: '结束日期', cell: { type: 'date' }, example: null, width: 12, note: '选填：留空表示长期有效；不早于开始日期。' },
    { key: 'note', header: '备注', cell: { type: 'text', max: 500 }, example: '县住建局包保人民路中段', width: 24, note: '选填。' },
  ],
  rules: [
    '类型、责任对象、责任单位、责任人和开始日期都相同的，视为同一条安排：按本表更新结束日期和备注。其余的新建。',
    '同一对象同一时间只能有一个包路段单位、一个责任区单位；同一单位或人员对同一对象的安排时间不能重叠。重叠的行会逐行指出，已有安排请先在系统中结束或交接。',
    '责任单位、责任人和责任对象须在您的管辖范围内。',
  ],

  async validate(ctx, rows) {
    const { tx, actor, problems } = ctx;
    const targets = await loadTargets(ctx);
    const unitCodes = rows.flatMap((r) => [str(r, 'unitCode'), str(r, 'personUnitCode')]).filter((c): c is string => c !== null);
    const units = await loadUnits(tx, actor.tenantId, unitCodes);
    const people = await loadPeople(tx, actor.tenantId, [...units.values()].map((u) => u.id));

    // Resolve every row's kind, target and party first, then check periods per target.
    const resolved: { row: ParsedRow; kind: AssignmentKind; target: number; unit: number | null; person: number | null; party: string }[] = [];
    for (const row of rows) {
      const kind = str(row, 'kind') as AssignmentKind | null;
      const code = str(row, 'targetCode');
      if (kind === null || code === null) continue;
      const rule = ASSIGNMENT_KIND_RULES[kind];
      let target: Target | undefined;
      let ok = true;
      if (rule.target === 'region') {
        const r = targets.regions.get(code);
        target = r && { id: r.id, path: r.path };
        if (r && rule.targetLevel && r.level !== rule.targetLevel) {
          problems.add(row, 'targetCode', 'IMPORT_REGION_LEVEL', { expected: regionLevelLabel(rule.targetLevel), level: regionLevelLabel(r.level) });
          ok = false;
        }
      } else {
        target = (rule.target === 'road_segment' ? targets.segments : targets.zones).get(code);
      }
      if (!target) {
        problems.add(row, 'targetCode', 'IMPORT_UNKNOWN_REF');
        continue;
      }
      if (ok && actor.scope !== 'tenant' && (target.path === null || !regionInScope(actor, target.path))) {
        problems.add(row, 'targetCode', 'IMPORT_OUT_OF_SCOPE');
        ok = false;
      }

      let unit: number | null = null;
      let party = '';
      const unitCode = str(row, 'unitCode');
      if (unitCode !== null) {
        const u = units.get(unitCode);
        if (!u) problems.add(row, 'unitCode', 'IMPORT_UNKNOWN_REF');
        else if (!unitInScope(actor, u.path)) problems.add(row, 'unitCode', 'IMPORT_OUT_OF_SCOPE');
        else {
          unit = u.id;
          party = u.name;
        }
        if (unit === null) ok = false;
      }
      let person: number | null = null;
      const name = str(row, 'personName');
      const personUnitCode = str(row, 'personUnitCode');
      if (name !== null || personUnitCode !== null) {
        if (name === null) {
          if (!row.bad.has('personName')) problems.add(row, 'personName', 'IMPORT_REQUIRED');
          ok = false;
        } else if (personUnitCode === null) {
          if (!row.bad.has('personUnitCode')) problems.add(row, 'personUnitCode', 'IMPORT_REQUIRED');
          ok = false;
        } else {
          const u = units.get(personUnitCode);
          const matches = u ? people.get(personKey(u.id, name)) ?? [] : [];
          if (!u) problems.add(row, 'personUnitCode', 'IMPORT_UNKNOWN_REF');
          else if (!unitInScope(actor, u.path)) problems.add(row, 'personUnitCode', 'IMPORT_OUT_OF_SCOPE');
          else if (matches.length === 0) problems.add(row, 'personName', 'IMPORT_PERSON_UNKNOWN', { unit: u.name, name });
          else if (matches.length > 1) problems.add(row, 'personName', 'IMPORT_PERSON_AMBIGUOUS', { unit: u.name, name, count: matches.length });
          else {
            person = matches[0]!.id;
            party = party ? `${party} ${name}` : name;
          }
          if (person === null) ok = false;
        }
      }
      const hasUnit = unitCode !== null;
      const hasPerson = name !== null || personUnitCode !== null;
      if (rule.responsible === 'unit' && hasPerson) {
        problems.add(row, 'personName', 'IMPORT_PARTY_UNIT_ONLY', { kind: kindLabel(kind) });
        ok = false;
      } else if (rule.responsible === 'unit' && !hasUnit) {
        problems.add(row, 'unitCode', 'IMPORT_PARTY_REQUIRED', { kind: kindLabel(kind), need: '责任单位编码' });
        ok = false;
      } else if (rule.responsible === 'person' && !hasPerson) {
        problems.add(row, 'personName', 'IMPORT_PARTY_REQUIRED', { kind: kindLabel(kind), need: '责任人姓名和责任人单位编码' });
        ok = false;
      } else if (!hasUnit && !hasPerson) {
        problems.add(row, 'unitCode', 'IMPORT_PARTY_REQUIRED', { kind: kindLabel(kind), need: '责任单位编码或责任人' });
        ok = false;
      }
      const from = str(row, 'validFrom');
      const to = str(row, 'validTo');
      if (from !== null && to !== null && to < from) {
        problems.add(row, 'validTo', 'PERIOD_INVALID');
        ok = false;
      }
      if (ok && from !== null && !row.bad.has('validTo')) resolved.push({ row, kind, target: target.id, unit, person, party });
    }

    // Periods already in the system for the targets of the file, with who holds them.
    const groups = new Map<string, Period[]>();
    const groupKey = (kind: string, target: number) => `${kind}:${target}`;
    if (resolved.length) {
      const { rows: current } = await sql<{ id: number; kind: string; target_id: number; responsible_unit_id: number | null; responsible_person_id: number | null;
        valid_from: string; valid_to: string | null; note: string | null; unit_name: string | null; person_name: string | null }>`
        select a.id, a.kind, a.target_id, a.responsible_unit_id, a.responsible_person_id, a.valid_from, a.valid_to, a.note,
               u.name as unit_name, p.name as person_name
          from responsibility_assignment a
          left join unit u on u.tenant_id = a.tenant_id and u.id = a.responsible_unit_id
          left join person p on p.tenant_id = a.tenant_id and p.id = a.responsible_person_id
         where a.tenant_id = ${actor.tenantId} and a.kind = any(${[...new Set(resolved.map((r) => r.kind))]}::text[])
           and a.target_id = any(${[...new Set(resolved.map((r) => r.target))]}::bigint[])`.execute(tx);
      for (const a of current) {
        const k = groupKey(a.kind, a.target_id);
        groups.set(k, [...(groups.get(k) ?? []), {
          id: a.id, line: null, unit: a.responsible_unit_id, person: a.responsible_person_id, from: a.valid_from, to: a.valid_to, note: a.note,
          party: [a.unit_name, a.person_name].filter(Boolean).join(' '),
        }]);
      }
    }

    const creates: unknown[][] = [];
    const updates: unknown[][] = [];
    const firstRow = new Map<string, number>();
    let unchanged = 0;
    for (const r of resolved) {
      const from = str(r.row, 'validFrom')!;
      const to = str(r.row, 'validTo');
      const note = str(r.row, 'note');
      const k = groupKey(r.kind, r.target);
      const group = groups.get(k) ?? [];
      groups.set(k, group);
      const mine = group.find((p) => p.unit === r.unit && p.person === r.person && p.from === from);
      if (mine?.line != null) {
        problems.add(r.row, null, 'IMPORT_DUPLICATE_IN_FILE', { row: mine.line });
        continue;
      }
      const exclusive = ASSIGNMENT_KIND_RULES[r.kind].exclusive;
      const clash = group.find((p) => p !== mine && (exclusive || (p.unit === r.unit && p.person === r.person)) && periodsOverlap(p, { from, to }));
      if (clash) {
        if (clash.line !== null) problems.add(r.row, 'validFrom', 'IMPORT_OVERLAP_IN_FILE', { row: clash.line });
        else problems.add(r.row, 'validFrom', 'ASSIGNMENT_OVERLAP', { party: clash.party || '?', from: clash.from, to: clash.to ?? '—' });
        continue;
      }
      if (!firstRow.has(k)) firstRow.set(k, r.row.line);
      if (mine) {
        mine.line = r.row.line;
        if (same(mine.to, to) && same(mine.note, note)) unchanged++;
        else updates.push([mine.id, to, note]);
        mine.to = to;
        continue;
      }
      group.push({ id: null, line: r.row.line, unit: r.unit, person: r.person, from, to, note, party: r.party });
      creates.push([r.kind, ASSIGNMENT_KIND_RULES[r.kind].target, r.target, r.unit, r.person, from, to, exclusive, note, actor.userId]);
    }
    await ctx.progress(rows.length);

    return {
      async apply(tx, progress) {
        await bulkUpdate(tx, 'responsibility_assignment', actor.tenantId, [
          { name: 'id', type: 'bigint' }, { name: 'valid_to', type: 'date' }, { name: 'note', type: 'text' },
        ], updates, { progress });
        await bulkInsert(tx, 'responsibility_assignment', actor.tenantId, [
          { name: 'kind', type: 'text' }, { name: 'target_type', type: 'text' }, { name: 'target_id', type: 'bigint' },
          { name: 'responsible_unit_id', type: 'bigint' }, { name: 'responsible_person_id', type: 'bigint' }, { name: 'valid_from', type: 'date' },
          { name: 'valid_to', type: 'date' }, { name: 'exclusive', type: 'boolean' }, { name: 'note', type: 'text' }, { name: 'created_by', type: 'bigint' },
        ], creates, { progress });
        return { created: creates.length, updated: updates.length, unchanged, geoChanged: false };
      },
      rowOfAssignment(kind, targetId) {
        const line = firstRow.get(groupKey(kind, targetId));
        return line === undefined ? null : { line, key: 'validFrom' };
      },
    };
  },

  async *exportPages(ex, actor) {
    let after = 0;
    for (;;) {
      const rows = await ex.selectFrom('responsibility_assignment as a')
        .leftJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'a.tenant_id').onRef('u.id', '=', 'a.responsible_unit_id'))
        .leftJoin('person as p', (j) => j.onRef('p.tenant_id', '=', 'a.tenant_id').onRef('p.id', '=', 'a.responsible_person_id'))
        .leftJoin('unit as pu', (j) => j.onRef('pu.tenant_id', '=', 'p.tenant_id').onRef('pu.id', '=', 'p.unit_id'))
        .select(['a.id', 'a.kind', 'u.code as unitCode', 'p.name as personName', 'pu.code as personUnitCode', 'a.valid_from as validFrom',
          'a.valid_to as validTo', 'a.note',
          sql<string>`case a.target_type
            when 'region' then (select code from region where tenant_id = a.tenant_id and id = a.target_id)
            when 'road_segment' then (select code from road_segment where tenant_id = a.tenant_id and id = a.target_id)
            when 'zone' then (select code from responsibility_zone where tenant_id = a.tenant_id and id = a.target_id) end`.as('targetCode')])
        .where('a.tenant_id', '=', actor.tenantId).where('a.kind', 'in', [...KINDS]).where(assignmentScopeSql(actor)).where('a.id', '>', after)
        .orderBy('a.id').limit(5000).execute();
      if (!rows.length) return;
      yield rows;
      after = rows[rows.length - 1]!.id;
    }
  },
};
