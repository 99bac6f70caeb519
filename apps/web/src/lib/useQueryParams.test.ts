import { describe, expect, it } from 'vitest';
import { isoDate, oneOf, pageOf, patchQuery, positiveInt } from './useQueryParams';

describe('patchQuery', () => {
  const from = (s: string) => new URLSearchParams(s);

  it('sets values, removes empty ones and keeps the rest', () => {
    expect(patchQuery(from('q=路&kind=shop&pageSize=50'), { q: '人民路', kind: null, regionId: 7, unitId: undefined, state: '' }).toString())
      .toBe(new URLSearchParams({ q: '人民路', pageSize: '50', regionId: '7' }).toString());
  });

  it('goes back to the first page when a filter changes, not when the page itself does', () => {
    expect(patchQuery(from('q=a&page=3'), { q: 'b' }).get('page')).toBeNull();
    expect(patchQuery(from('q=a&page=3'), { page: 4, pageSize: 50 }).toString()).toBe('q=a&page=4&pageSize=50');
    expect(patchQuery(from('q=a&page=3'), { q: 'b' }, false).get('page')).toBe('3');
  });

  it('leaves the given parameters untouched', () => {
    const params = from('q=a&page=2');
    patchQuery(params, { q: 'b' });
    expect(params.toString()).toBe('q=a&page=2');
  });
});

describe('readers of URL parameters', () => {
  it('reads positive whole numbers only', () => {
    expect([positiveInt('20'), positiveInt('1')]).toEqual([20, 1]);
    expect([positiveInt(null), positiveInt(''), positiveInt('0'), positiveInt('-5'), positiveInt('1.5'), positiveInt('abc'), positiveInt('1e3'), positiveInt('01')])
      .toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads days that exist', () => {
    expect([isoDate('2026-11-24'), isoDate('2024-02-29')]).toEqual(['2026-11-24', '2024-02-29']);
    expect([isoDate('2026-13-45'), isoDate('2026-02-29'), isoDate('2026-1-5'), isoDate(null)]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads one of the allowed values', () => {
    expect(oneOf('shop', ['shop', 'community'] as const)).toBe('shop');
    expect([oneOf('nonsense', ['shop'] as const), oneOf(null, ['shop'] as const)]).toEqual([undefined, undefined]);
  });

  it('reads the page and a page size the server accepts, else the first page of 20', () => {
    const q = (s: string) => pageOf(new URLSearchParams(s));
    expect(q('page=3&pageSize=50')).toEqual({ page: 3, pageSize: 50 });
    expect(q('pageSize=500')).toEqual({ page: 1, pageSize: 500 });
    expect([q(''), q('page=0&pageSize=501'), q('page=x&pageSize=-1')]).toEqual([1, 2, 3].map(() => ({ page: 1, pageSize: 20 })));
  });
});
