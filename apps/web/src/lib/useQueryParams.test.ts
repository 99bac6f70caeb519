import { describe, expect, it } from 'vitest';
import { patchQuery } from './useQueryParams';

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
