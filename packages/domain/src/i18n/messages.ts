/**
 * Error messages by code, in both locales. The server sends `{ error: { code, message, details } }`
 * with the message in the request's language; the web can re-render a code in the UI language.
 * `{name}` placeholders are filled from the error's params.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const ERROR_MESSAGES = {
  BAD_REQUEST: { 'zh-CN': '请求无效', en: 'Bad request' },
  BAD_JSON: { 'zh-CN': '请求内容不是有效的 JSON', en: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { 'zh-CN': '不支持的内容类型', en: 'Unsupported content type' },
  VALIDATION_FAILED: { 'zh-CN': '提交的数据不符合要求', en: 'The submitted data is invalid' },
  PAYLOAD_TOO_LARGE: { 'zh-CN': '提交的内容过大（上限 {limit}）', en: 'The request body is too large (limit {limit})' },
  UNAUTHENTICATED: { 'zh-CN': '请先登录', en: 'Please log in' },
  SESSION_EXPIRED: { 'zh-CN': '登录已超时，请重新登录', en: 'Your session has expired; please log in again' },
  INVALID_CREDENTIALS: { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  ACCOUNT_LOCKED: {
    'zh-CN': '连续登录失败次数过多，账号已锁定，请于 {until} 后再试',
    en: 'Too many failed attempts; the account is locked until {until}',
  },
  ACCOUNT_DISABLED: { 'zh-CN': '账号已停用，请联系管理员', en: 'This account is disabled; contact your administrator' },
  PASSWORD_CHANGE_REQUIRED: {
    'zh-CN': '首次登录或密码已被重置，请先修改密码',
    en: 'You must change your initial password first',
  },
  CSRF_INVALID: { 'zh-CN': '安全令牌缺失或无效，请刷新页面后重试', en: 'Missing or invalid CSRF token; reload the page and try again' },
  FORBIDDEN: { 'zh-CN': '您没有执行此操作的权限', en: 'You do not have permission to do this' },
  OUT_OF_SCOPE: { 'zh-CN': '该数据不在您的管辖范围内', en: 'This record is outside your area of responsibility' },
  NOT_FOUND: { 'zh-CN': '未找到{entity}', en: '{entity} not found' },
  ROUTE_NOT_FOUND: { 'zh-CN': '接口不存在：{method} {url}', en: 'No such endpoint: {method} {url}' },
  CONFLICT: { 'zh-CN': '数据已被他人修改，请刷新后重试', en: 'The record was changed by someone else; reload and try again' },
  DUPLICATE: { 'zh-CN': '{field}“{value}”已存在', en: '{field} "{value}" already exists' },
  ALREADY_EXISTS: { 'zh-CN': '该记录已存在', en: 'This record already exists' },
  ROLE_NOT_ALLOWED: { 'zh-CN': '您的角色不能执行该操作', en: 'Your role may not take this action' },
  TRANSITION_NOT_ALLOWED: { 'zh-CN': '当前状态下不能执行该操作', en: 'This action is not allowed in the current state' },
  PASSWORD_TOO_SHORT: { 'zh-CN': '密码至少需要 8 个字符', en: 'The password must have at least 8 characters' },
  PASSWORD_TOO_LONG: { 'zh-CN': '密码不能超过 128 个字符', en: 'The password must not exceed 128 characters' },
  PASSWORD_TOO_FEW_CLASSES: {
    'zh-CN': '密码须包含大写字母、小写字母、数字、符号中的至少三类',
    en: 'The password must contain at least three of: upper-case, lower-case, digits, symbols',
  },
  PASSWORD_WRONG: { 'zh-CN': '原密码不正确', en: 'The current password is wrong' },
  PASSWORD_REUSED: { 'zh-CN': '新密码不能与原密码相同', en: 'The new password must differ from the current one' },
  INVALID_PARENT: { 'zh-CN': '上级{entity}无效：{reason}', en: 'Invalid parent {entity}: {reason}' },
  HAS_CHILDREN: { 'zh-CN': '该{entity}下还有下级，不能删除', en: 'This {entity} still has children and cannot be deleted' },
  IN_USE: { 'zh-CN': '该{entity}仍被使用，不能删除', en: 'This {entity} is still in use and cannot be deleted' },
  GEOMETRY_NOT_POLYGON: { 'zh-CN': '图形必须是多边形（Polygon 或 MultiPolygon）', en: 'The geometry must be a Polygon or MultiPolygon' },
  GEOMETRY_NOT_LINESTRING: { 'zh-CN': '路段图形必须是线（LineString）', en: 'A road segment must be a LineString' },
  GEOMETRY_BAD_COORDINATE: { 'zh-CN': '坐标无效：须为 [经度, 纬度]，经度 -180～180，纬度 -90～90', en: 'Invalid coordinate: use [lng, lat] with lng -180..180 and lat -90..90' },
  GEOMETRY_RING_NOT_CLOSED: { 'zh-CN': '多边形边界未闭合（首尾坐标须相同）', en: 'A polygon ring is not closed (first and last positions must match)' },
  GEOMETRY_RING_TOO_SHORT: { 'zh-CN': '多边形边界至少需要 4 个坐标点', en: 'A polygon ring needs at least 4 positions' },
  GEOMETRY_SELF_INTERSECTION: { 'zh-CN': '多边形边界自相交', en: 'A polygon ring intersects itself' },
  GEOMETRY_TOO_FEW_POINTS: { 'zh-CN': '线至少需要 2 个坐标点', en: 'A line needs at least 2 positions' },
  GRID_OUTSIDE_COMMUNITY: { 'zh-CN': '网格超出了所属{level}“{parent}”的范围', en: 'The area lies outside its parent {level} "{parent}"' },
  ASSIGNMENT_OVERLAP: {
    'zh-CN': '与已有的责任安排（{party}，{from} 至 {to}）时间重叠',
    en: 'Overlaps an existing assignment ({party}, {from} to {to})',
  },
  ASSIGNMENT_TARGET_INVALID: { 'zh-CN': '责任对象不符合要求：{reason}', en: 'Invalid target: {reason}' },
  ASSIGNMENT_PARTY_INVALID: { 'zh-CN': '责任方不符合要求：{reason}', en: 'Invalid responsible party: {reason}' },
  PERIOD_INVALID: { 'zh-CN': '结束日期不能早于开始日期', en: 'The end date cannot be before the start date' },
  ASSIGNMENT_ENDED: { 'zh-CN': '该责任安排已结束，不能再修改', en: 'This assignment has ended and cannot be changed' },
  FILE_TYPE_NOT_ALLOWED: { 'zh-CN': '不支持的文件类型（允许：{allowed}）', en: 'File type not allowed (allowed: {allowed})' },
  FILE_TOO_LARGE: { 'zh-CN': '文件过大（上限 {limit}）', en: 'The file is too large (limit {limit})' },
  RATE_LIMITED: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  DATABASE_UNAVAILABLE: { 'zh-CN': '数据库不可用', en: 'The database is unavailable' },
  INTERNAL: { 'zh-CN': '服务器内部错误，请稍后重试', en: 'Internal server error; try again later' },
} as const satisfies Record<string, Record<Locale, string>>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** Names of entities, used in messages such as NOT_FOUND. */
export const ENTITY_NAMES = {
  user: { 'zh-CN': '用户', en: 'User' },
  unit: { 'zh-CN': '单位', en: 'Unit' },
  region: { 'zh-CN': '区划', en: 'Region' },
  role: { 'zh-CN': '角色', en: 'Role' },
  token: { 'zh-CN': 'API 令牌', en: 'API token' },
  tenant: { 'zh-CN': '城市', en: 'City' },
  audit: { 'zh-CN': '审计记录', en: 'Audit record' },
  person: { 'zh-CN': '人员', en: 'Person' },
  segment: { 'zh-CN': '路段', en: 'Road segment' },
  zone: { 'zh-CN': '责任区', en: 'Responsibility zone' },
  assignment: { 'zh-CN': '责任安排', en: 'Assignment' },
  contract: { 'zh-CN': '门前责任书', en: 'Frontage contract' },
  file: { 'zh-CN': '文件', en: 'File' },
} as const satisfies Record<string, Record<Locale, string>>;
export type EntityName = keyof typeof ENTITY_NAMES;

export function pickLocale(acceptLanguage: string | undefined | null): Locale {
  if (!acceptLanguage) return 'zh-CN';
  // Honour the first language the client lists that we speak; default to Chinese.
  for (const part of acceptLanguage.split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('en')) return 'en';
    if (tag.startsWith('zh')) return 'zh-CN';
  }
  return 'zh-CN';
}

export function formatMessage(
  code: ErrorCode,
  locale: Locale,
  params: Record<string, string | number> = {},
): string {
  const template: string = ERROR_MESSAGES[code][locale];
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) return '';
    if (k === 'entity' && typeof v === 'string' && v in ENTITY_NAMES) {
      return ENTITY_NAMES[v as EntityName][locale];
    }
    return String(v);
  });
}
