import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EDITION_STATES, SCORING_METHODS, STANDARD_KINDS, STANDARD_NODE_KINDS, TARGET_KINDS } from '../inspections/standards.js';
import { Actions, Id, Page, PageQuery } from './common.js';
import { PhotoInput } from './cases.js';
import { IsoDate, Lat, Lng } from './responsibility.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Instant = Type.String({ format: 'date-time' });
const Named = Type.Object({ id: Id, name: Type.String() });
/** Points to two decimals (the database keeps numeric(8,2)); no `multipleOf`, which floats such as 0.3 fail. */
const Points = Type.Number({ minimum: 0, maximum: 1000 });
const Code = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' });
const Text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
/** A client-generated idempotency key (UUID or similar). */
export const ClientKey = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const StandardKindSchema = lit(STANDARD_KINDS);
export const EditionStateSchema = lit(EDITION_STATES);
export const ScoringMethodSchema = lit(SCORING_METHODS);
export const StandardNodeKindSchema = lit(STANDARD_NODE_KINDS);
export const TargetKindSchema = lit(TARGET_KINDS);

// ---- standards and editions ----
export const StandardNodeFields = {
  kind: StandardNodeKindSchema,
  code: Code,
  title: Text(200, 1),
  description: Type.Optional(Nullable(Text(2000))),
  points: Nullable(Points),
  method: Type.Optional(Nullable(ScoringMethodSchema)),
  floor: Type.Optional(Nullable(Points)),
  naAllowed: Type.Optional(Type.Boolean()),
  appliesTo: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z_]+(:[A-Za-z0-9_-]+)?$' }), { maxItems: 20, uniqueItems: true })),
  veto: Type.Optional(Type.Boolean()),
  evidenceRequired: Type.Optional(Type.Boolean()),
  categoryCode: Type.Optional(Nullable(Type.String({ pattern: '^[A-Za-z0-9]{2,12}$' }))),
  unverified: Type.Optional(Type.Boolean()),
};
export const StandardNodeInput = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 40 }), parentKey: Nullable(Type.String({ minLength: 1, maxLength: 40 })), ...StandardNodeFields },
  { additionalProperties: false },
);
export type StandardNodeInput = Static<typeof StandardNodeInput>;

export const StandardNodeView = Type.Object({
  id: Id,
  parentId: Nullable(Id),
  position: Type.Integer(),
  kind: StandardNodeKindSchema,
  code: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  points: Nullable(Type.Number()),
  method: Nullable(ScoringMethodSchema),
  floor: Nullable(Type.Number()),
  naAllowed: Type.Boolean(),
  appliesTo: Type.Array(Type.String()),
  veto: Type.Boolean(),
  evidenceRequired: Type.Boolean(),
  categoryCode: Nullable(Type.String()),
  unverified: Type.Boolean(),
});
export type StandardNodeView = Static<typeof StandardNodeView>;

export const EditionProblemView = Type.Object({
  nodeCode: Nullable(Type.String()),
  problem: Type.String(),
  message: Type.String({ description: 'In the caller’s language' }),
});
export type EditionProblemView = Static<typeof EditionProblemView>;

export const EditionSummary = Type.Object({
  id: Id,
  standardId: Id,
  label: Type.String(),
  state: EditionStateSchema,
  maxScore: Nullable(Type.Number()),
  basedOnId: Nullable(Id),
  publishedAt: Nullable(Instant),
  itemCount: Type.Integer(),
  version: Type.Integer(),
});
export type EditionSummary = Static<typeof EditionSummary>;

export const StandardView = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  kind: StandardKindSchema,
  description: Nullable(Type.String()),
  builtin: Type.Boolean(),
  editions: Type.Array(EditionSummary),
  actions: Actions,
});
export type StandardView = Static<typeof StandardView>;

export const EditionView = Type.Object({
  ...EditionSummary.properties,
  standard: Type.Object({ id: Id, code: Type.String(), name: Type.String(), kind: StandardKindSchema }),
  note: Nullable(Type.String()),
  nodes: Type.Array(StandardNodeView),
  /** What publishing would refuse, in the caller’s language (empty when it can be published). */
  problems: Type.Array(EditionProblemView),
  actions: Actions,
});
export type EditionView = Static<typeof EditionView>;

