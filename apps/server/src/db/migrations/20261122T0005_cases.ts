import { sql, type Kysely } from 'kysely';
import { CATEGORY_SEEDS } from '@cc/domain';

/**
 * Cases (issue 4): categories as data, holiday calendars, the case with its events and photos,
 * re-check samples, numbered documents (交办单, 督办函), the outbox and what it fans out to (the
 * in-app inbox, webhooks), and uploads from the public form. A case's state changes only through
 * the transition table in packages/domain (cases/case-workflow.ts), with an event row and an
 * outbox row in the same transaction and a version check on the case.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table case_category (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      code text not null,
      kind text not null,
      major_code text not null,
      major_name text not null,
      name text not null,
      name_en text not null,
      registration text not null default '',
      closing text not null default '',
      deadline_amount numeric not null,
      deadline_class text not null,
      severity smallint not null default 1,
      active boolean not null default true,
      sort integer not null default 0,
      version integer not null default 1,
      constraint case_category_pk primary key (tenant_id, id),
      constraint case_category_code_uq unique (tenant_id, code),
      constraint case_category_kind_ck check (kind in ('event', 'component')),
      constraint case_category_deadline_ck check (deadline_amount > 0 and deadline_class in ('emergency_hours', 'working_hours', 'working_days', 'calendar_days')),
      constraint case_category_severity_ck check (severity between 1 and 3)
    );

    -- A year's official holidays and 调休 working days, loaded by the office; years without a row
    -- use the calendar shipped with the code.
    create table holiday_calendar (
      tenant_id bigint not null references tenant (id),
      year integer not null,
      holidays jsonb not null,
      workdays jsonb not null,
      updated_by bigint,
      updated_at timestamptz not null default now(),
      constraint holiday_calendar_pk primary key (tenant_id, year),
      constraint holiday_calendar_year_ck check (year between 2000 and 2100)
    );

    -- Number sequences that never repeat: case numbers per day, document numbers per year.
    create table doc_sequence (
      tenant_id bigint not null references tenant (id),
      kind text not null,
      period text not null,
      last integer not null default 0,
      constraint doc_sequence_pk primary key (tenant_id, kind, period)
    );

    create table case_record (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      number text not null,
      source text not null,
      category_id bigint not null,
      description text not null,
      address text,
      lat double precision not null,
      lng double precision not null,
      grid_id bigint,
      community_id bigint,
      street_id bigint,
      -- the region path of the deepest region found (for area filters and scope)
      region_path text,
      state text not null,
      version integer not null default 1,
      responsible_unit_id bigint,
      -- how the unit was found: a routing step, or 'office' when the office chose it
      routed_by text,
      routing jsonb,
      deadline_amount numeric not null,
      deadline_class text not null,
      deadline_at timestamptz,
      -- time of the deadline class already used before a pause (挂账)
      time_used numeric not null default 0,
      timer_started_at timestamptz,
      overdue_at timestamptz,
      escalation_count integer not null default 0,
      last_escalated_at timestamptz,
      returned_count integer not null default 0,
      relapse_count integer not null default 0,
      assigned_at timestamptz,
      submitted_at timestamptz,
      closed_at timestamptz,
      closed_on_time boolean,
      merged_into_id bigint,
      inspection_ref text,
      reported_by bigint,
      reporter_name text,
      reporter_phone text,
      reporter_ip_hash text,
      hidden boolean not null default false,
      hidden_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint case_record_pk primary key (tenant_id, id),
      constraint case_record_number_uq unique (tenant_id, number),
      constraint case_record_category_fk foreign key (tenant_id, category_id) references case_category (tenant_id, id),
      constraint case_record_unit_fk foreign key (tenant_id, responsible_unit_id) references unit (tenant_id, id),
      constraint case_record_reporter_fk foreign key (tenant_id, reported_by) references app_user (tenant_id, id),
      constraint case_record_merged_fk foreign key (tenant_id, merged_into_id) references case_record (tenant_id, id),
      constraint case_record_grid_fk foreign key (tenant_id, grid_id) references region (tenant_id, id),
      constraint case_record_community_fk foreign key (tenant_id, community_id) references region (tenant_id, id),
      constraint case_record_street_fk foreign key (tenant_id, street_id) references region (tenant_id, id),
      constraint case_record_state_ck check (state in ('reported', 'registered', 'rejected', 'assigned', 'rectifying', 'submitted', 'returned',
        'return_requested', 'deferral_requested', 'deferred', 'closed', 'merged', 'cancelled')),
      constraint case_record_source_ck check (source in ('inspection', 'inspector', 'grid_worker', 'leader', 'citizen', 'hotline', 'media', 'open311', 'office')),
      constraint case_record_position_ck check (lng between -180 and 180 and lat between -90 and 90),
      constraint case_record_deadline_class_ck check (deadline_class in ('emergency_hours', 'working_hours', 'working_days', 'calendar_days'))
    );
    create index case_record_state_ix on case_record (tenant_id, state, deadline_at);
    create index case_record_unit_ix on case_record (tenant_id, responsible_unit_id, state);
    create index case_record_created_ix on case_record (tenant_id, created_at desc);
    create index case_record_category_ix on case_record (tenant_id, category_id, created_at);
    create index case_record_region_ix on case_record (tenant_id, region_path text_pattern_ops);
    create index case_record_position_ix on case_record (tenant_id, lat, lng);
    create index case_record_ip_ix on case_record (reporter_ip_hash, created_at) where reporter_ip_hash is not null;
    -- what the scheduler looks at: running deadlines not yet marked overdue, and overdue ones to chase
    create index case_record_due_ix on case_record (deadline_at)
      where state in ('assigned', 'rectifying', 'returned', 'return_requested', 'deferral_requested');

    create table case_event (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      case_id bigint not null,
      event text not null,
      from_state text,
      to_state text not null,
      actor_user_id bigint,
      -- 'office' | 'unit' | 'inspector' | 'reporter' | 'system'
      actor_role text not null,
      actor_label text,
      note text,
      data jsonb,
      at timestamptz not null default now(),
      constraint case_event_pk primary key (tenant_id, id),
      constraint case_event_case_fk foreign key (tenant_id, case_id) references case_record (tenant_id, id),
      constraint case_event_actor_fk foreign key (tenant_id, actor_user_id) references app_user (tenant_id, id)
    );
    create index case_event_case_ix on case_event (tenant_id, case_id, id);

    create table case_photo (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      case_id bigint not null,
      event_id bigint,
      stage text not null,
      file_id bigint not null,
      taken_at timestamptz,
      lat double precision,
      lng double precision,
      uploaded_by bigint,
      created_at timestamptz not null default now(),
      constraint case_photo_pk primary key (tenant_id, id),
      constraint case_photo_case_fk foreign key (tenant_id, case_id) references case_record (tenant_id, id),
      constraint case_photo_event_fk foreign key (tenant_id, event_id) references case_event (tenant_id, id),
      constraint case_photo_file_fk foreign key (tenant_id, file_id) references stored_file (tenant_id, id),
      constraint case_photo_stage_ck check (stage in ('before', 'after', 'recheck'))
    );
    create index case_photo_case_ix on case_photo (tenant_id, case_id);

    -- 回头看: a sample of closed cases to look at again; one decision per closing.
    create table case_recheck (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      case_id bigint not null,
      closed_at timestamptz not null,
      due_date date not null,
      state text not null default 'pending',
      checked_by bigint,
      checked_at timestamptz,
      note text,
      created_at timestamptz not null default now(),
      constraint case_recheck_pk primary key (tenant_id, id),
      constraint case_recheck_case_fk foreign key (tenant_id, case_id) references case_record (tenant_id, id),
      constraint case_recheck_once_uq unique (tenant_id, case_id, closed_at),
      constraint case_recheck_state_ck check (state in ('pending', 'passed', 'relapsed', 'void'))
    );
    create index case_recheck_pending_ix on case_recheck (tenant_id, due_date) where state = 'pending';

    -- 交办单 and 督办函: a number per document that never repeats.
    create table case_document (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      case_id bigint not null,
      event_id bigint,
      kind text not null,
      year integer not null,
      seq integer not null,
      number_text text not null,
      unit_id bigint,
      deadline_at timestamptz,
      created_at timestamptz not null default now(),
      constraint case_document_pk primary key (tenant_id, id),
      constraint case_document_case_fk foreign key (tenant_id, case_id) references case_record (tenant_id, id),
      constraint case_document_event_fk foreign key (tenant_id, event_id) references case_event (tenant_id, id),
      constraint case_document_unit_fk foreign key (tenant_id, unit_id) references unit (tenant_id, id),
      constraint case_document_number_uq unique (tenant_id, kind, year, seq),
      constraint case_document_kind_ck check (kind in ('assignment_slip', 'urging_letter'))
    );
    create index case_document_case_ix on case_document (tenant_id, case_id);

    -- Written in the same transaction as the change it announces; fanned out after commit.
    create table outbox (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      topic text not null,
      case_id bigint,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      dispatched_at timestamptz,
      constraint outbox_pk primary key (tenant_id, id)
    );
    create index outbox_pending_ix on outbox (id) where dispatched_at is null;

    create table notification (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      user_id bigint not null,
      outbox_id bigint not null,
      topic text not null,
      case_id bigint,
      params jsonb not null,
      read_at timestamptz,
      created_at timestamptz not null default now(),
      constraint notification_pk primary key (tenant_id, id),
      constraint notification_user_fk foreign key (tenant_id, user_id) references app_user (tenant_id, id),
      constraint notification_outbox_fk foreign key (tenant_id, outbox_id) references outbox (tenant_id, id),
      constraint notification_once_uq unique (tenant_id, outbox_id, user_id)
    );
    create index notification_user_ix on notification (tenant_id, user_id, id desc);

    create table webhook_endpoint (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      name text not null,
      kind text not null,
      url text not null,
      secret text,
      topics text[] not null,
      -- only messages about cases of these units' subtrees (empty = all)
      unit_ids bigint[] not null default '{}',
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint webhook_endpoint_pk primary key (tenant_id, id),
      constraint webhook_endpoint_kind_ck check (kind in ('wecom', 'dingtalk', 'sms', 'generic'))
    );

    create table notification_delivery (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      outbox_id bigint not null,
      endpoint_id bigint not null,
      -- for SMS: the phone it goes to (one delivery per phone)
      recipient text not null default '',
      state text not null default 'pending',
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_error text,
      sent_at timestamptz,
      created_at timestamptz not null default now(),
      constraint notification_delivery_pk primary key (tenant_id, id),
      constraint notification_delivery_outbox_fk foreign key (tenant_id, outbox_id) references outbox (tenant_id, id),
      constraint notification_delivery_endpoint_fk foreign key (tenant_id, endpoint_id) references webhook_endpoint (tenant_id, id),
      constraint notification_delivery_once_uq unique (tenant_id, outbox_id, endpoint_id, recipient),
      constraint notification_delivery_state_ck check (state in ('pending', 'sent', 'failed'))
    );
    create index notification_delivery_due_ix on notification_delivery (next_attempt_at) where state = 'pending';

    -- A photo uploaded from the public form, claimed by the report that uses it.
    create table public_upload (
      tenant_id bigint not null references tenant (id),
      token_hash text not null,
      file_id bigint not null,
      ip_hash text,
      claimed_by_case_id bigint,
      created_at timestamptz not null default now(),
      constraint public_upload_pk primary key (token_hash),
      constraint public_upload_file_fk foreign key (tenant_id, file_id) references stored_file (tenant_id, id)
    );
    create index public_upload_ip_ix on public_upload (ip_hash, created_at);
  `.execute(db);

  // Every city gets the seeded categories; the office edits its copy.
  const tenants = await sql<{ id: number }>`select id from tenant`.execute(db);
  for (const t of tenants.rows) await seedCategories(db, Number(t.id));

  // The built-in roles learn the case permissions (a city's own roles are the office's to change).
  const grants: Record<string, string[]> = {
    system_admin: ['case.read', 'case.report', 'case.handle', 'case.verify', 'case.manage', 'category.manage', 'notification.manage'],
    campaign_office: ['case.read', 'case.report', 'case.verify', 'case.manage', 'category.manage', 'notification.manage'],
    leader: ['case.read', 'case.report'],
    inspector: ['case.read', 'case.report', 'case.verify'],
    unit_staff: ['case.read', 'case.report', 'case.handle'],
    grid_worker: ['case.read', 'case.report'],
  };
  for (const [code, perms] of Object.entries(grants)) {
    await sql`update role set permissions = array(select distinct unnest(permissions || ${perms}::text[]) order by 1)
               where builtin and code = ${code}`.execute(db);
  }
}

export async function seedCategories(db: Kysely<unknown>, tenantId: number): Promise<void> {
  const rows = CATEGORY_SEEDS.map((c, i) => sql`(${tenantId}, ${c.code}, ${c.kind}, ${c.majorCode}, ${c.majorName}, ${c.name}, ${c.nameEn},
    ${c.registration}, ${c.closing}, ${c.deadline.amount}, ${c.deadline.cls}, ${c.severity}, ${i + 1})`);
  await sql`insert into case_category (tenant_id, code, kind, major_code, major_name, name, name_en, registration, closing,
              deadline_amount, deadline_class, severity, sort)
            values ${sql.join(rows)} on conflict (tenant_id, code) do nothing`.execute(db);
  // Which assignment answers a category is a routing rule (the responsibility map's, issue 3).
  const rules = CATEGORY_SEEDS.filter((c) => c.routing).map((c) => sql`(${tenantId}, ${c.code}, ${[...c.routing!]}::text[])`);
  await sql`insert into routing_rule (tenant_id, category_code, steps) values ${sql.join(rules)}
            on conflict (tenant_id, category_code) do nothing`.execute(db);
}
