import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Table types for Kysely, kept beside the migrations that define them. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | null, string | null>;

export interface TenantTable {
  id: Generated<number>;
  code: string;
  name: string;
  is_demo: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface RoleTable {
  tenant_id: number;
  id: Generated<number>;
  code: string;
  name_zh: string;
  name_en: string;
  scope: string;
  permissions: string[];
  builtin: Generated<boolean>;
}

export interface RegionTable {
  tenant_id: number;
  id: Generated<number>;
  parent_id: number | null;
  level: string;
  code: string;
  name: string;
  path: string;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface UnitTable {
  tenant_id: number;
  id: Generated<number>;
  parent_id: number | null;
  kind: string;
  code: string;
  name: string;
  region_id: number | null;
  path: string;
  address: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface AppUserTable {
  tenant_id: number;
  id: Generated<number>;
  username: string;
  mobile: string | null;
  display_name: string;
  password_hash: string;
  unit_id: number;
  status: Generated<string>;
  must_change_password: Generated<boolean>;
  failed_attempts: Generated<number>;
  locked_until: Date | null;
  password_changed_at: Date | null;
  last_login_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface UserRoleTable {
  tenant_id: number;
  user_id: number;
  role_id: number;
}

export interface UserEventTable {
  tenant_id: number;
  id: Generated<number>;
  user_id: number;
  event: string;
  from_status: string;
  to_status: string;
  actor_user_id: number | null;
  note: string | null;
  at: Generated<Date>;
}

export interface UserSessionTable {
  id: string;
  tenant_id: number;
  user_id: number;
  csrf_token: string;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  revoked_at: Date | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  tenant_id: number;
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Generated<Date>;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AuditLogTable {
  tenant_id: number;
  id: Generated<number>;
  at: Generated<Date>;
  actor_user_id: number | null;
  actor_label: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json;
  after: Json;
  ip: string | null;
  request_id: string | null;
  chain_seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface Database {
  tenant: TenantTable;
  role: RoleTable;
  region: RegionTable;
  unit: UnitTable;
  app_user: AppUserTable;
  user_role: UserRoleTable;
  user_event: UserEventTable;
  user_session: UserSessionTable;
  api_token: ApiTokenTable;
  audit_log: AuditLogTable;
}

export type Tenant = Selectable<TenantTable>;
export type Region = Selectable<RegionTable>;
export type Unit = Selectable<UnitTable>;
export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