export const CreateStandardBody = Type.Object(
  {
    code: Code,
    name: Text(100, 1),
    kind: StandardKindSchema,
    description: Type.Optional(Nullable(Text(2000))),
    label: Text(40, 1),
    maxScore: Type.Optional(Nullable(Points)),
  },
  { additionalProperties: false },
);
export type CreateStandardBody = Static<typeof CreateStandardBody>;

export const UpdateEditionBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    label: Type.Optional(Text(40, 1)),
    maxScore: Type.Optional(Nullable(Points)),
    note: Type.Optional(Nullable(Text(2000))),
    /** The whole tree, in display order; replaces the draft's nodes. */
    nodes: Type.Optional(Type.Array(StandardNodeInput, { maxItems: 3000 })),
  },
  { additionalProperties: false },
);
export type UpdateEditionBody = Static<typeof UpdateEditionBody>;

export const CopyEditionBody = Type.Object({ label: Text(40, 1) }, { additionalProperties: false });
export type CopyEditionBody = Static<typeof CopyEditionBody>;
export const VersionBody = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647 }) }, { additionalProperties: false });
export type VersionBody = Static<typeof VersionBody>;

// ---- assessment points (实地考察点位) ----
export const PointTypeView = Type.Object({ id: Id, code: Type.String(), name: Type.String(), nameEn: Type.String(), pointCount: Type.Integer(), active: Type.Boolean(), version: Type.Integer() });
export type PointTypeView = Static<typeof PointTypeView>;
export const PointTypeBody = Type.Object(
  { code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), name: Text(40, 1), nameEn: Text(80, 1), active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type PointTypeBody = Static<typeof PointTypeBody>;

export const PointView = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  type: Type.Object({ id: Id, code: Type.String(), name: Type.String() }),
  address: Nullable(Type.String()),
  lat: Type.Number(),
  lng: Type.Number(),
  responsibleUnit: Nullable(Named),
  chief: Nullable(Type.Object({ id: Id, name: Type.String(), phone: Nullable(Type.String()) })),
  region: Nullable(Named),
  active: Type.Boolean(),
  version: Type.Integer(),
  actions: Actions,
});
export type PointView = Static<typeof PointView>;
const PointFields = {
  code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
  name: Text(100, 1),
  typeId: Id,
  address: Type.Optional(Nullable(Text(200))),
  lat: Lat,
  lng: Lng,
  responsibleUnitId: Nullable(Id),
  chiefPersonId: Type.Optional(Nullable(Id)),
  active: Type.Optional(Type.Boolean()),
};
export const CreatePointBody = Type.Object(PointFields, { additionalProperties: false });
export type CreatePointBody = Static<typeof CreatePointBody>;
export const UpdatePointBody = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647 }), ...Type.Partial(Type.Object(PointFields)).properties }, { additionalProperties: false });
export type UpdatePointBody = Static<typeof UpdatePointBody>;
export const PointListQuery = Type.Object(
  { ...PageQuery, typeId: Type.Optional(Id), responsibleUnitId: Type.Optional(Id), q: Type.Optional(Text(50)) },
  { additionalProperties: false },
);
export type PointListQuery = Static<typeof PointListQuery>;
export const PointPage = Page(PointView);

