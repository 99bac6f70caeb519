import { sql, type Kysely } from 'kysely';

/**
 * The responsibility map (issue 3): geometry for regions, road segments, zones and unit locations;
 * people; responsibility assignments with validity periods; frontage contracts with their checks;
 * stored files; routing rules. Geometry is GeoJSON in WGS-84 (jsonb) with a bounding box in
 * columns: neither engine here has PostGIS, and the routing index lives in memory.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists btree_gist;

    alter table tenant
      add column settings jsonb not null default '{}',
      -- bumped with every write that moves geometry, so each app instance knows to rebuild its index
      add column geo_version bigint not null default 0;

    alter table region
      add column geometry jsonb,
      add column min_lng double precision, add column min_lat double precision,
      add column max_lng double precision, add column max_lat double precision;

    create table stored_file (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      sha256 text not null,
      original_name text not null,
      mime text not null,
      size_bytes bigint not null,
      created_by bigint,
      created_at timestamptz not null default now(),
      constraint stored_file_pk primary key (tenant_id, id)
    );
    create index stored_file_sha_ix on stored_file (tenant_id, sha256);

    create table person (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      name text not null,
      unit_id bigint not null,
      position text,
      phone text,
      note text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint person_pk primary key (tenant_id, id),
      constraint person_unit_fk foreign key (tenant_id, unit_id) references unit (tenant_id, id)
    );
    create index person_unit_ix on person (tenant_id, unit_id);

    alter table unit
      add column lng double precision,
      add column lat double precision,
      add column first_responsible_person_id bigint,
      add column trade text,
      add constraint unit_first_person_fk foreign key (tenant_id, first_responsible_person_id) references person (tenant_id, id),
      add constraint unit_location_ck check ((lng is null) = (lat is null) and (lng is null or (lng between -180 and 180 and lat between -90 and 90))),
      add constraint unit_trade_ck check (trade is null or trade in ('restaurant', 'hair_salon', 'bathhouse', 'hotel', 'internet_cafe', 'karaoke', 'retail', 'other'));
    create index unit_first_person_ix on unit (tenant_id, first_responsible_person_id);

    alter table app_user
      add column person_id bigint,
      add constraint app_user_person_fk foreign key (tenant_id, person_id) references person (tenant_id, id);
    create unique index app_user_person_uq on app_user (tenant_id, person_id) where person_id is not null;

    create table road_segment (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      code text not null,
      name text not null,
      from_desc text,
      to_desc text,
      region_id bigint,
      geometry jsonb not null,
      length_m double precision not null,
      min_lng double precision not null, min_lat double precision not null,
      max_lng double precision not null, max_lat double precision not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint road_segment_pk primary key (tenant_id, id),
      constraint road_segment_code_uq unique (tenant_id, code),
      constraint road_segment_region_fk foreign key (tenant_id, region_id) references region (tenant_id, id)
    );
    create index road_segment_region_ix on road_segment (tenant_id, region_id);

    create table responsibility_zone (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      code text not null,
      name text not null,
      region_id bigint,
      geometry jsonb not null,
      min_lng double precision not null, min_lat double precision not null,
      max_lng double precision not null, max_lat double precision not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint responsibility_zone_pk primary key (tenant_id, id),
      constraint responsibility_zone_code_uq unique (tenant_id, code),
      constraint responsibility_zone_region_fk foreign key (tenant_id, region_id) references region (tenant_id, id)
    );
    create index responsibility_zone_region_ix on responsibility_zone (tenant_id, region_id);

    create table responsibility_assignment (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      kind text not null,
      target_type text not null,
      target_id bigint not null,
      responsible_unit_id bigint,
      responsible_person_id bigint,
      -- inclusive dates; valid_to null = open-ended
      valid_from date not null,
      valid_to date,
      exclusive boolean not null,
      note text,
      replaces_id bigint,
      created_by bigint,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint responsibility_assignment_pk primary key (tenant_id, id),
      constraint ra_kind_ck check (kind in ('community_cover', 'segment_cover', 'pairing', 'zone', 'frontage')),
      constraint ra_target_type_ck check (target_type in ('region', 'road_segment', 'zone', 'unit')),
      constraint ra_party_ck check (responsible_unit_id is not null or responsible_person_id is not null),
      constraint ra_period_ck check (valid_to is null or valid_to >= valid_from),
      constraint ra_unit_fk foreign key (tenant_id, responsible_unit_id) references unit (tenant_id, id),
      constraint ra_person_fk foreign key (tenant_id, responsible_person_id) references person (tenant_id, id),
      constraint ra_replaces_fk foreign key (tenant_id, replaces_id) references responsibility_assignment (tenant_id, id),
      -- one responsible party per target at any date, for the kinds that say so
      constraint ra_exclusive_ex exclude using gist (
        tenant_id with =, kind with =, target_id with =,
        daterange(valid_from, valid_to, '[]') with &&) where (exclusive),
      -- the same party never twice on the same target for overlapping periods
      constraint ra_same_party_ex exclude using gist (
        tenant_id with =, kind with =, target_id with =,
        (coalesce(responsible_unit_id, 0)) with =, (coalesce(responsible_person_id, 0)) with =,
        daterange(valid_from, valid_to, '[]') with &&)
    );
    create index ra_target_ix on responsibility_assignment (tenant_id, target_type, target_id);
    create index ra_unit_ix on responsibility_assignment (tenant_id, responsible_unit_id);
    create index ra_person_ix on responsibility_assignment (tenant_id, responsible_person_id);
    create index ra_kind_ix on responsibility_assignment (tenant_id, kind, valid_from);

    create table frontage_contract (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      assignment_id bigint not null,
      shop_unit_id bigint not null,
      duties text[] not null,
      signed_on date not null,
      signer_name text not null,
      responsible_name text,
      responsible_phone text,
      plate_posted boolean not null default false,
      contract_file_id bigint,
      expires_on date,
      renewed_from_id bigint,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint frontage_contract_pk primary key (tenant_id, id),
      constraint frontage_contract_assignment_uq unique (tenant_id, assignment_id),
      constraint fc_assignment_fk foreign key (tenant_id, assignment_id) references responsibility_assignment (tenant_id, id),
      constraint fc_shop_fk foreign key (tenant_id, shop_unit_id) references unit (tenant_id, id),
      constraint fc_file_fk foreign key (tenant_id, contract_file_id) references stored_file (tenant_id, id),
      constraint fc_renewed_fk foreign key (tenant_id, renewed_from_id) references frontage_contract (tenant_id, id),
      constraint fc_duties_ck check (cardinality(duties) between 1 and 10)
    );
    create index frontage_contract_shop_ix on frontage_contract (tenant_id, shop_unit_id);
    create index frontage_contract_expiry_ix on frontage_contract (tenant_id, expires_on);

    create table frontage_check (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      contract_id bigint not null,
      checked_on date not null,
      passed boolean not null,
      failed_duties text[] not null default '{}',
      note text,
      penalty_yuan numeric(12, 2),
      source text not null default 'manual',
      source_id bigint,
      recorded_by bigint,
      created_at timestamptz not null default now(),
      constraint frontage_check_pk primary key (tenant_id, id),
      constraint frontage_check_contract_fk foreign key (tenant_id, contract_id) references frontage_contract (tenant_id, id),
      constraint frontage_check_source_ck check (source in ('manual', 'inspection', 'case'))
    );
    create index frontage_check_contract_ix on frontage_check (tenant_id, contract_id);

    -- Which assignment answers first for a case category; category '*' is the city's default.
    create table routing_rule (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      category_code text not null,
      steps text[] not null,
      constraint routing_rule_pk primary key (tenant_id, id),
      constraint routing_rule_category_uq unique (tenant_id, category_code)
    );
  `.execute(db);
}
