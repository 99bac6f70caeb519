import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoAccounts, launchBrowser, loginThroughForm, newContext, shot, type DemoAccount } from './support/browser';
import { apiGet } from './support/map';

let browser: Browser;
let admin: DemoAccount;

beforeAll(async () => {
  browser = await launchBrowser();
  admin = (await demoAccounts()).find((a) => a.username === 'admin')!;
});

afterAll(async () => {
  await browser?.close();
});

/**
 * A number outside a setting's range is refused with the range named — not quietly changed to the
 * nearest allowed value (antd's InputNumber does that with min/max, so the forms rely on rules).
 */
describe('number settings out of range', () => {
  it('keeps 600 m and 12.5 as typed with a message, saves nothing, in 系统设置 and 流程设置', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await loginThroughForm(page, admin.username, admin.password);
    await page.getByTestId('main-menu').waitFor();
    const before = await apiGet<{ frontageRadiusM: number }>(page, '/settings/map');

    await page.goto('/settings');
    const form = page.getByTestId('map-settings-form');
    const radius = form.getByLabel('门前责任查找半径');
    await expect.poll(() => radius.inputValue()).toBe(String(before.frontageRadiusM));
    for (const bad of ['600', '12.5']) {
      await radius.fill(bad);
      await page.getByTestId('settings-save').click();
      await expect.poll(() => form.locator('.ant-form-item-explain-error').allInnerTexts()).toEqual(['请输入 1–500 的整数']);
      expect(await radius.inputValue()).toBe(bad);
    }
    await shot(page, 'settings-radius-out-of-range', { fullPage: false });
    expect((await apiGet<{ frontageRadiusM: number }>(page, '/settings/map')).frontageRadiusM).toBe(before.frontageRadiusM);

    await page.goto('/case-settings?tab=workflow');
    const workflow = page.getByTestId('workflow-form');
    const distance = workflow.getByLabel('距离', { exact: true });
    await distance.waitFor();
    const saved = await distance.inputValue();
    await distance.fill('5000');
    await page.getByTestId('workflow-save').click();
    await expect.poll(() => workflow.locator('.ant-form-item-explain-error').allInnerTexts()).toEqual(['请输入 1–1000 的整数']);
    expect(await distance.inputValue()).toBe('5000');
    expect(String((await apiGet<{ duplicateRadiusM: number }>(page, '/case-settings')).duplicateRadiusM)).toBe(saved);
    await ctx.close();
  });
});