// ---- inspection plans ----
export const RecurrenceSchema = Type.Union([
  Type.Object({ type: Type.Literal('daily'), weekdaysOnly: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('weekly'), atLeast: Type.Integer({ minimum: 1, maximum: 7 }) }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('monthly'), fromDay: Type.Integer({ minimum: 1, maximum: 31 }), toDay: Type.Integer({ minimum: 1, maximum: 31 }), atLeast: Type.Integer({ minimum: 1, maximum: 31 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('once'), from: IsoDate, to: IsoDate }, { additionalProperties: false }),
]);

export const PLAN_MODES = ['announced', 'unannounced'] as const;
export type PlanMode = (typeof PLAN_MODES)[number];
/** `recheck` (回头看计划) samples closed cases each window instead of scoring targets against a standard. */
export const PLAN_KINDS = ['routine', 'inside_gate', 'zone_daily', 'simulated', 'recheck'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];
export const PLAN_KIND_LABELS: Record<PlanKind, { 'zh-CN': string; en: string }> = {
  routine: { 'zh-CN': '日常检查', en: 'Routine inspection' },
  inside_gate: { 'zh-CN': '门内达标月检', en: 'Inside-the-gate monthly check' },
  zone_daily: { 'zh-CN': '责任区日评比', en: 'Daily zone scoring' },
  simulated: { 'zh-CN': '模拟测评', en: 'Simulated assessment' },
  recheck: { 'zh-CN': '回头看', en: 'Re-check of closed cases' },
};

export const TargetSpec = Type.Object(
  {
    /** Units of these kinds … */
    unitKinds: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20, uniqueItems: true }),
    /** … under this unit (e.g. a community's resident units); the whole city when null. */
    withinUnitId: Nullable(Id),
    /** Named units, zones, assessment points and point types. */
    unitIds: Type.Array(Id, { maxItems: 5000, uniqueItems: true }),
    zoneIds: Type.Array(Id, { maxItems: 5000, uniqueItems: true }),
    pointIds: Type.Array(Id, { maxItems: 5000, uniqueItems: true }),
    pointTypeIds: Type.Array(Id, { maxItems: 100, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type TargetSpec = Static<typeof TargetSpec>;

/** A re-check plan's sample: closed cases in these streets/communities and categories (empty: all). */
export const RecheckSpecSchema = Type.Object(
  {
    regionIds: Type.Array(Id, { maxItems: 500, uniqueItems: true }),
    categoryIds: Type.Array(Id, { maxItems: 500, uniqueItems: true }),
    /** 1–100; checked by the service (PLAN_RECHECK_PERCENT) so the message is specific. */
    samplePercent: Type.Integer({ minimum: -1000, maximum: 1000 }),
  },
  { additionalProperties: false },
);

const PlanFields = {
  name: Text(100, 1),
  kind: lit(PLAN_KINDS),
  /** Null only for re-check plans (which have no standard). */
  editionId: Nullable(Id),
  mode: lit(PLAN_MODES),
  recurrence: RecurrenceSchema,
  /** Re-check plans: an empty specification. */
  targets: TargetSpec,
  /** Re-check plans only: what to sample. */
  recheck: Type.Optional(Nullable(RecheckSpecSchema)),
  /** The unit that runs the plan (the office, a street, a community for 门内达标). */
  ownerUnitId: Id,
  /** Inspectors who may score the plan; empty: anyone of the owner unit's side with the permission. */
  teamUserIds: Type.Array(Id, { maxItems: 500, uniqueItems: true }),
  startsOn: IsoDate,
  endsOn: Nullable(IsoDate),
  /** Hours after submission during which the office may reopen a sheet; then it is locked. */
  reopenHours: Type.Integer({ minimum: 0, maximum: 720 }),
  active: Type.Boolean(),
};
export const CreatePlanBody = Type.Object(PlanFields, { additionalProperties: false });
export type CreatePlanBody = Static<typeof CreatePlanBody>;
export const UpdatePlanBody = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647 }), ...Type.Partial(Type.Object(PlanFields)).properties }, { additionalProperties: false });
export type UpdatePlanBody = Static<typeof UpdatePlanBody>;

export const PlanView = Type.Object({
  id: Id,
  name: Type.String(),
  kind: lit(PLAN_KINDS),
  edition: Nullable(Type.Object({ id: Id, label: Type.String(), standardId: Id, standardName: Type.String() })),
  mode: lit(PLAN_MODES),
  recurrence: RecurrenceSchema,
  targets: TargetSpec,
  recheck: Nullable(Type.Object({ ...RecheckSpecSchema.properties, regions: Type.Array(Named), categories: Type.Array(Named) })),
  targetCount: Type.Integer(),
  ownerUnit: Named,
  team: Type.Array(Type.Object({ id: Id, name: Type.String() })),
  startsOn: IsoDate,
  endsOn: Nullable(IsoDate),
  reopenHours: Type.Integer(),
  active: Type.Boolean(),
  /** Unannounced plans: submitted sheets not yet shown to the inspected. */
  unpublishedSheets: Type.Integer(),
  version: Type.Integer(),
  actions: Actions,
});
export type PlanView = Static<typeof PlanView>;
export const PlanListQuery = Type.Object({ ...PageQuery, active: Type.Optional(Type.Boolean()), kind: Type.Optional(lit(PLAN_KINDS)) }, { additionalProperties: false });
export type PlanListQuery = Static<typeof PlanListQuery>;
export const PlanPage = Page(PlanView);

