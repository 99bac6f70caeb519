import { REGION_LEVEL_LABELS } from '../org/org.js';

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
  IMPORT_GEOJSON_INVALID: { 'zh-CN': 'GeoJSON 中有 {count} 处问题，未导入任何边界', en: '{count} problems in the GeoJSON; no boundary was imported' },
  IMPORT_GEOJSON_NO_CODE: { 'zh-CN': '要素缺少区划编码（properties.code）', en: 'The feature has no region code (properties.code)' },
  IMPORT_GEOJSON_DUPLICATE: { 'zh-CN': '同一区划编码在文件中出现多次', en: 'The same region code appears more than once' },
  IMPORT_GEOJSON_UNKNOWN_CODE: { 'zh-CN': '系统中没有该区划编码', en: 'No region has this code' },
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
  // ---- Excel import and export (modules/imports) ----
  IMPORT_INVALID: {
    'zh-CN': '导入文件有 {count} 处问题，未导入任何数据；请按提示修改后重新导入',
    en: 'The file has {count} problems; nothing was imported. Fix them and import again',
  },
  IMPORT_NOT_XLSX: {
    'zh-CN': '文件不是 Excel 工作簿（.xlsx）。旧版 .xls、CSV 或 WPS 格式请先“另存为” Excel 工作簿（*.xlsx）；设置了打开密码的文件请先取消密码',
    en: 'The file is not an Excel workbook (.xlsx). Save .xls, CSV or WPS files as "Excel Workbook (*.xlsx)" first, and remove any password',
  },
  IMPORT_NO_FILE: { 'zh-CN': '请选择要导入的 Excel 文件（表单字段 file）', en: 'Choose the Excel file to import (form field "file")' },
  IMPORT_EMPTY: { 'zh-CN': '文件中没有数据：请从第 2 行起每行填写一条记录', en: 'The file has no data: fill one record per row from row 2' },
  IMPORT_TOO_MANY_ROWS: { 'zh-CN': '一次最多导入 {max} 行，请拆分文件', en: 'At most {max} rows can be imported at once; split the file' },
  IMPORT_CITY_SCOPE_REQUIRED: { 'zh-CN': '导入{kind}需要全市范围的权限', en: 'Importing {kind} needs city-wide access' },
  IMPORT_JOB_NOT_FOUND: { 'zh-CN': '未找到该导入任务', en: 'Import job not found' },
  IMPORT_JOB_LOST: {
    'zh-CN': '导入任务因服务重启或进程退出而中断，未导入任何数据，请重新导入',
    en: 'The import was interrupted by a restart of the server; nothing was imported. Import the file again',
  },
  IMPORT_FAILED: { 'zh-CN': '导入失败，未导入任何数据，请稍后重试', en: 'The import failed and nothing was imported; try again later' },
  IMPORT_HEADER_MISSING: { 'zh-CN': '缺少列“{column}”。第 1 行表头应为：{expected}', en: 'Column "{column}" is missing. Row 1 must hold the headers: {expected}' },
  IMPORT_HEADER_UNKNOWN: { 'zh-CN': '无法识别的列“{column}”。第 1 行表头应为：{expected}', en: 'Unknown column "{column}". Row 1 must hold the headers: {expected}' },
  IMPORT_HEADER_DUPLICATE: { 'zh-CN': '列“{column}”出现了两次', en: 'Column "{column}" appears twice' },
  IMPORT_MERGED_CELLS: {
    'zh-CN': '数据区不能有合并单元格（{range}）：请取消合并，并在每一行填写完整',
    en: 'Merged cells in the data area ({range}): unmerge them and fill in every row',
  },
  IMPORT_EXAMPLE_ROW: { 'zh-CN': '这是模板中的示例行，请删除或改为实际数据', en: 'This is the template’s example row; delete it or replace it with real data' },
  IMPORT_CELL_ERROR: { 'zh-CN': '“{column}”是错误值 {value}，请改为实际内容', en: '"{column}" holds the error value {value}; enter the real content' },
  IMPORT_REQUIRED: { 'zh-CN': '“{column}”不能为空', en: '"{column}" must not be empty' },
  IMPORT_REQUIRED_WITH_CONTRACT: {
    'zh-CN': '填写了门前责任书时，“{column}”不能为空（不签责任书则责任书各列都留空）',
    en: 'With a frontage contract, "{column}" must not be empty (leave all contract columns empty for none)',
  },
  IMPORT_TOO_LONG: { 'zh-CN': '“{column}”不能超过 {max} 个字', en: '"{column}" must not exceed {max} characters' },
  IMPORT_NOT_TEXT: { 'zh-CN': '“{column}”须为文字', en: '"{column}" must be text' },
  IMPORT_CODE_FORMAT: {
    'zh-CN': '“{column}”只能包含字母、数字、“-”和“_”，最长 32 位（数字编码请把单元格设为文本格式）',
    en: '"{column}" may hold only letters, digits, "-" and "_", up to 32 characters (format numeric codes as text)',
  },
  IMPORT_PHONE_FORMAT: { 'zh-CN': '“{column}”不是有效的电话号码（5～20 位数字，可含 + - ( ) 和空格）', en: '"{column}" is not a valid phone number (5–20 digits, may contain + - ( ) and spaces)' },
  IMPORT_NOT_NUMBER: { 'zh-CN': '“{column}”须为数字，不能是文字“{value}”', en: '"{column}" must be a number, not the text "{value}"' },
  IMPORT_NOT_INTEGER: { 'zh-CN': '“{column}”须为整数，不能是“{value}”', en: '"{column}" must be a whole number, not "{value}"' },
  IMPORT_BELOW_MIN: { 'zh-CN': '“{column}”不能小于 {min}', en: '"{column}" cannot be less than {min}' },
  IMPORT_COORD_RANGE: { 'zh-CN': '“{column}”须在 {min}～{max} 之间', en: '"{column}" must lie between {min} and {max}' },
  IMPORT_COORD_SWAPPED: { 'zh-CN': '经纬度疑似填反：经度应在前（如 113.66），纬度在后（如 34.75）', en: 'Longitude and latitude seem swapped: longitude first (e.g. 113.66), latitude second (e.g. 34.75)' },
  IMPORT_COORD_PAIR: { 'zh-CN': '经度和纬度须同时填写或同时留空', en: 'Fill in both longitude and latitude, or neither' },
  IMPORT_COORDS_FORMAT: {
    'zh-CN': '“{column}”第 {point} 个点“{value}”无效：格式为“经度,纬度;经度,纬度;…”（[lng,lat] 顺序，经度 -180～180，纬度 -90～90），至少 2 个点',
    en: '"{column}" point {point} "{value}" is invalid: write "lng,lat;lng,lat;…" ([lng,lat] order, lng -180..180, lat -90..90), at least 2 points',
  },
  IMPORT_DATE: {
    'zh-CN': '“{column}”不是有效日期“{value}”：请填写真实存在的日期，格式 YYYY-MM-DD（如 2026-03-01），或使用 Excel 日期单元格',
    en: '"{column}" is not a valid date "{value}": enter a real calendar date as YYYY-MM-DD (e.g. 2026-03-01) or use an Excel date cell',
  },
  IMPORT_ENUM: { 'zh-CN': '“{value}”不是有效的“{column}”，可选：{allowed}', en: '"{value}" is not a valid "{column}"; choose one of: {allowed}' },
  IMPORT_YES_NO: { 'zh-CN': '“{column}”须填“是”或“否”', en: '"{column}" must be 是 (yes) or 否 (no)' },
  IMPORT_DUPLICATE_IN_FILE: { 'zh-CN': '与第 {row} 行重复', en: 'Repeats row {row}' },
  IMPORT_UNKNOWN_REF: { 'zh-CN': '{column}“{value}”不存在', en: '{column} "{value}" does not exist' },
  IMPORT_REF_LATER: { 'zh-CN': '{column}“{value}”在第 {row} 行，须排在本行之前', en: '{column} "{value}" is on row {row}; it must come before this row' },
  IMPORT_OUT_OF_SCOPE: { 'zh-CN': '{column}“{value}”不在您的管辖范围内', en: '{column} "{value}" is outside your area of responsibility' },
  IMPORT_OWN_UNIT: { 'zh-CN': '不能通过导入修改本单位的信息', en: 'Your own unit cannot be changed by an import' },
  IMPORT_TOP_LEVEL: { 'zh-CN': '只有全市范围的用户可以导入没有上级的{entity}', en: 'Only city-wide users may import a {entity} without a parent' },
  IMPORT_CHANGE_NOT_ALLOWED: {
    'zh-CN': '编码已存在，导入只能更新其他信息，不能修改“{column}”（现为“{current}”）',
    en: 'The code exists; an import may update other fields but not "{column}" (now "{current}")',
  },
  IMPORT_KIND_MISMATCH: { 'zh-CN': '编码“{value}”已被{kind}“{name}”使用', en: 'Code "{value}" is already used by the {kind} "{name}"' },
  IMPORT_LEVEL: { 'zh-CN': '{parentLevel}的下级须为{expected}', en: 'The child of a {parentLevel} must be a {expected}' },
  IMPORT_COUNTY_PARENT: { 'zh-CN': '区县是最高一级，“上级编码”须留空', en: 'A county is the top level; leave "上级编码" empty' },
  IMPORT_REGION_LEVEL: { 'zh-CN': '{column}须为{expected}，“{value}”是{level}', en: '{column} must be a {expected}; "{value}" is a {level}' },
  IMPORT_SHOP_NO_COORDS: {
    'zh-CN': '沿街商户须填写经度和纬度（按位置查找门前责任时要用）',
    en: 'A shop needs its longitude and latitude (used to find the frontage responsible for a place)',
  },
  IMPORT_DUTIES: { 'zh-CN': '责任内容“{value}”不在本市的门前责任清单中（{allowed}）', en: 'Duty "{value}" is not on the city’s frontage duty list ({allowed})' },
  IMPORT_FRONTAGE_EARLIER: {
    'zh-CN': '生效日期早于该商户现有门前责任书的生效日期（{date}）；续签请填写更晚的日期',
    en: 'The start date is before that of the shop’s current frontage contract ({date}); a renewal needs a later date',
  },
  IMPORT_PARTY_REQUIRED: { 'zh-CN': '“{kind}”须填写{need}', en: '"{kind}" needs {need}' },
  IMPORT_PARTY_UNIT_ONLY: { 'zh-CN': '“{kind}”的责任方只能是单位，责任人姓名须留空', en: 'The responsible party of "{kind}" is a unit; leave the person’s name empty' },
  IMPORT_PERSON_UNKNOWN: { 'zh-CN': '单位“{unit}”下没有名为“{name}”的人员（请先导入人员）', en: 'Unit "{unit}" has no person named "{name}" (import the people first)' },
  IMPORT_PERSON_AMBIGUOUS: { 'zh-CN': '单位“{unit}”下有 {count} 位名为“{name}”的人员，无法确定是哪一位', en: 'Unit "{unit}" has {count} people named "{name}"; cannot tell which one' },
  IMPORT_OVERLAP_EXISTING: {
    'zh-CN': '与系统中已有的责任安排（{from} 至 {to}）时间重叠，可能刚有人录入；请核对后重新导入',
    en: 'Overlaps an assignment in the system ({from} to {to}), perhaps entered just now; check and import again',
  },
  IMPORT_OVERLAP_IN_FILE: { 'zh-CN': '与第 {row} 行的责任安排时间重叠', en: 'Overlaps the assignment on row {row}' },
  CASE_OUTSIDE_CITY: { 'zh-CN': '该位置不在本市范围内（没有落在任何网格、社区或街道中）', en: 'This position is outside the city (in no grid, community or street)' },
  CASE_UNKNOWN_CATEGORY: { 'zh-CN': '问题类别“{code}”不存在或已停用', en: 'Case category "{code}" does not exist or is inactive' },
  CASE_DEADLINE_PAST: { 'zh-CN': '整改期限不能早于当前时间', en: 'The deadline cannot be in the past' },
  CASE_VERSION_CONFLICT: { 'zh-CN': '该问题已被他人处理（当前状态：{state}），请刷新后查看', en: 'Someone else has acted on this case (now: {state}); reload to see it' },
  CASE_NO_UNIT: { 'zh-CN': '没有找到该位置该类问题的责任单位，请指定责任单位', en: 'No unit answers for this place and category; choose the unit' },
  CASE_UNIT_INVALID: { 'zh-CN': '责任单位无效：{reason}', en: 'Invalid responsible unit: {reason}' },
  CASE_PHOTO_REQUIRED: { 'zh-CN': '{stage}需要至少一张照片', en: '{stage} needs at least one photo' },
  CASE_PHOTO_INVALID: { 'zh-CN': '照片无效：{reason}', en: 'Invalid photo: {reason}' },
  CASE_NOTE_REQUIRED: { 'zh-CN': '请填写{what}', en: 'Please give {what}' },
  CASE_MERGE_INVALID: { 'zh-CN': '不能合并：{reason}', en: 'Cannot merge: {reason}' },
  CASE_MAP_BBOX_INVALID: { 'zh-CN': '地图范围 bbox 应为“最小经度,最小纬度,最大经度,最大纬度”四个数，经度在 -180 到 180、纬度在 -90 到 90 之间，且最小值小于最大值（{reason}）', en: 'bbox must be four numbers "minLng,minLat,maxLng,maxLat", longitudes within -180..180, latitudes within -90..90, each minimum below its maximum ({reason})' },
  CASE_OVERRIDE_NOT_ALLOWED: { 'zh-CN': '只有创建办可以指定责任单位或整改期限', en: 'Only the campaign office may choose the unit or the deadline' },
  CASE_SOURCE_NOT_ALLOWED: { 'zh-CN': '您不能以“{source}”来源登记问题', en: 'You may not record a case from the source "{source}"' },
  CASE_CATEGORY_IN_USE: { 'zh-CN': '该类别已有问题记录，只能停用，不能删除', en: 'Cases use this category; deactivate it instead of deleting it' },
  WEBHOOK_TOPIC_UNKNOWN: { 'zh-CN': '不支持的消息类型“{topic}”', en: 'Unknown message topic "{topic}"' },
  WEBHOOK_URL_INVALID: { 'zh-CN': '推送地址无效，须为 http:// 或 https:// 开头的完整地址', en: 'Invalid URL: give a full http:// or https:// address' },
  WEBHOOK_UNIT_UNKNOWN: { 'zh-CN': '单位 {id} 不存在', en: 'Unit {id} does not exist' },
  WEBHOOK_PHONE_REQUIRED: { 'zh-CN': '请填写接收测试短信的手机号', en: 'Give the phone number to send the test SMS to' },
  CALENDAR_DATE_OUTSIDE_YEAR: { 'zh-CN': '日期 {date} 不在 {year} 年内', en: 'The date {date} is not in {year}' },
  CALENDAR_DATE_TWICE: { 'zh-CN': '日期 {date} 不能既是节假日又是调休工作日', en: 'The date {date} cannot be both a holiday and a working day' },
  RECHECK_DONE: { 'zh-CN': '该回头看已完成', en: 'This re-check is already done' },
  OFFICE_HOURS_ORDER: { 'zh-CN': '办公时段须按时间先后排列，且结束晚于开始', en: 'Office-hour periods must be in order and end after they start' },
  DOCUMENT_RENDER_FAILED: { 'zh-CN': 'PDF 生成失败，请稍后重试或下载 Word 版', en: 'The PDF could not be made; try again later or download the Word file' },
  CITY_REQUIRED: { 'zh-CN': '请指定城市', en: 'Please name the city' },
  PUBLIC_UPLOAD_INVALID: { 'zh-CN': '照片已失效或已使用，请重新上传', en: 'The photo upload has expired or was used; upload it again' },
  PUBLIC_REPORT_REJECTED: { 'zh-CN': '提交未被接受，请稍后再试', en: 'The report was not accepted; try again later' },
  PUBLIC_CASE_NOT_FOUND: { 'zh-CN': '没有找到编号为 {number} 的问题', en: 'No case with the number {number}' },
  UPLOAD_MALFORMED: { 'zh-CN': '上传内容不完整或格式错误，请重新上传', en: 'The upload is incomplete or malformed; upload it again' },
  EDITION_POINTS_MISMATCH: { 'zh-CN': '“{code}”下各项分值合计 {actual}，与该部分满分 {expected} 不符', en: 'The items under "{code}" add up to {actual}, not the section maximum {expected}' },
  EDITION_TOTAL_MISMATCH: { 'zh-CN': '各部分分值合计 {actual}，与总分 {expected} 不符', en: 'The sections add up to {actual}, not the total {expected}' },
  EDITION_CRITERION_NO_CATEGORY: { 'zh-CN': '检查要点“{code}”没有指定问题类别（扣分后无法生成问题）', en: 'Criterion "{code}" names no problem category (a deduction could not open a case)' },
  EDITION_ITEM_NO_POINTS: { 'zh-CN': '检查项目“{code}”没有分值', en: 'Item "{code}" has no points' },
  EDITION_ITEM_NO_METHOD: { 'zh-CN': '检查项目“{code}”没有计分方式', en: 'Item "{code}" has no scoring method' },
  EDITION_BAD_PARENT: { 'zh-CN': '“{code}”的上级不对：部分下放项目，项目下放要点', en: '"{code}" is under the wrong parent: sections hold items, items hold criteria' },
  EDITION_DEDUCTION_TOO_LARGE: { 'zh-CN': '要点“{code}”每处扣 {points} 分，超过所属项目满分 {max}', en: 'Criterion "{code}" deducts {points}, more than its item’s {max} points' },
  EDITION_DUPLICATE_CODE: { 'zh-CN': '编号“{code}”重复', en: 'The code "{code}" is used twice' },
  EDITION_EMPTY: { 'zh-CN': '该版本还没有任何检查项目', en: 'This edition has no items yet' },
  EDITION_UNKNOWN_CATEGORY: { 'zh-CN': '“{code}”的问题类别“{category}”不存在', en: 'The problem category "{category}" of "{code}" does not exist' },
  EDITION_INVALID: { 'zh-CN': '该版本有 {count} 处问题，不能发布', en: 'This edition has {count} problems and cannot be published' },
  EDITION_NOT_DRAFT: { 'zh-CN': '已发布的版本不能修改，请复制为新版本后编辑', en: 'A published edition cannot be changed; copy it to a new edition and edit that' },
  EDITION_NOT_PUBLISHED: { 'zh-CN': '检查计划只能使用已发布的标准版本', en: 'A plan can only use a published edition' },
  STANDARD_IMPORT_TARGET: {
    'zh-CN': '请指定导入到哪个草稿版本（intoEditionId），或填写新标准的编码、名称、类型和版本号（code、name、kind、label）',
    en: 'Name the draft edition to import into (intoEditionId), or give the new standard’s code, name, kind and label',
  },
  STANDARD_IMPORT_CODE: { 'zh-CN': '“{column}”只能包含字母、数字、“.”“-”和“_”，最长 32 位（如 3.2.1）', en: '"{column}" may hold only letters, digits, ".", "-" and "_", up to 32 characters (e.g. 3.2.1)' },
  STANDARD_IMPORT_POINTS: { 'zh-CN': '“{column}”须为 0～1000 之间的数，最多两位小数', en: '"{column}" must be a number from 0 to 1000 with at most two decimals' },
  STANDARD_IMPORT_ITEM_ONLY: { 'zh-CN': '只有“项目”行可以填写“{column}”，本行是“{kind}”，请留空', en: 'Only item rows take "{column}"; this row is {kind}, leave it empty' },
  STANDARD_IMPORT_FLOOR: { 'zh-CN': '最低分 {floor} 不能高于该项目的分值 {points}', en: 'The floor {floor} cannot be above the item’s points {points}' },
  STANDARD_IMPORT_PARENT: { 'zh-CN': '{kind}的上级须为{expected}，“{value}”是{parent}', en: 'Wrong parent: {kind} must sit under {expected}; "{value}" is {parent}' },
  SCORE_ABOVE_MAX: { 'zh-CN': '“{code}”得分 {score} 超过满分 {max}', en: '"{code}": the score {score} is above the maximum {max}' },
  SCORE_NEGATIVE: { 'zh-CN': '“{code}”得分不能为负数', en: '"{code}": the score cannot be negative' },
  NA_NOT_ALLOWED: { 'zh-CN': '“{code}”不允许标为不适用', en: '"{code}" cannot be marked not applicable' },
  ITEM_NOT_ON_SHEET: { 'zh-CN': '该项目不在本次检查表上', en: 'This item is not on this sheet' },
  RATE_COUNTS_INVALID: { 'zh-CN': '“{code}”的检查数和达标数无效（达标数不能大于检查数）', en: '"{code}": invalid counts (passed cannot exceed observed)' },
  ITEM_NOT_SCORED: { 'zh-CN': '“{code}”还没有打分', en: '"{code}" has not been scored' },
  DEDUCTION_ABOVE_MAX: { 'zh-CN': '“{code}”一处扣 {points} 分，超过该项满分 {max}', en: '"{code}": one deduction of {points} is more than the item’s {max} points' },
  FINDING_ON_NA_ITEM: { 'zh-CN': '“{code}”已标为不适用，不能再扣分', en: '"{code}" is marked not applicable and cannot have deductions' },
  INSPECTION_INVALID: { 'zh-CN': '检查表有 {count} 处问题', en: 'The sheet has {count} problems' },
  INSPECTION_ALREADY_SUBMITTED: { 'zh-CN': '该检查表已于 {at} 提交，不能再次提交不同的内容', en: 'This sheet was submitted at {at}; different content cannot be submitted again' },
  INSPECTION_LOCKED: { 'zh-CN': '该检查表已于 {at} 锁定，不能再退回修改', en: 'This sheet has been locked since {at} and cannot be reopened' },
  INSPECTION_NOT_ON_TEAM: { 'zh-CN': '您不在该检查计划的检查组中', en: 'You are not on this plan’s inspection team' },
  INSPECTION_TARGET_NOT_IN_PLAN: { 'zh-CN': '该检查对象不在此计划中', en: 'This target is not part of the plan' },
  INSPECTION_OUTSIDE_WINDOW: { 'zh-CN': '{date} 不在该计划的检查时段内', en: '{date} is outside the plan’s inspection windows' },
  INSPECTION_PLAN_INACTIVE: { 'zh-CN': '该检查计划已停用或不在有效期内', en: 'The plan is inactive or outside its dates' },
  INSPECTION_FINDING_NO_CATEGORY: { 'zh-CN': '“{code}”的扣分没有对应的问题类别，请选择具体的检查要点', en: 'The deduction under "{code}" has no problem category; choose a criterion' },
  INSPECTION_CRITERION_MISMATCH: { 'zh-CN': '检查要点不属于所选项目“{code}”', en: 'The criterion does not belong to the item "{code}"' },
  INSPECTION_PHOTO_REQUIRED: { 'zh-CN': '“{code}”的扣分需要至少一张照片作为证据', en: 'The deduction under "{code}" needs at least one photo as evidence' },
  INSPECTION_NOT_OWNER: { 'zh-CN': '只有检查人本人可以修改该检查表', en: 'Only the inspector who made this sheet may change it' },
  INSPECTION_FAR_FROM_TARGET: { 'zh-CN': '检查位置距离检查对象约 {distance} 米', en: 'Scored about {distance} m from the target' },
  INSPECTION_FINDING_NO_POSITION: { 'zh-CN': '请在地图上标出问题位置（检查对象没有位置）', en: 'Mark where the problem is (the target has no position)' },
  INSPECTION_FINDING_HAS_CASE: { 'zh-CN': '该扣分已生成问题 {number}，不能删除；如需撤销请在问题台账中处理', en: 'This deduction already opened case {number} and cannot be removed; cancel the case in the ledger instead' },
  INSPECTION_FUTURE_DATE: { 'zh-CN': '检查日期不能晚于今天', en: 'The inspection date cannot be after today' },
  PLAN_NO_TARGETS: { 'zh-CN': '检查计划没有任何检查对象', en: 'The plan has no targets' },
  PLAN_EDITION_REQUIRED: { 'zh-CN': '请选择检查标准（只有回头看计划不用标准）', en: 'Choose a standard (only re-check plans have none)' },
  PLAN_RECHECK_EDITION: { 'zh-CN': '回头看计划不使用检查标准，请去掉标准', en: 'A re-check plan has no standard; remove it' },
  PLAN_RECHECK_SPEC_REQUIRED: { 'zh-CN': '回头看计划须设定抽查范围和抽查比例', en: 'A re-check plan needs a scope and a sample percentage' },
  PLAN_RECHECK_PERCENT: { 'zh-CN': '抽查比例须为 1–100 之间的整数', en: 'The sample percentage must be a whole number from 1 to 100' },
  PLAN_RECHECK_RECURRENCE: { 'zh-CN': '回头看计划须按天、周或月重复，不能是一次性', en: 'A re-check plan must repeat daily, weekly or monthly, not once' },
  PLAN_RECHECK_SCOPE_INVALID: { 'zh-CN': '抽查范围无效：{reason}', en: 'Invalid re-check scope: {reason}' },
  PLAN_TEAM_INVALID: { 'zh-CN': '检查组成员 {id} 不存在或已停用', en: 'Team member {id} does not exist or is disabled' },
  PLAN_TARGET_INVALID: { 'zh-CN': '检查对象无效：{reason}', en: 'Invalid target: {reason}' },
  RECURRENCE_AT_LEAST: { 'zh-CN': '每个周期的最少检查次数无效', en: 'The number of inspections per period is invalid' },
  RECURRENCE_DAYS: { 'zh-CN': '每月检查日期须在 1–31 日之间且起始不晚于结束', en: 'Monthly days must be 1–31 with the start not after the end' },
  RECURRENCE_DATES: { 'zh-CN': '开始日期不能晚于结束日期', en: 'The start date cannot be after the end date' },
  PLAN_RESULTS_NOTHING: { 'zh-CN': '没有待公布的检查结果', en: 'There are no results to publish' },
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
  routing_rule: { 'zh-CN': '分派规则', en: 'Routing rule' },
  case: { 'zh-CN': '问题', en: 'Case' },
  category: { 'zh-CN': '问题类别', en: 'Case category' },
  recheck: { 'zh-CN': '回头看', en: 'Re-check' },
  document: { 'zh-CN': '文书', en: 'Document' },
  notification: { 'zh-CN': '消息', en: 'Notification' },
  webhook: { 'zh-CN': '推送地址', en: 'Webhook' },
  standard: { 'zh-CN': '标准', en: 'Standard' },
  record: { 'zh-CN': '记录', en: 'Record' },
  edition: { 'zh-CN': '标准版本', en: 'Edition' },
  point: { 'zh-CN': '考察点位', en: 'Assessment point' },
  point_type: { 'zh-CN': '点位类型', en: 'Point type' },
  plan: { 'zh-CN': '检查计划', en: 'Inspection plan' },
  inspection: { 'zh-CN': '检查表', en: 'Inspection sheet' },
  photo: { 'zh-CN': '照片', en: 'Photo' },
  result: { 'zh-CN': '该对象在此期间的检查结果', en: 'Inspection results for this target and period' },
} as const satisfies Record<string, Record<Locale, string>>;
export type EntityName = keyof typeof ENTITY_NAMES;

