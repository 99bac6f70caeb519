import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CASE_EVENTS, CASE_STATES } from '../cases/case-workflow.js';
import { CASE_SOURCES } from '../cases/categories.js';
import { DEADLINE_CLASSES } from '../cases/working-time.js';
import { ROUTING_STEPS } from '../responsibility/assignments.js';
import { Actions, Id, Page, PageQuery } from './common.js';
import { IsoDate, Lat, Lng, RoutingStepSchema } from './responsibility.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Named = Type.Object({ id: Id, name: Type.String() });
const Instant = Type.String({ format: 'date-time' });

export const CaseStateSchema = lit(CASE_STATES);
export const CaseEventSchema = lit(CASE_EVENTS);
export const CaseSourceSchema = lit(CASE_SOURCES);
export const DeadlineClassSchema = lit(DEADLINE_CLASSES);
export const CASE_PHOTO_STAGES = ['before', 'after', 'recheck'] as const;
export type CasePhotoStage = (typeof CASE_PHOTO_STAGES)[number];
export const CATEGORY_CODE_PATTERN = '^[A-Za-z0-9]{2,12}$';
/** 'HH:MM' */
export const CLOCK_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

// ---- categories ----
export const CategoryView = Type.Object({
  id: Id,
  code: Type.String(),
  kind: Type.Union([Type.Literal('event'), Type.Literal('component')]),
  majorCode: Type.String(),
  majorName: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  registration: Type.String(),
  closing: Type.String(),
  deadline: Type.Object({ amount: Type.Number(), cls: DeadlineClassSchema }),
  routing: Nullable(Type.Array(RoutingStepSchema)),
  severity: Type.Integer({ minimum: 1, maximum: 3 }),
  active: Type.Boolean(),
  version: Type.Integer(),
});
export type CategoryView = Static<typeof CategoryView>;

const CategoryFields = {
  kind: Type.Union([Type.Literal('event'), Type.Literal('component')]),
  majorCode: Type.String({ pattern: CATEGORY_CODE_PATTERN }),
  majorName: Type.String({ minLength: 1, maxLength: 40 }),
  name: Type.String({ minLength: 1, maxLength: 40 }),
  nameEn: Type.String({ minLength: 1, maxLength: 80 }),
  registration: Type.String({ maxLength: 500 }),
  closing: Type.String({ maxLength: 500 }),
  deadline: Type.Object({ amount: Type.Number({ exclusiveMinimum: 0, maximum: 365 }), cls: DeadlineClassSchema }, { additionalProperties: false }),
  routing: Nullable(Type.Array(RoutingStepSchema, { minItems: 1, uniqueItems: true, maxItems: ROUTING_STEPS.length })),
  severity: Type.Integer({ minimum: 1, maximum: 3 }),
  active: Type.Boolean(),
};
export const CreateCategoryBody = Type.Object({ code: Type.String({ pattern: CATEGORY_CODE_PATTERN }), ...CategoryFields }, { additionalProperties: false });
export type CreateCategoryBody = Static<typeof CreateCategoryBody>;
export const UpdateCategoryBody = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647 }), ...Type.Partial(Type.Object(CategoryFields)).properties }, { additionalProperties: false });
export type UpdateCategoryBody = Static<typeof UpdateCategoryBody>;

// ---- holiday calendars and office hours ----
export const HolidayYearBody = Type.Object(
  {
    holidays: Type.Array(Type.Object({ date: IsoDate, name: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }), { maxItems: 120 }),
    workdays: Type.Array(Type.Object({ date: IsoDate, name: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }), { maxItems: 30 }),
  },
  { additionalProperties: false },
);
export type HolidayYearBody = Static<typeof HolidayYearBody>;
export const HolidayYearView = Type.Object({
  year: Type.Integer(),
  source: Type.Union([Type.Literal('city'), Type.Literal('shipped'), Type.Literal('none')]),
  holidays: Type.Array(Type.Object({ date: IsoDate, name: Type.String() })),
  workdays: Type.Array(Type.Object({ date: IsoDate, name: Type.String() })),
});
export type HolidayYearView = Static<typeof HolidayYearView>;

