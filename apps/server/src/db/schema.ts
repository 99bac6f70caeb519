import type { ColumnType, Generated, GeneratedAlways, Insertable, Selectable, Updateable } from 'kysely';

/** Table types for Kysely, kept beside the migrations that define them. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | null, string | null>;

export interface TenantTable {
  id: Generated<number>;
  code: string;
  name: string;
  is_demo: Generated<boolean>;
  created_at: Generated<Date>;
  settings: ColumnType<Record<string, unknown>, string | undefined, string>;
  geo_version: Generated<number>;
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
  geometry: ColumnType<unknown, string | null | undefined, string | null>;
  min_lng: number | null;
  min_lat: number | null;
  max_lng: number | null;
  max_lat: number | null;
  population: ColumnType<number | null, number | null | undefined, number | null>;
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
  lng: number | null;
  lat: number | null;
  first_responsible_person_id: number | null;
  trade: string | null;
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
  person_id: number | null;
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

/** Dates without time (valid_from, signed_on …) travel as 'YYYY-MM-DD' strings. */
type DateOnly = ColumnType<string, string, string>;

export interface StoredFileTable {
  tenant_id: number;
  id: Generated<number>;
  sha256: string;
  original_name: string;
  mime: string;
  size_bytes: number;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface PersonTable {
  tenant_id: number;
  id: Generated<number>;
  name: string;
  unit_id: number;
  position: string | null;
  phone: string | null;
  note: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

interface BBoxColumns {
  min_lng: number;
  min_lat: number;
  max_lng: number;
  max_lat: number;
}

export interface RoadSegmentTable extends BBoxColumns {
  tenant_id: number;
  id: Generated<number>;
  code: string;
  name: string;
  from_desc: string | null;
  to_desc: string | null;
  region_id: number | null;
  geometry: ColumnType<unknown, string, string>;
  length_m: number;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ResponsibilityZoneTable extends BBoxColumns {
  tenant_id: number;
  id: Generated<number>;
  code: string;
  name: string;
  region_id: number | null;
  geometry: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface ResponsibilityAssignmentTable {
  tenant_id: number;
  id: Generated<number>;
  kind: string;
  target_type: string;
  target_id: number;
  responsible_unit_id: number | null;
  responsible_person_id: number | null;
  valid_from: DateOnly;
  valid_to: ColumnType<string | null, string | null, string | null>;
  exclusive: boolean;
  note: string | null;
  replaces_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface FrontageContractTable {
  tenant_id: number;
  id: Generated<number>;
  assignment_id: number;
  shop_unit_id: number;
  duties: string[];
  signed_on: DateOnly;
  signer_name: string;
  responsible_name: string | null;
  responsible_phone: string | null;
  plate_posted: Generated<boolean>;
  contract_file_id: number | null;
  expires_on: ColumnType<string | null, string | null, string | null>;
  renewed_from_id: number | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface FrontageCheckTable {
  tenant_id: number;
  id: Generated<number>;
  contract_id: number;
  checked_on: DateOnly;
  passed: boolean;
  failed_duties: ColumnType<string[], string[] | undefined, string[]>;
  note: string | null;
  penalty_yuan: number | null;
  source: Generated<string>;
  source_id: number | null;
  recorded_by: number | null;
  created_at: Generated<Date>;
}

export interface RoutingRuleTable {
  tenant_id: number;
  id: Generated<number>;
  category_code: string;
  steps: string[];
}

export interface ImportJobTable {
  tenant_id: number;
  id: Generated<number>;
  kind: string;
  file_name: string;
  state: Generated<string>;
  processed: Generated<number>;
  total: Generated<number>;
  imported: number | null;
  created: number | null;
  updated: number | null;
  unchanged: number | null;
  problems: Json;
  problem_count: Generated<number>;
  error_code: string | null;
  error_params: Json;
  created_by: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
}

export interface CaseCategoryTable {
  tenant_id: number;
  id: Generated<number>;
  code: string;
  kind: string;
  major_code: string;
  major_name: string;
  name: string;
  name_en: string;
  registration: Generated<string>;
  closing: Generated<string>;
  deadline_amount: number;
  deadline_class: string;
  severity: Generated<number>;
  active: Generated<boolean>;
  sort: Generated<number>;
  version: Generated<number>;
}

export interface HolidayCalendarTable {
  tenant_id: number;
  year: number;
  holidays: Json;
  workdays: Json;
  updated_by: number | null;
  updated_at: Generated<Date>;
}

export interface DocSequenceTable {
  tenant_id: number;
  kind: string;
  period: string;
  last: Generated<number>;
}

export interface CaseRecordTable {
  tenant_id: number;
  id: Generated<number>;
  number: string;
  source: string;
  category_id: number;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
  grid_id: number | null;
  community_id: number | null;
  street_id: number | null;
  region_path: string | null;
  state: string;
  version: Generated<number>;
  responsible_unit_id: number | null;
  routed_by: string | null;
  routing: Json;
  deadline_amount: number;
  deadline_class: string;
  deadline_at: Date | null;
  time_used: Generated<number>;
  timer_started_at: Date | null;
  overdue_at: Date | null;
  escalation_count: Generated<number>;
  last_escalated_at: Date | null;
  returned_count: Generated<number>;
  relapse_count: Generated<number>;
  assigned_at: Date | null;
  submitted_at: Date | null;
  closed_at: Date | null;
  closed_on_time: boolean | null;
  merged_into_id: number | null;
  inspection_ref: string | null;
  reported_by: number | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_ip_hash: string | null;
  hidden: Generated<boolean>;
  hidden_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Search lexemes of number, description, address (generated by the database; migration 0011). */
  search_terms: GeneratedAlways<string>;
}

export interface CaseEventTable {
  tenant_id: number;
  id: Generated<number>;
  case_id: number;
  event: string;
  from_state: string | null;
  to_state: string;
  actor_user_id: number | null;
  actor_role: string;
  actor_label: string | null;
  note: string | null;
  data: Json;
  at: Timestamp;
}

export interface CasePhotoTable {
  tenant_id: number;
  id: Generated<number>;
  case_id: number;
  event_id: number | null;
  stage: string;
  file_id: number;
  taken_at: Date | string | null;
  lat: number | null;
  lng: number | null;
  uploaded_by: number | null;
  created_at: Generated<Date>;
}

export interface CaseRecheckTable {
  tenant_id: number;
  id: Generated<number>;
  case_id: number;
  closed_at: Date;
  due_date: string;
  state: Generated<string>;
  checked_by: number | null;
  checked_at: Date | null;
  note: string | null;
  created_at: Generated<Date>;
  /** The re-check plan and window that drew it; null for the settings sample. */
  plan_id: number | null;
  window_key: string | null;
}

export interface CaseDocumentTable {
  tenant_id: number;
  id: Generated<number>;
  case_id: number;
  event_id: number | null;
  kind: string;
  year: number;
  /** Null until the numbering step has run (just after the creating transaction commits). */
  seq: number | null;
  number_text: string | null;
  /** The office's format with {year} filled in; {seq} is replaced when the number is given. */
  number_format: string | null;
  unit_id: number | null;
  deadline_at: Date | null;
  created_at: Timestamp;
}

export interface OutboxTable {
  tenant_id: number;
  id: Generated<number>;
  topic: string;
  case_id: number | null;
  payload: Json;
  created_at: Timestamp;
  dispatched_at: Date | null;
}

export interface NotificationTable {
  tenant_id: number;
  id: Generated<number>;
  user_id: number;
  outbox_id: number;
  topic: string;
  case_id: number | null;
  params: Json;
  read_at: Date | null;
  created_at: Timestamp;
}

export interface WebhookEndpointTable {
  tenant_id: number;
  id: Generated<number>;
  name: string;
  kind: string;
  url: string;
  secret: string | null;
  topics: string[];
  unit_ids: Generated<number[]>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface NotificationDeliveryTable {
  tenant_id: number;
  id: Generated<number>;
  outbox_id: number;
  endpoint_id: number;
  recipient: Generated<string>;
  state: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Generated<Date>;
}

export interface PublicUploadTable {
  tenant_id: number;
  token_hash: string;
  file_id: number;
  ip_hash: string | null;
  claimed_by_case_id: number | null;
  created_at: Timestamp;
}

export interface ExportJobTable {
  tenant_id: number;
  id: Generated<number>;
  kind: string;
  query: Json;
  state: Generated<string>;
  processed: Generated<number>;
  total: Generated<number>;
  file_id: number | null;
  error: string | null;
  created_by: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
}

// ---- standards and inspections (migration 0007) ----
export interface StandardTable {
  tenant_id: number;
  id: Generated<number>;
  code: string;
  name: string;
  kind: string;
  description: string | null;
  builtin: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface StandardEditionTable {
  tenant_id: number;
  id: Generated<number>;
  standard_id: number;
  label: string;
  state: Generated<string>;
  max_score: number | null;
  note: string | null;
  based_on_id: number | null;
  published_at: Timestamp | null;
  published_by: number | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  version: Generated<number>;
}

export interface StandardNodeTable {
  tenant_id: number;
  id: Generated<number>;
  edition_id: number;
  parent_id: number | null;
  position: number;
  kind: string;
  code: string;
  title: string;
  description: string | null;
  points: number | null;
  method: string | null;
  floor: number | null;
  na_allowed: boolean;
  applies_to: string[];
  veto: boolean;
  evidence_required: boolean;
  category_code: string | null;
  unverified: boolean;
}

export interface StandardEditionEventTable {
  tenant_id: number;
  id: Generated<number>;
  edition_id: number;
  event: string;
  from_state: string | null;
  to_state: string;
  actor_user_id: number | null;
  note: string | null;
  at: Timestamp;
}

export interface AssessmentPointTypeTable {
  tenant_id: number;
  id: Generated<number>;
  code: string;
  name: string;
  name_en: string;
  sort: Generated<number>;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface AssessmentPointTable {
  tenant_id: number;
  id: Generated<number>;
  code: string;
  name: string;
  type_id: number;
  address: string | null;
  lat: number;
  lng: number;
  responsible_unit_id: number | null;
  chief_person_id: number | null;
  region_id: number | null;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface InspectionPlanTable {
  tenant_id: number;
  id: Generated<number>;
  name: string;
  kind: string;
  /** Null only for re-check plans (kind 'recheck'). */
  edition_id: number | null;
  mode: string;
  recurrence: Json;
  targets: Json;
  /** Re-check plans: { regionIds, categoryIds, samplePercent }. */
  recheck: Json | null;
  owner_unit_id: number;
  team_user_ids: number[];
  starts_on: string;
  ends_on: string | null;
  reopen_hours: number;
  active: boolean;
  created_by: number | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface InspectionTable {
  tenant_id: number;
  id: Generated<number>;
  number: string;
  client_key: string;
  plan_id: number;
  edition_id: number;
  target_kind: string;
  target_id: number;
  target_name: string;
  target_subtype: string | null;
  target_unit_id: number | null;
  target_unit_path: string | null;
  target_region_path: string | null;
  inspector_id: number;
  inspected_on: string;
  state: Generated<string>;
  score: number | null;
  max_score: number | null;
  rate: number | null;
  vetoed: Generated<boolean>;
  finding_count: Generated<number>;
  flags: Json;
  lat: number | null;
  lng: number | null;
  note: string | null;
  started_at: Timestamp | null;
  submitted_at: Timestamp | null;
  published_at: Timestamp | null;
  content_hash: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface InspectionItemTable {
  tenant_id: number;
  inspection_id: number;
  node_id: number;
  na: boolean;
  score: number | null;
  observed: number | null;
  passed: number | null;
  deducted: number;
  note: string | null;
}

export interface InspectionFindingTable {
  tenant_id: number;
  id: Generated<number>;
  inspection_id: number;
  client_key: string;
  item_node_id: number;
  criterion_node_id: number | null;
  points: number;
  note: string;
  lat: number | null;
  lng: number | null;
  case_id: number | null;
  created_at: Generated<Date>;
}

export interface InspectionPhotoTable {
  tenant_id: number;
  id: Generated<number>;
  inspection_id: number;
  finding_id: number;
  file_id: number;
  taken_at: Timestamp | null;
  lat: number | null;
  lng: number | null;
}

export interface InspectionEventTable {
  tenant_id: number;
  id: Generated<number>;
  inspection_id: number;
  event: string;
  from_state: string | null;
  to_state: string;
  actor_user_id: number | null;
  actor_label: string;
  note: string | null;
  at: Timestamp;
}

export interface UploadKeyTable {
  tenant_id: number;
  client_key: string;
  file_id: number;
  user_id: number;
  created_at: Generated<Date>;
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
  stored_file: StoredFileTable;
  person: PersonTable;
  road_segment: RoadSegmentTable;
  responsibility_zone: ResponsibilityZoneTable;
  responsibility_assignment: ResponsibilityAssignmentTable;
  frontage_contract: FrontageContractTable;
  frontage_check: FrontageCheckTable;
  routing_rule: RoutingRuleTable;
  import_job: ImportJobTable;
  case_category: CaseCategoryTable;
  holiday_calendar: HolidayCalendarTable;
  doc_sequence: DocSequenceTable;
  case_record: CaseRecordTable;
  case_event: CaseEventTable;
  case_photo: CasePhotoTable;
  case_recheck: CaseRecheckTable;
  case_document: CaseDocumentTable;
  outbox: OutboxTable;
  notification: NotificationTable;
  webhook_endpoint: WebhookEndpointTable;
  notification_delivery: NotificationDeliveryTable;
  public_upload: PublicUploadTable;
  export_job: ExportJobTable;
  standard: StandardTable;
  standard_edition: StandardEditionTable;
  standard_node: StandardNodeTable;
  standard_edition_event: StandardEditionEventTable;
  assessment_point_type: AssessmentPointTypeTable;
  assessment_point: AssessmentPointTable;
  inspection_plan: InspectionPlanTable;
  inspection: InspectionTable;
  inspection_item: InspectionItemTable;
  inspection_finding: InspectionFindingTable;
  inspection_photo: InspectionPhotoTable;
  inspection_event: InspectionEventTable;
  upload_key: UploadKeyTable;
}

export type Tenant = Selectable<TenantTable>;
export type Region = Selectable<RegionTable>;
export type Unit = Selectable<UnitTable>;
export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
