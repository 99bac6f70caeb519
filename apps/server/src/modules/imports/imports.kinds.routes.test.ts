import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, TEST_PASSWORD, type Session, type TestApp } from '../../../test/harness.js';
import { readBack, upload, workbook } from './test-support.js';

/** Regions, units, people, road segments and assignments: each kind's rules, scope and round trip. */
let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
const as: Record<string, Session> = {};
let unitA = '';
let commA = '';

beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  for (const [k, u] of Object.entries(city.users)) as[k] = await login(t.app, u.username, TEST_PASSWORD);
  unitA = (await t.db.selectFrom('unit').select('code').where('id', '=', city.units.unitA.id).executeTakeFirstOrThrow()).code;
  commA = city.regions.commA.code;
});
afterAll(() => t.close());

type Res = Awaited<ReturnType<typeof upload>>;
const problems = (res: Res) => (res.json().error?.details?.problems ?? []) as { row: number; column: string | null; code: string; message: string }[];
const brief = (res: Res) => problems(res).map((p) => [p.row, p.column, p.code]);

const REGIONS = ['编码', '名称', '层级', '上级编码'];
const UNITS = ['编码', '名称', '类型', '上级单位编码', '所属区划编码', '地址', '经度', '纬度', '联系人', '联系电话'];
const PEOPLE = ['姓名', '所属单位编码', '职务', '电话', '备注'];
const SEGMENTS = ['编码', '名称', '起点', '终点', '所属区划编码', '坐标'];
const ASSIGNMENTS = ['类型', '责任对象编码', '责任单位编码', '责任人姓名', '责任人单位编码', '开始日期', '结束日期', '备注'];

describe('regions and grids', () => {
  it('builds a branch of the tree from one file, each row below a parent a few rows up', async () => {
    const res = await upload(as.office!, 'regions', await workbook(REGIONS, [
      ['ST-2', '东城街道', '街道', city.regions.county.code],
      ['C-21', '东城社区', '社区/村', 'ST-2'],
      ['G-211', '东城一网格', '网格', 'C-21'],
      ['G-212', '东城二网格', '网格', 'C-21'],
    ]));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 4, updated: 0 });
    const rows = await t.db.selectFrom('region').select(['code', 'path', 'parent_id', 'id']).where('tenant_id', '=', city.tenantId).where('code', 'in', ['ST-2', 'C-21', 'G-211']).execute();
    const by = new Map(rows.map((r) => [r.code, r]));
    expect(by.get('G-211')!.parent_id).toBe(by.get('C-21')!.id);
    expect(by.get('G-211')!.path).toBe(`${city.regions.county.path}${by.get('ST-2')!.id}/${by.get('C-21')!.id}/${by.get('G-211')!.id}/`);
    const list = (await as.office!.request({ method: 'GET', url: '/api/v1/regions' })).json().items;
    expect(list.find((r: { code: string }) => r.code === 'G-212')).toMatchObject({ level: 'grid', parentId: by.get('C-21')!.id });
  });

  it('refuses a level that skips, a parent further down, a changed level and a repeated code', async () => {
    const res = await upload(as.office!, 'regions', await workbook(REGIONS, [
      ['G-9', '错层网格', '网格', 'ST-2'],
      ['C-22', '先写的社区', '社区', 'ST-3'],
      ['ST-3', '后写的街道', '街道', city.regions.county.code],
      ['C-21', '东城社区', '街道', 'ST-2'],
      ['ST-3', '重复', '街道', city.regions.county.code],
    ]));
    expect(res.statusCode).toBe(422);
    expect(brief(res)).toEqual([
      [2, '层级', 'IMPORT_LEVEL'], [3, '上级编码', 'IMPORT_REF_LATER'], [5, '层级', 'IMPORT_CHANGE_NOT_ALLOWED'], [6, '编码', 'IMPORT_DUPLICATE_IN_FILE'],
    ]);
    expect(problems(res)[0]!.message).toBe('街道/乡镇的下级须为社区/村');
    expect(problems(res)[1]!.message).toBe('上级编码“ST-3”在第 4 行，须排在本行之前');
  });

  it('needs city-wide scope, and re-imports its own export unchanged', async () => {
    // A city may let unit staff edit regions; importing them still needs city-wide scope.
    await t.db.updateTable('role').set({ permissions: ['region.read', 'region.write', 'unit.read'] })
      .where('tenant_id', '=', city.tenantId).where('code', '=', 'grid_worker').execute();
    const denied = await upload(as.grid!, 'regions', await workbook(REGIONS, [['X', 'x', '网格', commA]]));
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'IMPORT_CITY_SCOPE_REQUIRED', message: '导入区划网格需要全市范围的权限' });
    const exported = await as.office!.request({ method: 'GET', url: '/api/v1/exports/regions' });
    const again = await upload(as.office!, 'regions', exported.rawPayload);
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 8 });
  });
});

