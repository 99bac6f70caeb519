import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import type { MapSettings, RegionList, ResponsibilityAnswer, UnitPage } from '@cc/domain';
import { PHONE, loginThroughForm, shot, useBrowserSession } from './support/browser';
import { apiGet, screenPoint, type RegionFeature } from './support/map';

/**
 * Issue 3's acceptance: the campaign office imports shops with their frontage contracts from the
 * Excel template — a file with two bad rows is refused row by row and nothing is written; the
 * fixed file imports, and the responsibility map then names the new shop at its door.
 */

const { account, context } = useBrowserSession();

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const round6 = (n: number) => Number(n.toFixed(6));

/** Points inside a (rectangular) grid, on a 5 × 5 lattice away from its edges. */
function pointsIn(f: RegionFeature): [number, number][] {
  const pts = (f.geometry.type === 'Polygon' ? (f.geometry.coordinates as number[][][]) : (f.geometry.coordinates as number[][][][]).flat()).flat();
  const xs = pts.map((p) => p[0]!);
  const ys = pts.map((p) => p[1]!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const out: [number, number][] = [];
  for (const fy of [0.3, 0.7, 0.5, 0.2, 0.8]) for (const fx of [0.3, 0.7, 0.5, 0.2, 0.8]) out.push([round6(x0 + (x1 - x0) * fx), round6(y0 + (y1 - y0) * fy)]);
  return out;
}

/** Metres between two WGS-84 points (equirectangular; fine at a few hundred metres). */
function metres(a: [number, number], b: [number, number]): number {
  const k = Math.PI / 180;
  const x = (b[0] - a[0]) * k * Math.cos(((a[1] + b[1]) / 2) * k);
  const y = (b[1] - a[1]) * k;
  return Math.hypot(x, y) * 6_371_000;
}

async function uploadFile(page: Page, name: string, data: Buffer) {
  await page.getByTestId('import-dragger').locator('input[type=file]').setInputFiles({ name, mimeType: XLSX_MIME, buffer: data });
}

describe('Excel import (数据导入)', () => {
  it('the office imports shops: two bad rows are refused with reasons, the fixed file imports, and the map names the new shop', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const office = account('office');
    await loginThroughForm(page, office.username, office.password);
    await page.getByTestId('main-menu').waitFor();

    // ── The demo county's real codes: 东关社区居委会 (C-DG), one of 东关社区's grids, free spots in it.
    const regions = (await apiGet<RegionList>(page, '/regions')).items;
    const dongguan = regions.find((r) => r.level === 'community' && r.name === '东关社区')!;
    const grid = regions.find((r) => r.level === 'grid' && r.parentId === dongguan.id)!;
    expect(grid.code).toMatch(/^\d+$/);
    const community = (await apiGet<UnitPage>(page, '/units?q=C-DG&pageSize=50')).items.find((u) => u.code === 'C-DG');
    expect(community?.name).toBe('东关社区居委会');
    const gridShape = (await apiGet<{ features: RegionFeature[] }>(page, '/regions/geojson?level=grid')).features.find((f) => f.id === grid.id || f.properties.id === grid.id)!;
    expect(gridShape).toBeTruthy();
    const settings = await apiGet<MapSettings>(page, '/settings/map');
    // Spots with no shop within twice the frontage radius, far enough from one another.
    const merchants = (await apiGet<UnitPage>(page, '/units?kind=merchant&pageSize=100')).items;
    const free: [number, number][] = [];
    for (const p of pointsIn(gridShape)) {
      if (free.length === 2) break;
      if (free.some((q) => metres(p, q) < settings.frontageRadiusM * 3)) continue;
      const near = await apiGet<ResponsibilityAnswer>(page, `/responsibility?lng=${p[0]}&lat=${p[1]}`);
      if (near.grid?.id !== grid.id || near.frontage) continue;
      if (merchants.some((u) => u.lng !== null && u.lat !== null && metres(p, [u.lng, u.lat]) < settings.frontageRadiusM * 2)) continue;
      free.push(p);
    }
    expect(free).toHaveLength(2);
    const [spotA, spotB] = free as [[number, number], [number, number]];
    const spotC: [number, number] = [round6(spotB[0] + 0.0008), spotB[1]];

    // Unique per run, so the test can be repeated against the same database.
    const tag = Date.now().toString(36).slice(-6).toUpperCase();
    const shops = [
      { code: `E2E-${tag}-A`, name: `导入测试${tag}甲记面馆`, at: spotA },
      { code: `E2E-${tag}-B`, name: `导入测试${tag}乙号超市`, at: spotB },
      { code: `E2E-${tag}-C`, name: `导入测试${tag}丙家茶铺`, at: spotC },
    ];
    const badParent = `NO-${tag}`;

    // ── 数据导入 → 沿街商户及门前责任书 → 下载模板 (through the UI).
    await page.getByRole('menuitem', { name: '数据导入' }).click();
    await page.waitForURL('**/imports');
    const card = page.getByTestId('import-kind-shops');
    expect(await card.innerText()).toContain('沿街商户及门前责任书');
    await card.getByTestId('import-choose').click();
    await page.waitForURL('**/imports?kind=shops');
    const step = page.getByTestId('import-upload');
    await step.waitFor();
    expect(await step.innerText()).toContain('上传“沿街商户及门前责任书”Excel 文件');
    const [download] = await Promise.all([page.waitForEvent('download'), step.getByTestId('import-template').click()]);
    expect(download.suggestedFilename()).toBe('沿街商户及门前责任书导入模板.xlsx');
    const template = await readFile((await download.path())!);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toContain('填写说明');
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const col = (h: string) => {
      const i = header.indexOf(h);
      if (i < 0) throw new Error(`template has no column ${h}: ${header.join(', ')}`);
      return i + 1;
    };
    const example = ws.getRow(2);
    const exampleValues = new Map(header.map((h) => [h, example.getCell(col(h)).value]));
    expect(exampleValues.get('编码')).toBeTruthy();
    const today = new Date();
    const values = (s: (typeof shops)[number], o: { parent?: string; coords?: boolean } = {}): Record<string, ExcelJS.CellValue> => ({
      ...Object.fromEntries(exampleValues),
      编码: s.code,
      店名: s.name,
      上级单位编码: o.parent ?? 'C-DG',
      所属区划编码: grid.code,
      地址: '东关大街导入测试',
      经度: o.coords === false ? null : s.at[0],
      纬度: o.coords === false ? null : s.at[1],
      签订日期: isoDay(today),
      生效日期: isoDay(today),
      到期日期: isoDay(new Date(today.getTime() + 365 * 86_400_000)),
    });
    const fill = (rows: Record<string, ExcelJS.CellValue>[]) => {
      rows.forEach((r, i) => {
        const row = ws.getRow(2 + i);
        for (const h of header) row.getCell(col(h)).value = r[h] ?? null;
        row.commit();
      });
    };

    // ── Row 3 has no coordinates, row 4 an unknown 上级单位编码: refused, row by row, nothing written.
    fill([values(shops[0]!), values(shops[1]!, { coords: false }), values(shops[2]!, { parent: badParent })]);
    await uploadFile(page, '沿街商户.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const report = page.getByTestId('import-problems');
    await report.waitFor();
    expect(await report.getByTestId('import-summary').innerText()).toBe('共 3 行，发现 2 处问题，未导入任何数据');
    const rows = await report.locator('tr.ant-table-row').all();
    const table = await Promise.all(rows.map(async (r) => (await r.locator('td').allInnerTexts()).map((s) => s.trim())));
    expect(table.map((r) => r[0])).toEqual(['3', '4']);
    expect(table[0]![1]).toBe('经度');
    expect(table[0]![3]).toContain('沿街商户须填写经度和纬度');
    expect(table[1]!.slice(1, 3)).toEqual(['上级单位编码', badParent]);
    expect(table[1]![3]).toBe(`上级单位编码“${badParent}”不存在`);
    for (const s of shops) expect((await apiGet<UnitPage>(page, `/units?q=${encodeURIComponent(s.name)}`)).items).toEqual([]);

    // The report downloads as CSV that Excel opens in Chinese (UTF-8 with BOM).
    const [csv] = await Promise.all([page.waitForEvent('download'), report.getByTestId('import-report').click()]);
    expect(csv.suggestedFilename()).toBe('沿街商户及门前责任书-错误报告.csv');
    const csvText = await readFile((await csv.path())!, 'utf8');
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    expect(csvText.slice(1).split('\r\n')[0]).toBe('"行号","列","内容","问题"');
    expect(csvText).toContain(`"4","上级单位编码","${badParent}","上级单位编码“${badParent}”不存在"`);
    await shot(page, 'import-errors');

    // ── Fix both rows in the workbook and upload again: three new shops.
    fill([values(shops[0]!), values(shops[1]!), values(shops[2]!)]);
    await report.getByTestId('import-reupload').click();
    await uploadFile(page, '沿街商户（已修改）.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    const done = page.getByTestId('import-success');
    await done.waitFor();
    expect(await done.getByTestId('import-created').getAttribute('data-value')).toBe('3');
    expect(await done.getByTestId('import-updated').getAttribute('data-value')).toBe('0');
    expect(await done.getByTestId('import-unchanged').getAttribute('data-value')).toBe('0');
    expect(await done.innerText()).toContain('新增');
    expect(await done.innerText()).toContain('“沿街商户及门前责任书”共 3 行，已全部导入。');
    for (const s of shops) {
      const found = (await apiGet<UnitPage>(page, `/units?q=${encodeURIComponent(s.name)}`)).items;
      expect(found.map((u) => [u.code, u.kind, u.parentId])).toEqual([[s.code, 'merchant', community!.id]]);
    }
    await shot(page, 'import-done');

    // ── 责任地图: a click at the new shop's door names it, and cases go to it.
    await done.getByTestId('import-links').getByRole('link', { name: '责任地图' }).click();
    await page.waitForURL('**/map');
    await page.getByTestId('map-canvas').waitFor();
    await page.locator('[data-region-id]').first().waitFor({ state: 'attached' });
    const at = await screenPoint(page, settings.mapCenter, spotA);
    await page.mouse.click(at.x, at.y);
    const panel = page.getByTestId('map-panel');
    await panel.getByTestId('panel-routing').waitFor();
    await expect.poll(() => panel.getByTestId('panel-frontage').innerText()).toContain(shops[0]!.name);
    expect(await panel.getByTestId('panel-grid').innerText()).toContain(grid.name);
    expect(await panel.getByTestId('panel-routing').innerText()).toContain(`案件将交办至：${shops[0]!.name}（依据：门前责任）`);
    await shot(page, 'import-map', { fullPage: false });
    await ctx.close();
  });

  it('fits a phone: the wizard and a list page’s 导入 / 导出 buttons at 360 px', async () => {
    const ctx = await context({ viewport: PHONE });
    const page = await ctx.newPage();
    const office = account('office');
    await loginThroughForm(page, office.username, office.password);
    await page.getByTestId('open-menu').waitFor();

    await page.goto('/frontage');
    await page.getByTestId('page-import').click();
    await page.waitForURL('**/imports?kind=shops');
    await page.getByTestId('import-dragger').waitFor();
    expect(await page.getByTestId('import-upload').innerText()).toContain('沿街商户及门前责任书');
    // Nothing sticks out sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'import-phone-upload');

    // A file with the wrong headers: the report is readable on a phone too.
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('沿街商户').addRows([['编码', '店铺名称'], [`P-${Date.now().toString(36)}`, '手机测试店']]);
    await uploadFile(page, '表头不对.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    await page.getByTestId('import-problems').waitFor();
    expect(await page.getByTestId('import-summary').innerText()).toMatch(/^共 1 行，发现 \d+ 处问题，未导入任何数据$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'import-phone-errors', { fullPage: false });
    await page.getByTestId('import-reupload').click();

    await page.getByTestId('import-back').click();
    await page.getByTestId('import-kind-shops').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'import-phone-choose');
    await ctx.close();
  });
});
