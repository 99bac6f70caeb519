import { describe, expect, it } from 'vitest';
import { CATEGORY_SEEDS } from '../cases/categories.js';
import { BUILTIN_POINT_TYPES, BUILTIN_STANDARDS } from './builtin-standards.js';
import { scoreSheet, type ScoredItem } from './scoring.js';
import { applicableItems, SCORING_METHODS, STANDARD_KINDS, targetTokens, validateEdition, type BuiltinStandard, type StandardNodeData } from './standards.js';

const KNOWN = new Set(CATEGORY_SEEDS.map((c) => c.code));
const std = (code: string): BuiltinStandard => {
  const s = BUILTIN_STANDARDS.find((x) => x.code === code);
  if (!s) throw new Error(`no built-in standard ${code}`);
  return s;
};
const asScored = (n: StandardNodeData): ScoredItem => ({
  key: n.key, code: n.code, points: n.points ?? 0, method: n.method ?? 'deduct', floor: n.floor, naAllowed: n.naAllowed, veto: n.veto,
});

describe('built-in standards', () => {
  it('ship the seven indicator systems with unique codes', () => {
    expect(BUILTIN_STANDARDS.map((s) => s.code)).toEqual(['SANITARY-2021', 'SANITARY-2014-PRE', 'CIVILIZED', 'JNS-2024', 'INSIDE-GATE', 'ZONE-10', 'POINTS-CIVILIZED']);
  });

  it.each(BUILTIN_STANDARDS.map((s) => [s.code, s] as const))('%s validates with no problems', (_code, s) => {
    expect(validateEdition(s.nodes, { maxScore: s.maxScore, knownCategories: KNOWN })).toEqual([]);
  });

  it.each(BUILTIN_STANDARDS.map((s) => [s.code, s] as const))('%s fits the API’s field limits', (_code, s) => {
    expect(s.code).toMatch(/^[A-Za-z0-9_.-]{1,32}$/);
    expect(STANDARD_KINDS).toContain(s.kind);
    expect(s.name.length).toBeLessThanOrEqual(100);
    expect(s.label.length).toBeLessThanOrEqual(40);
    expect(s.description.length).toBeLessThanOrEqual(2000);
    expect(s.note.length).toBeGreaterThan(20);
    expect(s.note.length).toBeLessThanOrEqual(2000);
    const keys = new Set(s.nodes.map((n) => n.key));
    expect(keys.size).toBe(s.nodes.length);
    for (const n of s.nodes) {
      expect(n.code, n.code).toMatch(/^[A-Za-z0-9_.-]{1,32}$/);
      expect(n.key.length).toBeLessThanOrEqual(40);
      expect(n.title.length, n.code).toBeGreaterThan(0);
      expect(n.title.length, n.code).toBeLessThanOrEqual(200);
      expect((n.description ?? '').length, n.code).toBeLessThanOrEqual(2000);
      for (const t of n.appliesTo ?? []) expect(t, n.code).toMatch(/^[a-z_]+(:[A-Za-z0-9_-]+)?$/);
      if (n.points !== null) expect(Math.round(n.points * 100), n.code).toBe(n.points * 100);
      if (n.kind === 'item') {
        expect(SCORING_METHODS, n.code).toContain(n.method);
        expect(s.nodes.some((c) => c.parentKey === n.key && c.kind === 'criterion'), `${n.code} has criteria`).toBe(true);
      }
      if (n.kind === 'criterion') {
        const parent = s.nodes.find((p) => p.key === n.parentKey);
        if (parent?.method !== 'deduct') expect(n.points, n.code).toBeNull();
        else expect(n.points, n.code).toBeGreaterThan(0);
      }
    }
  });

  it('name a seeded case category on every criterion', () => {
    for (const s of BUILTIN_STANDARDS) {
      const criteria = s.nodes.filter((n) => n.kind === 'criterion');
      expect(criteria.length, s.code).toBeGreaterThan(0);
      for (const c of criteria) expect(KNOWN.has(c.categoryCode ?? ''), `${s.code} ${c.code} ${c.categoryCode}`).toBe(true);
    }
  });
});

