import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, formatMessage, pickLocale } from './messages.js';

describe('error messages', () => {
  it('picks the language from Accept-Language, Chinese by default', () => {
    expect(pickLocale(undefined)).toBe('zh-CN');
    expect(pickLocale('en-US,en;q=0.9')).toBe('en');
    expect(pickLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pickLocale('fr-FR, en;q=0.5')).toBe('en');
    expect(pickLocale('fr-FR')).toBe('zh-CN');
  });

  it('fills parameters and entity names in both languages', () => {
    expect(formatMessage('NOT_FOUND', 'zh-CN', { entity: 'unit' })).toBe('未找到单位');
    expect(formatMessage('NOT_FOUND', 'en', { entity: 'unit' })).toBe('Unit not found');
    expect(formatMessage('ACCOUNT_LOCKED', 'en', { until: '2026-03-12 09:15' })).toContain('2026-03-12 09:15');
  });

  it('has both languages for every code, with the same placeholders', () => {
    for (const [code, m] of Object.entries(ERROR_MESSAGES)) {
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
      expect(m['zh-CN'].length, code).toBeGreaterThan(0);
      expect(ph(m['zh-CN']), code).toBe(ph(m.en));
    }
  });
});
