/**
 * Workflows are tables: every state change is a row `{ from, event, to }`.
 * `decide` is pure: it looks the transition up and returns the next state, or a typed refusal.
 * Services persist the result with a version/state check and an event row in one transaction.
 */
export interface Transition<S extends string, E extends string, R extends string = string> {
  from: S;
  event: E;
  to: S;
  /** Roles (or pseudo-roles) that may fire this event; empty = anyone with the route's permission. */
  roles?: readonly R[];
}

export type Decision<S extends string> =
  | { ok: true; from: S; to: S }
  | { ok: false; reason: 'TRANSITION_NOT_ALLOWED' | 'ROLE_NOT_ALLOWED' };

export function decide<S extends string, E extends string, R extends string>(
  table: readonly Transition<S, E, R>[],
  current: S,
  event: E,
  actorRoles: readonly R[] = [],
): Decision<S> {
  const row = table.find((t) => t.from === current && t.event === event);
  if (!row) return { ok: false, reason: 'TRANSITION_NOT_ALLOWED' };
  if (row.roles && row.roles.length > 0 && !row.roles.some((r) => actorRoles.includes(r))) {
    return { ok: false, reason: 'ROLE_NOT_ALLOWED' };
  }
  return { ok: true, from: current, to: row.to };
}

/** Events that may be fired from `current` (for the UI's action list). */
export function availableEvents<S extends string, E extends string, R extends string>(
  table: readonly Transition<S, E, R>[],
  current: S,
  actorRoles: readonly R[] = [],
): E[] {
  return table
    .filter((t) => t.from === current)
    .filter((t) => !t.roles || t.roles.length === 0 || t.roles.some((r) => actorRoles.includes(r)))
    .map((t) => t.event);
}