describe('国家卫生城市标准', () => {
  it('2021: eight sections, 4–8 marked unverified, section 3 in detail, annex rates', () => {
    const s = std('SANITARY-2021');
    const sections = s.nodes.filter((n) => n.kind === 'section');
    expect(sections.map((n) => n.title).slice(0, 3)).toEqual(['爱国卫生组织管理', '健康教育和健康促进', '市容环境卫生']);
    expect(sections).toHaveLength(8);
    for (const n of sections.slice(3)) expect(n.unverified, n.code).toBe(true);
    // No public point weights: every points figure is flagged.
    for (const n of s.nodes.filter((x) => x.kind !== 'criterion' || x.points !== null)) expect(n.unverified, n.code).toBe(true);
    const sec3 = s.nodes.filter((n) => n.parentKey === '3' && n.kind === 'item').map((n) => n.title).join('|');
    for (const w of ['道路', '垃圾收集容器', '乱搭乱建', '乱堆乱摆', '乱停乱放', '乱贴乱画', '乱扔乱倒', '积水', '工地', '招牌', '绿化', '转运站', '垃圾分类', '公共厕所']) expect(sec3).toContain(w);
    const proofing = s.nodes.find((n) => n.title.includes('#56'));
    expect(proofing?.method).toBe('rate');
    expect(s.nodes.filter((n) => n.method === 'rate').length).toBeGreaterThanOrEqual(3);
  });

  it('2014: eleven veto prerequisites, no N/A, item 3 unverified', () => {
    const s = std('SANITARY-2014-PRE');
    const items = s.nodes.filter((n) => n.kind === 'item');
    expect(items).toHaveLength(11);
    for (const n of items) {
      expect(n.method).toBe('pass_fail');
      expect(n.veto).toBe(true);
      expect(n.naAllowed).toBe(false);
    }
    expect(items.filter((n) => n.unverified).map((n) => n.code)).toEqual(['1.3']);
    const failed = scoreSheet(items.map(asScored), [], [{ itemKey: '1.10', points: 0 }]);
    expect(failed.vetoed).toBe(true);
    expect(failed.score).toBe(10);
  });
});

describe('金牛山街道创卫考评细则 (JNS-2024)', () => {
  const s = std('JNS-2024');
  const forKind = (unitKind: string) => applicableItems(s.nodes, targetTokens({ kind: 'unit', unitKind }));

  it('gives 9 items to a community, 3 to a department, 6 to a resident unit, 100 points each', () => {
    expect(forKind('community')).toHaveLength(9);
    expect(forKind('department')).toHaveLength(3);
    expect(forKind('resident_unit')).toHaveLength(6);
    expect(forKind('school')).toHaveLength(0);
    for (const k of ['community', 'department', 'resident_unit']) expect(forKind(k).reduce((t, n) => t + (n.points ?? 0), 0), k).toBe(100);
    expect(s.maxScore).toBeNull();
    for (const n of s.nodes.filter((x) => x.kind === 'item')) {
      expect(n.method).toBe('deduct');
      expect(n.floor).toBe(0);
      expect(n.unverified).toBe(true);
    }
  });

  it('asks for photos and allows N/A on the archive and other-task items', () => {
    const criteria = s.nodes.filter((n) => n.kind === 'criterion');
    expect(criteria.filter((n) => n.evidenceRequired).length).toBeGreaterThan(criteria.length / 2);
    const na = s.nodes.filter((n) => n.kind === 'item' && n.naAllowed).map((n) => n.title);
    expect(na).toContain('创卫档案资料整理');
    expect(na).toContain('创卫指挥部安排的其他工作任务');
    const cats = (title: string) => s.nodes.filter((n) => n.parentKey === s.nodes.find((i) => i.title.includes(title))?.key).map((n) => n.categoryCode);
    expect(cats('门前五包')).toContain('0106');
    expect(cats('背街小巷')).toEqual(expect.arrayContaining(['0102', '0105']));
    expect(cats('公厕')).toContain('0108');
    expect(cats('四害')).toContain('0107');
    expect(cats('五小')).toContain('0504');
  });

  it('scores a community sheet with one deduction and one N/A item as a rate of the applicable maximum', () => {
    const items = forKind('community');
    const lanes = items.find((n) => n.title.startsWith('背街小巷'))!;
    const archive = items.find((n) => n.title === '创卫档案资料整理')!;
    expect(lanes.points).toBe(15);
    expect(archive.points).toBe(5);
    const r = scoreSheet(items.map(asScored), [{ key: archive.key, na: true }], [{ itemKey: lanes.key, points: 2 }], { complete: true });
    expect(r.problems).toEqual([]);
    // 100 − 5 (N/A) = 95 applicable; 95 − 2 = 93; 93 ÷ 95 = 0.97894… → 0.9789
    expect(r.max).toBe(95);
    expect(r.score).toBe(93);
    expect(r.rate).toBe(0.9789);
    expect(r.vetoed).toBe(false);
  });
});

