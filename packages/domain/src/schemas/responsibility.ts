import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ASSIGNMENT_KINDS, MERCHANT_TRADES, ROUTING_STEPS, TARGET_TYPES } from '../responsibility/assignments.js';
import { CODE_PATTERN } from '../org/org.js';
import { Actions, Id, Page, PageQuery } from './common.js';

export const IsoDate = Type.String({ format: 'date', description: 'Calendar date YYYY-MM-DD (Asia/Shanghai)' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const AssignmentKindSchema = Type.Union(ASSIGNMENT_KINDS.map((k) => Type.Literal(k)));
export const TargetTypeSchema = Type.Union(TARGET_TYPES.map((k) => Type.Literal(k)));
export const MerchantTradeSchema = Type.Union(MERCHANT_TRADES.map((k) => Type.Literal(k)));
export const RoutingStepSchema = Type.Union(ROUTING_STEPS.map((k) => Type.Literal(k)));

/** GeoJSON geometry as sent; shape and rings are checked by the service with checkArea/checkLine. */
export const GeometryInput = Type.Object(
  {
    type: Type.Union([Type.Literal('Polygon'), Type.Literal('MultiPolygon'), Type.Literal('LineString')]),
    coordinates: Type.Array(Type.Any(), { minItems: 1, maxItems: 100_000 }),
  },
  { additionalProperties: false, description: 'GeoJSON geometry in WGS-84, [lng, lat] order' },
);

export const Lng = Type.Number({ minimum: -180, maximum: 180 });
export const Lat = Type.Number({ minimum: -90, maximum: 90 });

// ---- people ----
export const PersonView = Type.Object({
  id: Id,
  name: Type.String(),
  unit: Type.Object({ id: Id, name: Type.String() }),
  position: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  note: Nullable(Type.String()),
  userId: Nullable(Id),
  version: Type.Integer(),
  actions: Actions,
});
export type PersonView = Static<typeof PersonView>;
export const PersonPage = Page(PersonView);
export type PersonPage = Static<typeof PersonPage>;
export const PersonListQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 64 })), unitId: Type.Optional(Id), ...PageQuery },
  { additionalProperties: false },
);
export type PersonListQuery = Static<typeof PersonListQuery>;
export const PHONE_PATTERN = '^[0-9+()\\- ]{5,20}$';
export const CreatePersonBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    unitId: Id,
    position: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    phone: Type.Optional(Nullable(Type.String({ pattern: PHONE_PATTERN }))),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    userId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);
export type CreatePersonBody = Static<typeof CreatePersonBody>;
export const UpdatePersonBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    unitId: Type.Optional(Id),
    position: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    phone: Type.Optional(Nullable(Type.String({ pattern: PHONE_PATTERN }))),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    userId: Type.Optional(Nullable(Id)),
    version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  },
  { additionalProperties: false },
);
export type UpdatePersonBody = Static<typeof UpdatePersonBody>;

// ---- road segments and zones ----
export const RoadSegmentView = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  fromDesc: Nullable(Type.String()),
  toDesc: Nullable(Type.String()),
  regionId: Nullable(Id),
  lengthM: Type.Number(),
  geometry: Type.Any(),
  version: Type.Integer(),
  actions: Actions,
});
export type RoadSegmentView = Static<typeof RoadSegmentView>;
export const SegmentBody = Type.Object(
  {
    code: Type.String({ pattern: CODE_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    fromDesc: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    toDesc: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    regionId: Type.Optional(Nullable(Id)),
    geometry: GeometryInput,
  },
  { additionalProperties: false },
);
export type SegmentBody = Static<typeof SegmentBody>;
export const UpdateSegmentBody = Type.Composite([Type.Partial(SegmentBody), Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647 }) })], { additionalProperties: false });
export type UpdateSegmentBody = Static<typeof UpdateSegmentBody>;

