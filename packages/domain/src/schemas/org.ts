import { Type, type Static } from '@sinclair/typebox';
import { CODE_PATTERN, REGION_LEVELS } from '../org/org.js';
import { Actions, Id, Page, PageQuery } from './common.js';
import { UnitKindSchema } from './auth.js';
import { Lat, Lng, MerchantTradeSchema } from './responsibility.js';

export const RegionLevelSchema = Type.Union(REGION_LEVELS.map((l) => Type.Literal(l)));

/** 常住人口: whole residents, 0 – the largest PostgreSQL integer; null = not known. */
export const Population = Type.Union([Type.Integer({ minimum: 0, maximum: 2147483647, description: '常住人口 (resident population)' }), Type.Null()]);

export const RegionView = Type.Object({
  id: Id,
  parentId: Type.Union([Id, Type.Null()]),
  level: RegionLevelSchema,
  code: Type.String(),
  name: Type.String(),
  hasGeometry: Type.Boolean(),
  population: Population,
  version: Type.Integer(),
  actions: Actions,
});
export type RegionView = Static<typeof RegionView>;
export const RegionList = Type.Object({ items: Type.Array(RegionView), actions: Actions });
export type RegionList = Static<typeof RegionList>;

export const CreateRegionBody = Type.Object(
  {
    parentId: Type.Union([Id, Type.Null()]),
    level: RegionLevelSchema,
    code: Type.String({ pattern: CODE_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    population: Type.Optional(Population),
  },
  { additionalProperties: false },
);
export type CreateRegionBody = Static<typeof CreateRegionBody>;

export const UpdateRegionBody = Type.Object(
  {
    code: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** Absent = unchanged; null = clear. */
    population: Type.Optional(Population),
    version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  },
  { additionalProperties: false },
);
export type UpdateRegionBody = Static<typeof UpdateRegionBody>;

export const UnitView = Type.Object({
  id: Id,
  parentId: Type.Union([Id, Type.Null()]),
  kind: UnitKindSchema,
  code: Type.String(),
  name: Type.String(),
  regionId: Type.Union([Id, Type.Null()]),
  regionName: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  contactName: Type.Union([Type.String(), Type.Null()]),
  contactPhone: Type.Union([Type.String(), Type.Null()]),
  lng: Type.Union([Type.Number(), Type.Null()]),
  lat: Type.Union([Type.Number(), Type.Null()]),
  firstResponsiblePerson: Type.Union([Type.Object({ id: Id, name: Type.String() }), Type.Null()]),
  trade: Type.Union([MerchantTradeSchema, Type.Null()]),
  version: Type.Integer(),
  actions: Actions,
});
export type UnitView = Static<typeof UnitView>;
export const UnitPage = Page(UnitView);
export type UnitPage = Static<typeof UnitPage>;

export const UnitListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.Optional(UnitKindSchema),
    parentId: Type.Optional(Id),
    regionId: Type.Optional(Id),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type UnitListQuery = Static<typeof UnitListQuery>;

const nullableText = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));

export const CreateUnitBody = Type.Object(
  {
    parentId: Type.Union([Id, Type.Null()]),
    kind: UnitKindSchema,
    code: Type.String({ pattern: CODE_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    regionId: Type.Optional(Type.Union([Id, Type.Null()])),
    address: nullableText(200),
    contactName: nullableText(64),
    contactPhone: nullableText(32),
    lng: Type.Optional(Type.Union([Lng, Type.Null()])),
    lat: Type.Optional(Type.Union([Lat, Type.Null()])),
    firstResponsiblePersonId: Type.Optional(Type.Union([Id, Type.Null()])),
    trade: Type.Optional(Type.Union([MerchantTradeSchema, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateUnitBody = Static<typeof CreateUnitBody>;

export const UpdateUnitBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    code: Type.Optional(Type.String({ pattern: CODE_PATTERN })),
    regionId: Type.Optional(Type.Union([Id, Type.Null()])),
    address: nullableText(200),
    contactName: nullableText(64),
    contactPhone: nullableText(32),
    lng: Type.Optional(Type.Union([Lng, Type.Null()])),
    lat: Type.Optional(Type.Union([Lat, Type.Null()])),
    firstResponsiblePersonId: Type.Optional(Type.Union([Id, Type.Null()])),
    trade: Type.Optional(Type.Union([MerchantTradeSchema, Type.Null()])),
    version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  },
  { additionalProperties: false },
);
export type UpdateUnitBody = Static<typeof UpdateUnitBody>;