export const TargetView = Type.Object({
  kind: TargetKindSchema,
  id: Id,
  name: Type.String(),
  /** Unit kind, 'zone', or the point type code. */
  subtype: Nullable(Type.String()),
  responsibleUnit: Nullable(Named),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
});
export type TargetView = Static<typeof TargetView>;

/** A ranked or explained target: what its sheets recorded (no position; the sheets have theirs). */
export const RankedTarget = Type.Omit(TargetView, ['lat', 'lng']);
export type RankedTarget = Static<typeof RankedTarget>;

export const WindowView = Type.Object({ key: Type.String(), start: IsoDate, end: IsoDate, required: Type.Integer() });
/** The period; without it, the current month up to today. */
export const CoverageQuery = Type.Object({ from: Type.Optional(IsoDate), to: Type.Optional(IsoDate) }, { additionalProperties: false });
export type CoverageQuery = Static<typeof CoverageQuery>;
/** A re-check plan's window: cases sampled, checked (passed or relapsed), relapsed, and still pending after the due date. */
export const RecheckWindowView = Type.Object({
  key: Type.String(), start: IsoDate, end: IsoDate, sampled: Type.Integer(), checked: Type.Integer(), relapsed: Type.Integer(), overdue: Type.Integer(),
});
export type RecheckWindowView = Static<typeof RecheckWindowView>;
export const PlanCoverage = Type.Object({
  plan: Type.Object({ id: Id, name: Type.String(), kind: lit(PLAN_KINDS), mode: lit(PLAN_MODES) }),
  windows: Type.Array(WindowView),
  /** Re-check plans: per window (their `rows` are empty). */
  rechecks: Type.Optional(Type.Array(RecheckWindowView)),
  rows: Type.Array(Type.Object({ target: TargetView, cells: Type.Array(Type.Object({ window: Type.String(), done: Type.Integer(), required: Type.Integer() })) })),
  /** Targets × windows that ended before today with fewer sheets submitted than required. */
  missed: Type.Integer(),
  cells: Type.Integer(),
});
export type PlanCoverage = Static<typeof PlanCoverage>;
export const CoverageBoard = Type.Object({
  from: IsoDate,
  to: IsoDate,
  plans: Type.Array(Type.Object({ plan: Type.Object({ id: Id, name: Type.String(), kind: lit(PLAN_KINDS), mode: lit(PLAN_MODES) }), targets: Type.Integer(), cells: Type.Integer(), missed: Type.Integer(), done: Type.Integer() })),
});
export type CoverageBoard = Static<typeof CoverageBoard>;

// ---- field work ----
export const TaskView = Type.Object({
  plan: Type.Object({ id: Id, name: Type.String(), kind: lit(PLAN_KINDS), mode: lit(PLAN_MODES), editionId: Id }),
  target: TargetView,
  window: WindowView,
  done: Type.Integer(),
  /** An unsubmitted sheet of the caller's for this target and window. */
  draft: Nullable(Type.Object({ id: Id, clientKey: Type.String() })),
});
export type TaskView = Static<typeof TaskView>;
export const TaskQuery = Type.Object({ date: Type.Optional(IsoDate) }, { additionalProperties: false });
export type TaskQuery = Static<typeof TaskQuery>;
/** A re-check plan with pending re-checks for the caller (worked on the 回头看 page). */
export const RecheckTaskView = Type.Object({
  plan: Type.Object({ id: Id, name: Type.String() }),
  pending: Type.Integer(),
  overdue: Type.Integer(),
  /** The earliest due date among the pending ones. */
  dueDate: IsoDate,
});
export type RecheckTaskView = Static<typeof RecheckTaskView>;

export const SheetItemInput = Type.Object(
  {
    nodeId: Id,
    na: Type.Optional(Type.Boolean()),
    score: Type.Optional(Nullable(Points)),
    observed: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100000 }))),
    passed: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100000 }))),
    note: Type.Optional(Nullable(Text(500))),
  },
  { additionalProperties: false },
);
export type SheetItemInput = Static<typeof SheetItemInput>;
export const FindingInput = Type.Object(
  {
    clientKey: ClientKey,
    itemNodeId: Id,
    criterionNodeId: Type.Optional(Nullable(Id)),
    points: Points,
    note: Text(500, 1),
    lat: Type.Optional(Nullable(Lat)),
    lng: Type.Optional(Nullable(Lng)),
    photos: Type.Array(PhotoInput, { maxItems: 9 }),
  },
  { additionalProperties: false },
);
export type FindingInput = Static<typeof FindingInput>;

