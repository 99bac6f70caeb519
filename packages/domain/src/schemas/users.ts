import { Type, type Static } from '@sinclair/typebox';
import { USER_STATUSES } from '../auth/user-status.js';
import { Actions, Id, Page, PageQuery } from './common.js';
import { RoleCodeSchema, UnitKindSchema } from './auth.js';

export const UserStatusSchema = Type.Union(USER_STATUSES.map((s) => Type.Literal(s)));

export const UserView = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  mobile: Type.Union([Type.String(), Type.Null()]),
  unit: Type.Object({ id: Id, name: Type.String(), kind: UnitKindSchema }),
  roles: Type.Array(RoleCodeSchema),
  status: UserStatusSchema,
  mustChangePassword: Type.Boolean(),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  version: Type.Integer(),
  actions: Actions,
});
export type UserView = Static<typeof UserView>;
export const UserPage = Page(UserView);
export type UserPage = Static<typeof UserPage>;

export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 64, description: 'Matches username, name or mobile' })),
    unitId: Type.Optional(Id),
    status: Type.Optional(UserStatusSchema),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

import { MOBILE_PATTERN, USERNAME_PATTERN } from '../auth/patterns.js';

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ pattern: USERNAME_PATTERN, description: '2–64 letters, digits, dot, dash, underscore' }),
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    mobile: Type.Optional(Type.Union([Type.String({ pattern: MOBILE_PATTERN }), Type.Null()])),
    unitId: Id,
    roles: Type.Array(RoleCodeSchema, { minItems: 1, maxItems: 7, uniqueItems: true }),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Initial password; generated when absent' })),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    mobile: Type.Optional(Type.Union([Type.String({ pattern: MOBILE_PATTERN }), Type.Null()])),
    unitId: Type.Optional(Id),
    roles: Type.Optional(Type.Array(RoleCodeSchema, { minItems: 1, maxItems: 7, uniqueItems: true })),
    version: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'The version you read; a stale one gets 409' }),
  },
  { additionalProperties: false },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const UserWithPassword = Type.Object({
  user: UserView,
  initialPassword: Type.String({ description: 'Shown once; the user must change it at first login' }),
});
export type UserWithPassword = Static<typeof UserWithPassword>;

export const UserTransitionBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
