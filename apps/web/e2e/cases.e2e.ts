import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rgbPng } from './support/png';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { MapSettings } from '@cc/domain';
import { PHONE, shot, useBrowserSession, type newContext } from './support/browser';
import { apiGet, screenPoint, type RegionFeature } from './support/map';

const session = useBrowserSession();
let dir: string;

/** A 96×96 PNG: a diagonal gradient of one colour, so the thumbnails tell the stages apart. */
function png([r, g, b]: [number, number, number]): Buffer {
  const f = (x: number, y: number) => 0.5 + (x + y) / (4 * 96);
  return rgbPng(96, 96, (x, y) => [Math.min(255, r * f(x, y)), Math.min(255, g * f(x, y)), Math.min(255, b * f(x, y))]);
}
async function photoFile(name: string, rgb: [number, number, number]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, png(rgb));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cc-e2e-cases-'));
});

// The users are in China: show times as they see them, whatever the machine running the test.
const signedIn = (username: string, options: Parameters<typeof newContext>[1] = {}): Promise<Page> =>
  session.signedIn(username, { timezoneId: 'Asia/Shanghai', ...options });

const summary = (page: Page) => page.getByTestId('case-summary');
const stateOf = (page: Page) => summary(page).getByTestId('case-state').innerText();

/** Upload a photo into a PhotoUpload and wait until the server has it. */
async function addPhoto(page: Page, testId: string, file: string) {
  const box = page.getByTestId(testId);
  const before = await box.locator('.ant-upload-list-item-done').count();
  await box.locator('input[type=file]').setInputFiles(file);
  await expect.poll(() => box.locator('.ant-upload-list-item-done').count(), { timeout: 15_000 }).toBe(before + 1);
}

/** Open an action's dialog, optionally with a photo and a note, and confirm it; wait for the dialog to close. */
async function act(page: Page, action: string, opts: { note?: string; photo?: string } = {}) {
  await page.getByTestId(`action-${action}`).click();
  const form = page.getByTestId('action-form');
  await form.waitFor();
  if (opts.photo) await addPhoto(page, 'action-photos', opts.photo);
  if (opts.note) await form.getByTestId('action-note').fill(opts.note);
  await page.getByTestId('action-ok').click();
  await form.waitFor({ state: 'hidden' });
}

