/**
 * Permissions are the unit of authorization; roles are data that map to permissions and a scope.
 * The server checks them in one place (the onRequest hook in apps/server/src/platform/auth.ts,
 * from each route's `config.permission`); the web builds its menu from them.
 */
export const PERMISSIONS = [
  'dashboard.view',
  'region.read',
  'region.write',
  'unit.read',
  'unit.write',
  'user.read',
  'user.manage',
  'role.read',
  'audit.read',
  'token.manage',
  'person.read',
  'person.write',
  'map.read',
  'map.write',
  'assignment.read',
  'assignment.write',
  'frontage.read',
  'frontage.write',
  'settings.manage',
  'case.read',
  'case.report',
  'case.handle',
  'case.verify',
  'case.manage',
  'category.manage',
  'notification.manage',
  'inspection.read',
  'inspection.perform',
  'inspection.plan',
  'standard.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * How far a role sees:
 * - `tenant`: the whole city (campaign office, leaders, inspectors, administrators);
 * - `subtree`: the user's unit and the units below it (a street sees its communities);
 * - `own_unit`: only the user's own unit.
 */
export const SCOPE_KINDS = ['tenant', 'subtree', 'own_unit'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export const ROLE_CODES = [
  'system_admin',
  'campaign_office',
  'leader',
  'inspector',
  'unit_staff',
  'grid_worker',
  'volunteer',
] as const;
export type RoleCode = (typeof ROLE_CODES)[number];

export interface RoleDefinition {
  code: RoleCode;
  name: { 'zh-CN': string; en: string };
  scope: ScopeKind;
  permissions: readonly Permission[];
}

/** The built-in roles, seeded into each new city; an administrator can change a city's copy. */
export const DEFAULT_ROLES: readonly RoleDefinition[] = [
  {
    code: 'system_admin',
    name: { 'zh-CN': '系统管理员', en: 'System administrator' },
    scope: 'tenant',
    permissions: [...PERMISSIONS],
  },
  {
    code: 'campaign_office',
    name: { 'zh-CN': '创建办', en: 'Campaign office' },
    scope: 'tenant',
    permissions: ['dashboard.view', 'region.read', 'region.write', 'unit.read', 'unit.write', 'user.read', 'role.read', 'token.manage',
      'person.read', 'person.write', 'map.read', 'map.write', 'assignment.read', 'assignment.write', 'frontage.read', 'frontage.write', 'settings.manage',
      'case.read', 'case.report', 'case.verify', 'case.manage', 'category.manage', 'notification.manage',
      'inspection.read', 'inspection.perform', 'inspection.plan', 'standard.manage'],
  },
  {
    code: 'leader',
    name: { 'zh-CN': '领导', en: 'Leader' },
    scope: 'tenant',
    permissions: ['dashboard.view', 'region.read', 'unit.read', 'user.read', 'role.read', 'person.read', 'map.read', 'assignment.read', 'frontage.read',
      'case.read', 'case.report', 'inspection.read'],
  },
  {
    code: 'inspector',
    name: { 'zh-CN': '督查员', en: 'Inspector' },
    scope: 'tenant',
    permissions: ['dashboard.view', 'region.read', 'unit.read', 'person.read', 'map.read', 'assignment.read', 'frontage.read',
      'case.read', 'case.report', 'case.verify', 'inspection.read', 'inspection.perform'],
  },
  {
    code: 'unit_staff',
    name: { 'zh-CN': '单位工作人员', en: 'Unit staff' },
    scope: 'subtree',
    permissions: ['dashboard.view', 'region.read', 'unit.read', 'unit.write', 'user.read', 'role.read', 'person.read', 'person.write',
      'map.read', 'assignment.read', 'assignment.write', 'frontage.read', 'frontage.write', 'case.read', 'case.report', 'case.handle',
      'inspection.read', 'inspection.perform'],
  },
  {
    code: 'grid_worker',
    name: { 'zh-CN': '网格员', en: 'Grid worker' },
    scope: 'subtree',
    permissions: ['dashboard.view', 'region.read', 'unit.read', 'person.read', 'map.read', 'assignment.read', 'frontage.read',
      'case.read', 'case.report', 'inspection.read'],
  },
  {
    code: 'volunteer',
    name: { 'zh-CN': '志愿者', en: 'Volunteer' },
    scope: 'own_unit',
    permissions: ['dashboard.view'],
  },
];

const SCOPE_RANK: Record<ScopeKind, number> = { own_unit: 0, subtree: 1, tenant: 2 };

/** A user with several roles gets the union of permissions and the widest scope. */
export function combineRoles(roles: readonly Pick<RoleDefinition, 'scope' | 'permissions'>[]): {
  scope: ScopeKind;
  permissions: Permission[];
} {
  const permissions = new Set<Permission>();
  let scope: ScopeKind = 'own_unit';
  for (const r of roles) {
    r.permissions.forEach((p) => permissions.add(p));
    if (SCOPE_RANK[r.scope] > SCOPE_RANK[scope]) scope = r.scope;
  }
  return { scope, permissions: PERMISSIONS.filter((p) => permissions.has(p)) };
}
