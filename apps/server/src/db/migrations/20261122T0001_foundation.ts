import { sql, type Kysely } from 'kysely';

/**
 * Foundation: cities (tenants), roles, the region tree, units, users, sessions, API tokens and the
 * hash-chained audit trail. Every domain table carries tenant_id and its primary key starts with
 * it, so tables can be distributed by city on Citus (docs/adr/0002-database.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenant (
      id bigint generated always as identity primary key,
      code text not null,
      name text not null,
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      constraint tenant_code_uq unique (code)
    );

    create table role (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      code text not null,
      name_zh text not null,
      name_en text not null,
      scope text not null,
      permissions text[] not null default '{}',
      builtin boolean not null default false,
      constraint role_pk primary key (tenant_id, id),
      constraint role_code_uq unique (tenant_id, code),
      constraint role_scope_ck check (scope in ('tenant', 'subtree', 'own_unit'))
    );

    create table region (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      parent_id bigint,
      level text not null,
      code text not null,
      name text not null,
      -- materialized path of ids, '/1/5/23/': subtree = path like '/1/5/%'
      path text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint region_pk primary key (tenant_id, id),
      constraint region_parent_fk foreign key (tenant_id, parent_id) references region (tenant_id, id),
      constraint region_code_uq unique (tenant_id, code),
      constraint region_level_ck check (level in ('county', 'street', 'community', 'grid'))
    );
    create index region_parent_ix on region (tenant_id, parent_id);
    create index region_path_ix on region (tenant_id, path text_pattern_ops);

    create table unit (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      parent_id bigint,
      kind text not null,
      code text not null,
      name text not null,
      region_id bigint,
      path text not null,
      address text,
      contact_name text,
      contact_phone text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint unit_pk primary key (tenant_id, id),
      constraint unit_parent_fk foreign key (tenant_id, parent_id) references unit (tenant_id, id),
      constraint unit_region_fk foreign key (tenant_id, region_id) references region (tenant_id, id),
      constraint unit_code_uq unique (tenant_id, code),
      constraint unit_kind_ck check (kind in ('campaign_office', 'street_office', 'community', 'department',
        'resident_unit', 'school', 'hospital', 'enterprise', 'merchant', 'volunteer_team', 'other'))
    );
    create index unit_parent_ix on unit (tenant_id, parent_id);
    create index unit_region_ix on unit (tenant_id, region_id);
    create index unit_path_ix on unit (tenant_id, path text_pattern_ops);

    create table app_user (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      username text not null,
      mobile text,
      display_name text not null,
      password_hash text not null,
      unit_id bigint not null,
      status text not null default 'active',
      must_change_password boolean not null default true,
      failed_attempts integer not null default 0,
      locked_until timestamptz,
      password_changed_at timestamptz,
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      version integer not null default 1,
      constraint app_user_pk primary key (tenant_id, id),
      constraint app_user_unit_fk foreign key (tenant_id, unit_id) references unit (tenant_id, id),
      constraint app_user_status_ck check (status in ('active', 'disabled'))
    );
    -- Log-in names are unique across the deployment: the login form asks no city.
    create unique index app_user_username_uq on app_user (lower(username));
    create unique index app_user_mobile_uq on app_user (mobile) where mobile is not null;
    create index app_user_unit_ix on app_user (tenant_id, unit_id);

    create table user_role (
      tenant_id bigint not null,
      user_id bigint not null,
      role_id bigint not null,
      constraint user_role_pk primary key (tenant_id, user_id, role_id),
      constraint user_role_user_fk foreign key (tenant_id, user_id) references app_user (tenant_id, id) on delete cascade,
      constraint user_role_role_fk foreign key (tenant_id, role_id) references role (tenant_id, id)
    );
    create index user_role_role_ix on user_role (tenant_id, role_id);

    -- State changes of an account (disable/enable), one row per transition.
    create table user_event (
      tenant_id bigint not null,
      id bigint generated always as identity,
      user_id bigint not null,
      event text not null,
      from_status text not null,
      to_status text not null,
      actor_user_id bigint,
      note text,
      at timestamptz not null default now(),
      constraint user_event_pk primary key (tenant_id, id),
      constraint user_event_user_fk foreign key (tenant_id, user_id) references app_user (tenant_id, id)
    );
    create index user_event_user_ix on user_event (tenant_id, user_id);

    create table user_session (
      -- sha-256 of the cookie value: a leaked table does not leak sessions
      id text primary key,
      tenant_id bigint not null,
      user_id bigint not null,
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      revoked_at timestamptz,
      ip text,
      user_agent text,
      constraint user_session_user_fk foreign key (tenant_id, user_id) references app_user (tenant_id, id) on delete cascade
    );
    create index user_session_user_ix on user_session (tenant_id, user_id);

    create table api_token (
      tenant_id bigint not null,
      id bigint generated always as identity,
      user_id bigint not null,
      name text not null,
      token_hash text not null,
      prefix text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      constraint api_token_pk primary key (tenant_id, id),
      constraint api_token_hash_uq unique (token_hash),
      constraint api_token_user_fk foreign key (tenant_id, user_id) references app_user (tenant_id, id) on delete cascade
    );
    create index api_token_user_ix on api_token (tenant_id, user_id);

    -- Append-only audit trail. Rows are written in the business transaction without a hash;
    -- the sealer links them into a per-city hash chain in commit order (docs/adr/0004-audit-trail.md).
    create table audit_log (
      tenant_id bigint not null references tenant (id),
      id bigint generated always as identity,
      at timestamptz not null default now(),
      actor_user_id bigint,
      actor_label text,
      action text not null,
      entity_type text not null,
      entity_id text,
      before jsonb,
      after jsonb,
      ip text,
      request_id text,
      chain_seq bigint,
      prev_hash text,
      hash text,
      constraint audit_log_pk primary key (tenant_id, id),
      constraint audit_log_chain_uq unique (tenant_id, chain_seq)
    );
    create index audit_log_at_ix on audit_log (tenant_id, at);
    create index audit_log_entity_ix on audit_log (tenant_id, entity_type, entity_id);
    create index audit_log_unsealed_ix on audit_log (tenant_id, id) where chain_seq is null;

    -- The audit trail is append-only: no updates of content, no deletes younger than 180 days.
    create function audit_log_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if old.at > now() - interval '180 days' then
          raise exception 'audit rows are kept at least 180 days';
        end if;
        return old;
      end if;
      -- Sealed rows never change; unsealed rows only receive their place in the chain.
      if old.hash is not null
         or (new.tenant_id, new.id, new.at, new.actor_user_id, new.actor_label, new.action, new.entity_type,
             new.entity_id, new.before, new.after, new.ip, new.request_id)
            is distinct from
            (old.tenant_id, old.id, old.at, old.actor_user_id, old.actor_label, old.action, old.entity_type,
             old.entity_id, old.before, old.after, old.ip, old.request_id) then
        raise exception 'audit rows are append-only';
      end if;
      return new;
    end $$;
    create trigger audit_log_guard_tg before update or delete on audit_log
      for each row execute function audit_log_guard();
  `.execute(db);
}
