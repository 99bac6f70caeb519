import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AssignmentPage, RoadSegmentView } from '@cc/domain';
import { demoAccounts, launchBrowser, loginThroughForm, newContext, shot, type DemoAccount } from './support/browser';
import { apiGet } from './support/map';

let browser: Browser;
let office: DemoAccount;

beforeAll(async () => {
  browser = await launchBrowser();
  office = (await demoAccounts()).find((a) => a.username === 'office')!;
});

afterAll(async () => {
  await browser?.close();
});

/** Open an antd Select by its input id, type, and pick the first option containing `text`. */
async function choose(page: Page, inputId: string, search: string, text = search) {
  const input = page.locator(`#${inputId}`);
  await input.click();
  await input.fill(search);
  const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first();
  await option.waitFor();
  await option.click();
}

describe('assignments (责任安排)', () => {
  it('refuses a second unit on a road segment for an overlapping period, then hands the segment over', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await loginThroughForm(page, office.username, office.password);
    await page.getByTestId('main-menu').waitFor();

    const segment = (await apiGet<{ items: RoadSegmentView[] }>(page, '/segments')).items.find((s) => s.code === 'RD-RM-3')!;
    const cover = (await apiGet<AssignmentPage>(page, `/assignments?kind=segment_cover&targetType=road_segment&targetId=${segment.id}`)).items.find(
      (a) => a.validTo === null,
    )!;
    const holder = cover.responsibleUnit!.name;
    const newcomer = holder === '县住建局' ? '县卫健委' : '县住建局';

    await page.getByRole('menuitem', { name: '责任安排' }).click();
    await page.waitForURL('**/assignments');
    await page.getByTestId('assignment-tabs').getByRole('tab', { name: '包路段' }).click();
    await page.waitForURL('**/assignments?kind=segment_cover');
    const table = page.getByTestId('assignments-table');
    await table.locator('tr.ant-table-row').filter({ hasText: segment.name }).waitFor();

    // A second unit for the same segment from today, open-ended: the current cover clashes.
    await page.getByTestId('assignment-create').click();
    const form = page.getByTestId('assignment-form');
    await form.waitFor();
    await choose(page, 'assignment_targetId', segment.name);
    await choose(page, 'assignment_responsibleUnitId', newcomer);
    await page.getByTestId('assignment-save').click();
    const clash = page.getByTestId('assignment-form-error');
    await clash.waitFor();
    const clashText = await clash.innerText();
    expect(clashText).toContain('时间重叠');
    expect(clashText).toContain(holder);
    expect(clashText).toContain(cover.validFrom);
    await shot(page, 'assignment-overlap', { fullPage: false });
    await page.getByRole('button', { name: '取 消' }).or(page.getByRole('button', { name: '取消' })).first().click();
    await form.waitFor({ state: 'hidden' });

    // 交接: the newcomer takes the segment over from today.
    const row = table.locator('tr.ant-table-row').filter({ hasText: segment.name });
    await row.getByTestId('assignment-reassign').click();
    const hand = page.getByTestId('reassign-form');
    await hand.waitFor();
    await choose(page, 'reassign_responsibleUnitId', newcomer);
    await page.getByTestId('assignment-reassign-ok').click();
    await hand.waitFor({ state: 'hidden' });

    // The timeline opens: the newcomer from today, the former holder until yesterday.
    const timeline = page.getByTestId('assignment-timeline');
    await timeline.waitFor();
    const periods = await timeline.getByTestId('assignment-period').allInnerTexts();
    expect(periods.length).toBeGreaterThanOrEqual(2);
    expect(periods[0]).toContain(newcomer);
    expect(periods[0]).toContain('生效中');
    expect(periods[0]).toContain(`接替 ${holder}`);
    expect(periods[1]).toContain(holder);
    expect(periods[1]).toContain('已结束');
    const drawerText = await page.getByTestId('assignment-history').innerText();
    expect(drawerText).toContain(`${segment.name} · 包路段 历史`);
    expect(drawerText).toContain(`${cover.validFrom} ~`);
    await shot(page, 'assignment-timeline', { fullPage: false });

    // The list (valid today) now names the newcomer for the segment.
    await page.getByTestId('assignment-history').locator('.ant-drawer-close').click();
    await expect.poll(() => table.locator('tr.ant-table-row').filter({ hasText: segment.name }).innerText()).toContain(newcomer);
    await ctx.close();
  });
});
