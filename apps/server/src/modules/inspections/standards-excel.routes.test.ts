import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditionView, StandardView } from '@cc/domain';
import { createTestApp, login, makeCity, TEST_PASSWORD, type Session, type TestApp } from '../../../test/harness.js';
import { multipart, readBack, workbook, type Cell } from '../imports/test-support.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
const as: Record<string, Session> = {};

beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  for (const [k, u] of Object.entries(city.users)) as[k] = await login(t.app, u.username, TEST_PASSWORD);
});
afterAll(() => t.close());

const HEADER = ['层级', '编号', '上级编号', '名称', '说明', '分值/扣分', '计分方式', '最低分', '可不适用', '适用对象', '否决项', '需要照片', '问题类别', '待核实'];

type Problem = { row: number; column: string | null; code: string; message: string; value: string | null };
const problemsOf = (res: { json: () => { error: { details: { problems: Problem[] } } } }) => res.json().error.details.problems;

function importFile(s: Session, data: Buffer, query: Record<string, string | number>, headers: Record<string, string> = {}, fileName = 'standard.xlsx') {
  const m = multipart(fileName, data);
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return s.request({ method: 'POST', url: `/api/v1/standards/import?${qs}`, payload: m.payload, headers: { ...m.headers, ...headers } });
}

async function editionOf(code: string): Promise<StandardView['editions'][number]> {
  const list = (await as.office!.request({ method: 'GET', url: '/api/v1/standards' })).json() as StandardView[];
  return list.find((s) => s.code === code)!.editions[0]!;
}

/** A tree as comparable data: parents by code, no ids. */
function shape(e: EditionView) {
  const code = new Map(e.nodes.map((n) => [n.id, n.code]));
  return e.nodes.map((n) => ({
    kind: n.kind, code: n.code, parent: n.parentId === null ? null : code.get(n.parentId), title: n.title, description: n.description, points: n.points,
    method: n.method, floor: n.floor, naAllowed: n.naAllowed, appliesTo: n.appliesTo, veto: n.veto, evidenceRequired: n.evidenceRequired,
    categoryCode: n.categoryCode, unverified: n.unverified,
  }));
}