describe('regions: 常住人口', () => {
  const POP = [...REGIONS, '常住人口'];
  const population = async (codes: string[]) => new Map((await t.db.selectFrom('region').select(['code', 'population'])
    .where('tenant_id', '=', city.tenantId).where('code', 'in', codes).execute()).map((r) => [r.code, r.population]));

  it('sets it on new and existing regions, reads 8,640 and full-width digits, clears it when the cell is empty', async () => {
    const res = await upload(as.office!, 'regions', await workbook(POP, [
      ['ST-P', '人口街道', '街道', city.regions.county.code, 52000],
      ['C-P1', '人口一社区', '社区', 'ST-P', '8,640'],
      ['C-P2', '人口二社区', '社区', 'ST-P', '７３１５'],
      ['C-P3', '人口三社区', '社区', 'ST-P', null],
    ]));
    expect(res.statusCode, res.body).toBe(200);
    expect(Object.fromEntries(await population(['ST-P', 'C-P1', 'C-P2', 'C-P3']))).toEqual({ 'ST-P': 52000, 'C-P1': 8640, 'C-P2': 7315, 'C-P3': null });
    const again = await upload(as.office!, 'regions', await workbook(POP, [
      ['ST-P', '人口街道', '街道', city.regions.county.code, 52000],
      ['C-P1', '人口一社区', '社区', 'ST-P', null],
      ['C-P3', '人口三社区', '社区', 'ST-P', 4100],
    ]));
    expect(again.json()).toMatchObject({ created: 0, updated: 2, unchanged: 1 });
    expect(Object.fromEntries(await population(['ST-P', 'C-P1', 'C-P3']))).toEqual({ 'ST-P': 52000, 'C-P1': null, 'C-P3': 4100 });
  });

  it('leaves it alone when the sheet has no 常住人口 column (an older template)', async () => {
    const res = await upload(as.office!, 'regions', await workbook(REGIONS, [['C-P3', '人口三社区（更名）', '社区', 'ST-P'], ['C-P2', '人口二社区', '社区', 'ST-P']]));
    expect(res.json()).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(Object.fromEntries(await population(['C-P2', 'C-P3']))).toEqual({ 'C-P2': 7315, 'C-P3': 4100 });
  });

  it('refuses a negative, fractional or worded figure, in Chinese, and writes nothing', async () => {
    const res = await upload(as.office!, 'regions', await workbook(POP, [
      ['C-P4', '新社区', '社区', 'ST-P', 3000],
      ['C-P1', '人口一社区', '社区', 'ST-P', -3],
      ['C-P2', '人口二社区', '社区', 'ST-P', 12.5],
      ['C-P3', '人口三社区', '社区', 'ST-P', '约三千'],
    ]));
    expect(res.statusCode).toBe(422);
    expect(brief(res)).toEqual([[3, '常住人口', 'IMPORT_BELOW_MIN'], [4, '常住人口', 'IMPORT_NOT_INTEGER'], [5, '常住人口', 'IMPORT_NOT_INTEGER']]);
    expect(problems(res).map((p) => p.message)).toEqual(['“常住人口”不能小于 0', '“常住人口”须为整数，不能是“12.5”', '“常住人口”须为整数，不能是“约三千”']);
    expect(Object.fromEntries(await population(['C-P1', 'C-P2', 'C-P3', 'C-P4']))).toEqual({ 'C-P2': 7315, 'C-P3': 4100, 'C-P1': null });
  });
});

