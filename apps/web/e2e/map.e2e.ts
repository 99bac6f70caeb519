import { describe, expect, it } from 'vitest';
import { decodeCaseMap, ERROR_MESSAGES, type AssignmentView, type CaseMap, type CategoryView, type MapSettings } from '@cc/domain';
import { loginThroughForm, shot, useBrowserSession } from './support/browser';
import { apiGet, centreOf, openMap, screenPoint, type RegionFeature } from './support/map';

const { account, context, signedIn } = useBrowserSession();

describe('responsibility map', () => {
  let westGridCentre: [number, number];
  let view: MapSettings['mapCenter'];

  it('the office clicks a grid and sees its grid, community and cover leader, today and on a past day', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const office = account('office');
    await loginThroughForm(page, office.username, office.password);
    await page.getByTestId('main-menu').waitFor();

    // Where things are, from the API the map itself draws.
    view = (await apiGet<MapSettings>(page, '/settings/map')).mapCenter;
    const communities = (await apiGet<{ features: RegionFeature[] }>(page, '/regions/geojson?level=community')).features;
    const grids = (await apiGet<{ features: RegionFeature[] }>(page, '/regions/geojson?level=grid')).features;
    const dongguan = communities.find((c) => c.properties.name === '东关社区')!;
    const xiguan = communities.find((c) => c.properties.name === '西关社区')!;
    const grid = grids.find((g) => g.properties.parentId === dongguan.id)!;
    westGridCentre = centreOf(grids.find((g) => g.properties.parentId === xiguan.id)!);
    const history = await apiGet<{ items: AssignmentView[] }>(page, `/assignments/history?targetType=region&targetId=${dongguan.id}`);
    const covers = history.items.filter((a) => a.kind === 'community_cover');
    const current = covers.find((a) => a.validTo === null)!.responsiblePerson!.name;
    const inMarch = covers.find((a) => a.validFrom <= '2024-03-12' && a.validTo !== null && a.validTo >= '2024-03-12')!.responsiblePerson!.name;
    expect(current).not.toBe(inMarch);

    await page.getByRole('menuitem', { name: '责任地图' }).click();
    await page.waitForURL('**/map');
    await openMap(page);
    expect(await page.getByTestId('map-no-basemap').innerText()).toContain('未配置底图');

    // Click the centre of one of 东关社区's grids.
    const at = await screenPoint(page, view, centreOf(grid));
    await page.mouse.click(at.x, at.y);
    const panel = page.getByTestId('map-panel');
    await panel.getByTestId('panel-routing').waitFor();
    expect(await panel.getByTestId('panel-grid').innerText()).toContain(grid.properties.name);
    expect(await panel.getByTestId('panel-community').innerText()).toContain('东关社区');
    expect(await panel.getByTestId('panel-street').innerText()).toContain('城关镇');
    expect(await panel.getByTestId('panel-leaders').innerText()).toContain(current);
    expect(await panel.getByTestId('panel-routing').innerText()).toMatch(/案件将交办至：.+（依据：.+）/);
    await shot(page, 'map-click', { fullPage: false });

    // Who covered 东关社区 on 12 March 2024? Its cover changed hands on 1 April 2024.
    const date = page.locator('#map-date');
    await date.click();
    await date.fill('2024-03-12');
    await date.press('Enter');
    await expect.poll(() => panel.getByTestId('panel-leaders').innerText()).toContain(inMarch);
    expect(await panel.getByTestId('panel-leaders').innerText()).not.toContain(current);
    expect(await panel.innerText()).toContain('2024-03-12');
    await shot(page, 'map-history', { fullPage: false });

    // The layer switcher names every layer.
    const layers = await page.locator('.leaflet-control-layers-overlays label').allInnerTexts();
    expect(layers.map((s) => s.trim())).toEqual(['街道边界', '社区边界', '网格边界', '责任区', '包保路段', '沿街商户']);
    await ctx.close();
  });

  it('a community user clicking inside another community is told it is outside their area', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const community = account('community');
    await loginThroughForm(page, community.username, community.password);
    await page.getByTestId('main-menu').waitFor();
    await openMap(page);

    const at = await screenPoint(page, view, westGridCentre);
    await page.mouse.click(at.x, at.y);
    const refused = page.getByTestId('map-out-of-scope');
    await refused.waitFor();
    expect(await refused.innerText()).toContain(ERROR_MESSAGES.OUT_OF_SCOPE['zh-CN']);
    expect(await refused.innerText()).toContain('超出管辖范围');
    await shot(page, 'map-out-of-scope', { fullPage: false });
    await ctx.close();
  });

  it('works on a phone in English: the answer opens in a drawer', async () => {
    const ctx = await context({ lang: 'en', viewport: { width: 360, height: 740 } });
    const page = await ctx.newPage();
    const office = account('office');
    await loginThroughForm(page, office.username, office.password);
    await page.getByTestId('open-menu').waitFor();
    await openMap(page);
    const box = (await page.getByTestId('map-canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 3);
    const panel = page.getByTestId('map-panel');
    await panel.getByTestId('panel-routing').waitFor();
    expect(await panel.innerText()).toContain('Responsible here');
    await shot(page, 'map-phone-en', { fullPage: false });
    await ctx.close();
  });

  it('shows an open case as a point whose popup names its category at once, and its number once the case has loaded', async () => {
    const page = await signedIn('office');
    const mapView = (await apiGet<MapSettings>(page, '/settings/map')).mapCenter;
    // One open case reported by the office, away from the other tests' clicks.
    const communities = (await apiGet<{ features: RegionFeature[] }>(page, '/regions/geojson?level=community')).features;
    const [lng, lat] = centreOf(communities.find((c) => c.properties.name === '东关社区')!);
    const me = await apiGet<{ csrfToken: string }>(page, '/auth/me');
    const made = await page.request.post('/api/v1/cases', {
      headers: { 'x-csrf-token': me.csrfToken },
      data: { source: 'hotline', categoryCode: '0107', description: '地图弹窗检查：积水孳生蚊虫', lat, lng },
    });
    expect(made.status(), await made.text()).toBe(201);
    const madeId = ((await made.json()) as { id: number }).id;
    const points = decodeCaseMap(await apiGet<CaseMap>(page, '/case-map'));
    const categories = await apiGet<CategoryView[]>(page, '/case-categories?active=true');
    expect(points.map((x) => x.id)).toContain(madeId);
    // Hold every case's own read until the popup has been seen: what it shows first comes from the map's answer.
    let release = () => {};
    const held = new Promise<void>((r) => { release = r; });
    await page.route(/\/api\/v1\/cases\/\d+$/, async (route) => { await held; await route.continue(); });
    await page.goto('/map?cases=1');
    await page.getByTestId('map-open-cases-count').waitFor();
    const p = points.find((x) => x.id === madeId)!;
    const at = await screenPoint(page, mapView, [p.lng, p.lat]);
    await page.mouse.click(at.x, at.y);
    const popup = page.getByTestId('case-map-popup');
    await popup.waitFor();
    // Points may lie close together: judge the popup by the case it opened for.
    const opened = (await popup.getByRole('link').innerText()).trim();
    const shown = points.find((x) => `#${x.id}` === opened)!;
    expect(shown).toBeDefined();
    const name = categories.find((c) => c.code === shown.category)!.name;
    expect(await popup.innerText()).toContain(name);
    expect(await popup.innerText()).not.toContain(shown.category);
    await shot(page, 'map-open-case-popup', { fullPage: false });
    release();
    await expect.poll(() => popup.getByRole('link').innerText(), { timeout: 20_000 }).toMatch(/^\d{12}$/);
  });
});
