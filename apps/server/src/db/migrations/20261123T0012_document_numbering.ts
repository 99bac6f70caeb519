import { sql, type Kysely } from 'kysely';

/**
 * 交办单 and 督办函 are numbered just after the transaction that creates them commits, many at a
 * time, instead of inside it (ADR 0007): the row is written with its number format and no number,
 * and the numbering step gives every waiting row the year's next gapless number in id order.
 * Under load the year's sequence row is then locked once per batch, not for every intake's commit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table case_document add column number_format text;
    alter table case_document alter column seq drop not null;
    alter table case_document alter column number_text drop not null;
    alter table case_document add constraint case_document_number_ck check (
      (seq is null) = (number_text is null) and (seq is not null or number_format is not null));
    create index case_document_unnumbered_ix on case_document (id) where seq is null;

    -- Numbers up to batch_size committed unnumbered documents; returns how many. VOLATILE plpgsql:
    -- each statement takes a new snapshot, so the rows are read after the advisory lock is held
    -- and a batch always sees what the previous one (of any instance) numbered.
    create function cc_number_documents(batch_size integer) returns integer
    language plpgsql volatile as $fn$
    declare
      numbered integer;
    begin
      perform pg_advisory_xact_lock(109278453329763); -- 0x63635f646f63, 'cc_doc'
      with pending as (
        select tenant_id, id, kind, year, number_format,
               row_number() over (partition by tenant_id, kind, year order by id) as rn,
               count(*) over (partition by tenant_id, kind, year) as n
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
       where d.tenant_id = p.tenant_id and d.id = p.id;
      get diagnostics numbered = row_count;
      return numbered;
    end
    $fn$;
  `.execute(db);
}
