import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loginThroughForm, PHONE, shot, useBrowserSession, type newContext } from './support/browser';
import { apiGet } from './support/map';
import { SIMULATED } from '../../server/src/modules/demo/demo-simulated.js';

const { account, context } = useBrowserSession();
const DESK = { width: 1280, height: 860 };
const T = 300_000;

async function signedIn(username: string, options: Parameters<typeof newContext>[1] = {}): Promise<Page> {
  const ctx = await context({ timezoneId: 'Asia/Shanghai', viewport: DESK, ...options });
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  const a = account(username);
  for (let attempt = 1; ; attempt++) {
    try {
      await loginThroughForm(page, a.username, a.password);
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      return page;
    } catch (err) {
      if (attempt >= 2) throw err;
      await page.goto('/login');
    }
  }
}

async function apiPut<T>(page: Page, path: string, body: unknown): Promise<T> {
  const me = await apiGet<{ csrfToken: string }>(page, '/auth/me');
  const res = await page.request.fetch(`/api/v1${path}`, { method: 'PUT', data: body, headers: { 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' } });
  if (!res.ok()) throw new Error(`PUT ${path}: HTTP ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

const dayBefore = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - n * 86_400_000));

// The e2e server loads the demo city without its first-start sheets, so the demo inspector submits
// the demo's 模拟测评 sheets (SIMULATED: point, days ago, rate items [item no., observed, passed],
// findings [item no., criterion no., note]) through the phone's API.
const GOOD = '#389e0d';
const MID = '#d48806';
const BAD = '#cf1322';

interface Plan {
  id: number;
  name: string;
  startsOn: string;
  edition: { id: number } | null;
  unpublishedSheets: number;
}
interface Point {
  id: number;
  code: string;
  name: string;
  type: { code: string };
  responsibleUnit: { name: string } | null;
}
interface Node {
  id: number;
  parentId: number | null;
  kind: string;
  code: string;
  appliesTo: string[];
  points: number | null;
}

/** The fill colour of each point dot on a map, by point id. */
async function dotColours(page: Page, testId: string): Promise<Map<number, string>> {
  const dots = await page
    .getByTestId(testId)
    .locator('[data-point-id]')
    .evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-point-id')), e.getAttribute('data-rate-color') ?? ''] as const));
  return new Map(dots);
}

describe('模拟测评: the office sees the points rated, publishes the results, the community sees them (issue 5)', () => {
  let plan: Plan;
  let points: Point[];
  const sheetOf = new Map<string, { id: number; number: string; rate: number; findings: number }>();
  let office: Page;
  let community: Page;

  it('the demo inspector submits the simulated assessment of twelve of the thirteen points', async () => {
    const page = await signedIn('inspector');
    plan = (await apiGet<{ items: Plan[] }>(page, '/inspection-plans?pageSize=100')).items.find((p) => p.name === '模拟测评')!;
    points = (await apiGet<{ items: Point[] }>(page, '/assessment-points?pageSize=500')).items;
    const nodes = (await apiGet<{ nodes: Node[] }>(page, `/standard-editions/${plan.edition!.id}`)).nodes;
    for (const s of SIMULATED) {
      const point = points.find((p) => p.code === s.point)!;
      const chapter = nodes.find((n) => n.kind === 'section' && n.appliesTo.includes(`point:${point.type.code}`))!;
      const node = (code: string) => nodes.find((n) => n.code === code)!;
      const key = `e2e-sim-${s.point}-${Date.now().toString(36)}`;
      const sheet = await apiPut<{ id: number; number: string; rate: number; state: string }>(page, '/inspections/sync', {
        clientKey: key,
        planId: plan.id,
        target: { kind: 'point', id: point.id },
        inspectedOn: dayBefore(s.day) < plan.startsOn ? plan.startsOn : dayBefore(s.day),
        submit: true,
        items: (s.rates ?? []).map(([no, observed, passed]) => ({ nodeId: node(`${chapter.code}.${no}`).id, observed, passed })),
        findings: (s.findings ?? []).map(([no, c, note], j) => {
          const crit = node(`${chapter.code}.${no}.${c}`);
          return { clientKey: `${key}-${j}`, itemNodeId: node(`${chapter.code}.${no}`).id, criterionNodeId: crit.id, points: crit.points ?? 0, note, photos: [] };
        }),
      });
      expect(sheet.state).toBe('submitted');
      sheetOf.set(s.point, { id: sheet.id, number: sheet.number, rate: sheet.rate, findings: s.findings?.length ?? 0 });
    }
    const rates = [...sheetOf.values()].map((x) => x.rate);
    expect(rates.filter((r) => r < 0.8)).toHaveLength(1);
    expect(rates.filter((r) => r >= 0.8 && r < 0.9)).toHaveLength(1);
  }, T);

  it('the office sees the points coloured by their rate, with a legend, and the rates per type and per unit', async () => {
    office = await signedIn('office');
    const page = office;
    await page.getByRole('menuitem', { name: '考察点位' }).click();
    await page.waitForURL('**/assessment-points');
    await page.getByTestId('point-table').waitFor();
    // The map is coloured by the simulated plan from the start.
    await expect.poll(() => page.locator('.cc-insp-toolbar .ant-select').filter({ hasText: '模拟测评' }).count()).toBe(1);
    await page.locator('.cc-map-legend').getByText('未测评').waitFor();
    await expect.poll(async () => [...(await dotColours(page, 'points-map')).values()].filter((c) => c === BAD).length).toBe(1);
    const byId = await dotColours(page, 'points-map');
    const colourOf = (code: string) => byId.get(points.find((p) => p.code === code)!.id);
    expect(colourOf('DP-13')).toBe(BAD);
    expect(colourOf('DP-11')).toBe(MID);
    expect(colourOf('DP-02')).toBe(GOOD);
    // The public toilet was not visited: grey, and its latest rate is a dash.
    expect(colourOf('DP-07')).not.toBe(GOOD);
    expect(await page.getByTestId('point-table').locator('tr').filter({ hasText: 'DP-07' }).getByTestId('rate').innerText()).toBe('—');
    expect(await page.getByTestId('point-table').locator('tr').filter({ hasText: 'DP-13' }).getByTestId('rate').innerText()).toMatch(/^7\d\.\d%$/);
    await shot(page, 'sim-01-points-coloured');

    await page.getByTestId('points-tabs').getByText('模拟测评结果').click();
    await page.getByTestId('results-map').waitFor();
    // The plan's own period: every sheet counts even when the plan began last month.
    const table = page.getByTestId('results-table');
    await expect.poll(() => table.locator('tr.ant-table-row').count()).toBe(SIMULATED.length);
    await expect.poll(async () => [...(await dotColours(page, 'results-map')).values()].filter((c) => c === MID).length).toBe(1);
    const byType = page.getByTestId('results-by-type');
    const byUnit = page.getByTestId('results-by-unit');
    expect(await byType.locator('.cc-rate-bars__name').count()).toBe(SIMULATED.length);
    expect(await byType.innerText()).toContain('公交站台');
    expect(await byUnit.innerText()).toContain('东关社区居委会');
    // Not published yet: the page says so and offers 公布结果.
    const notice = page.getByTestId('results-unpublished');
    expect(await notice.innerText()).toContain(`${SIMULATED.length} 张暗访检查表尚未公布`);
    await shot(page, 'sim-02-results');
  }, T);

  it('the community does not see the unannounced sheets before they are published', async () => {
    community = await signedIn('community');
    const page = community;
    await page.goto('/inspections');
    await page.getByTestId('sheet-table').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('sheet-table').innerText()).not.toContain('模拟测评');
    await page.goto(`/inspections/${sheetOf.get('DP-01')!.id}`);
    await page.getByTestId('sheet-not-found').waitFor();
    expect(await page.getByTestId('sheet-head').count()).toBe(0);
    await shot(page, 'sim-03-community-not-found');
  }, T);

  it('the office publishes the results: a confirm says what happens, then the count', async () => {
    const page = office;
    await page.getByTestId('results-publish').click();
    const confirm = page.locator('.ant-popover:visible');
    await confirm.getByText('公布暗访结果？').waitFor();
    expect(await confirm.innerText()).toContain(`将向被检查单位公布 ${SIMULATED.length} 张检查表，并为其中的扣分问题立案交办`);
    await shot(page, 'sim-04-publish-confirm', { fullPage: false });
    await page.getByTestId('results-publish-ok').click();
    await page.getByText(`已公布 ${SIMULATED.length} 张检查表`).waitFor();
    await page.getByTestId('results-unpublished').waitFor({ state: 'detached' });
    await shot(page, 'sim-05-published', { fullPage: false });
  }, T);

  it('the community now sees the sheets of its points and the cases opened from them', async () => {
    const page = community;
    const theirs = points.filter((p) => sheetOf.has(p.code) && ['东关社区居委会', '城关镇第一小学'].includes(p.responsibleUnit?.name ?? ''));
    expect(theirs.length).toBeGreaterThanOrEqual(2);
    await page.goto('/inspections');
    const table = page.getByTestId('sheet-table');
    for (const p of theirs) await table.getByText(p.name).first().waitFor();
    expect(await table.innerText()).toContain('模拟测评');
    await shot(page, 'sim-06-community-sheets');

    const market = sheetOf.get('DP-01')!;
    await page.goto(`/inspections/${market.id}`);
    await page.getByTestId('sheet-head').waitFor();
    const finding = page.getByTestId('sheet-finding').first();
    expect(await finding.innerText()).toContain('市场入口宣传栏空置');
    // The stall rate item scores 20 × 26 ÷ 30.
    expect(await page.getByTestId('sheet-items').locator('tr.ant-table-row').filter({ hasText: '26/30' }).innerText()).toContain('17.33');
    const link = finding.getByTestId('finding-case');
    const caseNumber = (await link.innerText()).trim();
    expect(caseNumber).toMatch(/\d/);
    await shot(page, 'sim-07-community-sheet');
    await link.click();
    await page.waitForURL('**/cases/*');
    await page.getByText(caseNumber).first().waitFor();
    await page.getByText('市场入口宣传栏空置', { exact: false }).first().waitFor();
    await shot(page, 'sim-08-community-case');
  }, T);

  it('works on a phone (360 px): the points page and the results', async () => {
    const page = await signedIn('office', { viewport: PHONE });
    await page.goto('/assessment-points?tab=results');
    await page.getByTestId('results-map').waitFor();
    await expect.poll(() => page.getByTestId('results-table').locator('tr.ant-table-row').count()).toBe(SIMULATED.length);
    await page.getByTestId('results-by-unit').waitFor();
    await shot(page, 'sim-09-phone-results');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.goto('/assessment-points');
    await page.getByTestId('point-table').waitFor();
    await shot(page, 'sim-10-phone-points');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  }, T);
});
