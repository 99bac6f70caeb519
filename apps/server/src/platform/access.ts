import { sql, type Expression, type SqlBool } from 'kysely';
import type { Permission } from '@cc/domain';
import type { Actor } from './actor.js';
import { AppError } from './errors.js';

/**
 * Data scope, in one place. A unit's path is '/<root id>/…/<own id>/'; a user with `subtree`
 * scope sees units whose path starts with their own unit's path, `own_unit` sees only their
 * unit, `tenant` sees the whole city. Regions follow the region of the user's unit.
 */
export function unitInScope(actor: Actor, unitPath: string): boolean {
  switch (actor.scope) {
    case 'tenant':
      return true;
    case 'subtree':
      return unitPath.startsWith(actor.unitPath);
    case 'own_unit':
      return unitPath === actor.unitPath;
  }
}

export function regionInScope(actor: Actor, regionPath: string): boolean {
  if (actor.scope === 'tenant') return true;
  if (!actor.regionPath) return false;
  return actor.scope === 'subtree' ? regionPath.startsWith(actor.regionPath) : regionPath === actor.regionPath;
}

/** SQL condition on a unit path column, for list queries. */
export function unitScopeSql(actor: Actor, pathColumn: string): Expression<SqlBool> {
  switch (actor.scope) {
    case 'tenant':
      return sql<SqlBool>`true`;
    case 'subtree':
      return sql<SqlBool>`${sql.ref(pathColumn)} like ${escapeLike(actor.unitPath) + '%'}`;
    case 'own_unit':
      return sql<SqlBool>`${sql.ref(pathColumn)} = ${actor.unitPath}`;
  }
}

export function regionScopeSql(actor: Actor, pathColumn: string): Expression<SqlBool> {
  if (actor.scope === 'tenant') return sql<SqlBool>`true`;
  if (!actor.regionPath) return sql<SqlBool>`false`;
  return actor.scope === 'subtree'
    ? sql<SqlBool>`${sql.ref(pathColumn)} like ${escapeLike(actor.regionPath) + '%'}`
    : sql<SqlBool>`${sql.ref(pathColumn)} = ${actor.regionPath}`;
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export function assertUnitInScope(actor: Actor, unitPath: string): void {
  if (!unitInScope(actor, unitPath)) throw new AppError(403, 'OUT_OF_SCOPE');
}

export function assertRegionInScope(actor: Actor, regionPath: string): void {
  if (!regionInScope(actor, regionPath)) throw new AppError(403, 'OUT_OF_SCOPE');
}

export const can = (actor: Actor, p: Permission) => actor.permissions.has(p);

/** The actions list sent with a record: each entry kept when its condition holds. */
export function actionsFor(entries: Record<string, boolean>): string[] {
  return Object.entries(entries)
    .filter(([, ok]) => ok)
    .map(([name]) => name);
}
