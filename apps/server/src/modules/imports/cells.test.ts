import { describe, expect, it } from 'vitest';
import { escapeFormula, formatCell, normalizeRaw, parseCell, parseCoords, parseDate, type CellType } from './cells.js';
import { exclusionConflict } from './exclusion.js';
import { shopsKind } from './kinds/shops.js';

const value = (t: CellType, raw: Parameters<typeof parseCell>[1]) => {
  const p = parseCell(t, normalizeRaw(raw));
  return p.ok ? p.value : p.problem.code;
};

describe('cell parsers', () => {
  it('reads real calendar dates from text, Excel dates and serial numbers, and nothing else', () => {
    expect(parseDate('2026-03-01')).toEqual({ ok: true, value: '2026-03-01' });
    expect(parseDate('2026/3/1')).toEqual({ ok: true, value: '2026-03-01' });
    expect(parseDate('2026年3月1日')).toEqual({ ok: true, value: '2026-03-01' });
    expect(parseDate('2026-03-01 00:00:00')).toEqual({ ok: true, value: '2026-03-01' });
    expect(parseDate(new Date(Date.UTC(2024, 1, 29)))).toEqual({ ok: true, value: '2024-02-29' });
    expect(parseDate(46082)).toEqual({ ok: true, value: '2026-03-01' });
    for (const bad of ['2026-02-29', '2026-13-01', '2026-04-31', '3/1/2026', '明年', '20260230']) {
      expect(parseDate(bad).ok, bad).toBe(false);
    }
  });

  it('takes numbers typed as text and full-width digits, but not words, in a number column', () => {
    const lng: CellType = { type: 'number', min: -180, max: 180, axis: 'lng' };
    expect(value(lng, 113.66)).toBe(113.66);
    expect(value(lng, ' 113.66 ')).toBe(113.66);
    expect(value(lng, '１１３．６６')).toBe(113.66);
    expect(value(lng, '东经113度')).toBe('IMPORT_NOT_NUMBER');
    expect(value(lng, 200)).toBe('IMPORT_COORD_RANGE');
    expect(value(lng, true)).toBe('IMPORT_NOT_NUMBER');
  });

  it('takes whole counts with thousands separators in an integer column, and refuses fractions, words and a bad grouping', () => {
    const count: CellType = { type: 'integer', min: 0, max: 2147483647 };
    expect(value(count, 8640)).toBe(8640);
    expect(value(count, '8,640')).toBe(8640);
    expect(value(count, '1,208,640')).toBe(1208640);
    expect(value(count, '８６４０')).toBe(8640);
    expect(value(count, '８，６４０')).toBe(8640);
    expect(value(count, '')).toBeNull();
    expect(value(count, '86,40')).toBe('IMPORT_NOT_INTEGER');
    expect(value(count, 12.5)).toBe('IMPORT_NOT_INTEGER');
    expect(value(count, '12.5')).toBe('IMPORT_NOT_INTEGER');
    expect(value(count, '约三千')).toBe('IMPORT_NOT_INTEGER');
    expect(value(count, -1)).toBe('IMPORT_BELOW_MIN');
    expect(value(count, 2147483648)).toBe('IMPORT_COORD_RANGE');
    expect(formatCell(count, 8640)).toBe(8640);
  });

  it('keeps codes and phones as text, whether typed as numbers or text', () => {
    expect(value({ type: 'code' }, 410102001)).toBe('410102001');
    expect(value({ type: 'code' }, 'DG-01')).toBe('DG-01');
    expect(value({ type: 'code' }, '东关')).toBe('IMPORT_CODE_FORMAT');
    expect(value({ type: 'code' }, 4.1e20)).toBe('IMPORT_CODE_FORMAT');
    expect(value({ type: 'phone' }, 13800000000)).toBe('13800000000');
    expect(value({ type: 'phone' }, '0371-6000001')).toBe('0371-6000001');
    expect(value({ type: 'phone' }, '打电话')).toBe('IMPORT_PHONE_FORMAT');
  });

  it('matches labels loosely: brackets, spaces, aliases; yes/no; lists split on Chinese and Latin separators', () => {
    const kind: CellType = { type: 'enum', options: () => [{ value: 'community_cover', label: '包社区（包保领导）', aliases: ['包社区'] }] };
    expect(value(kind, '包社区(包保领导)')).toBe('community_cover');
    expect(value(kind, ' 包社区 ')).toBe('community_cover');
    expect(value(kind, '包小区')).toBe('IMPORT_ENUM');
    expect(value({ type: 'yesno' }, '是')).toBe(true);
    expect(value({ type: 'yesno' }, false)).toBe(false);
    expect(value({ type: 'yesno' }, '也许')).toBe('IMPORT_YES_NO');
    expect(value({ type: 'list', max: 16 }, '卫生、秩序,绿化，设施 文明、卫生')).toEqual(['卫生', '秩序', '绿化', '设施', '文明']);
    expect(value({ type: 'text', max: 3 }, '四个字儿')).toBe('IMPORT_TOO_LONG');
    expect(value({ type: 'text', max: 3 }, { error: '#N/A' })).toBe('IMPORT_CELL_ERROR');
  });

  it('reads a line as "lng,lat;lng,lat" and names the first bad point', () => {
    expect(parseCoords('113.66,34.75;113.67,34.76')).toEqual({ ok: true, value: [[113.66, 34.75], [113.67, 34.76]] });
    expect(parseCoords('113.66，34.75；\n113.67 34.76')).toEqual({ ok: true, value: [[113.66, 34.75], [113.67, 34.76]] });
    expect(parseCoords('113.66,34.75;200,34.76')).toEqual({ ok: false, problem: { code: 'IMPORT_COORDS_FORMAT', params: { point: 2, value: '200,34.76' } } });
    expect(parseCoords('113.66,34.75')).toMatchObject({ ok: false, problem: { params: { point: 2 } } });
    expect(parseCoords('113.66,34.75,10;113.67,34.76')).toMatchObject({ ok: false, problem: { params: { point: 1 } } });
  });

  it('escapes text a spreadsheet could run as a formula, and undoes it on the way back', () => {
    for (const s of ['=HYPERLINK("http://x")', '+86 138', '-1', '@SUM(A1)', '\tx']) {
      expect(escapeFormula(s)).toBe(`'${s}`);
      expect(normalizeRaw(escapeFormula(s))).toBe(s.trim());
    }
    expect(escapeFormula('东关')).toBe('东关');
    expect(normalizeRaw("'plain")).toBe("'plain");
    expect(formatCell({ type: 'coords' }, [[-73.9857, 40.7484], [-73.98, 40.75]])).toBe("'-73.9857,40.7484;-73.98,40.75");
    expect(formatCell({ type: 'list', max: 16 }, ['卫生', '秩序'])).toBe('卫生、秩序');
    expect(formatCell({ type: 'yesno' }, true)).toBe('是');
  });
});

