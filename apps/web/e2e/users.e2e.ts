import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ERROR_MESSAGES } from '@cc/domain';
import { demoAccounts, launchBrowser, loginThroughForm, newContext, shot, type DemoAccount } from './support/browser';

let browser: Browser;
let admin: DemoAccount;

beforeAll(async () => {
  browser = await launchBrowser();
  admin = (await demoAccounts()).find((a) => a.role === 'system_admin')!;
});

afterAll(async () => {
  await browser?.close();
});

describe('users', () => {
  it('an administrator creates a user, who must change the one-time password at first login', async () => {
    const username = `e2e_${Date.now().toString(36)}`;
    const displayName = '端到端测试员';

    // 1. The administrator creates the user and sees the initial password once.
    const adminCtx = await newContext(browser);
    const page = await adminCtx.newPage();
    await loginThroughForm(page, admin.username, admin.password);
    await page.getByTestId('main-menu').waitFor();
    await page.goto('/users');
    await page.getByTestId('users-table').locator('tr.ant-table-row').first().waitFor();
    await page.getByTestId('user-create').click();
    const form = page.getByTestId('user-form');
    await form.waitFor();
    await form.locator('#username').fill(username);
    await form.locator('#displayName').fill(displayName);
    await form.locator('#unitId').click();
    await form.locator('#unitId').fill('创建办');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await form.locator('#roles').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="网格员"]').click();
    await page.keyboard.press('Escape');
    await shot(page, 'user-create-form', { fullPage: false });
    await page.getByTestId('user-save').click();

    const secret = page.getByTestId('one-time-secret');
    await secret.waitFor();
    const initialPassword = (await secret.locator('code').innerText()).trim();
    expect(initialPassword.length).toBeGreaterThanOrEqual(8);
    await shot(page, 'user-created-initial-password', { fullPage: false });
    await page.getByTestId('one-time-secret-done').click();
    await secret.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('users-table').innerText()).toContain(username);

    // 2. The new user logs in elsewhere and is sent to the forced password change.
    const userCtx = await newContext(browser);
    const userPage = await userCtx.newPage();
    await loginThroughForm(userPage, username, initialPassword);
    await userPage.waitForURL('**/change-password');
    const forced = userPage.getByTestId('forced-password');
    await forced.waitFor();
    await shot(userPage, 'forced-change-password');

    // Other pages are not reachable until the password is changed.
    await userPage.goto('/dashboard');
    await userPage.waitForURL('**/change-password');
    await forced.waitFor();

    // 3. A weak password is refused with the policy message.
    await forced.locator('#currentPassword').fill(initialPassword);
    await forced.locator('#newPassword').fill('weakpassword');
    await forced.locator('#confirm').fill('weakpassword');
    await forced.getByRole('button', { name: /修改密码/ }).click();
    const problem = forced.locator('#newPassword_help');
    await problem.waitFor();
    expect(await problem.innerText()).toContain(ERROR_MESSAGES.PASSWORD_TOO_FEW_CLASSES['zh-CN']);
    expect(userPage.url()).toMatch(/\/change-password$/);
    await shot(userPage, 'forced-change-weak-password');

    // 4. A good password lands on the dashboard.
    const good = 'Qinglan#2026-ok';
    await forced.locator('#newPassword').fill(good);
    await forced.locator('#confirm').fill(good);
    await forced.getByRole('button', { name: /修改密码/ }).click();
    await userPage.waitForURL('**/dashboard');
    await userPage.getByTestId('stat-units').waitFor();
    await expect.poll(() => userPage.getByTestId('current-user').innerText()).toContain(displayName);
    await userPage.waitForLoadState('networkidle');
    await shot(userPage, 'forced-change-done-dashboard');

    // 5. The new password works for a fresh login; the administrator sees the change.
    await userPage.getByTestId('logout').click();
    await userPage.waitForURL('**/login');
    await loginThroughForm(userPage, username, good);
    await userPage.waitForURL('**/dashboard');

    await page.reload();
    const row = page.getByTestId('users-table').locator('tr.ant-table-row', { hasText: username });
    await row.waitFor();
    expect(await row.innerText()).not.toContain('待改密');

    await userCtx.close();
    await adminCtx.close();
  });
});
