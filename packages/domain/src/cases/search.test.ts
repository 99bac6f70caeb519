import { describe, expect, it } from 'vitest';
import { caseSearchQuery, quoteLexeme, SEARCH_RUN_MAX, searchLexemes, searchTerms, type SearchTerm } from './search.js';

/** Whether a field's stored lexemes satisfy every term (what `search_terms @@ query` decides). */
const satisfies = (lexemes: string[], terms: SearchTerm[]) =>
  terms.every((t) => (t.prefix ? lexemes.some((l) => l.startsWith(t.lexeme)) : lexemes.includes(t.lexeme)));

describe('case search lexemes', () => {
  it('stores the pairs of Chinese text, the runs of letters/digits from every position and the last character', () => {
    expect(searchLexemes('市场后门积水')).toEqual(['水', '场后', '市场', '后门', '积水', '门积'].sort());
    expect(searchLexemes('3号楼AB')).toEqual(['3', '3号', 'ab', 'b', '号楼', '楼a'].sort());
    expect(searchLexemes('202611230001')).toContain('202611230001');
    expect(searchLexemes('202611230001')).toContain('30001');
    expect(searchLexemes(null)).toEqual([]);
    expect(searchLexemes('')).toEqual([]);
  });

  it('cuts runs of letters/digits at SEARCH_RUN_MAX characters', () => {
    const long = 'x'.repeat(40);
    expect(Math.max(...searchLexemes(long).map((l) => l.length))).toBe(SEARCH_RUN_MAX);
  });

  it('counts characters by code point, as PostgreSQL does', () => {
    expect(searchLexemes('𠀀水')).toEqual(['水', '𠀀水'].sort());
  });
});

describe('case search query', () => {
  it('ANDs the pairs, runs as prefixes, and a single character as a prefix', () => {
    expect(caseSearchQuery('积水')).toBe("'积水'");
    expect(caseSearchQuery('农贸市场后门')).toBe("'农贸' & '贸市' & '市场' & '场后' & '后门'");
    expect(caseSearchQuery('A12号')).toBe("'2号' & 'a12':*");
    expect(caseSearchQuery('水')).toBe("'水':*");
    expect(caseSearchQuery('a')).toBe("'a':*");
    expect(caseSearchQuery('')).toBeNull();
  });

  it('quotes operators, quotes and backslashes as letters', () => {
    expect(quoteLexeme("it's")).toBe("'it''s'");
    expect(quoteLexeme('a\\b')).toBe("'a\\\\b'");
    expect(caseSearchQuery("'&|!:*")).toBe("'''&' & '&|' & '|!' & '!:' & ':*'");
    expect(searchTerms('%_')).toEqual([{ lexeme: '%_', prefix: false }]);
  });

  it('never misses: every substring of a text is satisfied by the text’s lexemes', () => {
    const alphabet = ['积', '水', '市', '场', 'a', 'B', '1', '2', ' ', "'", '\\', '&', ':', '*', '%', '𠀀', '-'];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let checked = 0;
    for (let n = 0; n < 300; n++) {
      const len = 1 + Math.floor(rand() * 30);
      const text = Array.from({ length: len }, () => alphabet[Math.floor(rand() * alphabet.length)]!).join('');
      const cs = Array.from(text);
      const lexemes = searchLexemes(text);
      for (let i = 0; i < cs.length; i++) {
        for (let j = i + 1; j <= cs.length; j++) {
          expect(satisfies(lexemes, searchTerms(cs.slice(i, j).join('').toLowerCase())), `${cs.slice(i, j).join('')} in ${text}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('narrows: a text with other pairs does not match', () => {
    expect(satisfies(searchLexemes('市场后门积水'), searchTerms('积水严重'))).toBe(false);
    expect(satisfies(searchLexemes('202611230001'), searchTerms('20261124'))).toBe(false);
  });
});
