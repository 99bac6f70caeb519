import { describe, expect, it } from 'vitest';
import { checkPassword, passwordClasses } from './password-policy.js';

describe('password policy: ≥ 8 characters with three of four classes', () => {
  it.each([
    ['Demo@2026', null],
    ['abcdEF12', null],
    ['abcd12!!', null],
    ['ABCD12!!', null],
    ['短密码Aa1!x', null], // 8 characters, Chinese counts as a symbol class
    ['Ab1!', 'TOO_SHORT'],
    ['abcdefgh', 'TOO_FEW_CLASSES'],
    ['abcd1234', 'TOO_FEW_CLASSES'],
    ['ABCDEFGH1', 'TOO_FEW_CLASSES'],
    ['A'.repeat(60) + 'a1!'.repeat(30), 'TOO_LONG'],
  ] as const)('%s → %s', (pw, expected) => {
    expect(checkPassword(pw)).toBe(expected);
  });

  it('counts character classes', () => {
    expect(passwordClasses('aA1!')).toBe(4);
    expect(passwordClasses('aaaa')).toBe(1);
    expect(passwordClasses('')).toBe(0);
  });
});
