import { sql, type Kysely } from 'kysely';

/**
 * The numbering function's plan no longer depends on what the statistics said when it was cached.
 *
 * PL/pgSQL caches a generic plan for each statement of a function after five calls, per session,
 * and keeps it until the table's statistics change. In a new city — or on a server with
 * autovacuum off, where they never change — case_document is "empty" when that happens, and every
 * path costs the same. On the PG 15 server the cached plan found each pending row again through
 * case_document_case_ix by tenant alone (reading all the city's documents per row); in a test
 * database it was two sequential scans. Either way a batch read every document the city had: the
 * numbering took 300 ms a batch after 15,000 intakes, and held up every intake waiting for its
 * 交办单 number (the intake bench on the server fell from ~460 to ~120 cases/s within a minute).
 *
 * Now (same lock, order, batch and answer as in migration 0014) the function takes the one plan
 * that is right at every size, whatever the statistics say:
 * - it reads and locks the pending rows first, in id order, through the partial index of
 *   unnumbered documents. Sequential scans, bitmap scans and sorts are off inside the function, so
 *   that index, which gives the rows in id order, is the only path left (the unique index on the
 *   number can find `seq is null` too, but needs a sort by id). A plain index scan also marks the
 *   entries of numbered rows dead as it passes them, which a bitmap scan never does, so it does not
 *   slow down as they pile up before a vacuum;
 * - it then numbers them with index scans off as well, so the update reaches each row by its tuple
 *   id (a TID scan). The rows are locked by this transaction since the first statement, so their
 *   tuple ids still point at their current versions; if the update did not reach every row, the
 *   function stops with an error and nothing is numbered (no gap in the series, whatever happens).
 *   The sorts the window functions need stay: there is no other way to number.
 * Before PostgreSQL 18 a disabled plan node is priced at 10^10, above the JIT thresholds, and those
 * sorts would have the statement compiled (370 ms on the PG 15 server): JIT is off inside too. The
 * SET clause restores every setting when the function returns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function cc_number_documents_list(batch_size integer) returns table (doc_id bigint, doc_number text)
    language plpgsql volatile
    set enable_seqscan = off
    set enable_bitmapscan = off
    set enable_sort = off
    set enable_indexscan = on
    set enable_indexonlyscan = on
    set jit = off
    as $fn$
    declare
      tids tid[];
      ids bigint[];
      tenants bigint[];
      kinds text[];
      years integer[];
      formats text[];
      numbered integer;
    begin
      perform pg_advisory_xact_lock(109278453329763); -- 0x63635f646f63, 'cc_doc', as in cc_number_documents
      select array_agg(w.tid order by w.id), array_agg(w.id order by w.id), array_agg(w.tenant_id order by w.id),
             array_agg(w.kind order by w.id), array_agg(w.year order by w.id), array_agg(w.number_format order by w.id)
        into tids, ids, tenants, kinds, years, formats
        from (select d.ctid as tid, d.id, d.tenant_id, d.kind, d.year, d.number_format from case_document d
               where d.seq is null order by d.id limit batch_size for update) w;
      if ids is null then
        return;
      end if;
      -- From here on case_document is reached by tuple id only (the SET clause restores these on exit).
      perform set_config('enable_indexscan', 'off', true), set_config('enable_indexonlyscan', 'off', true);
      return query
      with pending as (
        select x.tid, x.tenant_id, x.id, x.kind, x.year, x.number_format,
               row_number() over (partition by x.tenant_id, x.kind, x.year order by x.id) as rn,
               count(*) over (partition by x.tenant_id, x.kind, x.year) as n
          from unnest(tids, ids, tenants, kinds, years, formats) as x(tid, id, tenant_id, kind, year, number_format)
      ),
      taken as (
        insert into doc_sequence as s (tenant_id, kind, period, last)
        select distinct p.tenant_id, p.kind, p.year::text, p.n from pending p
        on conflict (tenant_id, kind, period) do update set last = s.last + excluded.last
        returning s.tenant_id, s.kind, s.period, s.last
      )
      update case_document d
         set seq = (t.last - p.n + p.rn)::integer,
             number_text = replace(p.number_format, '{seq}', (t.last - p.n + p.rn)::text)
        from pending p join taken t on t.tenant_id = p.tenant_id and t.kind = p.kind and t.period = p.year::text
       where d.ctid = p.tid
      returning d.id, d.number_text;
      get diagnostics numbered = row_count;
      if numbered <> cardinality(ids) then
        raise exception 'cc_number_documents_list: % of % documents numbered', numbered, cardinality(ids);
      end if;
    end
    $fn$;
  `.execute(db);
}