export const SheetSyncBody = Type.Object(
  {
    clientKey: ClientKey,
    planId: Id,
    target: Type.Object({ kind: TargetKindSchema, id: Id }, { additionalProperties: false }),
    /** The day the sheet counts for (the inspector's local date). */
    inspectedOn: IsoDate,
    startedAt: Type.Optional(Instant),
    lat: Type.Optional(Nullable(Lat)),
    lng: Type.Optional(Nullable(Lng)),
    items: Type.Array(SheetItemInput, { maxItems: 500 }),
    findings: Type.Array(FindingInput, { maxItems: 200 }),
    note: Type.Optional(Nullable(Text(1000))),
    submit: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SheetSyncBody = Static<typeof SheetSyncBody>;

export const INSPECTION_STATES = ['draft', 'submitted', 'reopened'] as const;
export type InspectionState = (typeof INSPECTION_STATES)[number];
export const INSPECTION_STATE_LABELS: Record<InspectionState | 'locked', { 'zh-CN': string; en: string }> = {
  draft: { 'zh-CN': '填写中', en: 'Draft' },
  submitted: { 'zh-CN': '已提交', en: 'Submitted' },
  reopened: { 'zh-CN': '已退回修改', en: 'Reopened' },
  locked: { 'zh-CN': '已锁定', en: 'Locked' },
};

export const InspectionFlag = Type.Object({ code: Type.String(), message: Type.String(), distanceM: Type.Optional(Type.Integer()) });
export const InspectionSummary = Type.Object({
  id: Id,
  number: Type.String(),
  clientKey: Type.String(),
  plan: Type.Object({ id: Id, name: Type.String(), kind: lit(PLAN_KINDS), mode: lit(PLAN_MODES) }),
  edition: Type.Object({ id: Id, label: Type.String() }),
  target: TargetView,
  inspector: Named,
  inspectedOn: IsoDate,
  state: lit(INSPECTION_STATES),
  locked: Type.Boolean(),
  score: Nullable(Type.Number()),
  maxScore: Nullable(Type.Number()),
  rate: Nullable(Type.Number()),
  vetoed: Type.Boolean(),
  findingCount: Type.Integer(),
  flags: Type.Array(InspectionFlag),
  submittedAt: Nullable(Instant),
  publishedAt: Nullable(Instant),
});
export type InspectionSummary = Static<typeof InspectionSummary>;

export const InspectionPhotoView = Type.Object({ id: Id, fileId: Id, takenAt: Nullable(Instant), lat: Nullable(Type.Number()), lng: Nullable(Type.Number()) });
export const InspectionView = Type.Object({
  ...InspectionSummary.properties,
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  startedAt: Nullable(Instant),
  note: Nullable(Type.String()),
  lockedAt: Nullable(Instant),
  items: Type.Array(Type.Object({
    nodeId: Id, code: Type.String(), title: Type.String(), section: Nullable(Type.String()), method: ScoringMethodSchema, max: Type.Number(),
    score: Nullable(Type.Number()), na: Type.Boolean(), observed: Nullable(Type.Integer()), passed: Nullable(Type.Integer()), note: Nullable(Type.String()), deducted: Type.Number(),
  })),
  findings: Type.Array(Type.Object({
    id: Id, clientKey: Type.String(), itemNodeId: Id, criterionNodeId: Nullable(Id), criterion: Nullable(Type.String()), points: Type.Number(), note: Type.String(),
    lat: Nullable(Type.Number()), lng: Nullable(Type.Number()), photos: Type.Array(InspectionPhotoView),
    case: Nullable(Type.Object({ id: Id, number: Type.String(), state: Type.String() })),
  })),
  events: Type.Array(Type.Object({ event: Type.String(), fromState: Nullable(Type.String()), toState: Type.String(), actor: Type.String(), note: Nullable(Type.String()), at: Instant })),
  version: Type.Integer(),
  actions: Actions,
});
export type InspectionView = Static<typeof InspectionView>;

export const InspectionListQuery = Type.Object(
  {
    ...PageQuery,
    planId: Type.Optional(Id),
    unitId: Type.Optional(Id),
    zoneId: Type.Optional(Id),
    pointId: Type.Optional(Id),
    inspectorId: Type.Optional(Id),
    state: Type.Optional(lit([...INSPECTION_STATES])),
    from: Type.Optional(IsoDate),
    to: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type InspectionListQuery = Static<typeof InspectionListQuery>;
export const InspectionPage = Page(InspectionSummary);

export const ReopenBody = Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647 }), note: Text(500, 1) }, { additionalProperties: false });
export type ReopenBody = Static<typeof ReopenBody>;

