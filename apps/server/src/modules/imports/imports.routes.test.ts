import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, makeRegion, TEST_PASSWORD, type Session, type TestApp } from '../../../test/harness.js';
import { readBack, SHOP_HEADER, shopRow, upload, workbook, type Cell } from './test-support.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
const as: Record<string, Session> = {};
const code = { unitA: '', unitB: '', gridA: 'GA-01', gridB: 'GB-01' };

beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  await makeRegion(t.db, city.tenantId, { parent: city.regions.commA, level: 'grid', code: code.gridA, name: '东关一网格' });
  await makeRegion(t.db, city.tenantId, { parent: city.regions.commB, level: 'grid', code: code.gridB, name: '西关一网格' });
  const units = await t.db.selectFrom('unit').select(['id', 'code']).where('tenant_id', '=', city.tenantId).execute();
  code.unitA = units.find((u) => u.id === city.units.unitA.id)!.code;
  code.unitB = units.find((u) => u.id === city.units.unitB.id)!.code;
  for (const [k, u] of Object.entries(city.users)) as[k] = await login(t.app, u.username, TEST_PASSWORD);
});
afterAll(() => t.close());

const problemsOf = (res: { json: () => { error: { details: { problems: { row: number; column: string | null; code: string; message: string; value: string | null }[] } } } }) =>
  res.json().error.details.problems;
const shopsIn = (codes: string[]) => t.db.selectFrom('unit').select(['code', 'name']).where('tenant_id', '=', city.tenantId).where('code', 'in', codes).execute();