export const ZoneView = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  regionId: Nullable(Id),
  geometry: Type.Any(),
  version: Type.Integer(),
  actions: Actions,
});
export type ZoneView = Static<typeof ZoneView>;
export const ZoneBody = Type.Object(
  {
    code: Type.String({ pattern: CODE_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    regionId: Type.Optional(Nullable(Id)),
    geometry: GeometryInput,
  },
  { additionalProperties: false },
);
export type ZoneBody = Static<typeof ZoneBody>;
export const UpdateZoneBody = Type.Composite([Type.Partial(ZoneBody), Type.Object({ version: Type.Integer({ minimum: 1, maximum: 2147483647 }) })], { additionalProperties: false });
export type UpdateZoneBody = Static<typeof UpdateZoneBody>;

export const RegionGeometryBody = Type.Object(
  { geometry: Type.Union([GeometryInput, Type.Null()]), version: Type.Integer({ minimum: 1, maximum: 2147483647 }) },
  { additionalProperties: false },
);
export type RegionGeometryBody = Static<typeof RegionGeometryBody>;

// ---- assignments ----
export const PartyRef = Type.Object({ type: Type.Union([Type.Literal('unit'), Type.Literal('person')]), id: Id, name: Type.String() });
export const TargetRef = Type.Object({ type: TargetTypeSchema, id: Id, name: Type.String() });

export const AssignmentView = Type.Object({
  id: Id,
  kind: AssignmentKindSchema,
  target: TargetRef,
  responsibleUnit: Nullable(Type.Object({ id: Id, name: Type.String() })),
  responsiblePerson: Nullable(Type.Object({ id: Id, name: Type.String(), position: Nullable(Type.String()) })),
  validFrom: IsoDate,
  validTo: Nullable(IsoDate),
  note: Nullable(Type.String()),
  replacesId: Nullable(Id),
  version: Type.Integer(),
  actions: Actions,
});
export type AssignmentView = Static<typeof AssignmentView>;
export const AssignmentPage = Page(AssignmentView);
export type AssignmentPage = Static<typeof AssignmentPage>;
export const AssignmentListQuery = Type.Object(
  {
    kind: Type.Optional(AssignmentKindSchema),
    targetType: Type.Optional(TargetTypeSchema),
    targetId: Type.Optional(Id),
    unitId: Type.Optional(Id),
    personId: Type.Optional(Id),
    date: Type.Optional(IsoDate),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AssignmentListQuery = Static<typeof AssignmentListQuery>;
export const CreateAssignmentBody = Type.Object(
  {
    kind: AssignmentKindSchema,
    targetId: Id,
    responsibleUnitId: Type.Optional(Nullable(Id)),
    responsiblePersonId: Type.Optional(Nullable(Id)),
    validFrom: IsoDate,
    validTo: Type.Optional(Nullable(IsoDate)),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type CreateAssignmentBody = Static<typeof CreateAssignmentBody>;
export const EndAssignmentBody = Type.Object(
  { validTo: IsoDate, version: Type.Integer({ minimum: 1, maximum: 2147483647 }), note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export type EndAssignmentBody = Static<typeof EndAssignmentBody>;
export const ReassignBody = Type.Object(
  {
    from: IsoDate,
    responsibleUnitId: Type.Optional(Nullable(Id)),
    responsiblePersonId: Type.Optional(Nullable(Id)),
    version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type ReassignBody = Static<typeof ReassignBody>;

// ---- frontage contracts ----
export const FrontageContractView = Type.Object({
  id: Id,
  assignmentId: Id,
  shop: Type.Object({ id: Id, name: Type.String(), address: Nullable(Type.String()), lng: Nullable(Type.Number()), lat: Nullable(Type.Number()) }),
  duties: Type.Array(Type.String()),
  signedOn: IsoDate,
  signerName: Type.String(),
  responsibleName: Nullable(Type.String()),
  responsiblePhone: Nullable(Type.String()),
  platePosted: Type.Boolean(),
  contractFileId: Nullable(Id),
  validFrom: IsoDate,
  validTo: Nullable(IsoDate),
  expiresOn: Nullable(IsoDate),
  /** active | expiring (within the warning window) | expired | ended (period closed) */
  status: Type.Union([Type.Literal('active'), Type.Literal('expiring'), Type.Literal('expired'), Type.Literal('ended')]),
  renewedFromId: Nullable(Id),
  checks: Type.Integer(),
  failedChecks: Type.Integer(),
  version: Type.Integer(),
  actions: Actions,
});
export type FrontageContractView = Static<typeof FrontageContractView>;
export const FrontageContractPage = Page(FrontageContractView);
export type FrontageContractPage = Static<typeof FrontageContractPage>;
export const FrontageListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 64 })),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('expiring'), Type.Literal('expired'), Type.Literal('ended')])),
    regionId: Type.Optional(Id),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type FrontageListQuery = Static<typeof FrontageListQuery>;
export const CreateFrontageBody = Type.Object(
  {
    shopUnitId: Id,
    duties: Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 10, uniqueItems: true }),
    signedOn: IsoDate,
    signerName: Type.String({ minLength: 1, maxLength: 64 }),
    responsibleName: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    responsiblePhone: Type.Optional(Nullable(Type.String({ pattern: PHONE_PATTERN }))),
    platePosted: Type.Optional(Type.Boolean()),
    contractFileId: Type.Optional(Nullable(Id)),
    validFrom: IsoDate,
    expiresOn: Type.Optional(Nullable(IsoDate)),
  },
  { additionalProperties: false },
);
export type CreateFrontageBody = Static<typeof CreateFrontageBody>;
export const RenewFrontageBody = Type.Object(
  {
    signedOn: IsoDate,
    signerName: Type.String({ minLength: 1, maxLength: 64 }),
    validFrom: IsoDate,
    expiresOn: Type.Optional(Nullable(IsoDate)),
    duties: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 10, uniqueItems: true })),
    platePosted: Type.Optional(Type.Boolean()),
    contractFileId: Type.Optional(Nullable(Id)),
    version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  },
  { additionalProperties: false },
);
export type RenewFrontageBody = Static<typeof RenewFrontageBody>;
export const UpdateFrontageBody = Type.Object(
  {
    duties: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 10, uniqueItems: true })),
    platePosted: Type.Optional(Type.Boolean()),
    responsibleName: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    responsiblePhone: Type.Optional(Nullable(Type.String({ pattern: PHONE_PATTERN }))),
    contractFileId: Type.Optional(Nullable(Id)),
    expiresOn: Type.Optional(Nullable(IsoDate)),
    version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  },
  { additionalProperties: false },
);
export type UpdateFrontageBody = Static<typeof UpdateFrontageBody>;
export const EndFrontageBody = Type.Object({ validTo: IsoDate, version: Type.Integer({ minimum: 1, maximum: 2147483647 }) }, { additionalProperties: false });
export type EndFrontageBody = Static<typeof EndFrontageBody>;