describe('exclusion constraint violations', () => {
  const plan = { apply: async () => ({ created: 0, updated: 0, unchanged: 0, geoChanged: false }), rowOfAssignment: (kind: string, target: number) => (kind === 'frontage' && target === 5 ? { line: 7, key: 'validFrom' } : null) };
  it('turns PostgreSQL’s key into the row that clashed, with the existing period', () => {
    const err = {
      code: '23P01',
      detail: 'Key (tenant_id, kind, target_id, daterange(valid_from, valid_to, \'[]\'::text))=(1, frontage, 5, [2026-06-01,)) conflicts with existing key '
        + '(tenant_id, kind, target_id, daterange(valid_from, valid_to, \'[]\'::text))=(1, frontage, 5, [2026-01-01,2027-01-01)).',
    };
    expect(exclusionConflict(err, shopsKind, plan)).toEqual({ row: 7, column: '生效日期', value: null, code: 'IMPORT_OVERLAP_EXISTING', params: { from: '2026-01-01', to: '2026-12-31' } });
    const sameParty = { code: '23P01', detail: 'Key (…)=(1, frontage, 5, 7, 0, [2026-06-01,)) conflicts with existing key (tenant_id, kind, target_id, COALESCE(u, 0::bigint), COALESCE(p, 0::bigint), daterange(valid_from, valid_to, \'[]\'::text))=(1, frontage, 5, 7, 0, [2026-01-01,)).' };
    expect(exclusionConflict(sameParty, shopsKind, plan)).toMatchObject({ row: 7, params: { from: '2026-01-01', to: '—' } });
    expect(exclusionConflict({ code: '23505', detail: 'x' }, shopsKind, plan)).toBeNull();
  });
});