describe('units and people', () => {
  it('imports departments, and a community only below itself', async () => {
    const office = await upload(as.office!, 'units', await workbook(UNITS, [
      ['DEP-1', '县住建局', '机关部门', null, null, '建设路 1 号', null, null, '赵', '0371-1234567'],
      ['DEP-2', '县城管局', '机关部门', null, null, null, null, null, null, null],
      ['DEP-2-1', '城管一中队', '其他', 'DEP-2', commA, null, 113.66, 34.75, null, null],
    ]));
    expect(office.json()).toMatchObject({ created: 3 });

    const res = await upload(as.communityA!, 'units', await workbook(UNITS, [
      ['SCH-A2', '东关二小', '学校', unitA, commA, null, null, null, null, null],
      ['SCH-X', '越界中学', '学校', 'DEP-1', null, null, null, null, null, null],
      ['TOP', '顶级单位', '企业', null, null, null, null, null, null, null],
      [unitA, '改名居委会', '社区居委会/村委会', (await t.db.selectFrom('unit').select('code').where('id', '=', city.units.streetOffice.id).executeTakeFirstOrThrow()).code, commA, null, null, null, null, null],
      ['SCH-A3', '坐标不全', '学校', 'SCH-A2', null, null, 113.6, null, null, null],
    ]));
    expect(brief(res)).toEqual([[3, '上级单位编码', 'IMPORT_OUT_OF_SCOPE'], [4, '上级单位编码', 'IMPORT_TOP_LEVEL'], [5, '编码', 'IMPORT_OWN_UNIT'], [6, '纬度', 'IMPORT_COORD_PAIR']]);
    expect(problems(res)[1]!.message).toBe('只有全市范围的用户可以导入没有上级的单位');

    // Its own export (its own unit included) goes back in unchanged.
    const exported = await as.communityA!.request({ method: 'GET', url: '/api/v1/exports/units' });
    expect((await readBack(exported.rawPayload)).rows.map((r) => r[1])).toEqual(['东关社区居委会', '东关小学']);
    expect((await upload(as.communityA!, 'units', exported.rawPayload)).json()).toMatchObject({ unchanged: 2 });
  });

  it('knows a person by name within the unit: updates their details, refuses a name two people share', async () => {
    const first = await upload(as.office!, 'people', await workbook(PEOPLE, [
      ['赵建国', 'DEP-1', '局长', '13800000011', null],
      ['钱进', 'DEP-2', '副局长', null, null],
      ['孙丽', unitA, '社区书记', null, null],
    ]));
    expect(first.json()).toMatchObject({ created: 3 });
    const again = await upload(as.office!, 'people', await workbook(PEOPLE, [['赵建国', 'DEP-1', '局长', '13800000012', '换了号码'], ['钱进', 'DEP-2', '副局长', null, null]]));
    expect(again.json()).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const zhao = await t.db.selectFrom('person').select(['phone', 'note']).where('tenant_id', '=', city.tenantId).where('name', '=', '赵建国').execute();
    expect(zhao).toEqual([{ phone: '13800000012', note: '换了号码' }]);

    const dep1 = await t.db.selectFrom('unit').select('id').where('code', '=', 'DEP-1').where('tenant_id', '=', city.tenantId).executeTakeFirstOrThrow();
    for (let i = 0; i < 2; i++) await t.db.insertInto('person').values({ tenant_id: city.tenantId, name: '李明', unit_id: dep1.id, updated_at: new Date() }).execute();
    const twice = await upload(as.office!, 'people', await workbook(PEOPLE, [['李明', 'DEP-1', '科员', null, null], ['周', 'NOPE', null, 'abc', null]]));
    expect(brief(twice)).toEqual([[2, '姓名', 'IMPORT_PERSON_AMBIGUOUS'], [3, '所属单位编码', 'IMPORT_UNKNOWN_REF'], [3, '电话', 'IMPORT_PHONE_FORMAT']]);
    expect(problems(twice)[0]!.message).toBe('单位“县住建局”下有 2 位名为“李明”的人员，无法确定是哪一位');
  });
});