export const FrontageCheckBody = Type.Object(
  {
    checkedOn: IsoDate,
    passed: Type.Boolean(),
    failedDuties: Type.Optional(Type.Array(Type.String({ maxLength: 16 }), { maxItems: 10, uniqueItems: true })),
    note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    penaltyYuan: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 1_000_000 }))),
  },
  { additionalProperties: false },
);
export type FrontageCheckBody = Static<typeof FrontageCheckBody>;
export const FrontageCheckView = Type.Object({
  id: Id,
  checkedOn: IsoDate,
  passed: Type.Boolean(),
  failedDuties: Type.Array(Type.String()),
  note: Nullable(Type.String()),
  penaltyYuan: Nullable(Type.Number()),
  source: Type.String(),
});
export type FrontageCheckView = Static<typeof FrontageCheckView>;

// ---- routing query ----
export const ResponsibilityQuery = Type.Object(
  {
    lat: Lat,
    lng: Lng,
    date: Type.Optional(IsoDate),
    category: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type ResponsibilityQuery = Static<typeof ResponsibilityQuery>;
const Named = Type.Object({ id: Id, name: Type.String() });
export const ResponsibilityAnswer = Type.Object({
  point: Type.Object({ lat: Type.Number(), lng: Type.Number() }),
  date: IsoDate,
  grid: Nullable(Type.Object({ id: Id, name: Type.String(), code: Type.String() })),
  community: Nullable(Type.Object({ id: Id, name: Type.String(), code: Type.String() })),
  street: Nullable(Type.Object({ id: Id, name: Type.String(), code: Type.String() })),
  communityUnit: Nullable(Named),
  leaders: Type.Array(Type.Object({ assignmentId: Id, person: Type.Object({ id: Id, name: Type.String(), position: Nullable(Type.String()) }), unit: Nullable(Named) })),
  pairings: Type.Array(Type.Object({ assignmentId: Id, unit: Named })),
  segment: Nullable(Type.Object({ id: Id, name: Type.String(), code: Type.String(), distanceM: Type.Number(), assignmentId: Nullable(Id), unit: Nullable(Named), person: Nullable(Named) })),
  zone: Nullable(Type.Object({ id: Id, name: Type.String(), code: Type.String(), assignmentId: Nullable(Id), unit: Nullable(Named), person: Nullable(Named) })),
  frontage: Nullable(Type.Object({ contractId: Nullable(Id), assignmentId: Id, shop: Named, distanceM: Type.Number(), duties: Type.Array(Type.String()) })),
  routing: Type.Object({
    category: Nullable(Type.String()),
    steps: Type.Array(RoutingStepSchema),
    answeredBy: Nullable(RoutingStepSchema),
    unit: Nullable(Named),
  }),
});
export type ResponsibilityAnswer = Static<typeof ResponsibilityAnswer>;

// ---- city settings for the map ----
export const MapSettings = Type.Object(
  {
    frontageDuties: Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { minItems: 1, maxItems: 10, uniqueItems: true }),
    frontageRadiusM: Type.Integer({ minimum: 1, maximum: 500 }),
    segmentRadiusM: Type.Integer({ minimum: 1, maximum: 500 }),
    contractExpiryWarningDays: Type.Integer({ minimum: 0, maximum: 365 }),
    defaultRouting: Type.Array(RoutingStepSchema, { minItems: 1, uniqueItems: true }),
    mapCenter: Type.Object({ lng: Lng, lat: Lat, zoom: Type.Integer({ minimum: 1, maximum: 20 }) }),
  },
  { additionalProperties: false },
);
export type MapSettings = Static<typeof MapSettings>;
