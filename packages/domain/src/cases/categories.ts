import type { RoutingStep } from '../responsibility/assignments.js';
import type { DeadlineClass } from './working-time.js';

/**
 * Case categories in 大类/小类 after GB/T 30428.2 (events 01–06, components 01–05), with the common
 * subclasses of campaign work. Each subclass: when to register it, its default deadline, when it
 * may be closed, which assignment answers first (routing), and severity (1 = minor … 3 = serious).
 * Seeded into each city and editable there; deadlines follow the examples in STANDARDS.md where it
 * gives them (exposed garbage 4 working hours, road cleaning 2, missing manhole cover 2 emergency
 * hours, illegal structure 20 working days for demolition) and are the office's to change.
 */
export interface CategorySeed {
  code: string;
  kind: 'event' | 'component';
  majorCode: string;
  majorName: string;
  name: string;
  nameEn: string;
  registration: string;
  closing: string;
  deadline: { amount: number; cls: DeadlineClass };
  routing: readonly RoutingStep[] | null;
  severity: 1 | 2 | 3;
}

const E = (majorCode: string, majorName: string) => (code: string, name: string, nameEn: string, amount: number, cls: DeadlineClass,
  routing: readonly RoutingStep[] | null, severity: 1 | 2 | 3, registration: string, closing: string): CategorySeed => ({
  code, kind: 'event', majorCode, majorName, name, nameEn, registration, closing, deadline: { amount, cls }, routing, severity,
});
const C = (majorCode: string, majorName: string) => (code: string, name: string, nameEn: string, amount: number, cls: DeadlineClass,
  routing: readonly RoutingStep[] | null, severity: 1 | 2 | 3, registration: string, closing: string): CategorySeed => ({
  code, kind: 'component', majorCode, majorName, name, nameEn, registration, closing, deadline: { amount, cls }, routing, severity,
});

const env = E('01', '市容环境');
const ads = E('02', '宣传广告');
const site = E('03', '施工管理');
const urgent = E('04', '突发事件');
const order = E('05', '街面秩序');
const other = E('06', '其他事件');
const facility = C('C01', '公用设施');
const traffic = C('C02', '道路交通');
const sanitation = C('C03', '市容环境设施');
const green = C('C04', '园林绿化');

const FRONT_FIRST: RoutingStep[] = ['frontage', 'segment_cover', 'zone', 'community'];
const ROAD_FIRST: RoutingStep[] = ['segment_cover', 'zone', 'community'];
const COMMUNITY: RoutingStep[] = ['community'];

