import { sql, type Kysely } from 'kysely';

/**
 * Re-check plans (回头看计划): an inspection plan kind that samples closed cases each window instead
 * of scoring targets, so it has no standard edition. Its samples are `case_recheck` rows that
 * name the plan and the window; the city-wide settings sample keeps `plan_id` null.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table inspection_plan alter column edition_id drop not null;
    alter table inspection_plan add column recheck jsonb;
    alter table inspection_plan drop constraint inspection_plan_kind_ck;
    alter table inspection_plan add constraint inspection_plan_kind_ck
      check (kind in ('routine', 'inside_gate', 'zone_daily', 'simulated', 'recheck'));
    alter table inspection_plan add constraint inspection_plan_edition_ck check ((kind = 'recheck') = (edition_id is null));
    alter table inspection_plan add constraint inspection_plan_recheck_ck check ((kind = 'recheck') = (recheck is not null));

    alter table case_recheck add column plan_id bigint;
    alter table case_recheck add column window_key text;
    alter table case_recheck add constraint case_recheck_plan_fk foreign key (tenant_id, plan_id) references inspection_plan (tenant_id, id);
    alter table case_recheck add constraint case_recheck_window_ck check ((plan_id is null) = (window_key is null));
    create index case_recheck_plan_ix on case_recheck (tenant_id, plan_id, window_key) where plan_id is not null;
  `.execute(db);
}
