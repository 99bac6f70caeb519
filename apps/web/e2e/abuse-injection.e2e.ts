import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, loginThroughForm, newContext, shot } from './support/browser';

/**
 * Injection strings rendered safely (issue 6): script, SQL and template payloads stored through
 * the API in a unit name, a person's name and a case description are shown as literal text on
 * the pages that list and show them; no script runs (no window.__pwned, no dialog) and the SQL
 * did nothing (the case table is still there: the case opens).
 */
const MARK = Date.now().toString(36).slice(-5);
const PAYLOADS = {
  unit: `<img src=x onerror=window.__pwned=1>单位${MARK}`,
  person: `'; drop table case_record; --${MARK}`,
  case: `{{7*7}} \${7*7} <script>window.__pwned=1</script> <svg onload=alert(1)> 案件${MARK}`,
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A JSON call from inside the page: same origin, the session cookie and the CSRF token. */
async function api(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return page.evaluate(async ({ method, url, body }) => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const res = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  }, { method, url, body });
}

async function assertNothingRan(page: Page, dialogs: string[]) {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  // No element the payloads would have created made it into the document.
  expect(await page.locator('img[src="x"], svg[onload], script:not([src])').count()).toBe(0);
}

describe('injection strings in stored text', () => {
  it('shows them literally on the unit, people and case pages, and runs none of them', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await loginThroughForm(page, 'admin', 'Demo@2026');
    await page.getByTestId('main-menu').waitFor();

    const unit = await api(page, 'POST', '/api/v1/units', { parentId: null, kind: 'department', code: `XSS${MARK}`, name: PAYLOADS.unit });
    expect(unit.status).toBe(201);
    const person = await api(page, 'POST', '/api/v1/people', { name: PAYLOADS.person, unitId: unit.json.id, position: PAYLOADS.unit });
    expect(person.status).toBe(201);
    const features = (await api(page, 'GET', '/api/v1/regions/geojson?level=community')).json.features as { properties: { name: string }; geometry: { coordinates: number[][][] } }[];
    const ring = features.find((f) => f.properties.name === '东关社区')!.geometry.coordinates[0]!;
    const lng = ring.reduce((s, p) => s + p[0]!, 0) / ring.length;
    const lat = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
    const kase = await api(page, 'POST', '/api/v1/cases', { source: 'office', categoryCode: '0107', description: PAYLOADS.case, address: PAYLOADS.unit, reporterName: PAYLOADS.person.slice(0, 40), lat, lng });
    expect(kase.status).toBe(201);

    await page.goto(`/units?q=${encodeURIComponent(MARK)}`);
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toContain(PAYLOADS.unit);
    await assertNothingRan(page, dialogs);
    await shot(page, 'abuse-injection-units', { fullPage: false });

    await page.goto(`/people?q=${encodeURIComponent(MARK)}`);
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toContain(PAYLOADS.person);
    await assertNothingRan(page, dialogs);
    await shot(page, 'abuse-injection-people', { fullPage: false });

    // The ledger shows the address (here the unit's payload) of the newest case first.
    await page.goto(`/cases`);
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toContain(PAYLOADS.unit);
    await assertNothingRan(page, dialogs);
    await shot(page, 'abuse-injection-cases', { fullPage: false });

    await page.goto(`/cases/${kase.json.id}`);
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toContain(PAYLOADS.case.replace(/\s+/g, ' '));
    const text = await page.locator('body').innerText();
    expect(text).toContain('{{7*7}}');
    expect(text).not.toMatch(/(^|\s)49(\s|$)/);
    expect(text).toContain(PAYLOADS.unit);
    await assertNothingRan(page, dialogs);
    await shot(page, 'abuse-injection-case');

    // The SQL in the person's name was stored as text: the case table still answers.
    const list = await api(page, 'GET', `/api/v1/cases?q=${encodeURIComponent(MARK)}`);
    expect(list.status).toBe(200);
    expect((list.json.items as unknown[]).length).toBeGreaterThanOrEqual(1);
    await ctx.close();
  });
});