describe('templates', () => {
  it('downloads the shop template with the Chinese header row, an example row and the 填写说明 sheet', async () => {
    const res = await as.office!.request({ method: 'GET', url: '/api/v1/imports/templates/shops' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('沿街商户及门前责任书导入模板.xlsx'));
    const book = await readBack(res.rawPayload);
    expect(book.names).toEqual(['沿街商户', '填写说明']);
    expect(book.header).toEqual(SHOP_HEADER);
    expect(book.rows[0]).toContain('东关烩面馆');
    const guide: string[] = [];
    book.wb.getWorksheet('填写说明')!.eachRow((r) => guide.push((r.values as unknown[]).filter(Boolean).join(' ')));
    expect(guide.join('\n')).toContain('生效日期与该商户现有责任书相同的，按本表更新责任书内容');
  });

  it('has a template for every kind, each for the roles that may import it', async () => {
    const headers: Record<string, string[]> = {
      regions: ['编码', '名称', '层级', '上级编码', '常住人口'],
      units: ['编码', '名称', '类型', '上级单位编码', '所属区划编码', '地址', '经度', '纬度', '联系人', '联系电话'],
      people: ['姓名', '所属单位编码', '职务', '电话', '备注'],
      segments: ['编码', '名称', '起点', '终点', '所属区划编码', '坐标'],
      assignments: ['类型', '责任对象编码', '责任单位编码', '责任人姓名', '责任人单位编码', '开始日期', '结束日期', '备注'],
    };
    for (const [kind, header] of Object.entries(headers)) {
      const res = await as.office!.request({ method: 'GET', url: `/api/v1/imports/templates/${kind}` });
      expect(res.statusCode, kind).toBe(200);
      expect((await readBack(res.rawPayload)).header, kind).toEqual(header);
    }
    expect((await as.leader!.request({ method: 'GET', url: '/api/v1/imports/templates/shops' })).statusCode).toBe(403);
  });
});

describe('importing shops with their frontage contracts', () => {
  const good = (n: number, o: Partial<Parameters<typeof shopRow>[0]> = {}) =>
    shopRow({ code: `S-${n}`, name: `东关商户${n}`, parent: code.unitA, region: code.gridA, lng: Number((113.6 + n * 0.001).toFixed(4)), lat: 34.75, ...o });

  it('refuses a file with two bad rows, names exactly those rows and why, and writes nothing', async () => {
    const file = await workbook(SHOP_HEADER, [good(1), good(2, { lng: null, lat: null }), good(3), good(4, { parent: 'NO-SUCH' })]);
    const res = await upload(as.office!, 'shops', file);
    // Twice 415 IMPORT_NOT_XLSX on a busy CI machine: ExcelJS's streaming reader met xl/workbook.xml
    // too late (exceljs #3064); xlsx-read.ts now reads it first. The body would say why.
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'IMPORT_INVALID', details: { total: 4, problemCount: 2 } });
    expect(res.json().error.message).toContain('未导入任何数据');
    const problems = problemsOf(res);
    expect(problems.map((p) => p.row)).toEqual([3, 5]);
    expect(problems[0]).toMatchObject({ column: '经度', code: 'IMPORT_SHOP_NO_COORDS' });
    expect(problems[0]!.message).toContain('沿街商户须填写经度和纬度');
    expect(problems[1]).toMatchObject({ column: '上级单位编码', value: 'NO-SUCH', code: 'IMPORT_UNKNOWN_REF', message: '上级单位编码“NO-SUCH”不存在' });
    expect(await shopsIn(['S-1', 'S-3'])).toEqual([]);

    const en = await upload(as.office!, 'shops', file, 'shops.xlsx', { 'accept-language': 'en' });
    expect(problemsOf(en)[1]!.message).toBe('上级单位编码 "NO-SUCH" does not exist');
  });

  it('imports the fixed file: the shops, their contracts and the routing query’s frontage answer', async () => {
    const geoBefore = (await t.db.selectFrom('tenant').select('geo_version').where('id', '=', city.tenantId).executeTakeFirstOrThrow()).geo_version;
    const file = await workbook(SHOP_HEADER, [good(1), good(2), good(3, { name: '=1+1烧烤' }), good(4)]);
    const res = await upload(as.office!, 'shops', file, '东关商户.xlsx');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ kind: 'shops', total: 4, imported: 4, created: 4, updated: 0, unchanged: 0 });

    const units = (await as.office!.request({ method: 'GET', url: '/api/v1/units?kind=merchant&pageSize=50' })).json().items;
    expect(units.map((u: { name: string }) => u.name).sort()).toEqual(['=1+1烧烤', '东关商户1', '东关商户2', '东关商户4']);
    expect(units.find((u: { name: string }) => u.name === '东关商户2')).toMatchObject({ parentId: city.units.unitA.id, trade: 'restaurant', lng: 113.602, lat: 34.75 });
    const contracts = (await as.office!.request({ method: 'GET', url: '/api/v1/frontage-contracts?pageSize=50' })).json().items;
    expect(contracts).toHaveLength(4);
    expect(contracts[0]).toMatchObject({ duties: ['卫生', '秩序', '绿化'], signedOn: '2026-01-05', signerName: '李四', platePosted: true, validFrom: '2026-01-05', expiresOn: '2026-12-31' });

    const near = (await as.office!.request({ method: 'GET', url: '/api/v1/responsibility?lat=34.75&lng=113.60205' })).json();
    expect(near.frontage).toMatchObject({ shop: { name: '东关商户2' }, duties: ['卫生', '秩序', '绿化'] });
    expect(near.routing).toMatchObject({ answeredBy: 'frontage', unit: { name: '东关商户2' } });

    const audit = await t.db.selectFrom('audit_log').select(['action', 'after']).where('tenant_id', '=', city.tenantId).where('action', '=', 'import.completed').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ kind: 'shops', fileName: '东关商户.xlsx', rows: 4, created: 4 });
    const geoAfter = (await t.db.selectFrom('tenant').select('geo_version').where('id', '=', city.tenantId).executeTakeFirstOrThrow()).geo_version;
    expect(geoAfter).toBeGreaterThan(geoBefore);
  });

  it('exports the shops in the template’s columns, escapes formula-like text, and re-imports the export unchanged', async () => {
    const res = await as.office!.request({ method: 'GET', url: '/api/v1/exports/shops' });
    expect(res.statusCode).toBe(200);
    const book = await readBack(res.rawPayload);
    expect(book.header).toEqual(SHOP_HEADER);
    expect(book.rows).toHaveLength(4);
    expect(book.rows.map((r) => r[1])).toContain("'=1+1烧烤");

    const again = await upload(as.office!, 'shops', res.rawPayload);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    expect((await shopsIn(['S-3']))[0]!.name).toBe('=1+1烧烤');

    // An edited export updates by code: one new name, one renewal of a contract.
    const ws = book.wb.worksheets[0]!;
    const row = (c: string) => ws.getRows(2, 4)!.find((r) => r.getCell(1).value === c)!;
    row('S-1').getCell(2).value = '东关老字号';
    row('S-2').getCell(16).value = '2027-01-01';
    row('S-2').getCell(17).value = '2027-12-31';
    const edited = Buffer.from(await book.wb.xlsx.writeBuffer());
    const updated = await upload(as.office!, 'shops', edited);
    expect(updated.json(), updated.body).toMatchObject({ created: 0, updated: 2, unchanged: 2 });
    expect((await shopsIn(['S-1']))[0]!.name).toBe('东关老字号');
    const history = (await as.office!.request({ method: 'GET', url: '/api/v1/frontage-contracts?q=东关商户2' })).json().items;
    expect(history.map((c: { validFrom: string; validTo: string | null }) => [c.validFrom, c.validTo]).sort()).toEqual([['2026-01-05', '2026-12-31'], ['2027-01-01', null]]);
  });

  it('lets a community import its own shops and refuses, row by row, a neighbour’s', async () => {
    const file = await workbook(SHOP_HEADER, [
      shopRow({ code: 'S-A9', name: '东关小卖部', parent: code.unitA, region: code.gridA, lng: 113.61, lat: 34.76 }),
      shopRow({ code: 'S-B9', name: '西关小卖部', parent: code.unitB, region: code.gridB, lng: 113.62, lat: 34.76 }),
      shopRow({ code: 'S-1', name: '改名', parent: code.unitA, region: code.gridA }),
    ]);
    const other = await upload(as.communityB!, 'shops', file);
    expect(other.statusCode).toBe(422);
    // Community B may not touch A's new shop (row 2), nor A's existing S-1 (row 4).
    expect([...new Set(problemsOf(other).map((p) => p.row))]).toEqual([2, 4]);

    const res = await upload(as.communityA!, 'shops', file);
    expect(res.statusCode).toBe(422);
    const problems = problemsOf(res);
    expect(problems.map((p) => [p.row, p.column, p.code])).toEqual([[3, '上级单位编码', 'IMPORT_OUT_OF_SCOPE'], [3, '所属区划编码', 'IMPORT_OUT_OF_SCOPE']]);
    expect(problems[0]!.message).toBe(`上级单位编码“${code.unitB}”不在您的管辖范围内`);
    expect(await shopsIn(['S-A9', 'S-B9'])).toEqual([]);

    const own = await upload(as.communityA!, 'shops', await workbook(SHOP_HEADER, [shopRow({ code: 'S-A9', name: '东关小卖部', parent: code.unitA, region: code.gridA, lng: 113.61, lat: 34.76 })]));
    expect(own.json()).toMatchObject({ created: 1 });
    const exported = await readBack((await as.communityB!.request({ method: 'GET', url: '/api/v1/exports/shops' })).rawPayload);
    expect(exported.rows).toEqual([]);
  });
});