export const CATEGORY_SEEDS: readonly CategorySeed[] = [
  env('0101', '暴露垃圾', 'Exposed garbage', 4, 'working_hours', FRONT_FIRST, 2, '垃圾暴露面积 ≥ 0.5 平方米或有明显异味', '垃圾清运完毕，地面无残留'),
  env('0102', '道路不洁', 'Dirty road', 2, 'working_hours', ROAD_FIRST, 1, '路面有明显积存垃圾、污渍', '路面清扫干净'),
  env('0103', '私搭乱建', 'Illegal structure', 20, 'working_days', COMMUNITY, 3, '未经批准搭建的建筑物、构筑物', '违法建设拆除完毕或依法处理'),
  env('0104', '建筑垃圾渣土', 'Construction waste', 3, 'working_days', ROAD_FIRST, 2, '道路、空地堆放建筑垃圾或渣土', '清运完毕'),
  env('0105', '乱堆乱放', 'Clutter on public space', 1, 'working_days', FRONT_FIRST, 1, '公共区域堆放杂物', '杂物清理完毕'),
  env('0106', '门前责任未落实', 'Frontage duty not kept', 1, 'working_days', ['frontage', 'community'], 1, '门前五包责任区内卫生、秩序、绿化、设施、文明不达标', '责任区恢复达标'),
  env('0107', '病媒生物孳生地', 'Vector breeding site', 3, 'working_days', COMMUNITY, 2, '积水、垃圾等形成蚊蝇鼠蟑孳生地', '孳生地清除并消杀'),
  env('0108', '公厕脏乱', 'Dirty public toilet', 4, 'working_hours', ROAD_FIRST, 2, '公厕有明显污渍、异味或设施损坏', '公厕清洁、设施完好'),
  ads('0201', '非法小广告', 'Illegal small ads', 1, 'working_days', FRONT_FIRST, 1, '墙面、电杆等处张贴、涂写小广告', '清除干净无痕迹'),
  ads('0202', '违规户外广告', 'Unauthorized outdoor ad', 5, 'working_days', FRONT_FIRST, 2, '未经审批或破损的户外广告、招牌', '拆除或整改到位'),
  ads('0203', '乱拉乱挂', 'Illegal banners and lines', 1, 'working_days', FRONT_FIRST, 1, '乱拉横幅、乱挂物品', '清除完毕'),
  site('0301', '施工围挡不规范', 'Improper site hoarding', 3, 'working_days', ROAD_FIRST, 2, '施工工地围挡缺失、破损', '围挡规范设置'),
  site('0302', '施工扬尘', 'Construction dust', 1, 'working_days', ROAD_FIRST, 2, '工地未采取覆盖、洒水等抑尘措施', '抑尘措施落实'),
  urgent('0401', '路面塌陷', 'Road collapse', 2, 'emergency_hours', ROAD_FIRST, 3, '路面出现塌陷、坑洞危及安全', '设置警示并修复'),
  urgent('0402', '道路积水', 'Waterlogging', 4, 'emergency_hours', ROAD_FIRST, 3, '道路积水影响通行', '积水排除'),
  order('0501', '占道经营', 'Street-occupying business', 2, 'working_hours', FRONT_FIRST, 1, '店外经营或流动摊点占用道路', '恢复道路通行，摊点清除'),
  order('0502', '店外经营', 'Business outside the shop', 2, 'working_hours', ['frontage', 'community'], 1, '商户超出门窗经营', '退店经营'),
  order('0503', '乱停乱放', 'Parking chaos', 2, 'working_hours', ROAD_FIRST, 1, '机动车、非机动车乱停乱放', '车辆规范停放'),
  order('0504', '五小行业不达标', 'Small-trade non-compliance', 10, 'working_days', ['frontage', 'community'], 2, '五小行业证照、卫生、消毒等不符合统一标准', '整改复查达标'),
  other('0601', '其他问题', 'Other problem', 3, 'working_days', COMMUNITY, 1, '不属于以上类别、影响市容环境或文明形象的问题', '问题消除'),
  facility('C0101', '井盖缺失破损', 'Missing or broken manhole cover', 2, 'emergency_hours', ROAD_FIRST, 3, '井盖缺失、破损、移位', '井盖补齐、复位'),
  facility('C0102', '路灯损坏', 'Broken street light', 3, 'working_days', ROAD_FIRST, 1, '路灯不亮或损坏', '路灯修复'),
  traffic('C0201', '交通护栏损坏', 'Damaged traffic barrier', 3, 'working_days', ROAD_FIRST, 2, '护栏、隔离墩损坏或缺失', '修复完好'),
  sanitation('C0301', '垃圾箱损坏满溢', 'Damaged or overflowing bin', 4, 'working_hours', ROAD_FIRST, 1, '垃圾箱破损、满溢', '清运、修复或更换'),
  sanitation('C0302', '公厕设施损坏', 'Damaged public toilet fittings', 3, 'working_days', ROAD_FIRST, 2, '公厕设施损坏影响使用', '设施修复'),
  green('C0401', '绿地脏乱', 'Dirty green space', 1, 'working_days', ROAD_FIRST, 1, '绿地内有垃圾、杂物', '绿地清理干净'),
  green('C0402', '绿化带缺株死株', 'Dead or missing plants', 10, 'working_days', ROAD_FIRST, 1, '绿化带缺株、死株、黄土裸露', '补植到位'),
];

/** Where a case came from (GB/T 30428 sources and the seeds' practice). */
export const CASE_SOURCES = ['inspection', 'inspector', 'grid_worker', 'leader', 'citizen', 'hotline', 'media', 'open311', 'office'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];
export const CASE_SOURCE_LABELS: Record<CaseSource, { 'zh-CN': string; en: string }> = {
  inspection: { 'zh-CN': '督查检查', en: 'Inspection' },
  inspector: { 'zh-CN': '督查员巡查', en: 'Inspector patrol' },
  grid_worker: { 'zh-CN': '网格员上报', en: 'Grid worker' },
  leader: { 'zh-CN': '领导交办', en: 'Leader' },
  citizen: { 'zh-CN': '市民随手拍', en: 'Citizen report' },
  hotline: { 'zh-CN': '12345 热线', en: 'Hotline' },
  media: { 'zh-CN': '媒体曝光', en: 'Media' },
  open311: { 'zh-CN': 'Open311 接口', en: 'Open311' },
  office: { 'zh-CN': '创建办', en: 'Campaign office' },
};
