import { rgbPng } from './support/png';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Route } from 'playwright-core';
import type { InspectionSummary, InspectionView, PlanView } from '@cc/domain';
import { PHONE, loginThroughForm, shot, useBrowserSession } from './support/browser';
import { apiGet, centreOf, type RegionFeature } from './support/map';

const { account, context } = useBrowserSession();

/** Polls patiently: the machine running the tests may be busy. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 });
const pendingCount = (page: Page) => page.getByTestId('field-pending').getAttribute('data-count');
const ME = '/api/v1/auth/me';

/**
 * No network. setOffline alone does not reliably reach the service worker's own fetches after a
 * reload (Playwright/Chromium), so every request of the context is refused as well.
 */
const refuseAll = (route: Route) => route.abort('internetdisconnected');
async function goOffline(ctx: BrowserContext): Promise<void> {
  await ctx.setOffline(true);
  await ctx.route('**/*', refuseAll);
}
async function goOnline(ctx: BrowserContext): Promise<void> {
  await ctx.unroute('**/*', refuseAll);
  await ctx.setOffline(false);
}

/** Font faces (Unicode-range subsets) that failed to load. */
const failedFonts = (page: Page) =>
  page.evaluate(() => {
    let n = 0;
    document.fonts.forEach((f) => { if (f.status === 'error') n += 1; });
    return n;
  });

/** The cached /auth/me answer (user name), or null. */
const cachedMe = (page: Page) =>
  page.evaluate(async (url) => {
    const hit = await caches.match(url);
    return hit ? ((await hit.json()) as { user: { username: string } }).user.username : null;
  }, ME);
/** Keys of the field page's IndexedDB cache (today's tasks, standards). */
const fieldCacheKeys = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const req = indexedDB.open('cc-field');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          if (!db.objectStoreNames.contains('cache')) return resolve([]);
          const keys = db.transaction('cache').objectStore('cache').getAllKeys();
          keys.onsuccess = () => resolve((keys.result as string[]).map(String));
          keys.onerror = () => reject(keys.error);
        };
      }),
  );

