/**
 * The case ledger's text search index (issue 6): a substring search (`number`, `description`,
 * `address` contain the text) without database extensions, by the classic CJK bigram method.
 *
 * Stored side (one lexeme list per field, written verbatim into a tsvector; no text-search parser,
 * so no locale decides what a "word" is):
 *   - the text is normalised: ASCII letters lower-cased, nothing else changed; split by code points;
 *   - every pair of neighbouring characters unless both are ASCII letters/digits ("积水", "3号", "a-");
 *   - at every position inside a run of ASCII letters/digits, the rest of the run, at most
 *     SEARCH_RUN_MAX characters ("20261123", "0261123", … "3"), so a run's substring is a prefix;
 *   - the field's last character alone.
 * The database computes this list itself (SQL function `case_search_lexemes` in migration
 * 20261123T0011_case_search, a stored generated column), so every writer keeps it right;
 * `searchLexemes` below is the same rule in TypeScript, and a server test checks they agree.
 *
 * Query side (`caseSearchQuery`): the AND of terms every matching field must contain — each pair of
 * neighbouring characters not both letters/digits (exact), each run of 2+ letters/digits as a prefix
 * (its first SEARCH_RUN_MAX characters), and for a one-character text that character as a prefix
 * (it starts a stored pair or is a field's last character). Terms over-match (the pairs may sit in
 * different places); the caller re-checks the candidates with the original LIKE, so the results are
 * exactly those of the LIKE.
 */

/** Longest stored piece of a letter/digit run (a case number has 12). */
export const SEARCH_RUN_MAX = 16;

const isWord = (c: string) => c.length === 1 && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));

/** ASCII letters lower-cased, split into code points (as PostgreSQL's substr counts characters). */
export function searchChars(text: string): string[] {
  return Array.from(text.replace(/[A-Z]/g, (c) => c.toLowerCase()));
}

/** The lexemes stored for one field (sorted, unique): the reference for the SQL function. */
export function searchLexemes(text: string | null | undefined): string[] {
  const cs = searchChars(text ?? '');
  const out = new Set<string>();
  cs.forEach((c, i) => {
    if (isWord(c)) {
      let run = '';
      for (let j = i; j < cs.length && j < i + SEARCH_RUN_MAX && isWord(cs[j]!); j++) run += cs[j]!;
      out.add(run);
    }
    if (i + 1 < cs.length && !(isWord(c) && isWord(cs[i + 1]!))) out.add(c + cs[i + 1]!);
    if (i === cs.length - 1) out.add(c);
  });
  return [...out].sort();
}

export interface SearchTerm { lexeme: string; prefix: boolean }

/** The terms a field containing `text` must have (deduplicated, in order of appearance). */
export function searchTerms(text: string): SearchTerm[] {
  const cs = searchChars(text);
  if (cs.length === 0) return [];
  if (cs.length === 1) return [{ lexeme: cs[0]!, prefix: true }];
  const terms = new Map<string, SearchTerm>();
  const add = (lexeme: string, prefix: boolean) => {
    const k = `${prefix ? 'p' : 'e'}${lexeme}`;
    if (!terms.has(k)) terms.set(k, { lexeme, prefix });
  };
  let run = '';
  const endRun = () => {
    // A one-letter run touches a non-letter, so the pair with it is already a term.
    if (run.length >= 2) add(run.slice(0, SEARCH_RUN_MAX), true);
    run = '';
  };
  cs.forEach((c, i) => {
    if (isWord(c)) run += c;
    else endRun();
    if (i + 1 < cs.length && !(isWord(c) && isWord(cs[i + 1]!))) add(c + cs[i + 1]!, false);
  });
  endRun();
  return [...terms.values()];
}

/** A lexeme quoted for PostgreSQL's tsquery/tsvector input: in single quotes, `'` doubled, `\` escaped. */
export function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The tsquery text (to be cast with `::tsquery`, passed as a bound parameter — never spliced into
 * SQL) that every case whose number, description or address contains `text` matches; null for an
 * empty text. Every lexeme is quoted, so `&`, `|`, `!`, `:*`, `'` and `\` in the text are letters.
 */
export function caseSearchQuery(text: string): string | null {
  const terms = searchTerms(text);
  if (!terms.length) return null;
  return terms.map((t) => `${quoteLexeme(t.lexeme)}${t.prefix ? ':*' : ''}`).join(' & ');
}
