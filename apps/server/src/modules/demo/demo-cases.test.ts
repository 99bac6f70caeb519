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

it('lets only a user whose unit holds the responsible unit act for it', async () => {
  const rows = await t.db.selectFrom('case_event as e')
    .innerJoin('case_record as c', (j) => j.onRef('c.tenant_id', '=', 'e.tenant_id').onRef('c.id', '=', 'e.case_id'))
    .innerJoin('unit as ru', (j) => j.onRef('ru.tenant_id', '=', 'c.tenant_id').onRef('ru.id', '=', 'c.responsible_unit_id'))
    .innerJoin('app_user as u', (j) => j.onRef('u.tenant_id', '=', 'e.tenant_id').onRef('u.id', '=', 'e.actor_user_id'))
    .innerJoin('unit as au', (j) => j.onRef('au.tenant_id', '=', 'u.tenant_id').onRef('au.id', '=', 'u.unit_id'))
    .select(['ru.path as unit_path', 'au.path as actor_path']).where('e.actor_role', '=', 'unit').execute();
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(r.unit_path.startsWith(r.actor_path)).toBe(true);
});
