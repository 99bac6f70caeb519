import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import {
  ApartmentOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  BookOutlined,
  CheckSquareOutlined,
  ContactsOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  FileProtectOutlined,
  FormOutlined,
  HistoryOutlined,
  ImportOutlined,
  NodeIndexOutlined,
  ProfileOutlined,
  ScheduleOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
  ControlOutlined,
  AimOutlined,
  CalendarOutlined,
  FileSearchOutlined,
  FundViewOutlined,
} from '@ant-design/icons';
import type { Permission } from '@cc/domain';
import type zhCN from '../i18n/zh-CN';

type MenuKey = keyof (typeof zhCN)['menu'];

/**
 * The main menu and its routes, as data: one entry per page. A later feature (责任地图, 案件, 督查,
 * 考评 …) adds one entry here and its page file; the menu, the route and the permission guard follow.
 */
export interface NavEntry {
  key: MenuKey;
  /** Route path, relative to the protected root. */
  path: string;
  icon: ComponentType;
  /** The permission that shows the entry (a list: any one of them); null = every signed-in user. */
  permission: Permission | readonly Permission[] | null;
  page: LazyExoticComponent<ComponentType>;
  /** A route without a menu entry (e.g. one case); it still has its permission guard. */
  hidden?: boolean;
}

/** Every page with its route and guard, in menu order; `hidden` ones have no menu entry. */
export const ROUTES: readonly NavEntry[] = [
  {
    key: 'dashboard',
    path: 'dashboard',
    icon: DashboardOutlined,
    permission: 'dashboard.view',
    page: lazy(() => import('../pages/DashboardPage')),
  },
  {
    key: 'map',
    path: 'map',
    icon: EnvironmentOutlined,
    permission: 'map.read',
    page: lazy(() => import('../pages/MapPage')),
  },
  {
    key: 'cases',
    path: 'cases',
    icon: ProfileOutlined,
    permission: 'case.read',
    page: lazy(() => import('../pages/CasesPage')),
  },
  {
    key: 'caseNew',
    path: 'cases/new',
    icon: FormOutlined,
    permission: 'case.report',
    page: lazy(() => import('../pages/NewCasePage')),
  },
  {
    key: 'caseDetail',
    path: 'cases/:id',
    icon: ProfileOutlined,
    permission: 'case.read',
    page: lazy(() => import('../pages/CaseDetailPage')),
    hidden: true,
  },
  {
    key: 'rechecks',
    path: 'rechecks',
    icon: HistoryOutlined,
    permission: 'case.verify',
    page: lazy(() => import('../pages/RechecksPage')),
  },
  {
    key: 'caseStats',
    path: 'case-stats',
    icon: BarChartOutlined,
    permission: 'case.read',
    page: lazy(() => import('../pages/CaseStatsPage')),
  },
  {
    key: 'standards',
    path: 'standards',
    icon: BookOutlined,
    permission: 'inspection.read',
    page: lazy(() => import('../pages/StandardsPage')),
  },
  {
    key: 'inspectionPlans',
    path: 'inspection-plans',
    icon: CalendarOutlined,
    permission: 'inspection.read',
    page: lazy(() => import('../pages/InspectionPlansPage')),
  },
  {
    key: 'inspectionCoverage',
    path: 'inspection-coverage',
    icon: FundViewOutlined,
    permission: 'inspection.plan',
    page: lazy(() => import('../pages/InspectionCoveragePage')),
  },
  {
    key: 'inspections',
    path: 'inspections',
    icon: FileSearchOutlined,
    permission: 'inspection.read',
    page: lazy(() => import('../pages/InspectionsPage')),
  },
  {
    key: 'inspectionDetail',
    path: 'inspections/:id',
    icon: FileSearchOutlined,
    permission: 'inspection.read',
    page: lazy(() => import('../pages/InspectionDetailPage')),
    hidden: true,
  },
  {
    key: 'assessmentPoints',
    path: 'assessment-points',
    icon: AimOutlined,
    permission: 'inspection.read',
    page: lazy(() => import('../pages/AssessmentPointsPage')),
  },
  {
    key: 'field',
    path: 'field',
    icon: CheckSquareOutlined,
    permission: 'inspection.perform',
    page: lazy(() => import('../pages/FieldPage')),
  },
  {
    key: 'field',
    path: 'field/sheet/:key',
    icon: CheckSquareOutlined,
    permission: 'inspection.perform',
    page: lazy(() => import('../pages/FieldPage')),
    hidden: true,
  },
  {
    key: 'regions',
    path: 'regions',
    icon: ApartmentOutlined,
    permission: 'region.read',
    page: lazy(() => import('../pages/RegionsPage')),
  },
  {
    key: 'units',
    path: 'units',
    icon: BankOutlined,
    permission: 'unit.read',
    page: lazy(() => import('../pages/UnitsPage')),
  },
  {
    key: 'people',
    path: 'people',
    icon: ContactsOutlined,
    permission: 'person.read',
    page: lazy(() => import('../pages/PeoplePage')),
  },
  {
    key: 'assignments',
    path: 'assignments',
    icon: ScheduleOutlined,
    permission: 'assignment.read',
    page: lazy(() => import('../pages/AssignmentsPage')),
  },
  {
    key: 'segments',
    path: 'segments',
    icon: NodeIndexOutlined,
    permission: 'map.read',
    page: lazy(() => import('../pages/SegmentsPage')),
  },
  {
    key: 'frontage',
    path: 'frontage',
    icon: FileProtectOutlined,
    permission: 'frontage.read',
    page: lazy(() => import('../pages/FrontagePage')),
  },
  {
    key: 'imports',
    path: 'imports',
    icon: ImportOutlined,
    permission: ['region.write', 'unit.write', 'person.write', 'map.write', 'frontage.write', 'assignment.write'],
    page: lazy(() => import('../pages/ImportsPage')),
  },
  {
    key: 'users',
    path: 'users',
    icon: TeamOutlined,
    permission: 'user.read',
    page: lazy(() => import('../pages/UsersPage')),
  },
  {
    key: 'audit',
    path: 'audit',
    icon: AuditOutlined,
    permission: 'audit.read',
    page: lazy(() => import('../pages/AuditPage')),
  },
  {
    key: 'caseSettings',
    path: 'case-settings',
    icon: ControlOutlined,
    permission: 'category.manage',
    page: lazy(() => import('../pages/CaseSettingsPage')),
  },
  {
    key: 'settings',
    path: 'settings',
    icon: SettingOutlined,
    permission: 'settings.manage',
    page: lazy(() => import('../pages/SettingsPage')),
  },
  {
    key: 'profile',
    path: 'profile',
    icon: UserOutlined,
    permission: null,
    page: lazy(() => import('../pages/ProfilePage')),
  },
];

