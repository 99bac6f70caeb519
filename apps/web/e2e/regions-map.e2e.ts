import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ERROR_MESSAGES } from '@cc/domain';
import { demoAccounts, launchBrowser, loginThroughForm, newContext, shot, type DemoAccount } from './support/browser';
import { apiGet, type RegionFeature } from './support/map';

let browser: Browser;
let office: DemoAccount;

beforeAll(async () => {
  browser = await launchBrowser();
  office = (await demoAccounts()).find((a) => a.username === 'office')!;
});

afterAll(async () => {
  await browser?.close();
});

describe('region boundaries (区划网格 → 设置边界)', () => {
  it('shows the boundary and refuses bad GeoJSON and a grid outside its community with clear messages', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await loginThroughForm(page, office.username, office.password);
    await page.getByTestId('main-menu').waitFor();
    const grids = (await apiGet<{ features: RegionFeature[] }>(page, '/regions/geojson?level=grid')).features;
    const grid = grids.find((g) => g.properties.name.startsWith('东关社区'))!;

    await page.goto(`/regions?id=${grid.id}`);
    const card = page.getByTestId('region-map');
    await card.locator('.leaflet-container').waitFor();
    await card.getByTestId('region-set-boundary').click();
    const form = page.getByTestId('boundary-form');
    await form.waitFor();
    const text = form.getByTestId('geometry-text');

    // Not JSON at all; then a line where an area is needed; then a ring that does not close.
    await text.fill('{"type": "Polygon", ');
    expect(await form.getByTestId('geometry-problem').innerText()).toContain('不是有效的 JSON');
    await text.fill('{"type":"LineString","coordinates":[[113.67,34.74],[113.68,34.75]]}');
    expect(await form.getByTestId('geometry-problem').innerText()).toContain('需要 Polygon 或 MultiPolygon');
    await text.fill('{"type":"Polygon","coordinates":[[[113.67,34.74],[113.68,34.74],[113.68,34.75],[113.67,34.751]]]}');
    expect(await form.getByTestId('geometry-problem').innerText()).toContain(ERROR_MESSAGES.GEOMETRY_RING_NOT_CLOSED['zh-CN']);

    // A valid square far outside 东关社区: the server refuses it, naming the community.
    await text.fill(JSON.stringify({ type: 'Polygon', coordinates: [[[113.5, 34.5], [113.51, 34.5], [113.51, 34.51], [113.5, 34.51], [113.5, 34.5]]] }));
    expect(await form.getByTestId('geometry-problem').count()).toBe(0);
    await page.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
    const help = form.locator('#geometry_help');
    await help.waitFor();
    // The field shows its hint until the server's answer replaces it.
    await expect.poll(() => help.innerText()).toContain('东关社区');
    expect(await help.innerText()).toContain('超出');
    await shot(page, 'region-boundary-outside', { fullPage: false });
    await ctx.close();
  });
});
