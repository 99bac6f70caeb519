import { Type, type Static } from '@sinclair/typebox';
import { PERMISSIONS, ROLE_CODES, SCOPE_KINDS } from '../auth/permissions.js';
import { UNIT_KINDS } from '../org/org.js';
import { Id, LocalizedName } from './common.js';

export const RoleCodeSchema = Type.Union(ROLE_CODES.map((c) => Type.Literal(c)));
export const PermissionSchema = Type.Union(PERMISSIONS.map((p) => Type.Literal(p)));
export const ScopeSchema = Type.Union(SCOPE_KINDS.map((s) => Type.Literal(s)));
export const UnitKindSchema = Type.Union(UNIT_KINDS.map((k) => Type.Literal(k)));

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64, description: 'Username or mobile number' }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const Me = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  mobile: Type.Union([Type.String(), Type.Null()]),
  tenant: Type.Object({ id: Id, name: Type.String() }),
  unit: Type.Object({ id: Id, name: Type.String(), kind: UnitKindSchema }),
  roles: Type.Array(RoleCodeSchema),
  permissions: Type.Array(PermissionSchema),
  scope: ScopeSchema,
  mustChangePassword: Type.Boolean(),
});
export type Me = Static<typeof Me>;

export const SessionResponse = Type.Object({
  user: Me,
  csrfToken: Type.String({ description: 'Send back in the x-csrf-token header on every write' }),
});
export type SessionResponse = Static<typeof SessionResponse>;

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const DemoAccount = Type.Object({
  username: Type.String(),
  password: Type.String(),
  role: RoleCodeSchema,
  roleName: LocalizedName,
  unitName: Type.String(),
  displayName: Type.String(),
});
export const DemoAccounts = Type.Object({ demo: Type.Boolean(), accounts: Type.Array(DemoAccount) });
export type DemoAccounts = Static<typeof DemoAccounts>;

export const ClientConfig = Type.Object({
  demo: Type.Boolean(),
  tileUrl: Type.String({ description: 'Tile URL template ({z}/{x}/{y}); empty = no basemap' }),
  tileCrs: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')], { description: 'gcj02: convert WGS-84 data for display on Chinese tiles' }),
  version: Type.String(),
});
export type ClientConfig = Static<typeof ClientConfig>;
