import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, type AreaGeometry } from '@cc/domain';
import { buildApp } from '../app.js';
import { createTestDb, login, testConfig } from '../../test/harness.js';
import { loadDemoCity } from '../modules/demo/load-demo-city.js';
import { ManualClock } from './clock.js';
import { createDb, type DB } from './database.js';

// The app on ONE connection, so every statement it prepares is in this session's pg_prepared_statements.
let db: DB;
let drop: () => Promise<void>;
let close: () => Promise<void>;
let app: Awaited<ReturnType<typeof buildApp>>;
beforeAll(async () => {
  const t = await createTestDb();
  drop = t.drop;
  db = createDb(t.url, 1);
  await loadDemoCity(db);
  app = await buildApp({ db, config: testConfig(), clock: new ManualClock(new Date('2026-03-12T09:00:00+08:00')) });
  await app.ready();
  close = async () => { await app.close(); await db.destroy(); await drop(); };
});
afterAll(() => close());

describe('the hot statements keep one plan', () => {
  it('plans the session check, routing, case number, intake write, numbering and case view once and then runs a generic plan', async () => {
    // A custom plan on every call (an array parameter, a value-dependent predicate) would plan the
    // statement on each request again: the cost prepared statements are there to save (ADR 0007).
    const s = await login(app, 'inspector', 'Demo@2026');
    const office = await login(app, 'office', 'Demo@2026');
    const f = (await office.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features[0];
    const [lng, lat] = bboxCentre(f.geometry as AreaGeometry);
    for (let i = 0; i < 8; i++) {
      const res = await s.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode: '0107', description: `计划缓存检查 ${i}`, lat: lat + i * 1e-5, lng } });
      expect(res.statusCode, res.body).toBe(201);
      expect((await s.request({ method: 'GET', url: `/api/v1/cases/${res.json().id}` })).statusCode).toBe(200);
    }
    const rows = (await sql<{ name: string; generic_plans: number; custom_plans: number }>`
      select name, generic_plans, custom_plans from pg_prepared_statements order by name`.execute(db)).rows;
    const kinds = rows.map((r) => r.name.replace(/_[A-Za-z0-9_-]{16}$/, ''));
    expect(kinds).toEqual(expect.arrayContaining(['session', 'routing', 'next_seqs', 'case_intake', 'number_documents_list', 'case_view']));
    for (const r of rows) {
      if (Number(r.generic_plans) + Number(r.custom_plans) < 6) continue; // ran too few times to choose
      expect({ name: r.name, generic: Number(r.generic_plans) > 0 }).toEqual({ name: r.name, generic: true });
    }
  });
});