describe('files the import cannot read', () => {
  it('names the expected headers when a header is wrong or missing', async () => {
    const header = SHOP_HEADER.map((h) => (h === '店名' ? '店铺名称' : h)).filter((h) => h !== '责任内容');
    const res = await upload(as.office!, 'shops', await workbook(header, [shopRow({ code: 'S-9', name: 'x', parent: code.unitA, region: code.gridA }).slice(0, 17)]));
    expect(res.statusCode, res.body).toBe(422);
    const problems = problemsOf(res);
    expect(problems.map((p) => [p.row, p.code])).toEqual([[1, 'IMPORT_HEADER_UNKNOWN'], [1, 'IMPORT_HEADER_MISSING'], [1, 'IMPORT_HEADER_MISSING']]);
    expect(problems[0]!.message).toBe(`无法识别的列“店铺名称”。第 1 行表头应为：${SHOP_HEADER.join('、')}`);
    expect(problems.slice(1).map((p) => p.message.split('。')[0])).toEqual(['缺少列“店名”', '缺少列“责任内容”']);
  });

  it('reports merged cells in the data area once, not as empty cells', async () => {
    const rows: Cell[][] = [1, 2, 3].map((n) => shopRow({ code: `M-${n}`, name: `合并${n}`, parent: code.unitA, region: code.gridA }));
    const res = await upload(as.office!, 'shops', await workbook(SHOP_HEADER, rows, { merge: 'D2:D3' }));
    expect(res.statusCode).toBe(422);
    expect(problemsOf(res).map((p) => [p.row, p.column, p.code, p.value])).toEqual([[2, '上级单位编码', 'IMPORT_MERGED_CELLS', 'D2:D3']]);
  });

  it('refuses text in a number column, an impossible date and an unknown trade, naming the cell', async () => {
    const row = shopRow({ code: 'N-1', name: '文字经度', parent: code.unitA, region: code.gridA });
    row[6] = '东经113度';
    row[10] = '2026-02-30';
    row[2] = '修脚';
    const res = await upload(as.office!, 'shops', await workbook(SHOP_HEADER, [row]));
    expect(res.statusCode).toBe(422);
    expect(problemsOf(res).map((p) => [p.column, p.code])).toEqual([['行业', 'IMPORT_ENUM'], ['经度', 'IMPORT_NOT_NUMBER'], ['签订日期', 'IMPORT_DATE']]);
    expect(problemsOf(res)[1]!.message).toBe('“经度”须为数字，不能是文字“东经113度”');
  });

  it('refuses a file that is not an Excel workbook with 415 and says how to fix it', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const res = await upload(as.office!, 'shops', png, 'shops.xlsx');
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toMatchObject({ code: 'IMPORT_NOT_XLSX' });
    expect(res.json().error.message).toContain('另存为');
    const json = await as.office!.request({ method: 'POST', url: '/api/v1/imports/shops', payload: { rows: [] } });
    expect(json.statusCode).toBe(415);
  });

  it('refuses a file over 20 MB with 413', async () => {
    const res = await upload(as.office!, 'shops', Buffer.alloc(20 * 1024 * 1024 + 1, 0x50));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'FILE_TOO_LARGE', message: '文件过大（上限 20 MB）' });
  });
});