describe('门内达标 and 十分制', () => {
  it('INSIDE-GATE covers the five places for units inside the gate', () => {
    const s = std('INSIDE-GATE');
    const titles = s.nodes.filter((n) => n.kind === 'item').map((n) => n.title).join('|');
    for (const w of ['院落车辆停放', '环境卫生', '办公室', '厕所', '楼道']) expect(titles).toContain(w);
    for (const k of ['resident_unit', 'school', 'hospital', 'enterprise', 'department']) {
      expect(applicableItems(s.nodes, targetTokens({ kind: 'unit', unitKind: k })).length, k).toBeGreaterThanOrEqual(5);
    }
    expect(applicableItems(s.nodes, targetTokens({ kind: 'zone' }))).toHaveLength(0);
  });

  it('ZONE-10 totals 10 points for a zone, with a direct-score item', () => {
    const s = std('ZONE-10');
    const items = applicableItems(s.nodes, targetTokens({ kind: 'zone' }));
    expect(s.maxScore).toBe(10);
    expect(items.reduce((t, n) => t + (n.points ?? 0), 0)).toBe(10);
    expect(items.filter((n) => n.method === 'scale')).toHaveLength(1);
    const scale = items.find((n) => n.method === 'scale')!;
    const deductItem = items.find((n) => n.method === 'deduct')!;
    const r = scoreSheet(items.map(asScored), [{ key: scale.key, score: 0.5 }], [{ itemKey: deductItem.key, points: 1 }], { complete: true });
    expect(r.problems).toEqual([]);
    expect(r.score).toBe(8.5);
    expect(r.max).toBe(10);
  });
});

describe('assessment points', () => {
  it('ship at least 15 point types with valid codes', () => {
    expect(BUILTIN_POINT_TYPES.length).toBeGreaterThanOrEqual(15);
    const codes = BUILTIN_POINT_TYPES.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const t of BUILTIN_POINT_TYPES) {
      expect(t.code).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(t.name.length).toBeLessThanOrEqual(40);
      expect(t.nameEn.length).toBeLessThanOrEqual(80);
    }
    for (const c of ['main_road', 'back_lane', 'farmers_market', 'park_square', 'hospital', 'school', 'station', 'residential', 'service_hall', 'construction_site', 'public_toilet']) {
      expect(codes).toContain(c);
    }
  });

  it('POINTS-CIVILIZED gives every point type its own 3–6 items worth 100 points', () => {
    const s = std('POINTS-CIVILIZED');
    expect(s.nodes.filter((n) => n.kind === 'section')).toHaveLength(BUILTIN_POINT_TYPES.length);
    for (const t of BUILTIN_POINT_TYPES) {
      const items = applicableItems(s.nodes, targetTokens({ kind: 'point', pointType: t.code }));
      expect(items.length, t.code).toBeGreaterThanOrEqual(3);
      expect(items.length, t.code).toBeLessThanOrEqual(6);
      expect(items.reduce((x, n) => x + (n.points ?? 0), 0), t.code).toBe(100);
    }
    expect(applicableItems(s.nodes, targetTokens({ kind: 'point', pointType: 'unknown_type' }))).toHaveLength(0);
  });
});
