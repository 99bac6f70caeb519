import { describe, expect, it } from 'vitest';
import { ROUTING_STEPS } from '../responsibility/assignments.js';
import { CATEGORY_SEEDS } from './categories.js';
import { DEADLINE_CLASSES } from './working-time.js';

describe('seeded case categories', () => {
  it('cover the national event classes and components with unique codes', () => {
    const codes = CATEGORY_SEEDS.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    const majors = new Set(CATEGORY_SEEDS.map((c) => c.majorName));
    for (const m of ['市容环境', '宣传广告', '施工管理', '突发事件', '街面秩序', '公用设施', '道路交通', '园林绿化']) expect(majors).toContain(m);
    for (const n of ['暴露垃圾', '非法小广告', '占道经营', '私搭乱建', '乱停乱放', '门前责任未落实', '五小行业不达标', '病媒生物孳生地', '公厕脏乱']) {
      expect(CATEGORY_SEEDS.map((c) => c.name)).toContain(n);
    }
  });

  it('give every subclass a valid deadline, routing and conditions', () => {
    for (const c of CATEGORY_SEEDS) {
      expect(DEADLINE_CLASSES, c.code).toContain(c.deadline.cls);
      expect(c.deadline.amount, c.code).toBeGreaterThan(0);
      for (const s of c.routing ?? []) expect(ROUTING_STEPS, c.code).toContain(s);
      expect(c.registration.length, c.code).toBeGreaterThan(3);
      expect(c.closing.length, c.code).toBeGreaterThan(1);
      expect(c.code.startsWith(c.majorCode), c.code).toBe(true);
    }
  });

  it('follow the standard’s examples', () => {
    const by = (name: string) => CATEGORY_SEEDS.find((c) => c.name === name)!.deadline;
    expect(by('暴露垃圾')).toEqual({ amount: 4, cls: 'working_hours' });
    expect(by('道路不洁')).toEqual({ amount: 2, cls: 'working_hours' });
    expect(by('井盖缺失破损')).toEqual({ amount: 2, cls: 'emergency_hours' });
    expect(by('私搭乱建')).toEqual({ amount: 20, cls: 'working_days' });
  });
});
