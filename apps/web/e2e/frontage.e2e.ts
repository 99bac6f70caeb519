import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { FrontageContractPage } from '@cc/domain';
import { loginThroughForm, shot, useBrowserSession } from './support/browser';
import { apiGet } from './support/map';

const { account, context } = useBrowserSession();

async function tableShops(page: Page): Promise<string[]> {
  return (await page.getByTestId('frontage-table').getByTestId('frontage-open').allInnerTexts()).map((s) => s.trim());
}

async function openContract(page: Page, shop: string) {
  await page.getByTestId('frontage-table').getByTestId('frontage-open').filter({ hasText: shop }).first().click();
  const drawer = page.getByTestId('frontage-detail');
  await drawer.getByTestId('frontage-actions').waitFor();
  return drawer;
}

describe('frontage contracts (门前责任书)', () => {
  it('a community sees only its own shops, records a failed check and renews a contract', async () => {
    // What the whole county has, for comparison.
    const officeCtx = await context();
    const officePage = await officeCtx.newPage();
    const office = account('office');
    await loginThroughForm(officePage, office.username, office.password);
    await officePage.getByTestId('main-menu').waitFor();
    const county = (await apiGet<FrontageContractPage>(officePage, '/frontage-contracts?pageSize=500')).items.map((c) => c.shop.name);
    await officeCtx.close();

    const ctx = await context();
    const page = await ctx.newPage();
    const community = account('community');
    await loginThroughForm(page, community.username, community.password);
    await page.getByTestId('main-menu').waitFor();
    const own = (await apiGet<FrontageContractPage>(page, '/frontage-contracts?pageSize=500')).items.map((c) => c.shop.name);
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBeLessThan(county.length);

    await page.getByRole('menuitem', { name: '门前责任书' }).click();
    await page.waitForURL('**/frontage');
    await page.getByTestId('frontage-table').locator('tr.ant-table-row').first().waitFor();
    const shown = await tableShops(page);
    expect(new Set(shown)).toEqual(new Set(own));
    for (const other of county.filter((n) => !own.includes(n))) expect(shown).not.toContain(other);
    // The expiry warning counts only this community's contracts.
    expect(await page.getByTestId('frontage-warning').innerText()).toMatch(/份责任书即将到期/);
    const statuses = await page.getByTestId('frontage-table').getByTestId('frontage-status').allInnerTexts();
    expect(statuses).toContain('即将到期');
    await shot(page, 'frontage-register');

    // A failed check of one shop: 卫生 not met, a fine.
    const shop = own.find((n) => n !== '悦家超市')!;
    let drawer = await openContract(page, shop);
    await drawer.getByTestId('frontage-check').click();
    const check = page.getByTestId('check-form');
    await check.waitFor();
    await check.getByText('不合格', { exact: true }).click();
    await check.getByTestId('check-failed-duties').getByText('卫生', { exact: true }).click();
    await check.locator('#check_penaltyYuan').fill('200');
    await check.locator('#check_note').fill('门前堆放杂物，已要求当天清理');
    await page.getByTestId('check-save').click();
    await check.waitFor({ state: 'hidden' });
    const checks = drawer.getByTestId('frontage-checks');
    await expect.poll(() => checks.innerText()).toContain('不合格');
    const checksText = await checks.innerText();
    expect(checksText).toContain('卫生');
    expect(checksText).toContain('200');
    expect(checksText).toContain('门前堆放杂物');
    expect(await drawer.innerText()).toContain('不合格 1 次');
    await shot(page, 'frontage-check', { fullPage: false });
    await drawer.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'hidden' });

    // Renew the contract that is about to expire.
    drawer = await openContract(page, '悦家超市');
    expect(await drawer.getByTestId('frontage-status').innerText()).toBe('即将到期');
    await drawer.getByTestId('frontage-renew').click();
    const renew = page.getByTestId('renew-form');
    await renew.waitFor();
    await page.getByTestId('renew-save').click();
    await renew.waitFor({ state: 'hidden' });
    await expect.poll(() => drawer.getByTestId('frontage-status').innerText()).toBe('有效');
    expect(await drawer.innerText()).toContain('查看上一份责任书');
    await shot(page, 'frontage-renewed', { fullPage: false });
    await drawer.locator('.ant-drawer-close').click();

    // The register now lists the renewed contract as valid and the old one as ended.
    await page.getByTestId('frontage-table').locator('tr.ant-table-row').first().waitFor();
    const rows = page.getByTestId('frontage-table').locator('tr.ant-table-row').filter({ hasText: '悦家超市' });
    await expect.poll(async () => (await rows.getByTestId('frontage-status').allInnerTexts()).sort()).toEqual(['已终止', '有效']);
    await ctx.close();
  });
});
