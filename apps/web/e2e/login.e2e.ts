import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_ROLES, ERROR_MESSAGES, type Permission } from '@cc/domain';
import zhCN from '../src/i18n/zh-CN';
import en from '../src/i18n/en';
import { NAV, allows, menuSections } from '../src/app/nav';
import { demoAccounts, launchBrowser, loginThroughForm, menuLabels, newContext, shot, type DemoAccount } from './support/browser';

/**
 * What a role must see: every NAV entry whose permission the built-in role has (NAV is the menu's
 * single table — a new page adds one entry there), labelled in the given language.
 */
function expectedMenu(role: string, labels: typeof zhCN.menu): string[] {
  const def = DEFAULT_ROLES.find((r) => r.code === role);
  if (!def) throw new Error(`unknown role ${role}`);
  const perms: readonly Permission[] = def.permissions;
  return menuSections(NAV.filter((e) => allows(e.permission, (p) => perms.includes(p)))).flatMap((s) => s.entries).map((e) => labels[e.key]);
}

let browser: Browser;
let accounts: DemoAccount[];

beforeAll(async () => {
  browser = await launchBrowser();
  accounts = await demoAccounts();
});

afterAll(async () => {
  await browser?.close();
});

async function logout(page: Page) {
  await page.getByTestId('logout').click();
  await page.waitForURL('**/login');
  await page.getByTestId('login-form').waitFor();
}

describe('login', () => {
  it('lists one demo account for every role', () => {
    const roles = new Set(accounts.map((a) => a.role));
    for (const r of DEFAULT_ROLES) expect(roles, `demo account for ${r.code}`).toContain(r.code);
  });

  it('shows the demo accounts on the login page; a row fills the form', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto('/login');
    const table = page.getByTestId('demo-accounts');
    await table.waitFor();
    const first = accounts[0]!;
    await table.locator('tr.ant-table-row').first().click();
    expect(await page.locator('#username').inputValue()).toBe(first.username);
    expect(await page.locator('#password').inputValue()).toBe(first.password);
    await shot(page, 'login-page');
    await context.close();
  });

  it('every demo account logs in through the form and sees exactly its menu', async () => {
    const seen = new Set<string>();
    // One browser for all, as on a shared office PC: each account logs out before the next logs in
    // (the app's files stay cached; nothing of the previous user may show).
    const context = await newContext(browser);
    const page = await context.newPage();
    for (const account of accounts) {
      await loginThroughForm(page, account.username, account.password);
      await page.getByTestId('main-menu').waitFor();
      expect(await menuLabels(page), `menu of ${account.username} (${account.role})`).toEqual(
        expectedMenu(account.role, zhCN.menu),
      );
      await expect.poll(() => page.getByTestId('current-user').innerText()).toContain(account.displayName);
      // The first page is the dashboard for every role that may see it.
      await page.waitForURL(/\/(dashboard|profile)$/);
      await page.waitForLoadState('networkidle');
      await shot(page, seen.has(account.role) ? `login-${account.role}-${account.username}` : `login-${account.role}`);
      seen.add(account.role);
      await logout(page);
    }
    await context.close();
  });

  it('a wrong password shows the server’s Chinese message', async () => {
    const account = accounts[accounts.length - 1]!;
    const context = await newContext(browser);
    const page = await context.newPage();
    await loginThroughForm(page, account.username, `${account.password}-wrong`);
    const alert = page.getByTestId('login-error');
    await alert.waitFor();
    expect(await alert.innerText()).toContain(ERROR_MESSAGES.INVALID_CREDENTIALS['zh-CN']);
    expect(page.url()).toMatch(/\/login$/);
    await shot(page, 'login-wrong-password');
    await context.close();
  });

  it('switching to English changes the menu language, and it sticks', async () => {
    const admin = accounts.find((a) => a.role === 'system_admin')!;
    const context = await newContext(browser);
    const page = await context.newPage();
    await loginThroughForm(page, admin.username, admin.password);
    await page.getByTestId('main-menu').waitFor();
    expect(await menuLabels(page)).toEqual(expectedMenu('system_admin', zhCN.menu));

    await page.getByTestId('lang-switch').getByText('EN', { exact: true }).click();
    await expect.poll(() => menuLabels(page)).toEqual(expectedMenu('system_admin', en.menu));
    expect(await page.evaluate(() => localStorage.getItem('cc.lang'))).toBe('en');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.waitForLoadState('networkidle');
    await shot(page, 'menu-en');

    await page.reload();
    await expect.poll(() => menuLabels(page)).toEqual(expectedMenu('system_admin', en.menu));

    // The login page follows the chosen language too.
    await logout(page);
    expect(await page.getByTestId('login-submit').innerText()).toMatch(new RegExp(en.login.submit, 'i'));
    await shot(page, 'login-page-en');

    await page.getByTestId('lang-switch').getByText('中文', { exact: true }).click();
    await expect.poll(() => page.getByTestId('login-submit').innerText()).toMatch(/登\s*录/);
    await context.close();
  });

  it('logout returns to the login page and the session is gone', async () => {
    const account = accounts.find((a) => a.role === 'leader')!;
    const context = await newContext(browser);
    const page = await context.newPage();
    await loginThroughForm(page, account.username, account.password);
    await page.getByTestId('main-menu').waitFor();
    await logout(page);
    // Going back to a protected page lands on the login page again.
    await page.goto('/dashboard');
    await page.waitForURL('**/login');
    await page.getByTestId('login-form').waitFor();
    await context.close();
  });

  it('an unknown address shows the 404 page with a way home', async () => {
    const account = accounts.find((a) => a.role === 'campaign_office')!;
    const context = await newContext(browser);
    const page = await context.newPage();
    await loginThroughForm(page, account.username, account.password);
    await page.getByTestId('main-menu').waitFor();
    await page.goto('/no-such-page');
    const nf = page.getByTestId('not-found');
    await nf.waitFor();
    expect(await nf.innerText()).toContain('404');
    await shot(page, '404');
    await nf.getByRole('button').click();
    await page.waitForURL('**/dashboard');
    await context.close();
  });
});
