import type { Permission, RoleCode, ScopeKind } from '@cc/domain';

/** Who is making the request, resolved once per request by the auth hook. */
export interface Actor {
  tenantId: number;
  userId: number;
  username: string;
  displayName: string;
  unitId: number;
  /** Materialized path of the user's unit ('/1/4/9/'): the root of a subtree scope. */
  unitPath: string;
  /** Path of the unit's region, if it has one: the root of the region scope. */
  regionPath: string | null;
  roles: RoleCode[];
  permissions: ReadonlySet<Permission>;
  scope: ScopeKind;
  authMethod: 'session' | 'token';
  sessionId: string | null;
  csrfToken: string | null;
  mustChangePassword: boolean;
}

/** Route options read by the shared auth hook (declared per route in `config`). */
export interface RouteAccess {
  /** No login needed (login page, public forms, health). */
  public?: boolean;
  /** The permission the route needs; omitted = any logged-in user. */
  permission?: Permission;
  /** Reachable while the user still has to change an initial password. */
  allowDuringPasswordChange?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds RouteAccess to route config
  interface FastifyContextConfig extends RouteAccess {}
}

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new Error('route reached without an actor: is it marked public by mistake?');
  return actor;
}
