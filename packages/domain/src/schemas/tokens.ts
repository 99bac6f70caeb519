import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.js';

export const ApiTokenView = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ApiTokenView = Static<typeof ApiTokenView>;

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const CreatedToken = Type.Object({
  token: ApiTokenView,
  secret: Type.String({ description: 'Shown once: send as `Authorization: Bearer <secret>`' }),
});
export type CreatedToken = Static<typeof CreatedToken>;