describe('现场检查 (issue 5): the field page opens on a phone with no network (offline cold start)', () => {
  it('reloads /field offline from the service worker, queues a scored sheet, syncs it once; logout drops the cached session', async () => {
    // ---- the office: API checks later ----
    const officeCtx = await context();
    const office = await officeCtx.newPage();
    await loginThroughForm(office, account('office').username, account('office').password);
    await office.getByTestId('main-menu').waitFor();
    const communities = await apiGet<{ features: RegionFeature[] }>(office, '/regions/geojson?level=community');
    const [lng, lat] = centreOf(communities.features.find((f) => f.properties.name === '东关社区')!);
    const plans = await apiGet<{ items: PlanView[] }>(office, '/inspection-plans?pageSize=50');
    const weekly = plans.items.find((p) => p.name === '创卫每周检查')!;
    expect(weekly, 'the demo county has the weekly plan').toBeTruthy();

    // ---- the server: the worker and the HTML shell are always revalidated ----
    const sw = await office.request.get('/sw.js');
    expect(sw.status()).toBe(200);
    expect(sw.headers()['content-type']).toContain('javascript');
    expect(sw.headers()['cache-control']).toBe('no-cache');
    expect(sw.headers()['content-security-policy']).toContain("worker-src 'self'");
    const swSource = await sw.text();
    const precache = JSON.parse(/const CC_PRECACHE = (\[.*?\]);/.exec(swSource)![1]!) as string[];
    expect(precache[0]).toBe('/index.html');
    expect(precache.some((u) => /^\/assets\/FieldPage-.*\.js$/.test(u))).toBe(true);
    expect(precache.filter((u) => !/\.(js|css|html)$/.test(u))).toEqual([]); // fonts are cached on first use
    for (const url of ['/', '/field']) {
      const html = await office.request.get(url, { headers: { accept: 'text/html' } });
      expect(html.headers()['content-type']).toContain('text/html');
      expect(html.headers()['cache-control'], url).toBe('no-cache');
    }

    // ---- the inspector's phone, online: sign in, open 现场检查; the worker installs ----
    const ctx = await context({
      serviceWorkers: 'allow', viewport: PHONE, isMobile: true, hasTouch: true,
      geolocation: { latitude: lat, longitude: lng, accuracy: 15 }, permissions: ['geolocation'],
    });
    const page = await ctx.newPage();
    await loginThroughForm(page, account('inspector').username, account('inspector').password);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto('/field');
    const tasks = page.locator('[data-testid="field-plan"][data-plan="创卫每周检查"] [data-testid="field-task"]');
    await tasks.first().waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // The session is kept for offline use; today's list and the standards are on the phone.
    await poll(() => cachedMe(page)).toBe('inspector');
    await poll(async () => (await fieldCacheKeys(page)).filter((k) => k.startsWith('edition:')).length).toBeGreaterThanOrEqual(1);
    expect((await fieldCacheKeys(page)).some((k) => k.startsWith('tasks:'))).toBe(true);
    // A target field.e2e.ts does not score, so both journeys can run against one server.
    const targets = await tasks.evaluateAll((els) => els.map((e) => e.getAttribute('data-target') ?? ''));
    const target = targets.find((t) => t !== '东关社区居委会')!;
    expect(target).toBeTruthy();
    await shot(page, 'field-offline-1-online');

    // ---- no network; the page is reloaded (a cold start: nothing of the old page survives) ----
    await goOffline(ctx);
    await page.reload();
    await page.getByTestId('field-page').waitFor();
    // The page came from the service worker (the server cannot be reached).
    expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).workerStart)).toBeGreaterThan(0);
    expect(await page.evaluate(() => fetch('/api/v1/auth/demo-accounts').then(() => 'answered', () => 'failed'))).toBe('failed');
    // The session is the worker's cached answer.
    expect(await page.evaluate((url) => fetch(url).then((r) => r.headers.get('x-cc-cache')), ME)).toBe('hit');
    // The banner says 离线 (emulated offline leaves navigator.onLine true after a reload, as on a
    // network without internet: the failed calls tell the page).
    await page.getByTestId('field-offline').waitFor();
    expect(await page.getByTestId('field-offline').innerText()).toContain('离线');
    await page.getByTestId('field-cached').waitFor(); // the list says it is the phone's copy
    const row = page.locator(`[data-testid="field-plan"][data-plan="创卫每周检查"] [data-testid="field-task"][data-target="${target}"]`);
    await row.waitFor();
    expect(await page.getByTestId('open-menu').count()).toBe(1); // the signed-in shell, not the login page
    expect(await failedFonts(page)).toBe(0); // the font subsets shown online were kept
    await shot(page, 'field-offline-2-cold-start');

    // ---- a sheet opens from the cached standard; one deduction with a note and a photo ----
    await row.click();
    await page.waitForURL('**/field/sheet/*');
    const clientKey = page.url().split('/').pop()!;
    await poll(() => page.getByTestId('field-item').count()).toBeGreaterThan(0);
    const lanes = page.locator('[data-testid="field-item"][data-method="deduct"]').first();
    await lanes.getByTestId('item-deduct').click();
    const form = page.getByTestId('finding-form');
    await form.waitFor();
    await form.getByTestId('criterion').first().click();
    const note = `离线冷启动记录：${target}门前堆放杂物`;
    await form.getByTestId('finding-note').fill(note);
    const photo = rgbPng(400, 300, (x, y) => [(x * 3) % 256, (y * 5) % 256, 90]);
    await page.getByTestId('finding-camera').setInputFiles({ name: 'IMG_3001.png', mimeType: 'image/png', buffer: photo });
    await page.getByTestId('finding-photo').waitFor();
    expect(await failedFonts(page)).toBe(0); // and those of the standard, loaded ahead
    await shot(page, 'field-offline-3-deduction', { fullPage: false });
    await page.getByTestId('finding-save').click();
    await lanes.getByTestId('field-finding').waitFor();
    await shot(page, 'field-offline-4-sheet');

    // ---- submitted into the phone's queue ----
    await page.getByTestId('field-submit').click();
    await page.getByTestId('submit-confirm').click();
    await page.waitForURL('**/field');
    await poll(() => pendingCount(page)).toBe('1');
    await page.locator(`[data-testid="field-task"][data-target="${target}"] [data-testid="badge-queued"]`).first().waitFor();
    await shot(page, 'field-offline-5-queued');

    // ---- the network returns: the sheet arrives, once ----
    await goOnline(ctx);
    await poll(() => pendingCount(page)).toBe('0');
    await poll(() => page.getByTestId('field-syncbar').getAttribute('data-running')).toBe('false');
    const list = await apiGet<{ items: InspectionSummary[] }>(office, `/inspections?planId=${weekly.id}&pageSize=100`);
    const mine = list.items.filter((i) => i.clientKey === clientKey);
    expect(mine).toHaveLength(1);
    const v = await apiGet<InspectionView>(office, `/inspections/${mine[0]!.id}`);
    expect(v).toMatchObject({ state: 'submitted', findingCount: 1 });
    expect(v.target.name).toBe(target);
    expect(v.findings).toHaveLength(1);
    expect(v.findings[0]!.note).toBe(note);
    expect(v.findings[0]!.photos).toHaveLength(1);
    // Pressing 同步 again sends nothing twice.
    await page.getByTestId('field-sync').click();
    await poll(() => page.getByTestId('field-syncbar').getAttribute('data-running')).toBe('false');
    const again = await apiGet<{ items: InspectionSummary[] }>(office, `/inspections?planId=${weekly.id}&pageSize=100`);
    expect(again.items.filter((i) => i.clientKey === clientKey)).toHaveLength(1);
    await shot(page, 'field-offline-6-synced');

    // ---- logout: the cached session and the cached lists are gone ----
    expect(await cachedMe(page)).toBe('inspector');
    // On a phone the user menu (the avatar) holds 退出登录.
    await page.getByRole('button', { name: account('inspector').displayName }).click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    expect(await cachedMe(page)).toBeNull();
    expect(await page.evaluate(() => caches.keys())).not.toContain('cc-api');
    expect(await fieldCacheKeys(page)).toEqual([]);
    // Another cold start without network no longer opens the field page.
    await goOffline(ctx);
    await page.goto('/field');
    await page.locator('.cc-fullpage-center').waitFor(); // 加载失败 · 重试, not the field page
    expect(await page.getByTestId('field-page').count()).toBe(0);
    expect(await page.evaluate((url) => fetch(url).then(() => 'answered', () => 'failed'), ME)).toBe('failed');
    await shot(page, 'field-offline-7-after-logout');
    await goOnline(ctx);
  });
});
