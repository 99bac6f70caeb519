import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoAccounts, launchBrowser, loginThroughForm, newContext, shot, type DemoAccount } from './support/browser';
import { apiGet } from './support/map';

let browser: Browser;
let accounts: DemoAccount[];
beforeAll(async () => {
  browser = await launchBrowser();
  accounts = await demoAccounts();
});
afterAll(async () => {
  await browser?.close();
});

interface GridFeatures {
  features: { properties: { code: string; name: string }; geometry: { coordinates: number[][][] } }[];
}

describe('bulk boundary import (导入边界)', () => {
  it('lists each bad feature and sets nothing, then sets all boundaries of a good file', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const office = accounts.find((a) => a.username === 'office')!;
    await loginThroughForm(page, office.username, office.password);
    await page.getByTestId('main-menu').waitFor();
    const grids = await apiGet<GridFeatures>(page, '/regions/geojson?level=grid');
    const g = grids.features[0]!;
    const [x0, y0] = g.geometry.coordinates[0]![0]!;
    const inside = { type: 'Polygon', coordinates: [[[x0! + 0.0001, y0! + 0.0001], [x0! + 0.0006, y0! + 0.0001], [x0! + 0.0006, y0! + 0.0006], [x0! + 0.0001, y0! + 0.0006], [x0! + 0.0001, y0! + 0.0001]]] };
    const file = (features: unknown[]) => ({ name: 'grids.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features })) });

    await page.goto(`${new URL(page.url()).origin}/regions`);
    await page.getByTestId('boundary-import').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[type=file]').setInputFiles(file([
      { type: 'Feature', properties: { code: g.properties.code }, geometry: inside },
      { type: 'Feature', properties: { code: 'NO-SUCH-GRID' }, geometry: inside },
    ]));
    await expect.poll(() => dialog.getByTestId('boundary-import-error').innerText()).toContain('未导入任何边界');
    const rows = await dialog.locator('.ant-table-tbody tr').allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('NO-SUCH-GRID');
    expect(rows[0]).toContain('系统中没有该区划编码');
    await shot(page, 'boundary-import-errors');
    const unchanged = await apiGet<GridFeatures>(page, '/regions/geojson?level=grid');
    expect(unchanged.features[0]!.geometry).toEqual(g.geometry);

    await dialog.locator('input[type=file]').setInputFiles(file([{ type: 'Feature', properties: { code: g.properties.code }, geometry: inside }]));
    await expect.poll(() => dialog.getByTestId('boundary-import-done').innerText()).toContain('已更新 1 个区划的边界');
    await shot(page, 'boundary-import-done');
    const after = await apiGet<GridFeatures>(page, '/regions/geojson?level=grid');
    expect(after.features.find((f) => f.properties.code === g.properties.code)!.geometry).toEqual(inside);

    // Put the demo grid back as it was: later journeys click inside it.
    await dialog.locator('input[type=file]').setInputFiles(file([{ type: 'Feature', properties: { code: g.properties.code }, geometry: g.geometry }]));
    await expect.poll(async () => (await apiGet<GridFeatures>(page, '/regions/geojson?level=grid')).features.find((f) => f.properties.code === g.properties.code)!.geometry)
      .toEqual(g.geometry);
    await ctx.close();
  });
});
