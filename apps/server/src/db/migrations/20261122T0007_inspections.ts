import { sql, type Kysely } from 'kysely';
import { BUILTIN_POINT_TYPES, BUILTIN_STANDARDS } from '@cc/domain';

/**
 * Standards and inspections (issue 5). A standard's editions are trees of nodes; a published
 * edition is never edited (plans and sheets are pinned to it). Assessment points are places with a
 * type and a responsible unit. Plans say who inspects what and how often; a sheet (inspection) is
 * one target scored once, synced from the phone under its client key, so a retried upload never
 * makes a second sheet. Every state change of an edition or a sheet writes an event row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table standard (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      code text not null,
      name text not null,
      kind text not null,
      description text,
      builtin boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint standard_pk primary key (tenant_id, id),
      constraint standard_code_uq unique (tenant_id, code),
      constraint standard_kind_ck check (kind in ('sanitary', 'civilized', 'local', 'inside_gate', 'zone_daily', 'point_checklist'))
    );

    create table standard_edition (
      tenant_id bigint not null,
      id bigint generated always as identity,
      standard_id bigint not null,
      label text not null,
      state text not null default 'draft',
      max_score numeric(8, 2),
      note text,
      based_on_id bigint,
      published_at timestamptz,
      published_by bigint,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint standard_edition_pk primary key (tenant_id, id),
      constraint standard_edition_standard_fk foreign key (tenant_id, standard_id) references standard (tenant_id, id),
      constraint standard_edition_based_fk foreign key (tenant_id, based_on_id) references standard_edition (tenant_id, id),
      constraint standard_edition_label_uq unique (tenant_id, standard_id, label),
      constraint standard_edition_state_ck check (state in ('draft', 'published', 'retired'))
    );

    create table standard_node (
      tenant_id bigint not null,
      id bigint generated always as identity,
      edition_id bigint not null,
      parent_id bigint,
      position integer not null,
      kind text not null,
      code text not null,
      title text not null,
      description text,
      points numeric(8, 2),
      method text,
      floor numeric(8, 2),
      na_allowed boolean not null default false,
      applies_to text[] not null default '{}',
      veto boolean not null default false,
      evidence_required boolean not null default false,
      category_code text,
      unverified boolean not null default false,
      constraint standard_node_pk primary key (tenant_id, id),
      constraint standard_node_edition_fk foreign key (tenant_id, edition_id) references standard_edition (tenant_id, id) on delete cascade,
      constraint standard_node_parent_fk foreign key (tenant_id, parent_id) references standard_node (tenant_id, id) on delete cascade,
      constraint standard_node_code_uq unique (tenant_id, edition_id, code),
      constraint standard_node_kind_ck check (kind in ('section', 'item', 'criterion')),
      constraint standard_node_method_ck check (method is null or method in ('deduct', 'pass_fail', 'rate', 'scale'))
    );
    create index standard_node_edition_ix on standard_node (tenant_id, edition_id, position);

    create table standard_edition_event (
      tenant_id bigint not null,
      id bigint generated always as identity,
      edition_id bigint not null,
      event text not null,
      from_state text,
      to_state text not null,
      actor_user_id bigint,
      note text,
      at timestamptz not null default now(),
      constraint standard_edition_event_pk primary key (tenant_id, id),
      constraint standard_edition_event_edition_fk foreign key (tenant_id, edition_id) references standard_edition (tenant_id, id) on delete cascade
    );

    create table assessment_point_type (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      code text not null,
      name text not null,
      name_en text not null,
      sort integer not null default 0,
      active boolean not null default true,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint assessment_point_type_pk primary key (tenant_id, id),
      constraint assessment_point_type_code_uq unique (tenant_id, code)
    );

    create table assessment_point (
      tenant_id bigint not null,
      id bigint generated always as identity,
      code text not null,
      name text not null,
      type_id bigint not null,
      address text,
      lat double precision not null,
      lng double precision not null,
      responsible_unit_id bigint,
      chief_person_id bigint,
      region_id bigint,
      active boolean not null default true,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint assessment_point_pk primary key (tenant_id, id),
      constraint assessment_point_code_uq unique (tenant_id, code),
      constraint assessment_point_type_fk foreign key (tenant_id, type_id) references assessment_point_type (tenant_id, id),
      constraint assessment_point_unit_fk foreign key (tenant_id, responsible_unit_id) references unit (tenant_id, id),
      constraint assessment_point_chief_fk foreign key (tenant_id, chief_person_id) references person (tenant_id, id),
      constraint assessment_point_region_fk foreign key (tenant_id, region_id) references region (tenant_id, id)
    );
    create index assessment_point_type_ix on assessment_point (tenant_id, type_id);

    create table inspection_plan (
      tenant_id bigint not null,
      id bigint generated always as identity,
      name text not null,
      kind text not null,
      edition_id bigint not null,
      mode text not null,
      recurrence jsonb not null,
      targets jsonb not null,
      owner_unit_id bigint not null,
      team_user_ids bigint[] not null default '{}',
      starts_on date not null,
      ends_on date,
      reopen_hours integer not null default 48,
      active boolean not null default true,
      created_by bigint,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint inspection_plan_pk primary key (tenant_id, id),
      constraint inspection_plan_edition_fk foreign key (tenant_id, edition_id) references standard_edition (tenant_id, id),
      constraint inspection_plan_owner_fk foreign key (tenant_id, owner_unit_id) references unit (tenant_id, id),
      constraint inspection_plan_kind_ck check (kind in ('routine', 'inside_gate', 'zone_daily', 'simulated')),
      constraint inspection_plan_mode_ck check (mode in ('announced', 'unannounced')),
      constraint inspection_plan_dates_ck check (ends_on is null or ends_on >= starts_on)
    );

    create table inspection (
      tenant_id bigint not null,
      id bigint generated always as identity,
      number text not null,
      client_key text not null,
      plan_id bigint not null,
      edition_id bigint not null,
      target_kind text not null,
      target_id bigint not null,
      target_name text not null,
      target_subtype text,
      target_unit_id bigint,
      target_unit_path text,
      target_region_path text,
      inspector_id bigint not null,
      inspected_on date not null,
      state text not null default 'draft',
      score numeric(10, 2),
      max_score numeric(10, 2),
      rate numeric(6, 4),
      vetoed boolean not null default false,
      finding_count integer not null default 0,
      flags jsonb not null default '[]',
      lat double precision,
      lng double precision,
      note text,
      started_at timestamptz,
      submitted_at timestamptz,
      published_at timestamptz,
      content_hash text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint inspection_pk primary key (tenant_id, id),
      constraint inspection_number_uq unique (tenant_id, number),
      constraint inspection_client_key_uq unique (tenant_id, client_key),
      constraint inspection_plan_fk foreign key (tenant_id, plan_id) references inspection_plan (tenant_id, id),
      constraint inspection_edition_fk foreign key (tenant_id, edition_id) references standard_edition (tenant_id, id),
      constraint inspection_inspector_fk foreign key (tenant_id, inspector_id) references app_user (tenant_id, id),
      constraint inspection_unit_fk foreign key (tenant_id, target_unit_id) references unit (tenant_id, id),
      constraint inspection_state_ck check (state in ('draft', 'submitted', 'reopened')),
      constraint inspection_target_kind_ck check (target_kind in ('unit', 'zone', 'point'))
    );
    create index inspection_plan_day_ix on inspection (tenant_id, plan_id, inspected_on);
    create index inspection_target_ix on inspection (tenant_id, target_kind, target_id, inspected_on);
    create index inspection_unit_path_ix on inspection (tenant_id, target_unit_path text_pattern_ops);

    create table inspection_item (
      tenant_id bigint not null,
      inspection_id bigint not null,
      node_id bigint not null,
      na boolean not null default false,
      score numeric(8, 2),
      observed integer,
      passed integer,
      deducted numeric(8, 2) not null default 0,
      note text,
      constraint inspection_item_pk primary key (tenant_id, inspection_id, node_id),
      constraint inspection_item_inspection_fk foreign key (tenant_id, inspection_id) references inspection (tenant_id, id) on delete cascade,
      constraint inspection_item_node_fk foreign key (tenant_id, node_id) references standard_node (tenant_id, id)
    );

    create table inspection_finding (
      tenant_id bigint not null,
      id bigint generated always as identity,
      inspection_id bigint not null,
      client_key text not null,
      item_node_id bigint not null,
      criterion_node_id bigint,
      points numeric(8, 2) not null,
      note text not null,
      lat double precision,
      lng double precision,
      case_id bigint,
      created_at timestamptz not null default now(),
      constraint inspection_finding_pk primary key (tenant_id, id),
      constraint inspection_finding_key_uq unique (tenant_id, inspection_id, client_key),
      constraint inspection_finding_inspection_fk foreign key (tenant_id, inspection_id) references inspection (tenant_id, id) on delete cascade,
      constraint inspection_finding_item_fk foreign key (tenant_id, item_node_id) references standard_node (tenant_id, id),
      constraint inspection_finding_criterion_fk foreign key (tenant_id, criterion_node_id) references standard_node (tenant_id, id),
      constraint inspection_finding_case_fk foreign key (tenant_id, case_id) references case_record (tenant_id, id)
    );
    create index inspection_finding_case_ix on inspection_finding (tenant_id, case_id);

    create table inspection_photo (
      tenant_id bigint not null,
      id bigint generated always as identity,
      inspection_id bigint not null,
      finding_id bigint not null,
      file_id bigint not null,
      taken_at timestamptz,
      lat double precision,
      lng double precision,
      constraint inspection_photo_pk primary key (tenant_id, id),
      constraint inspection_photo_finding_fk foreign key (tenant_id, finding_id) references inspection_finding (tenant_id, id) on delete cascade,
      constraint inspection_photo_inspection_fk foreign key (tenant_id, inspection_id) references inspection (tenant_id, id) on delete cascade,
      constraint inspection_photo_file_fk foreign key (tenant_id, file_id) references stored_file (tenant_id, id)
    );
    create index inspection_photo_inspection_ix on inspection_photo (tenant_id, inspection_id);

    create table inspection_event (
      tenant_id bigint not null,
      id bigint generated always as identity,
      inspection_id bigint not null,
      event text not null,
      from_state text,
      to_state text not null,
      actor_user_id bigint,
      actor_label text not null,
      note text,
      at timestamptz not null default now(),
      constraint inspection_event_pk primary key (tenant_id, id),
      constraint inspection_event_inspection_fk foreign key (tenant_id, inspection_id) references inspection (tenant_id, id) on delete cascade
    );
    create index inspection_event_inspection_ix on inspection_event (tenant_id, inspection_id, id);

    -- Photo uploads from phones carry a client key: a retried upload returns the first file.
    create table upload_key (
      tenant_id bigint not null,
      client_key text not null,
      file_id bigint not null,
      user_id bigint not null,
      created_at timestamptz not null default now(),
      constraint upload_key_pk primary key (tenant_id, client_key),
      constraint upload_key_file_fk foreign key (tenant_id, file_id) references stored_file (tenant_id, id)
    );
  `.execute(db);

  const tenants = await sql<{ id: number }>`select id from tenant`.execute(db);
  for (const t of tenants.rows) await seedStandards(db, Number(t.id));

  const grants: Record<string, string[]> = {
    system_admin: ['inspection.read', 'inspection.perform', 'inspection.plan', 'standard.manage'],
    campaign_office: ['inspection.read', 'inspection.perform', 'inspection.plan', 'standard.manage'],
    leader: ['inspection.read'],
    inspector: ['inspection.read', 'inspection.perform'],
    unit_staff: ['inspection.read', 'inspection.perform'],
    grid_worker: ['inspection.read'],
  };
  for (const [code, perms] of Object.entries(grants)) {
    await sql`update role set permissions = array(select distinct unnest(permissions || ${perms}::text[]) order by 1)
               where builtin and code = ${code}`.execute(db);
  }
}

/** Every city gets the built-in standards (published) and point types; the office edits copies. */
export async function seedStandards(db: Kysely<unknown>, tenantId: number): Promise<void> {
  for (const [i, p] of BUILTIN_POINT_TYPES.entries()) {
    await sql`insert into assessment_point_type (tenant_id, code, name, name_en, sort) values (${tenantId}, ${p.code}, ${p.name}, ${p.nameEn}, ${i + 1})
              on conflict (tenant_id, code) do nothing`.execute(db);
  }
  for (const s of BUILTIN_STANDARDS) {
    const found = await sql<{ id: number }>`select id from standard where tenant_id = ${tenantId} and code = ${s.code}`.execute(db);
    if (found.rows.length) continue;
    const std = await sql<{ id: number }>`insert into standard (tenant_id, code, name, kind, description, builtin)
      values (${tenantId}, ${s.code}, ${s.name}, ${s.kind}, ${s.description}, true) returning id`.execute(db);
    const ed = await sql<{ id: number }>`insert into standard_edition (tenant_id, standard_id, label, state, max_score, note, published_at)
      values (${tenantId}, ${std.rows[0]!.id}, ${s.label}, 'published', ${s.maxScore}, ${s.note}, now()) returning id`.execute(db);
    const editionId = Number(ed.rows[0]!.id);
    // Two statements per edition: the nodes, then their parents (tests create many cities).
    const rows = s.nodes.map((n, pos) => sql`(${tenantId}, ${editionId}, ${pos + 1}, ${n.kind}, ${n.code}, ${n.title}, ${n.description ?? null}, ${n.points}::numeric,
      ${n.method ?? null}, ${n.floor ?? null}::numeric, ${n.naAllowed ?? false}, ${n.appliesTo ?? []}::text[], ${n.veto ?? false}, ${n.evidenceRequired ?? false},
      ${n.categoryCode ?? null}, ${n.unverified ?? false})`);
    await sql`insert into standard_node (tenant_id, edition_id, position, kind, code, title, description, points, method, floor, na_allowed, applies_to, veto,
        evidence_required, category_code, unverified) values ${sql.join(rows)}`.execute(db);
    const links = s.nodes.filter((n) => n.parentKey !== null).map((n) => sql`(${n.code}, ${s.nodes.find((p) => p.key === n.parentKey)!.code})`);
    if (links.length) {
      await sql`update standard_node c set parent_id = p.id
                from (values ${sql.join(links)}) as l (code, parent_code)
                join standard_node p on p.tenant_id = ${tenantId} and p.edition_id = ${editionId} and p.code = l.parent_code
                where c.tenant_id = ${tenantId} and c.edition_id = ${editionId} and c.code = l.code`.execute(db);
    }
    await sql`insert into standard_edition_event (tenant_id, edition_id, event, from_state, to_state, note)
              values (${tenantId}, ${editionId}, 'publish', 'draft', 'published', 'built-in')`.execute(db);
  }
}