export const ResultsQuery = Type.Object({ planId: Id, from: IsoDate, to: IsoDate }, { additionalProperties: false });
export type ResultsQuery = Static<typeof ResultsQuery>;
export const ResultRow = Type.Object({
  target: RankedTarget,
  sheets: Type.Integer(),
  score: Type.Number({ description: 'Sum of the sheets’ scores (e.g. 十分制 daily scores summed over the month)' }),
  maxScore: Type.Number(),
  average: Type.Number(),
  rate: Nullable(Type.Number()),
  findings: Type.Integer(),
  rank: Type.Integer(),
});
export const PlanResults = Type.Object({
  plan: Type.Object({ id: Id, name: Type.String(), kind: lit(PLAN_KINDS), mode: lit(PLAN_MODES) }),
  from: IsoDate,
  to: IsoDate,
  rows: Type.Array(ResultRow),
  /** Simulated assessments: score rate per point type and per responsible unit. */
  byType: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), sheets: Type.Integer(), rate: Nullable(Type.Number()) })),
  byUnit: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), sheets: Type.Integer(), rate: Nullable(Type.Number()) })),
});
export type PlanResults = Static<typeof PlanResults>;

/** One target's result over a period, explained: which items lost the points, on which sheets, with which findings. */
export const ExplanationQuery = Type.Object({ planId: Id, from: IsoDate, to: IsoDate, targetKind: TargetKindSchema, targetId: Id }, { additionalProperties: false });
export type ExplanationQuery = Static<typeof ExplanationQuery>;
export const ResultExplanation = Type.Object({
  plan: Type.Object({ id: Id, name: Type.String(), kind: lit(PLAN_KINDS), mode: lit(PLAN_MODES) }),
  from: IsoDate,
  to: IsoDate,
  target: RankedTarget,
  sheets: Type.Integer(),
  score: Type.Number(),
  maxScore: Type.Number(),
  average: Type.Number(),
  rate: Nullable(Type.Number()),
  findings: Type.Integer(),
  vetoed: Type.Integer({ description: 'Sheets failed by a veto item (一票否决)' }),
  /** Per item of the standard, the points lost over the period, most first. */
  items: Type.Array(Type.Object({
    nodeId: Id,
    code: Type.String(),
    title: Type.String(),
    section: Nullable(Type.String()),
    points: Nullable(Type.Number({ description: 'The item’s full marks on one sheet' })),
    scored: Type.Integer({ description: 'Sheets on which the item was scored' }),
    na: Type.Integer({ description: 'Sheets on which it did not apply' }),
    maxTotal: Type.Number(),
    scoreTotal: Type.Number(),
    lost: Type.Number(),
    failedSheets: Type.Integer({ description: 'Sheets on which the item lost points' }),
    findings: Type.Integer(),
  })),
  sheetList: Type.Array(Type.Object({
    id: Id, number: Type.String(), inspectedOn: IsoDate, inspector: Type.String(), score: Type.Number(), maxScore: Type.Number(), rate: Nullable(Type.Number()),
    findingCount: Type.Integer(), vetoed: Type.Boolean(),
  })),
  /** The newest findings (at most 100; `findings` counts them all). */
  findingList: Type.Array(Type.Object({
    id: Id, inspectionId: Id, inspectionNumber: Type.String(), inspectedOn: IsoDate, itemCode: Type.String(), itemTitle: Type.String(), points: Type.Number(), note: Type.String(),
    case: Nullable(Type.Object({ id: Id, number: Type.String(), state: Type.String() })),
  })),
});
export type ResultExplanation = Static<typeof ResultExplanation>;

export const PhotoUploadView = Type.Object({ id: Id, name: Type.String(), mime: Type.String(), sizeBytes: Type.Integer(), clientKey: Nullable(Type.String()) });
export type PhotoUploadView = Static<typeof PhotoUploadView>;
