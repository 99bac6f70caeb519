import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PHONE, shot, useBrowserSession } from './support/browser';

const { signedIn } = useBrowserSession();

/** The app answers within a few seconds on a shared machine; the default poll gives up after one. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });
const problems = (page: Page) => page.getByTestId('problems').getByTestId('problem');
const okInPopconfirm = (page: Page) => page.locator('.ant-popconfirm:visible').getByRole('button', { name: /确\s?定|OK/ });

describe('标准体系: copy a published standard, break and fix its points, publish (issue 5)', () => {
  it('office copies JNS-2024, sees the mismatch and a disabled Publish, fixes it and publishes', async () => {
    const page = await signedIn('office');
    await page.getByTestId('main-menu').getByText('标准体系').click();
    await page.waitForURL(/\/standards/);
    await page.getByTestId('standard-JNS-2024').waitFor();
    await shot(page, 'standards-list');

    // The built-in edition is published: read only, with the hint to copy it.
    await page.getByTestId('edition-JNS-2024-2024').click();
    await page.getByTestId('standard-tree').waitFor();
    await poll(() => page.getByTestId('read-only-hint').innerText()).toContain('已发布的版本不能修改，请复制为新版本');
    expect(await page.getByTestId('edition-save').count()).toBe(0);
    await page.getByTestId('node-1.1').click();
    await poll(() => page.getByTestId('node-form').locator('input#points').isDisabled()).toBe(true);
    await shot(page, 'standards-published');

    // Copy to a new edition: the editor opens on the draft.
    const label = `E2E-${Date.now() % 100000}`;
    await page.getByTestId('edition-copy').click();
    await page.getByTestId('copy-label').fill(label);
    await page.getByTestId('copy-ok').click();
    await poll(() => page.getByTestId('edition-state').innerText()).toContain(`${label} · 草稿`);
    await poll(() => problems(page).count()).toBe(0);
    await poll(() => page.getByTestId('edition-publish').isEnabled()).toBe(true);

    // 1.1 from 15 to 20 points: section 1 now adds up to 105, not 100.
    await page.getByTestId('node-1.1').click();
    const points = page.getByTestId('node-form').locator('input#points');
    await points.fill('20');
    await poll(() => problems(page).allInnerTexts()).toEqual(['“1”下各项分值合计 105，与该部分满分 100 不符']);
    expect(await page.getByTestId('edition-publish').isDisabled()).toBe(true);
    expect(await page.getByTestId('node-1').innerText()).toContain('100 ≠ 105');
    await shot(page, 'standards-mismatch-live');

    // Saved, the server says the same, and Publish stays disabled with the reason.
    await page.getByTestId('edition-save').click();
    await poll(() => page.getByTestId('problems').innerText()).toContain('服务器检查结果');
    expect(await problems(page).allInnerTexts()).toEqual(['“1”下各项分值合计 105，与该部分满分 100 不符']);
    expect(await page.getByTestId('edition-publish').isDisabled()).toBe(true);
    await page.getByTestId('edition-publish').hover({ force: true });
    await shot(page, 'standards-mismatch-saved', { fullPage: false });

    // Clicking the problem selects the section; fix the item instead: 1.1 back to 15.
    await problems(page).first().locator('a').click();
    await poll(() => page.getByTestId('node-panel').innerText()).toContain('部分 1');
    await page.getByTestId('node-1.1').click();
    await page.getByTestId('node-form').locator('input#points').fill('15');
    await poll(() => problems(page).count()).toBe(0);
    await page.getByTestId('edition-save').click();
    await poll(() => page.getByTestId('problems').innerText()).toContain('没有问题，可以发布');
    await poll(() => page.getByTestId('edition-publish').isEnabled()).toBe(true);
    await page.getByTestId('edition-publish').click();
    await okInPopconfirm(page).click();
    await poll(() => page.getByTestId('edition-state').innerText()).toContain(`${label} · 已发布`);
    await poll(() => page.getByTestId('read-only-hint').count()).toBe(1);
    await shot(page, 'standards-published-copy');

    // Back on the list the new edition is there, published.
    await page.getByTestId('edition-back').click();
    await poll(() => page.getByTestId('standard-JNS-2024').innerText()).toContain(label);
  });

  it('adds, drags and deletes nodes in a new standard on a desk-sized screen', async () => {
    const page = await signedIn('office');
    await page.goto('/standards');
    await page.getByTestId('new-standard').click();
    const form = page.getByTestId('new-standard-form');
    const code = `E2E${Date.now() % 100000}`;
    await form.locator('input#code').fill(code);
    await form.locator('input#name').fill('端到端测试标准');
    await form.locator('input#label').fill('1');
    await page.getByTestId('new-standard-ok').click();
    await poll(() => page.getByTestId('edition-state').innerText()).toContain('1 · 草稿');
    await poll(() => problems(page).allInnerTexts()).toEqual(['该版本还没有任何检查项目']);

    await page.getByTestId('add-section').click();
    await page.getByTestId('node-form').locator('input#points').fill('10');
    await page.getByTestId('add-item').click();
    await page.getByTestId('node-form').locator('input#points').fill('10');
    await page.getByTestId('add-criterion').click();
    await page.getByTestId('add-item').click();
    await page.getByTestId('node-form').locator('input#points').fill('5');
    await poll(() => problems(page).allInnerTexts()).toEqual([
      '“1”下各项分值合计 15，与该部分满分 10 不符',
      '检查要点“1.1.1”没有指定问题类别（扣分后无法生成问题）',
    ]);
    await shot(page, 'standards-new-draft');

    // Drag item 1.2 onto the section's gap above 1.1: still under section 1, now first.
    const dragged = page.getByTestId('node-1.2');
    const target = page.getByTestId('node-1.1');
    const tb = (await target.boundingBox())!;
    await dragged.hover();
    await page.mouse.down();
    await page.mouse.move(tb.x + 40, tb.y + 4, { steps: 8 });
    await page.mouse.move(tb.x + 40, tb.y + 2, { steps: 2 });
    await page.mouse.up();
    const order = await page.getByTestId('standard-tree').locator('[data-testid^="node-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(order).toEqual(['node-1', 'node-1.2', 'node-1.1', 'node-1.1.1']);

    // A criterion cannot be moved to the top level; deleting 1.2 fixes the points.
    await page.getByTestId('node-1.2').click();
    await page.getByTestId('node-delete').click();
    await okInPopconfirm(page).click();
    await poll(() => problems(page).allInnerTexts()).toEqual(['检查要点“1.1.1”没有指定问题类别（扣分后无法生成问题）']);
    await page.getByTestId('edition-save').click();
    await poll(() => page.getByTestId('problems').innerText()).toContain('服务器检查结果');
    await shot(page, 'standards-new-saved');
  });

  it('reads on a phone: the list, an edition, and a node in a drawer', async () => {
    const page = await signedIn('office', { viewport: PHONE, isMobile: true, hasTouch: true });
    await page.goto('/standards');
    await page.getByTestId('standard-JNS-2024').waitFor();
    await shot(page, 'standards-phone-list');
    await page.getByTestId('edition-JNS-2024-2024').click();
    await page.getByTestId('standard-tree').waitFor();
    await shot(page, 'standards-phone-edition');
    await page.getByTestId('node-1.1').click();
    await page.getByTestId('node-drawer').waitFor();
    await shot(page, 'standards-phone-node', { fullPage: false });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('speaks English when switched: the list, a draft’s problems and the read-only hint', async () => {
    const page = await signedIn('office', { lang: 'en' });
    await page.goto('/standards');
    await page.getByTestId('edition-JNS-2024-2024').click();
    await poll(() => page.getByTestId('read-only-hint').innerText()).toContain('A published edition cannot be changed; copy it to a new edition');
    await page.getByTestId('node-1.1').click();
    await shot(page, 'standards-en-published');
  });
});