describe('a case from report to strike-off, and back as a relapse (S3)', () => {
  it('inspector reports, the community rectifies, the inspector sends it back, verifies, and reopens it', async () => {
    const before = await photoFile('before.png', [200, 120, 40]);
    const after = await photoFile('after.png', [40, 170, 80]);
    const again = await photoFile('recheck.png', [190, 40, 60]);

    // ---- the inspector, at a desk-sized screen, reports standing water behind the market ----
    const insp = await signedIn('inspector');
    await insp.getByTestId('main-menu').waitFor();
    const view = (await apiGet<MapSettings>(insp, '/settings/map')).mapCenter;
    const communities = (await apiGet<{ features: RegionFeature[] }>(insp, '/regions/geojson?level=community')).features;
    const dongguan = communities.find((c) => c.properties.name === '东关社区')!;
    const pts = (dongguan.geometry.coordinates as number[][][])[0]!;
    const xs = pts.map((p) => p[0]!);
    const ys = pts.map((p) => p[1]!);
    // Inside 东关社区, towards its west side (nearer the middle of the town, so on screen on any map size).
    const point: [number, number] = [Math.min(...xs) + (Math.max(...xs) - Math.min(...xs)) * 0.3, (Math.min(...ys) + Math.max(...ys)) / 2];

    const labels = await insp.getByTestId('main-menu').locator('li.ant-menu-item').allInnerTexts();
    const menu = labels.map((s) => s.trim());
    // The case pages sit together under their heading (问题处置).
    expect(menu.indexOf('上报问题')).toBe(menu.indexOf('问题台账') + 1);
    await expect.poll(() => insp.getByTestId('main-menu').getByText('问题处置', { exact: true }).count()).toBe(1);
    expect(menu).toEqual(expect.arrayContaining(['问题台账', '上报问题', '回头看', '统计分析']));

    await insp.getByRole('menuitem', { name: '上报问题' }).click();
    await insp.waitForURL('**/cases/new');
    const form = insp.getByTestId('new-case-form');
    await form.waitFor();
    await insp.getByTestId('map-canvas').waitFor();
    await shot(insp, 'cases-01-new-empty');

    // Wrong input first: a category and a description but no place.
    await form.locator('#new-case_categoryCode').click();
    await form.locator('#new-case_categoryCode').fill('病媒');
    const option = insp.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '病媒生物孳生地' }).first();
    await option.waitFor();
    await option.click();
    await form.locator('#new-case_description').fill('农贸市场后侧积水，蚊虫孳生');
    await insp.getByTestId('new-case-submit').click();
    const placeError = form.getByText('请在地图上点选问题位置，或使用当前位置');
    await placeError.waitFor();
    expect(insp.url()).toContain('/cases/new');
    await shot(insp, 'cases-02-new-no-place');

    // The place: a click inside 东关社区; the preview names the grid, the community and the unit.
    const at = await screenPoint(insp, view, point);
    await insp.mouse.click(at.x, at.y);
    await form.getByTestId('place-chosen').waitFor();
    await placeError.waitFor({ state: 'hidden' });
    const preview = insp.getByTestId('case-preview');
    await preview.getByTestId('preview-unit').waitFor();
    expect(await preview.getByTestId('preview-place').innerText()).toContain('东关社区');
    expect(await preview.getByTestId('preview-unit').innerText()).toContain('东关社区居委会');
    expect(await preview.getByTestId('preview-deadline').innerText()).toMatch(/3 个工作日，截止 .*\d{1,2}:\d{2}/);
    expect(await preview.getByTestId('preview-next').innerText()).toContain('直接交办');
    await form.locator('#new-case_address').fill('东关大街农贸市场后侧');
    await addPhoto(insp, 'new-case-photos', before);
    await shot(insp, 'cases-03-new-preview');

    await insp.getByTestId('new-case-submit').click();
    await insp.waitForURL(/\/cases\/\d+$/);
    await summary(insp).waitFor();
    const caseId = Number(new URL(insp.url()).pathname.split('/').pop());
    const number = (await insp.getByTestId('case-number').innerText()).trim();
    expect(number).toMatch(/^\d{12}$/);
    expect(await stateOf(insp)).toBe('已交办');
    expect(await insp.getByTestId('case-unit').innerText()).toContain('东关社区居委会');
    expect(await insp.getByTestId('case-place').innerText()).toContain('东关社区');
    await insp.getByTestId('case-photos-before').getByTestId('case-photo').first().waitFor();
    expect(await insp.getByTestId('case-timeline').innerText()).toContain('交办');
    await shot(insp, 'cases-04-detail-assigned');

    // The assignment slip (交办单) as Word: a .docx is a zip, it starts with PK.
    const slip = insp.getByTestId('case-document').filter({ hasText: '交办单' }).first();
    await slip.waitFor();
    const [docx] = await Promise.all([insp.waitForEvent('download'), slip.getByTestId('doc-docx').click()]);
    const bytes = await readFile((await docx.path())!);
    expect.soft(bytes.subarray(0, 2).toString('latin1'), 'GET /cases/:id/documents/:docId/docx should serve a .docx').toBe('PK');

    // ---- the community's staff, on a phone, finds it in the ledger and accepts it ----
    const comm = await signedIn('community', { viewport: PHONE });
    await comm.getByTestId('open-menu').click();
    await comm.getByRole('menuitem', { name: '问题台账' }).click();
    await comm.waitForURL('**/cases');
    const row = comm.getByTestId('cases-table').getByTestId('case-open').filter({ hasText: number });
    await row.waitFor();
    await shot(comm, 'cases-05-ledger-phone');
    await row.click();
    await comm.waitForURL(`**/cases/${caseId}`);
    await summary(comm).waitFor();
    await comm.getByTestId('action-accept').waitFor();
    await shot(comm, 'cases-06-detail-phone');

    // A colleague accepts it first on another device: this page is now stale; the server says so
    // (409) and the page shows the case as it is now. (Another browser context, not a second tab of
    // this one: a background tab's timers and animation frames are throttled, which made the
    // journey flaky on a busy machine.)
    const colleague = await signedIn('community', { viewport: PHONE });
    await colleague.goto(`/cases/${caseId}`);
    await summary(colleague).waitFor();
    await act(colleague, 'accept');
    await expect.poll(() => stateOf(colleague)).toBe('整改中');
    await colleague.context().close();
    await comm.bringToFront();
    await comm.getByTestId('action-accept').click();
    await comm.getByTestId('action-form').waitFor();
    await comm.getByTestId('action-ok').click();
    const conflict = comm.locator('.ant-message-notice').filter({ hasText: '已被他人处理' });
    await conflict.waitFor({ timeout: 60_000 });
    expect(await conflict.innerText()).toContain('整改中');
    await expect.poll(() => stateOf(comm)).toBe('整改中');
    await shot(comm, 'cases-06b-conflict', { fullPage: false });

    // 整改完成 without a photo is refused before anything is sent.
    await comm.getByTestId('action-submit').click();
    const dialog = comm.getByTestId('action-form');
    await dialog.waitFor();
    await dialog.getByTestId('action-note').fill('已清理积水并消杀');
    await comm.getByTestId('action-ok').click();
    await dialog.getByText('整改完成需要上传至少一张整改后的照片').waitFor();
    await shot(comm, 'cases-07-submit-needs-photo', { fullPage: false });
    await addPhoto(comm, 'action-photos', after);
    await comm.getByTestId('action-ok').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => stateOf(comm)).toBe('整改完成待核查');
    await comm.getByTestId('case-photos-after').getByTestId('case-photo').first().waitFor();

    // ---- the inspector checks on site: not done, back for rework ----
    await insp.reload();
    await summary(insp).waitFor();
    expect(await stateOf(insp)).toBe('整改完成待核查');
    await insp.getByTestId('action-verify_fail').click();
    const fail = insp.getByTestId('action-form');
    await fail.waitFor();
    await insp.getByTestId('action-ok').click();
    await fail.getByText('请填写返工原因').waitFor();
    await fail.getByTestId('action-note').fill('墙角仍有积水，未消杀');
    await insp.getByTestId('action-ok').click();
    await fail.waitFor({ state: 'hidden' });
    await expect.poll(() => stateOf(insp)).toBe('返工');
    expect(await summary(insp).getByTestId('case-returned').innerText()).toBe('返工 ×1');
    await shot(insp, 'cases-08-returned');

    // ---- the community rectifies again ----
    await comm.reload();
    await summary(comm).waitFor();
    await act(comm, 'submit', { photo: after, note: '积水已排干，已喷洒消杀药物' });
    await expect.poll(() => stateOf(comm)).toBe('整改完成待核查');

    // ---- the inspector verifies: struck off ----
    await insp.reload();
    await summary(insp).waitFor();
    await act(insp, 'verify_pass', { note: '现场核查已整改到位' });
    await expect.poll(() => stateOf(insp)).toBe('已销号');
    await shot(insp, 'cases-09-closed');

    // ---- a month later the water is back: a relapse, assigned to the community again ----
    await act(insp, 'relapse', { note: '回头看发现积水复现', photo: again });
    await expect.poll(() => stateOf(insp)).toBe('已交办');
    expect(await summary(insp).getByTestId('case-relapsed').innerText()).toBe('反弹 ×1');
    await insp.getByTestId('case-photos-recheck').getByTestId('case-photo').first().waitFor();
    const events = await insp.getByTestId('case-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-event')));
    expect(events).toEqual(['relapse', 'verify_pass', 'submit', 'verify_fail', 'submit', 'accept', 'assign', 'register', 'report']);
    expect(await insp.getByTestId('case-document').count()).toBe(2);
    await shot(insp, 'cases-10-relapsed');

    // The ledger, filtered to relapses by link.
    await insp.goto('/cases?state=assigned');
    const ledgerRow = insp.getByTestId('cases-table').locator('tr.ant-table-row').filter({ hasText: number });
    await ledgerRow.waitFor();
    expect(await ledgerRow.innerText()).toContain('反弹 ×1');
    expect(await ledgerRow.innerText()).toContain('东关社区居委会');
    await shot(insp, 'cases-11-ledger');

    // A link to a page past the end (an old link; the list shrank) lands on the last page.
    await insp.goto('/cases?state=assigned&page=999&pageSize=500');
    await insp.getByTestId('cases-table').locator('tr.ant-table-row').filter({ hasText: number }).waitFor();
    await expect.poll(() => new URL(insp.url()).searchParams.get('page')).toBe('1');

    // 导出 Excel of the filtered ledger: progress, then the file downloads by itself. Other journeys
    // may have left assigned cases in the shared demo city: the export holds what the ledger holds.
    const { total: assigned } = await apiGet<{ total: number }>(insp, '/cases?state=assigned&pageSize=1');
    expect(assigned).toBeGreaterThanOrEqual(1);
    const [xlsx] = await Promise.all([insp.waitForEvent('download', { timeout: 30_000 }), insp.getByTestId('cases-export').click()]);
    expect.soft(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    expect((await readFile((await xlsx.path())!)).subarray(0, 2).toString('latin1')).toBe('PK');
    await insp.getByTestId('cases-export-download').waitFor();
    expect(await insp.getByTestId('cases-export-progress').innerText()).toContain(`已导出 ${assigned} 条`);
    await shot(insp, 'cases-12-export', { fullPage: false });
    await insp.getByTestId('cases-export-close').click();

    // ---- the community reads it in English on the phone ----
    const en = await signedIn('community', { viewport: PHONE, lang: 'en' });
    await en.goto(`/cases/${caseId}`);
    await summary(en).waitFor();
    expect(await stateOf(en)).toBe('Assigned');
    expect(await summary(en).getByTestId('case-relapsed').innerText()).toBe('Relapsed ×1');
    await shot(en, 'cases-13-detail-phone-en');
    await en.evaluate(() => window.scrollTo(0, 0));
    await shot(en, 'cases-13-detail-phone-en-top', { fullPage: false });
  }, 300_000);

  it('shows the re-checks, the statistics and the notifications', async () => {
    const insp = await signedIn('inspector');
    await insp.getByTestId('main-menu').waitFor();
    await insp.getByRole('menuitem', { name: '回头看' }).click();
    await insp.waitForURL('**/rechecks');
    await insp.getByTestId('rechecks-table').waitFor();
    await shot(insp, 'cases-14-rechecks');

    await insp.getByRole('menuitem', { name: '统计分析' }).click();
    await insp.waitForURL('**/case-stats');
    await insp.getByTestId('stats-totals').or(insp.locator('.ant-result')).first().waitFor();
    await insp.getByTestId('stats-hotspots').waitFor();
    await shot(insp, 'cases-15-stats');
    // The relapse of the first journey is a hot spot; its popup names the category and links the case.
    const dot = insp.locator('[data-hotspot]').first();
    await dot.waitFor();
    await dot.click();
    const popup = insp.getByTestId('hotspot-popup');
    await popup.waitFor();
    expect(await popup.innerText()).toContain('病媒生物孳生地');
    await expect.poll(() => popup.locator('a').first().innerText()).toMatch(/^\d{12}$/);
    await shot(insp, 'cases-16-hotspot', { fullPage: false });

    // A grid worker opens the form on a phone: one source, theirs.
    const grid = await signedIn('grid', { viewport: PHONE });
    await grid.goto('/cases/new');
    await grid.getByTestId('map-canvas').waitFor();
    expect(await grid.getByTestId('new-case-source').innerText()).toContain('网格员上报');
    await shot(grid, 'cases-18-new-phone');

    const comm = await signedIn('community');
    await comm.getByTestId('notification-bell').click();
    const drawer = comm.getByTestId('notification-list').or(comm.locator('.ant-drawer .ant-result')).first();
    await drawer.waitFor();
    await shot(comm, 'cases-17-notifications', { fullPage: false });
  }, 120_000);
});
