import { Type, type Static } from '@sinclair/typebox';
import { Id, Page, PageQuery } from './common.js';

export const AuditEntry = Type.Object({
  id: Id,
  at: Type.String({ format: 'date-time' }),
  actorUserId: Type.Union([Id, Type.Null()]),
  actorLabel: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Any(),
  after: Type.Any(),
  ip: Type.Union([Type.String(), Type.Null()]),
  sealed: Type.Boolean(),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditPage = Page(AuditEntry);
export type AuditPage = Static<typeof AuditPage>;

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 64 })),
    entityType: Type.Optional(Type.String({ maxLength: 64 })),
    entityId: Type.Optional(Type.String({ maxLength: 64 })),
    actorUserId: Type.Optional(Id),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditVerifyResult = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer({ description: 'Sealed rows whose hash was recomputed' }),
  pending: Type.Integer({ description: 'Rows written but not yet linked into the chain' }),
  firstBroken: Type.Union([
    Type.Object({ id: Id, chainSeq: Type.Integer(), reason: Type.String() }),
    Type.Null(),
  ]),
});
export type AuditVerifyResult = Static<typeof AuditVerifyResult>;