/** The city's case settings (tenant.settings.cases). */
export const CaseSettings = Type.Object(
  {
    officeHours: Type.Array(Type.Object({ start: Type.String({ pattern: CLOCK_PATTERN }), end: Type.String({ pattern: CLOCK_PATTERN }) }, { additionalProperties: false }), { minItems: 1, maxItems: 4 }),
    /** Sources whose cases are registered and assigned at once (the others wait for the office). */
    autoAssignSources: Type.Array(CaseSourceSchema, { uniqueItems: true }),
    duplicateRadiusM: Type.Integer({ minimum: 1, maximum: 1000 }),
    duplicateWindowHours: Type.Integer({ minimum: 1, maximum: 24 * 90 }),
    /** 督办 steps: the k-th follow-up letter when the case is this many hours past its deadline. */
    escalationStepsHours: Type.Array(Type.Integer({ minimum: 0, maximum: 24 * 365 }), { minItems: 1, maxItems: 5 }),
    recheckAfterDays: Type.Integer({ minimum: 1, maximum: 365 }),
    recheckSamplePercent: Type.Integer({ minimum: 0, maximum: 100 }),
    recheckDueDays: Type.Integer({ minimum: 1, maximum: 60 }),
    /** Document numbers: {year} and {seq} are replaced, e.g. 青创交〔{year}〕{seq}号. */
    slipNumberFormat: Type.String({ minLength: 1, maxLength: 40, pattern: '\\{seq\\}' }),
    urgingNumberFormat: Type.String({ minLength: 1, maxLength: 40, pattern: '\\{seq\\}' }),
    /** The issuing office named on documents (发文机关). */
    issuer: Type.String({ minLength: 1, maxLength: 60 }),
    citizenReportsPerHour: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);
export type CaseSettings = Static<typeof CaseSettings>;

export const DEFAULT_CASE_SETTINGS: CaseSettings = {
  officeHours: [{ start: '08:00', end: '12:00' }, { start: '14:00', end: '18:00' }],
  autoAssignSources: ['inspection', 'inspector', 'leader', 'office'],
  duplicateRadiusM: 50,
  duplicateWindowHours: 72,
  escalationStepsHours: [0, 48, 120],
  recheckAfterDays: 30,
  recheckSamplePercent: 20,
  recheckDueDays: 7,
  slipNumberFormat: '创城交〔{year}〕{seq}号',
  urgingNumberFormat: '创城督〔{year}〕{seq}号',
  issuer: '创建文明城市工作指挥部办公室',
  citizenReportsPerHour: 5,
};

// ---- cases ----
export const PhotoInput = Type.Object(
  {
    fileId: Id,
    takenAt: Type.Optional(Instant),
    lat: Type.Optional(Lat),
    lng: Type.Optional(Lng),
  },
  { additionalProperties: false },
);
export type PhotoInput = Static<typeof PhotoInput>;

export const CreateCaseBody = Type.Object(
  {
    source: CaseSourceSchema,
    categoryCode: Type.String({ pattern: CATEGORY_CODE_PATTERN }),
    description: Type.String({ minLength: 2, maxLength: 2000 }),
    lat: Lat,
    lng: Lng,
    address: Type.Optional(Type.String({ maxLength: 200 })),
    photos: Type.Optional(Type.Array(PhotoInput, { maxItems: 9 })),
    /** The office may choose the unit instead of the routing answer. */
    unitId: Type.Optional(Id),
    /** The office may set the deadline (must be in the future). */
    deadlineAt: Type.Optional(Instant),
    reporterName: Type.Optional(Type.String({ maxLength: 40 })),
    reporterPhone: Type.Optional(Type.String({ pattern: '^1[3-9][0-9]{9}$' })),
    /** Link back to the inspection item that opened the case. */
    inspectionRef: Type.Optional(Type.String({ maxLength: 80 })),
  },
  { additionalProperties: false },
);
export type CreateCaseBody = Static<typeof CreateCaseBody>;

export const TransitionBody = Type.Object(
  {
    event: CaseEventSchema,
    /** The version the user saw: a stale version gets 409. */
    version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    photos: Type.Optional(Type.Array(PhotoInput, { maxItems: 9 })),
    /** assign: the unit (default: the routing answer). */
    unitId: Type.Optional(Id),
    /** assign / relapse: a deadline other than the category's. */
    deadlineAt: Type.Optional(Instant),
    /** merge: the case this one duplicates. */
    intoCaseId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type TransitionBody = Static<typeof TransitionBody>;

export const CasePhotoView = Type.Object({
  id: Id,
  stage: lit(CASE_PHOTO_STAGES),
  url: Type.String(),
  takenAt: Nullable(Instant),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  eventId: Nullable(Id),
});
export type CasePhotoView = Static<typeof CasePhotoView>;

export const CaseEventView = Type.Object({
  id: Id,
  event: Type.String(),
  from: Nullable(Type.String()),
  to: Type.String(),
  actor: Nullable(Type.String()),
  actorRole: Type.String(),
  note: Nullable(Type.String()),
  data: Type.Any(),
  at: Instant,
});
export type CaseEventView = Static<typeof CaseEventView>;

export const CaseDocumentView = Type.Object({
  id: Id,
  kind: Type.Union([Type.Literal('assignment_slip'), Type.Literal('urging_letter')]),
  /** Null for the moment between the creating commit and the numbering step (normally milliseconds). */
  number: Nullable(Type.String()),
  createdAt: Instant,
});
export type CaseDocumentView = Static<typeof CaseDocumentView>;

const CaseCore = {
  id: Id,
  number: Type.String(),
  source: CaseSourceSchema,
  category: Type.Object({ id: Id, code: Type.String(), name: Type.String(), majorName: Type.String() }),
  description: Type.String(),
  address: Nullable(Type.String()),
  lat: Type.Number(),
  lng: Type.Number(),
  grid: Nullable(Named),
  community: Nullable(Named),
  street: Nullable(Named),
  state: CaseStateSchema,
  stateCategory: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  version: Type.Integer(),
  unit: Nullable(Named),
  routedBy: Nullable(Type.String()),
  deadline: Type.Object({ amount: Type.Number(), cls: DeadlineClassSchema, at: Nullable(Instant), paused: Type.Boolean() }),
  overdue: Type.Boolean(),
  escalationCount: Type.Integer(),
  returnedCount: Type.Integer(),
  relapseCount: Type.Integer(),
  assignedAt: Nullable(Instant),
  submittedAt: Nullable(Instant),
  closedAt: Nullable(Instant),
  closedOnTime: Nullable(Type.Boolean()),
  hidden: Type.Boolean(),
  createdAt: Instant,
  updatedAt: Instant,
};

export const CaseListItem = Type.Object({ ...CaseCore, actions: Actions });
export type CaseListItem = Static<typeof CaseListItem>;

export const CaseView = Type.Object({
  ...CaseCore,
  routing: Type.Any({ description: 'The responsibility answer the case was routed with' }),
  mergedInto: Nullable(Type.Object({ id: Id, number: Type.String() })),
  inspectionRef: Nullable(Type.String()),
  reporter: Type.Object({ userId: Nullable(Id), name: Nullable(Type.String()), phone: Nullable(Type.String()) }),
  hiddenReason: Nullable(Type.String()),
  photos: Type.Array(CasePhotoView),
  events: Type.Array(CaseEventView),
  documents: Type.Array(CaseDocumentView),
  actions: Actions,
});
export type CaseView = Static<typeof CaseView>;

export const CasePage = Type.Object({
  ...Page(CaseListItem).properties,
  /** True when more cases match than were counted: `total` is then the cap (the ledger shows "10,000+"). */
  totalCapped: Type.Boolean(),
});
export type CasePage = Static<typeof CasePage>;

const csv = (description: string) => Type.String({ maxLength: 400, description });
export const CaseListQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Number, description or address contains' })),
    state: Type.Optional(csv('States, comma-separated')),
    stateCategory: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
    unitId: Type.Optional(Id),
    categoryId: Type.Optional(Id),
    majorCode: Type.Optional(Type.String({ pattern: CATEGORY_CODE_PATTERN })),
    source: Type.Optional(csv('Sources, comma-separated')),
    overdue: Type.Optional(Type.Boolean()),
    escalated: Type.Optional(Type.Boolean()),
    relapsed: Type.Optional(Type.Boolean()),
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
    regionId: Type.Optional(Id),
    hidden: Type.Optional(Type.Boolean()),
    sort: Type.Optional(Type.Union([Type.Literal('created_desc'), Type.Literal('created_asc'), Type.Literal('deadline_asc')])),
  },
  { additionalProperties: false },
);
export type CaseListQuery = Static<typeof CaseListQuery>;

/** Where a new case would go: shown on the intake form before saving. */
export const CasePreviewQuery = Type.Object({ lat: Lat, lng: Lng, categoryCode: Type.String({ pattern: CATEGORY_CODE_PATTERN }) }, { additionalProperties: false });
export const CasePreview = Type.Object({
  grid: Nullable(Named),
  community: Nullable(Named),
  street: Nullable(Named),
  unit: Nullable(Named),
  routedBy: Nullable(Type.String()),
  deadline: Type.Object({ amount: Type.Number(), cls: DeadlineClassSchema, at: Instant }),
  duplicates: Type.Array(Type.Object({ id: Id, number: Type.String(), state: CaseStateSchema, distanceM: Type.Number(), createdAt: Instant, description: Type.String() })),
});
export type CasePreview = Static<typeof CasePreview>;

export const HideCaseBody = Type.Object({ hidden: Type.Boolean(), reason: Type.Optional(Type.String({ maxLength: 200 })), version: Type.Integer({ minimum: 1, maximum: 2147483647 }) }, { additionalProperties: false });
export type HideCaseBody = Static<typeof HideCaseBody>;

// ---- re-checks (回头看) ----
export const RecheckView = Type.Object({
  id: Id,
  case: Type.Object({ id: Id, number: Type.String(), category: Type.String(), address: Nullable(Type.String()), unit: Nullable(Named), lat: Type.Number(), lng: Type.Number() }),
  closedAt: Instant,
  dueDate: IsoDate,
  /** The re-check plan (回头看计划) that drew it; null when the city's settings drew it. */
  plan: Nullable(Named),
  state: Type.Union([Type.Literal('pending'), Type.Literal('passed'), Type.Literal('relapsed'), Type.Literal('void')]),
  checkedBy: Nullable(Type.String()),
  checkedAt: Nullable(Instant),
  note: Nullable(Type.String()),
  actions: Actions,
});
export type RecheckView = Static<typeof RecheckView>;
export const RecheckPage = Page(RecheckView);
export const RecheckListQuery = Type.Object({
  ...PageQuery,
  state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('passed'), Type.Literal('relapsed'), Type.Literal('void')])),
  planId: Type.Optional(Id),
  /** Only re-checks past their due date (and still pending). */
  overdue: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
