/// <reference types="node" />
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium from '@sparticuz/chromium';
import { chromium as playwright, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** The running server (built web app + demo city), provided by the lead's vitest globalSetup. */
export function baseURL(): string {
  const url = inject('baseURL');
  if (!url) throw new Error('baseURL was not provided by the vitest globalSetup');
  return url.replace(/\/$/, '');
}

/**
 * Headless Chromium from @sparticuz/chromium, with nothing that phones home.
 *
 * `--single-process` (in chromium.args, meant for AWS Lambda) is dropped: in that mode all browser
 * contexts share one cookie store — a "new context" is still logged in as the previous user — and
 * closing a context kills the whole browser. Tests need isolated contexts.
 */
export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [
      ...chromium.args.filter((a) => a !== '--single-process'),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    headless: true,
  });
}

export const DESKTOP = { width: 1366, height: 860 } as const;
export const PHONE = { width: 360, height: 740 } as const;

/** A fresh context (own cookies, no service worker unless asked) at the server, in the given UI language. */
export async function newContext(
  browser: Browser,
  options: { lang?: 'zh-CN' | 'en'; viewport?: { width: number; height: number } } & BrowserContextOptions = {},
): Promise<BrowserContext> {
  const { lang = 'zh-CN', viewport = DESKTOP, ...rest } = options;
  const context = await browser.newContext({
    baseURL: baseURL(),
    viewport,
    locale: lang,
    deviceScaleFactor: 1,
    // The offline service worker precaches the whole app shell (~3 MB) in every new context, which
    // only the offline journeys need: they pass serviceWorkers: 'allow'.
    serviceWorkers: 'block',
    ...rest,
  });
  // The UI language is kept in localStorage ('cc.lang'); set it before any page script runs.
  await context.addInitScript((l) => {
    try {
      if (!window.localStorage.getItem('cc.lang')) window.localStorage.setItem('cc.lang', l);
    } catch {
      /* ignore */
    }
  }, lang);
  return context;
}

/**
 * Save a PNG to apps/web/e2e/screenshots/<name>.png — the full page by default; pass
 * `{ fullPage: false }` while a modal or drawer is open (they are fixed to the viewport).
 */
export async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // Let antd's open/close animations (≈0.2–0.3 s) settle.
  await page.waitForTimeout(400);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
  return file;
}

export interface DemoAccount {
  username: string;
  password: string;
  role: string;
  roleName: { 'zh-CN': string; en: string };
  unitName: string;
  displayName: string;
}

export async function demoAccounts(): Promise<DemoAccount[]> {
  const res = await fetch(`${baseURL()}/api/v1/auth/demo-accounts`);
  if (!res.ok) throw new Error(`demo-accounts: HTTP ${res.status}`);
  const body = (await res.json()) as { demo: boolean; accounts: DemoAccount[] };
  if (!body.demo) throw new Error('The server is not running with DEMO=1');
  return body.accounts;
}

/** Fill the login form and submit it. */
export async function loginThroughForm(page: Page, username: string, password: string): Promise<void> {
  if (!page.url().includes('/login')) await page.goto('/login');
  const form = page.getByTestId('login-form');
  await form.locator('input#username').fill(username);
  await form.locator('input#password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** The labels of the main menu entries, in order. */
export async function menuLabels(page: Page): Promise<string[]> {
  const menu = page.getByTestId('main-menu');
  await menu.waitFor();
  const items = menu.locator('li.ant-menu-item');
  return (await items.allInnerTexts()).map((s) => s.trim());
}

/**
 * One browser per test file, the demo accounts, and contexts that are closed when the file ends.
 * Call at the file's top level (it registers beforeAll/afterAll).
 */
export function useBrowserSession() {
  let browser: Browser | null = null;
  let accounts: DemoAccount[] = [];
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    accounts = await demoAccounts();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
  });
  const account = (username: string): DemoAccount => {
    const a = accounts.find((x) => x.username === username);
    if (!a) throw new Error(`no demo account ${username}`);
    return a;
  };
  /** A new context (see newContext), closed with the file. */
  const context = async (options: Parameters<typeof newContext>[1] = {}): Promise<BrowserContext> => {
    if (!browser) throw new Error('useBrowserSession: the browser starts in beforeAll');
    const ctx = await newContext(browser, options);
    contexts.push(ctx);
    return ctx;
  };
  /** A page in a new context, signed in as `username` through the login form, once it has left /login. */
  const signedIn = async (username: string, options: Parameters<typeof newContext>[1] = {}): Promise<Page> => {
    const page = await (await context(options)).newPage();
    const a = account(username);
    await loginThroughForm(page, a.username, a.password);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    return page;
  };
  return { account, context, signedIn };
}