/** The menu's headed groups, by menu key; an entry in no group stands alone. */
export const MENU_GROUPS: readonly { label: 'groupMap' | 'groupCases' | 'groupInspections' | 'groupSystem'; keys: readonly MenuKey[] }[] = [
  { label: 'groupCases', keys: ['cases', 'caseNew', 'rechecks', 'caseStats'] },
  { label: 'groupInspections', keys: ['field', 'inspections', 'inspectionPlans', 'inspectionCoverage', 'assessmentPoints', 'standards'] },
  { label: 'groupMap', keys: ['map', 'regions', 'units', 'people', 'assignments', 'segments', 'frontage', 'imports'] },
  { label: 'groupSystem', keys: ['users', 'audit', 'caseSettings', 'settings', 'profile'] },
];

/** Menu sections in order: each group sits where its first visible entry would, holding its visible entries. */
export function menuSections(entries: readonly NavEntry[]): { group: (typeof MENU_GROUPS)[number]['label'] | null; entries: NavEntry[] }[] {
  const out: { group: (typeof MENU_GROUPS)[number]['label'] | null; entries: NavEntry[] }[] = [];
  const placed = new Set<string>();
  for (const e of entries) {
    if (placed.has(e.key)) continue;
    const group = MENU_GROUPS.find((g) => g.keys.includes(e.key));
    const members = group ? entries.filter((x) => group.keys.includes(x.key)) : [e];
    members.forEach((x) => placed.add(x.key));
    out.push({ group: group?.label ?? null, entries: members });
  }
  return out;
}

/** The main menu: the pages that have an entry in it. */
export const NAV: readonly NavEntry[] = ROUTES.filter((e) => !e.hidden);

/** Whether permissions allow an entry's `permission` (null = anyone; a list = any one of them). */
export function allows(permission: NavEntry['permission'], has: (p: Permission) => boolean): boolean {
  if (permission === null) return true;
  return typeof permission === 'string' ? has(permission) : permission.some(has);
}

/** The menu entries a user with these permissions sees, in menu order (hidden routes left out). */
export function visibleNav(permissions: readonly string[]): NavEntry[] {
  const has = new Set<string>(permissions);
  return NAV.filter((e) => allows(e.permission, (p) => has.has(p)));
}