export const RecheckResultBody = Type.Object(
  {
    result: Type.Union([Type.Literal('passed'), Type.Literal('relapsed')]),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    photos: Type.Optional(Type.Array(PhotoInput, { maxItems: 9 })),
    deadlineAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export type RecheckResultBody = Static<typeof RecheckResultBody>;

// ---- ledger statistics ----
export const UnitCaseStats = Type.Object({
  unit: Named,
  assigned: Type.Integer(),
  open: Type.Integer(),
  closed: Type.Integer(),
  closedOnTime: Type.Integer(),
  returned: Type.Integer(),
  overdue: Type.Integer(),
  escalated: Type.Integer(),
  relapsed: Type.Integer(),
  closingRate: Nullable(Type.Number()),
  onTimeRate: Nullable(Type.Number()),
  reworkRate: Nullable(Type.Number()),
});
export type UnitCaseStats = Static<typeof UnitCaseStats>;
export const CaseStatsQuery = Type.Object({ from: Type.Optional(IsoDate), to: Type.Optional(IsoDate) }, { additionalProperties: false });
export const CaseStats = Type.Object({
  from: Nullable(IsoDate),
  to: Nullable(IsoDate),
  totals: Type.Object({ all: Type.Integer(), open: Type.Integer(), closed: Type.Integer(), overdue: Type.Integer() }),
  byState: Type.Array(Type.Object({ state: CaseStateSchema, count: Type.Integer() })),
  byCategory: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), count: Type.Integer() })),
  units: Type.Array(UnitCaseStats),
});
export type CaseStats = Static<typeof CaseStats>;

