import { sql, type Kysely } from 'kysely';

/**
 * The numbering step answers with what it numbered (document id and number text), so an intake
 * that waited for its 交办单's number shows it without reading the case back (issue 6: every round
 * trip of an intake costs a system call on each side). Same lock, batch and order as
 * cc_number_documents (migration 0012), which stays for instances that still call it and now
 * counts what the new function numbered, so the database holds the numbering rule once. (The
 * body repeats 0012's: a migration is a record of what ran, not a module to import from.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function cc_number_documents_list(batch_size integer) returns table (doc_id bigint, doc_number text)
    language plpgsql volatile as $fn$
    begin
      perform pg_advisory_xact_lock(109278453329763); -- 0x63635f646f63, 'cc_doc', as in cc_number_documents
      return query
      with pending as (
        select w.tenant_id, w.id, w.kind, w.year, w.number_format,
               row_number() over (partition by w.tenant_id, w.kind, w.year order by w.id) as rn,
               count(*) over (partition by w.tenant_id, w.kind, w.year) as n
          from (select d.tenant_id, d.id, d.kind, d.year, d.number_format from case_document d
                 where d.seq is null order by d.id limit batch_size) w
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
       where d.tenant_id = p.tenant_id and d.id = p.id
      returning d.id, d.number_text;
    end
    $fn$;
    create or replace function cc_number_documents(batch_size integer) returns integer
      language sql volatile as $fn$ select count(*)::integer from cc_number_documents_list(batch_size) $fn$;
  `.execute(db);
}
