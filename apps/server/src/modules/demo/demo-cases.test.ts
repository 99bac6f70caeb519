import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, login, type TestApp } from '../../../test/harness.js';
import { loadDemoCases } from './demo-cases.js';
import { loadDemoCity } from './load-demo-city.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const tenantId = await loadDemoCity(t.db);
  await loadDemoCases(t.db, tenantId, t.clock.now());
});
afterAll(() => t.close());

it('gives the demo county cases in several states, routed to the communities', async () => {
  const office = await login(t.app, 'office', 'Demo@2026');
  const page = (await office.request({ method: 'GET', url: '/api/v1/cases?pageSize=50&sort=created_asc' })).json();
  expect(page.total).toBe(6);
  expect(page.items.map((c: { state: string }) => c.state).sort()).toEqual(['assigned', 'assigned', 'closed', 'rectifying', 'returned', 'submitted']);
  expect(page.items.every((c: { unit: { name: string } | null }) => c.unit !== null)).toBe(true);
  expect(page.items.filter((c: { overdue: boolean }) => c.overdue).length).toBeGreaterThanOrEqual(1);
  const community2 = await login(t.app, 'community2', 'Demo@2026');
  const theirs = (await community2.request({ method: 'GET', url: '/api/v1/cases?pageSize=50' })).json();
  expect(theirs.items.every((c: { community: { name: string } }) => c.community.name === '西关社区')).toBe(true);
  expect(theirs.total).toBe(2);
});