export const HotSpotQuery = Type.Object(
  { from: Type.Optional(IsoDate), to: Type.Optional(IsoDate), cellM: Type.Optional(Type.Integer({ minimum: 20, maximum: 1000, default: 100 })), minRelapses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1 })) },
  { additionalProperties: false },
);
export const HotSpot = Type.Object({
  lat: Type.Number(),
  lng: Type.Number(),
  category: Type.Object({ code: Type.String(), name: Type.String() }),
  relapses: Type.Integer(),
  cases: Type.Integer(),
  caseIds: Type.Array(Id),
});
export const HotSpotList = Type.Object({ items: Type.Array(HotSpot) });
export type HotSpot = Static<typeof HotSpot>;

// ---- notifications ----
export const NotificationView = Type.Object({
  id: Id,
  topic: Type.String(),
  case: Nullable(Type.Object({ id: Id, number: Type.String() })),
  title: Type.String(),
  read: Type.Boolean(),
  createdAt: Instant,
});
export type NotificationView = Static<typeof NotificationView>;
export const NotificationPage = Type.Object({ items: Type.Array(NotificationView), total: Type.Integer(), unread: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
export const NotificationListQuery = Type.Object({ ...PageQuery, unread: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export const WEBHOOK_KINDS = ['wecom', 'dingtalk', 'sms', 'generic'] as const;
export const WebhookBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    kind: lit(WEBHOOK_KINDS),
    url: Type.String({ pattern: '^https?://', maxLength: 500 }),
    secret: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    topics: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 20, uniqueItems: true }),
    unitIds: Type.Optional(Type.Array(Id, { maxItems: 200, uniqueItems: true })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type WebhookBody = Static<typeof WebhookBody>;
export const WebhookView = Type.Object({
  id: Id,
  name: Type.String(),
  kind: lit(WEBHOOK_KINDS),
  url: Type.String(),
  hasSecret: Type.Boolean(),
  topics: Type.Array(Type.String()),
  unitIds: Type.Array(Id),
  active: Type.Boolean(),
  deliveries: Type.Object({ pending: Type.Integer(), sent: Type.Integer(), failed: Type.Integer() }),
});
export type WebhookView = Static<typeof WebhookView>;

// ---- public (citizens) ----
export const PublicReportBody = Type.Object(
  {
    city: Type.Optional(Type.String({ maxLength: 40 })),
    categoryCode: Type.String({ pattern: CATEGORY_CODE_PATTERN }),
    description: Type.String({ minLength: 5, maxLength: 500 }),
    lat: Lat,
    lng: Lng,
    address: Type.Optional(Type.String({ maxLength: 200 })),
    phone: Type.Optional(Type.String({ pattern: '^1[3-9][0-9]{9}$' })),
    photos: Type.Array(Type.String({ minLength: 20, maxLength: 100 }), { minItems: 1, maxItems: 3, description: 'Upload tokens from POST /public/uploads' }),
    /** Left empty by people; filled by form robots. */
    website: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type PublicReportBody = Static<typeof PublicReportBody>;
export const PublicCaseStatus = Type.Object({
  number: Type.String(),
  category: Type.String(),
  state: CaseStateSchema,
  stateLabel: Type.String(),
  stateCategory: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  area: Nullable(Type.String()),
  reportedAt: Instant,
  updatedAt: Instant,
  steps: Type.Array(Type.Object({ label: Type.String(), at: Instant })),
});
export type PublicCaseStatus = Static<typeof PublicCaseStatus>;
export const PublicCity = Type.Object({
  code: Type.String(),
  name: Type.String(),
  mapCenter: Type.Object({ lng: Type.Number(), lat: Type.Number(), zoom: Type.Integer() }),
  tileUrl: Type.String(),
  tileCrs: Type.String(),
  categories: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), majorName: Type.String() })),
});
export type PublicCity = Static<typeof PublicCity>;

// ---- open-case map (GET /case-map) ----
/** At most this many points in one answer; `truncated` says when more open cases matched. */
export const CASE_MAP_LIMIT = 200_000;
export const CaseMapQuery = Type.Object(
  {
    category: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{2,12}(,[A-Za-z0-9]{2,12}){0,49}$', description: 'category codes, comma-separated' })),
    overdue: Type.Optional(Type.Boolean()),
    bbox: Type.Optional(Type.String({ maxLength: 100, description: 'minLng,minLat,maxLng,maxLat (WGS-84 degrees)' })),
  },
  { additionalProperties: false },
);
export type CaseMapQuery = Static<typeof CaseMapQuery>;
export const CaseMapPoint = Type.Object({
  id: Id,
  lat: Type.Number(),
  lng: Type.Number(),
  state: CaseStateSchema,
  category: Type.String({ description: 'category code' }),
  overdue: Type.Boolean(),
});
export type CaseMapPoint = Static<typeof CaseMapPoint>;
/**
 * The open cases as columns, not one object per point: point i is (id[i], latE6[i], lngE6[i],
 * states[state[i]], categories[category[i]], overdue[i]); decodeCaseMap turns it into CaseMapPoints.
 */
export const CaseMap = Type.Object(
  {
    limit: Type.Integer({ description: `the most points one answer carries (${CASE_MAP_LIMIT})` }),
    truncated: Type.Boolean({ description: 'more open cases matched than `limit`: narrow by bbox or category' }),
    count: Type.Integer({ minimum: 0, description: 'the number of points in this answer: every column below has this many elements, in the same order' }),
    states: Type.Array(CaseStateSchema, { description: 'dictionary of `state`: the open states, in the order of CASE_STATES' }),
    categories: Type.Array(Type.String(), { description: 'dictionary of `category`: the codes of the tenant’s case categories, by category id' }),
    id: Type.Array(Id, { description: 'case ids' }),
    latE6: Type.Array(Type.Integer(), { description: 'latitudes in WGS-84 micro-degrees: round(lat × 1e6) (about 0.1 m)' }),
    lngE6: Type.Array(Type.Integer(), { description: 'longitudes in WGS-84 micro-degrees: round(lng × 1e6)' }),
    state: Type.Array(Type.Integer({ minimum: 0 }), { description: 'each case’s state, as an index into `states`' }),
    category: Type.Array(Type.Integer({ minimum: 0 }), { description: 'each case’s category, as an index into `categories`' }),
    overdue: Type.Array(Type.Integer({ minimum: 0, maximum: 1 }), { description: '1 when the case is past its deadline in a timed state, else 0' }),
  },
  { description: 'The open cases of the caller’s scope as map points, one array per field (columnar)' },
);
export type CaseMap = Static<typeof CaseMap>;