describe('exporting an edition', () => {
  it('writes one row per node with Chinese headers, and a 填写说明 sheet with the valid values', async () => {
    const jns = await editionOf('JNS-2024');
    const res = await as.leader!.request({ method: 'GET', url: `/api/v1/standard-editions/${jns.id}/export` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('金牛山街道创卫考评细则-2024.xlsx'));
    const book = await readBack(res.rawPayload);
    expect(book.names).toEqual(['指标', '填写说明']);
    expect(book.header).toEqual(HEADER);
    const view = (await as.office!.request({ method: 'GET', url: `/api/v1/standard-editions/${jns.id}` })).json() as EditionView;
    expect(book.rows).toHaveLength(view.nodes.length);
    expect(book.rows[0]!.slice(0, 4)).toEqual(['部分', '1', undefined, '居委会（场）']);
    expect(book.rows[1]!.slice(0, 7)).toEqual(['项目', '1.1', '1', '“门前五包”“门内达标”责任制落实', expect.any(String), 15, '扣分制']);
    expect(book.rows[2]!.slice(0, 3)).toEqual(['要点', '1.1.1', '1.1']);
    expect(book.rows[2]![12]).toMatch(/^0106 /);
    const guide: string[] = [];
    book.wb.getWorksheet('填写说明')!.eachRow((r) => guide.push((r.values as unknown[]).filter(Boolean).join(' ')));
    const g = guide.join('\n');
    expect(g).toContain('扣分制、达标/不达标、达标率、直接打分');
    expect(g).toContain('社区居委会/村委会');
    expect(g).toContain('点位：主次干道');
    expect(g).toMatch(/0106 \S+/);
  });

  it('is 404 for an edition of another city', async () => {
    const res = await as.office!.request({ method: 'GET', url: '/api/v1/standard-editions/999999/export' });
    expect(res.statusCode).toBe(404);
  });
});

describe('importing an edition', () => {
  it('round trip: JNS-2024 exported and imported as a new standard has the same tree', async () => {
    const jns = await editionOf('JNS-2024');
    const original = (await as.office!.request({ method: 'GET', url: `/api/v1/standard-editions/${jns.id}` })).json() as EditionView;
    const file = (await as.office!.request({ method: 'GET', url: `/api/v1/standard-editions/${jns.id}/export` })).rawPayload;
    const res = await importFile(as.office!, file, { code: 'JNS-COPY', name: '金牛山细则（导入）', kind: 'local', label: '2026' });
    expect(res.statusCode, res.body).toBe(201);
    const imported = res.json() as EditionView;
    expect(imported).toMatchObject({ state: 'draft', label: '2026', standard: { code: 'JNS-COPY', name: '金牛山细则（导入）', kind: 'local' }, problems: [] });
    expect(shape(imported)).toEqual(shape(original));
    expect(imported.actions).toContain('publish');
    // And the other way: an edition with applies-to lists (INSIDE-GATE) survives too.
    const gate = await editionOf('INSIDE-GATE');
    const gateView = (await as.office!.request({ method: 'GET', url: `/api/v1/standard-editions/${gate.id}` })).json() as EditionView;
    const gateFile = (await as.office!.request({ method: 'GET', url: `/api/v1/standard-editions/${gate.id}/export` })).rawPayload;
    const back = await importFile(as.office!, gateFile, { code: 'GATE-COPY', name: '门内达标（导入）', kind: 'inside_gate', label: '1' });
    expect(back.statusCode, back.body).toBe(201);
    expect(shape(back.json() as EditionView)).toEqual(shape(gateView));
  });

  it('refuses a file with bad rows, names each row and column in the caller’s language, and saves nothing', async () => {
    const rows: Cell[][] = [
      ['部分', '1', null, '市容环境', null, 100, null, null, null, null, null, null, null, null],
      ['项目', '1.1', '1', '道路保洁', null, 60, '扣分制', 0, null, '社区居委会/村委会、点位：主次干道', null, null, null, null],
      ['要点', '1.1.1', '1', '路面垃圾', null, 1, null, null, null, null, null, '是', '0101', null],
      ['要点', '1.1.2', '1.1', '暴露垃圾', null, 'abc', null, null, null, null, null, null, '9999', null],
      ['部分', '2', null, '秩序', null, 50, '扣分制', null, null, null, null, null, null, null],
      ['项目', '2.1', '3', '占道经营', null, 50, '达标率', 70, null, '菜市场', null, null, null, null],
      ['部分', '3', null, '其他', null, 0, null, null, null, null, null, null, null, null],
      ['项目', '1.1', '1', '重复的编号', null, 40, '扣分制', null, null, null, null, null, null, null],
      ['要点', '9.9', null, '没有上级的要点', null, 1, null, null, null, null, null, null, '0101', null],
      ['层', '9.8', null, '无效的层级', null, null, null, null, null, null, null, null, null, null],
    ];
    const before = await t.db.selectFrom('standard').select((e) => e.fn.countAll<number>().as('c')).where('tenant_id', '=', city.tenantId).executeTakeFirstOrThrow();
    const file = await workbook(HEADER, rows, { sheetName: '指标' });
    const res = await importFile(as.office!, file, { code: 'BAD', name: '有问题的文件', kind: 'local', label: '1' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'IMPORT_INVALID', details: { total: 10 } });
    expect(res.json().error.message).toContain('未导入任何数据');
    const p = problemsOf(res).map((x) => ({ row: x.row, column: x.column, code: x.code, value: x.value, message: x.message }));
    expect(p).toEqual([
      { row: 4, column: '上级编号', code: 'STANDARD_IMPORT_PARENT', value: '1', message: '要点的上级须为项目，“1”是部分' },
      { row: 5, column: '分值/扣分', code: 'STANDARD_IMPORT_POINTS', value: 'abc', message: '“分值/扣分”须为 0～1000 之间的数，最多两位小数' },
      { row: 5, column: '问题类别', code: 'IMPORT_UNKNOWN_REF', value: '9999', message: '问题类别“9999”不存在' },
      { row: 6, column: '计分方式', code: 'STANDARD_IMPORT_ITEM_ONLY', value: '扣分制', message: '只有“项目”行可以填写“计分方式”，本行是“部分”，请留空' },
      { row: 7, column: '上级编号', code: 'IMPORT_REF_LATER', value: '3', message: '上级编号“3”在第 8 行，须排在本行之前' },
      { row: 7, column: '最低分', code: 'STANDARD_IMPORT_FLOOR', value: '70', message: '最低分 70 不能高于该项目的分值 50' },
      { row: 7, column: '适用对象', code: 'IMPORT_ENUM', value: '菜市场', message: expect.stringContaining('“菜市场”不是有效的“适用对象”') },
      { row: 9, column: '编号', code: 'IMPORT_DUPLICATE_IN_FILE', value: '1.1', message: '与第 3 行重复' },
      { row: 10, column: '上级编号', code: 'EDITION_BAD_PARENT', value: null, message: expect.stringContaining('“9.9”的上级不对') },
      { row: 11, column: '层级', code: 'IMPORT_ENUM', value: '层', message: '“层”不是有效的“层级”，可选：部分、项目、要点' },
    ]);
    const after = await t.db.selectFrom('standard').select((e) => e.fn.countAll<number>().as('c')).where('tenant_id', '=', city.tenantId).executeTakeFirstOrThrow();
    expect(Number(after.c)).toBe(Number(before.c));

    const en = problemsOf(await importFile(as.office!, file, { code: 'BAD', name: 'x', kind: 'local', label: '1' }, { 'accept-language': 'en' }));
    expect(en[0]!.message).toBe('Wrong parent: a criterion must sit under an item; "1" is a section');
    expect(en[3]!.message).toBe('Only item rows take "计分方式"; this row is a section, leave it empty');
  });

  it('imports a file whose points do not add up and whose criterion has no category, and lists what publishing would refuse', async () => {
    const rows: Cell[][] = [
      ['部分', '1', null, '市容环境', null, 100, null, null, null, null, null, null, null, null],
      ['项目', '1.1', '1', '道路保洁', null, 60, '扣分制', null, '是', '社区居委会、责任区、点位：main_road', '否', null, null, '是'],
      ['要点', '1.1.1', '1.1', '路面垃圾', '每处扣 1 分', 1, null, null, null, null, null, '是', '0101 暴露垃圾', null],
      ['要点', '1.1.2', '1.1', '没有类别的要点', null, 0.5, null, null, null, null, null, null, null, null],
      ['项目', '1.2', '1', '公厕管理', null, 30, '达标/不达标', null, null, null, '是', null, null, null],
    ];
    const res = await importFile(as.office!, await workbook(HEADER, rows, { sheetName: '指标' }), { code: 'HALF', name: '半成品', kind: 'local', label: '草稿' });
    expect(res.statusCode, res.body).toBe(201);
    const e = res.json() as EditionView;
    expect(e.nodes.find((n) => n.code === '1.1')).toMatchObject({ naAllowed: true, appliesTo: ['community', 'zone', 'point:main_road'], veto: false, unverified: true, floor: 0 });
    expect(e.nodes.find((n) => n.code === '1.1.1')).toMatchObject({ categoryCode: '0101', evidenceRequired: true, description: '每处扣 1 分', points: 1 });
    expect(e.problems).toHaveLength(2);
    expect(e.problems).toEqual(expect.arrayContaining([
      { nodeCode: '1', problem: 'EDITION_POINTS_MISMATCH', message: '“1”下各项分值合计 90，与该部分满分 100 不符' },
      { nodeCode: '1.1.2', problem: 'EDITION_CRITERION_NO_CATEGORY', message: expect.stringContaining('没有指定问题类别') },
    ]));
    expect(e.actions).not.toContain('publish');
    const pub = await as.office!.request({ method: 'POST', url: `/api/v1/standard-editions/${e.id}/publish`, payload: { version: e.version } });
    expect(pub.statusCode).toBe(422);
    expect(pub.json().error.code).toBe('EDITION_INVALID');
  });

  it('replaces the tree of a draft, and refuses a published edition or a stale version', async () => {
    const jns = await editionOf('JNS-2024');
    const copy = (await as.office!.request({ method: 'POST', url: `/api/v1/standard-editions/${jns.id}/copy`, payload: { label: '2026 修订' } })).json() as EditionView;
    const rows: Cell[][] = [
      ['项目', 'A', null, '单独一项', null, 10, '直接打分', null, null, null, null, null, null, null],
      ['要点', 'A.1', 'A', '一处问题', null, null, null, null, null, null, null, null, '0101', null],
    ];
    const file = await workbook(HEADER, rows, { sheetName: '指标' });
    const stale = await importFile(as.office!, file, { intoEditionId: copy.id, version: copy.version + 1 });
    expect(stale.statusCode).toBe(409);
    const res = await importFile(as.office!, file, { intoEditionId: copy.id, version: copy.version });
    expect(res.statusCode, res.body).toBe(200);
    const e = res.json() as EditionView;
    expect(e).toMatchObject({ id: copy.id, label: '2026 修订', version: copy.version + 1, problems: [] });
    expect(shape(e).map((n) => [n.kind, n.code, n.parent, n.method])).toEqual([['item', 'A', null, 'scale'], ['criterion', 'A.1', 'A', null]]);

    const published = await importFile(as.office!, file, { intoEditionId: jns.id });
    expect(published.statusCode).toBe(409);
    expect(published.json().error).toMatchObject({ code: 'EDITION_NOT_DRAFT', message: '已发布的版本不能修改，请复制为新版本后编辑' });
  });

  it('answers a file that is not a workbook, a missing target, a missing file and a caller without the permission clearly', async () => {
    const notXlsx = await importFile(as.office!, Buffer.from('层级,编号\n部分,1\n'), { code: 'CSV', name: 'csv', kind: 'local', label: '1' }, {}, 'standard.csv');
    expect(notXlsx.statusCode).toBe(415);
    expect(notXlsx.json().error.code).toBe('IMPORT_NOT_XLSX');
    expect(notXlsx.json().error.message).toContain('不是 Excel 工作簿');
    const file = await workbook(HEADER, [['项目', 'A', null, '一项', null, 10, '直接打分', null, null, null, null, null, null, null]]);
    const noTarget = await importFile(as.office!, file, { name: '只有名称' });
    expect(noTarget.statusCode).toBe(400);
    expect(noTarget.json().error).toMatchObject({ code: 'STANDARD_IMPORT_TARGET' });
    const badHeader = await importFile(as.office!, await workbook(['层级', '编号', '名字'], [['项目', 'A', 'x']]), { code: 'H', name: 'h', kind: 'local', label: '1' });
    expect(badHeader.statusCode).toBe(422);
    expect(problemsOf(badHeader)[0]).toMatchObject({ row: 1, code: 'IMPORT_HEADER_UNKNOWN' });
    const dup = await importFile(as.office!, file, { code: 'JNS-2024', name: '重名', kind: 'local', label: '1' });
    expect(dup.statusCode).toBe(409);
    expect((await importFile(as.leader!, file, { code: 'L', name: 'l', kind: 'local', label: '1' })).statusCode).toBe(403);
  });
});
