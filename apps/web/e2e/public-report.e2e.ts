import { rgbPng } from './support/png';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CasePage } from '@cc/domain';
import { loginThroughForm, shot, useBrowserSession } from './support/browser';
import { apiGet, centreOf, type RegionFeature } from './support/map';

const { account, context } = useBrowserSession();

/** A 160×120 PNG: a brownish heap on grey, like a photo of garbage by a wall. */
function photoPng(): Buffer {
  return rgbPng(160, 120, (x, y) => ((x - 80) ** 2 / 2500 + (y - 95) ** 2 / 900 < 1 ? [130, 95, 60] : y < 70 ? [200, 200, 205] : [150, 150, 150]));
}

const PHONE_SIZE = { width: 390, height: 844 };
const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
/** Elements sticking out past the right edge of the screen (a phone must not scroll sideways). */
const wideElements = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5 && el.offsetParent !== null)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
  );

describe('市民随手拍 (S10): a resident reports from a phone and follows the number', () => {
  it('reports a problem in 东关社区 without login, gets a number, follows it; the office sees it', async () => {
    // The office knows where 东关社区 is; the resident's phone "is" at its centre.
    const officeCtx = await context();
    const office = await officeCtx.newPage();
    await loginThroughForm(office, account('office').username, account('office').password);
    await office.getByTestId('main-menu').waitFor();
    const communities = await apiGet<{ features: RegionFeature[] }>(office, '/regions/geojson?level=community');
    const dongguan = communities.features.find((f) => f.properties.name === '东关社区');
    expect(dongguan, '东关社区 in the demo county').toBeTruthy();
    const [lng, lat] = centreOf(dongguan!);

    const ctx = await context({
      viewport: PHONE_SIZE,
      isMobile: true,
      hasTouch: true,
      geolocation: { latitude: lat, longitude: lng, accuracy: 10 },
      permissions: ['geolocation'],
    });
    const page = await ctx.newPage();

    // ---- the empty form: city name in the header, no app menu ----
    await page.goto('/report');
    await page.getByTestId('report-form').waitFor();
    await expect.poll(() => page.getByTestId('public-city').innerText()).toMatch(/\S/);
    expect(await page.getByTestId('main-menu').count()).toBe(0);
    expect(await page.getByTestId('open-menu').count()).toBe(0);
    await page.getByTestId('report-map').waitFor();
    await shot(page, 'public-report-empty');
    expect(await wideElements(page)).toEqual([]);

    // ---- a wrong input: submit without a photo (and nothing else) → clear messages on the fields ----
    await page.getByTestId('report-submit').click();
    await expect.poll(() => page.getByTestId('report-error').innerText()).toContain('请按提示修改后再提交');
    const body = () => page.getByTestId('report-form').innerText();
    expect(await body()).toContain('请至少拍摄或上传 1 张现场照片');
    expect(await body()).toContain('请选择问题位置');
    expect(await body()).toContain('请选择问题类型');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'public-report-missing', { fullPage: false });

    // ---- a file that is not an image: the server's message under the photos ----
    await page.getByTestId('report-file-input').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a picture at all') });
    await page.locator('[data-testid="report-photo"][data-status="error"]').waitFor();
    const photoErrors = await page.getByTestId('report-photo-errors').innerText();
    expect(photoErrors).toMatch(/照片 1：\S+/);
    await shot(page, 'public-report-bad-file', { fullPage: false });
    await page.getByRole('button', { name: '删除这张照片 (1)' }).click();
    expect(await page.getByTestId('report-photo').count()).toBe(0);

    // ---- a real photo, taken with the camera ----
    await page.getByTestId('report-camera-input').setInputFiles({ name: 'IMG_0001.png', mimeType: 'image/png', buffer: photoPng() });
    await page.locator('[data-testid="report-photo"][data-status="done"]').waitFor();

    // ---- the place: "使用我的位置" (the context's geolocation) ----
    await page.getByTestId('report-locate').click();
    await page.getByTestId('report-place-set').waitFor();
    const pinned = await page.getByTestId('report-map').evaluate((el) => [Number(el.dataset.lng), Number(el.dataset.lat)]);
    expect(pinned[0]).toBeCloseTo(lng, 5);
    expect(pinned[1]).toBeCloseTo(lat, 5);
    await page.locator('#address').fill('东关路口公交站旁');

    // ---- the category (grouped by major class), a short description, a phone number ----
    await page.locator('#categoryCode').click();
    await page.locator('.ant-select-dropdown .ant-select-item-option[title="暴露垃圾"]').click();
    await page.locator('#description').fill('路口垃圾桶满溢，周边散落垃圾，有异味');
    await page.locator('#phone').fill('13800138000');
    expect(await noSideways(page)).toBeLessThanOrEqual(PHONE_SIZE.width);
    await shot(page, 'public-report-filled');

    // ---- submit → the number, big and copyable ----
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    const number = (await page.getByTestId('report-number').innerText()).trim();
    expect(number).toMatch(/^\d{12}$/);
    expect(await page.getByTestId('report-done').innerText()).toContain('提交成功');
    await shot(page, 'public-report-done');

    // ---- 查看进度 → /track/<number>: 已受理, the steps, nothing personal ----
    await page.getByTestId('report-track').click();
    await page.waitForURL(`**/track/${number}`);
    await page.getByTestId('track-card').waitFor();
    expect(await page.getByTestId('track-state').innerText()).toBe('已受理');
    const card = await page.getByTestId('track-card').innerText();
    expect(card).toContain(number);
    expect(card).toContain('暴露垃圾');
    expect(card).toContain('东关社区');
    expect(card).not.toContain('13800138000');
    expect(await page.getByTestId('track-steps').innerText()).toContain('已受理');
    expect(await noSideways(page)).toBeLessThanOrEqual(PHONE_SIZE.width);
    await shot(page, 'public-track');

    // ---- the same in English: the state and steps come back in the language asked for ----
    await page.getByTestId('lang-switch').getByText('EN').click();
    await expect.poll(() => page.getByTestId('track-state').innerText()).toBe('Received');
    expect(await page.locator('.cc-public__title').innerText()).toBe('Track a report');
    await shot(page, 'public-track-en');
    await page.getByTestId('lang-switch').getByText('中文').click();
    await expect.poll(() => page.getByTestId('track-state').innerText()).toBe('已受理');

    // ---- a mistyped number: a plain "not found", and this device's recent number to tap ----
    await page.goto('/track');
    await page.getByTestId('track-input').fill('202001010000');
    await page.getByTestId('track-search').click();
    await page.waitForURL('**/track/202001010000');
    await expect.poll(() => page.getByTestId('track-error').innerText()).toContain('202001010000');
    expect(await page.locator('.cc-track__recent').innerText()).toContain(number);
    await shot(page, 'public-track-not-found');

    // ---- the office sees the citizen's report in the ledger ----
    const ledger = await apiGet<CasePage>(office, '/cases?source=citizen');
    const mine = ledger.items.find((c) => c.number === number);
    expect(mine, `case ${number} in GET /cases?source=citizen`).toBeTruthy();
    expect(mine!.source).toBe('citizen');
    expect(mine!.category.name).toBe('暴露垃圾');
    expect(mine!.community?.name).toBe('东关社区');
    expect(mine!.state).toBe('reported');
  });
});