describe('road segments and assignments', () => {
  it('imports segments from "lng,lat;…" and names a bad point', async () => {
    const bad = await upload(as.office!, 'segments', await workbook(SEGMENTS, [
      ['LD-9', '一个点', null, null, null, '113.66,34.75'],
      ['LD-8', '填反了', null, null, null, '34.75,113.66;34.76,113.67'],
    ]));
    expect(brief(bad)).toEqual([[2, '坐标', 'IMPORT_COORDS_FORMAT'], [3, '坐标', 'IMPORT_COORDS_FORMAT']]);
    expect(problems(bad)[1]!.message).toContain('第 1 个点“34.75,113.66”无效');

    const res = await upload(as.office!, 'segments', await workbook(SEGMENTS, [
      ['LD-1', '人民路中段', '东风路口', '建设路口', city.regions.street.code, '113.6601,34.7571；113.6688,34.7573'],
      ['LD-2', '建设路', null, null, null, '113.6700,34.7500;113.6700,34.7600;113.6710,34.7650'],
    ]));
    expect(res.json()).toMatchObject({ created: 2 });
    const seg = (await as.office!.request({ method: 'GET', url: '/api/v1/segments?q=LD-1' })).json().items[0];
    expect(seg).toMatchObject({ name: '人民路中段', fromDesc: '东风路口', geometry: { type: 'LineString', coordinates: [[113.6601, 34.7571], [113.6688, 34.7573]] } });
    expect(seg.lengthM).toBeGreaterThan(700);
  });

  it('imports assignments and turns an overlap into a row problem', async () => {
    const first = await upload(as.office!, 'assignments', await workbook(ASSIGNMENTS, [
      ['包路段', 'LD-1', 'DEP-1', null, null, '2026-01-01', null, '住建局包人民路'],
      ['包社区（包保领导）', commA, null, '赵建国', 'DEP-1', '2026-01-01', null, null],
      ['挂钩', commA, 'DEP-2', null, null, new Date(Date.UTC(2026, 0, 1)), null, null],
    ]));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ created: 3 });
    const seg = (await as.office!.request({ method: 'GET', url: '/api/v1/segments?q=LD-1' })).json().items[0];
    const current = (await as.office!.request({ method: 'GET', url: `/api/v1/assignments?kind=segment_cover&targetId=${seg.id}` })).json().items;
    expect(current).toMatchObject([{ responsibleUnit: { name: '县住建局' }, validFrom: '2026-01-01', validTo: null, note: '住建局包人民路' }]);

    const clash = await upload(as.office!, 'assignments', await workbook(ASSIGNMENTS, [
      ['包路段', 'LD-1', 'DEP-2', null, null, '2026-06-01', null, null],
      ['包路段', 'LD-2', 'DEP-1', null, null, '2026-01-01', '2026-12-31', null],
      ['包路段', 'LD-2', 'DEP-2', null, null, '2026-12-01', null, null],
      ['挂钩单位', commA, null, '钱进', 'DEP-2', '2026-01-01', null, null],
      ['包社区', city.regions.street.code, null, '钱进', 'DEP-2', '2026-01-01', null, null],
    ]));
    expect(clash.statusCode).toBe(422);
    expect(brief(clash)).toEqual([
      [2, '开始日期', 'ASSIGNMENT_OVERLAP'], [4, '开始日期', 'IMPORT_OVERLAP_IN_FILE'], [5, '责任人姓名', 'IMPORT_PARTY_UNIT_ONLY'], [6, '责任对象编码', 'IMPORT_REGION_LEVEL'],
    ]);
    expect(problems(clash)[0]!.message).toBe('与已有的责任安排（县住建局，2026-01-01 至 —）时间重叠');
    expect(problems(clash)[1]!.message).toBe('与第 3 行的责任安排时间重叠');

    // The export goes back in unchanged; an end date added to it updates that one period.
    const exported = await as.office!.request({ method: 'GET', url: '/api/v1/exports/assignments' });
    const book = await readBack(exported.rawPayload);
    expect(book.rows).toHaveLength(3);
    expect((await upload(as.office!, 'assignments', exported.rawPayload)).json()).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    book.wb.worksheets[0]!.getRow(2).getCell(7).value = '2026-05-31';
    const ended = await upload(as.office!, 'assignments', Buffer.from(await book.wb.xlsx.writeBuffer()));
    expect(ended.json()).toMatchObject({ updated: 1, unchanged: 2 });
    const handover = await upload(as.office!, 'assignments', await workbook(ASSIGNMENTS, [['包路段', 'LD-1', 'DEP-2', null, null, '2026-06-01', null, null]]));
    expect(handover.json()).toMatchObject({ created: 1 });
  });

  it('refuses a community importing assignments outside its area', async () => {
    const res = await upload(as.communityA!, 'assignments', await workbook(ASSIGNMENTS, [['挂钩', city.regions.commB.code, unitA, null, null, '2026-01-01', null, null]]));
    expect(brief(res)).toEqual([[2, '责任对象编码', 'IMPORT_OUT_OF_SCOPE']]);
  });
});
