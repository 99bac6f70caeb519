import { sql, type Kysely } from 'kysely';

/**
 * The ledger's text search without extensions (issue 6): `search_terms` holds the lexemes of
 * number, description and address by the rule of packages/domain `cases/search.ts` (pairs of
 * neighbouring characters, runs of ASCII letters/digits from each position, each field's last
 * character), written verbatim with array_to_tsvector (no text-search parser, so no locale or
 * configuration decides what a word is), and a GIN index on it. The ledger ANDs the query's terms
 * (`caseSearchQuery`) against the index and re-checks the few candidates with the old LIKE.
 *
 * A stored generated column, so every writer keeps it right without knowing it: intake, the demo
 * loader, the bench generator (which loads with triggers off) and a restore (backups leave generated
 * columns out, and the column is computed again on load). `case_search_lexemes` must stay the same
 * rule as the domain's `searchLexemes`; a server test compares them.
 *
 * Adding the column rewrites case_record once under an exclusive lock (with the function run per
 * row) and rebuilds its indexes; then the GIN index is built. The function (plpgsql, integer
 * comparisons) computes ~5,500 rows/s of three fields on one core, so ~3 min per million cases; a
 * first SQL version with a regular expression per character took ten times longer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function case_search_lexemes(t text) returns text[]
      language plpgsql immutable parallel safe
    as $fn$
    declare
      s text := translate(t, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz');
      n int := coalesce(char_length(s), 0);
      lexemes text[] := '{}';
      c int[];
      i int;
      j int;
    begin
      if n = 0 then return lexemes; end if;
      -- The code points once, then integer comparisons only (48–57 digits, 97–122 letters):
      -- ten times faster than a regular expression per character.
      select array_agg(ascii(ch) order by k) into c from unnest(regexp_split_to_array(s, '')) with ordinality u(ch, k);
      for i in 1..n loop
        if c[i] between 48 and 57 or c[i] between 97 and 122 then
          j := i;
          while j < n and j - i < 15 and (c[j + 1] between 48 and 57 or c[j + 1] between 97 and 122) loop
            j := j + 1;
          end loop;
          lexemes := lexemes || substr(s, i, j - i + 1);
        end if;
        if i < n then
          if not ((c[i] between 48 and 57 or c[i] between 97 and 122) and (c[i + 1] between 48 and 57 or c[i + 1] between 97 and 122)) then
            lexemes := lexemes || substr(s, i, 2);
          end if;
        else
          lexemes := lexemes || substr(s, i, 1);
        end if;
      end loop;
      return array(select distinct x from unnest(lexemes) x);
    end
    $fn$;
    alter table case_record add column search_terms tsvector generated always as
      (array_to_tsvector(case_search_lexemes(number) || case_search_lexemes(description) || case_search_lexemes(address))) stored;
    create index case_record_search_ix on case_record using gin (search_terms);
    analyze case_record;
  `.execute(db);
}
