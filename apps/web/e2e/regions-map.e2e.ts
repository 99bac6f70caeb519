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

describe('常住人口 (区划网格 → 编辑)', () => {
  it('shows a region’s population beside its sub-regions’ sum, and refuses a negative or fractional figure without changing it', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await loginThroughForm(page, office.username, office.password);
    await page.getByTestId('main-menu').waitFor();
    const { items } = await apiGet<{ items: { id: number; name: string; population: number | null }[] }>(page, '/regions');
    const street = items.find((r) => r.name === '城关镇')!;
    const community = items.find((r) => r.name === '北街社区')!;
    expect([street.population, community.population]).toEqual([28355, 6480]);

    await page.goto(`/regions?id=${street.id}`);
    const shown = page.getByTestId('region-population');
    await expect.poll(() => shown.innerText()).toContain('28,355 人');
    expect(await shown.innerText()).toContain('下级合计 28,355 人');

    await page.goto(`/regions?id=${community.id}`);
    await expect.poll(() => shown.innerText()).toContain('6,480 人');
    await page.getByTestId('region-actions').getByRole('button', { name: /编\s*辑/ }).click();
    const dialog = page.getByRole('dialog');
    const input = dialog.getByLabel('常住人口');
    expect(await input.inputValue()).toBe('6480');
    for (const bad of ['-3', '12.5']) {
      await input.fill(bad);
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await expect.poll(() => dialog.locator('.ant-form-item-explain-error').allInnerTexts()).toEqual(['常住人口须为不小于 0 的整数']);
      // The figure typed stays as typed (not quietly clamped to 0), and nothing is saved.
      expect(await input.inputValue()).toBe(bad);
    }
    await shot(page, 'region-population-invalid', { fullPage: false });
    expect((await apiGet<{ population: number | null }>(page, `/regions/${community.id}`)).population).toBe(6480);

    await input.fill('6840');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => shown.innerText()).toContain('6,840 人');
    // The street's own figure stays; its sub-regions now add up to more, and say so.
    await page.goto(`/regions?id=${street.id}`);
    await expect.poll(() => shown.innerText()).toContain('下级合计 28,715 人');
    expect(await shown.innerText()).toContain('28,355 人');
    await shot(page, 'region-population-sum', { fullPage: false });
    await ctx.close();
  });
});