/** Names of fields, used in messages such as DUPLICATE. */
export const FIELD_NAMES = {
  code: { 'zh-CN': '编码', en: 'Code' },
  username: { 'zh-CN': '用户名', en: 'Username' },
  mobile: { 'zh-CN': '手机号', en: 'Mobile number' },
} as const satisfies Record<string, Record<Locale, string>>;

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

/** A message parameter: a value, or text in each language (picked by the reader's locale). */
export type MessageParam = string | number | Readonly<Record<Locale, string>>;

export function formatMessage(
  code: ErrorCode,
  locale: Locale,
  params: Record<string, MessageParam> = {},
): string {
  const template: string = ERROR_MESSAGES[code][locale];
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) return '';
    if (typeof v === 'object') return v[locale];
    if (k === 'entity' && typeof v === 'string' && v in ENTITY_NAMES) {
      return ENTITY_NAMES[v as EntityName][locale];
    }
    if (k === 'level' && typeof v === 'string' && v in REGION_LEVEL_LABELS) {
      return REGION_LEVEL_LABELS[v as keyof typeof REGION_LEVEL_LABELS][locale];
    }
    if (k === 'field' && typeof v === 'string' && v in FIELD_NAMES) {
      return FIELD_NAMES[v as keyof typeof FIELD_NAMES][locale];
    }
    return String(v);
  });
}
