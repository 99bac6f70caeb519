import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { createTestApp, login, makeCity, makeRegion, makeUser, TEST_PASSWORD, testConfig, type Session, type TestApp } from '../../../test/harness.js';
import { CITY_IMPORT_LOCK, JOB_LOCK } from './import-jobs.repository.js';
import { SHOP_HEADER, shopRow, upload, workbook } from './test-support.js';

/** Files of more than 2,000 rows run as jobs whose state lives in import_job. */
let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
const as: Record<string, Session> = {};
let unitA = '';

beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  await makeRegion(t.db, city.tenantId, { parent: city.regions.commA, level: 'grid', code: 'GA-01' });
  unitA = (await t.db.selectFrom('unit').select('code').where('id', '=', city.units.unitA.id).executeTakeFirstOrThrow()).code;
  for (const [k, u] of Object.entries(city.users)) as[k] = await login(t.app, u.username, TEST_PASSWORD);
});
afterAll(() => t.close());

const shops = (n: number, prefix: string) => workbook(SHOP_HEADER, Array.from({ length: n }, (_, i) =>
  shopRow({ code: `${prefix}-${i}`, name: `批量商户${i}`, parent: unitA, region: 'GA-01', lng: 113.6 + (i % 100) * 0.0001, lat: 34.7 + Math.floor(i / 100) * 0.0001 })));
const poll = (s: Session, id: number, lang = 'zh-CN') => s.request({ method: 'GET', url: `/api/v1/imports/jobs/${id}`, headers: { 'accept-language': lang } });

async function until(s: Session, id: number, done: (j: { state: string }) => boolean) {
  for (let i = 0; i < 600; i++) {
    const j = (await poll(s, id)).json();
    if (done(j)) return j;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

describe('import jobs', () => {
  it('answers 202 for a large file, reports progress, and finishes with the counts', async () => {
    const file = await shops(3000, 'J');
    // Hold the city's import lock, as another import would: the job waits, queued, with its rows counted.
    const res = await t.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${CITY_IMPORT_LOCK}, ${city.tenantId}::int)`.execute(conn);
      try {
        const accepted = await upload(as.office!, 'shops', file, '三千商户.xlsx');
        expect(accepted.statusCode, accepted.body).toBe(202);
        expect(accepted.json()).toMatchObject({ jobId: expect.any(Number), state: 'queued' });
        const queued = await until(as.office!, accepted.json().jobId, (j) => j.state === 'queued' && (j as unknown as { total: number }).total === 3000);
        expect(queued).toMatchObject({ kind: 'shops', fileName: '三千商户.xlsx', processed: 0, total: 3000, imported: null, error: null });
        return accepted;
      } finally {
        await sql`select pg_advisory_unlock(${CITY_IMPORT_LOCK}, ${city.tenantId}::int)`.execute(conn);
      }
    });
    const seen = new Set<string>();
    const done = await until(as.office!, res.json().jobId, (j) => {
      seen.add(j.state);
      return j.state === 'done' || j.state === 'failed';
    });
    expect(done).toMatchObject({ state: 'done', processed: 3000, total: 3000, imported: 3000, created: 3000, updated: 0, problemCount: 0, error: null });
    expect(done.finishedAt).toEqual(expect.any(String));
    const count = await t.db.selectFrom('frontage_contract').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', city.tenantId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(3000);
    const audit = await t.db.selectFrom('audit_log').select(['entity_id', 'after']).where('tenant_id', '=', city.tenantId).where('action', '=', 'import.completed').execute();
    expect(audit).toEqual([{ entity_id: String(res.json().jobId), after: expect.objectContaining({ rows: 3000, created: 3000 }) }]);

    // Only its owner and the city's administrators may look.
    expect((await poll(as.admin!, res.json().jobId)).statusCode).toBe(200);
    expect((await poll(as.communityA!, res.json().jobId)).json().error.code).toBe('FORBIDDEN');
    const stranger = await makeCity(t.db);
    const other = await login(t.app, stranger.users.admin.username, TEST_PASSWORD);
    expect((await poll(other, res.json().jobId)).json().error.code).toBe('IMPORT_JOB_NOT_FOUND');
  });

  it('ends a large file with a bad row as failed, listing the row, and writes nothing', async () => {
    const file = await shops(2100, 'K');
    const ws = (await import('exceljs')).default;
    const wb = new ws.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    wb.worksheets[0]!.getRow(2050).getCell(7).value = '经度未知';
    const res = await upload(as.office!, 'shops', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.statusCode).toBe(202);
    const done = await until(as.office!, res.json().jobId, (j) => j.state === 'failed' || j.state === 'done');
    expect(done).toMatchObject({ state: 'failed', total: 2100, problemCount: 1, imported: null });
    expect(done.problems).toEqual([{ row: 2050, column: '经度', value: '经度未知', code: 'IMPORT_NOT_NUMBER', message: '“经度”须为数字，不能是文字“经度未知”' }]);
    const en = (await poll(as.office!, res.json().jobId, 'en')).json();
    expect(en.problems[0].message).toBe('"经度" must be a number, not the text "经度未知"');
    const written = await t.db.selectFrom('unit').select('id').where('tenant_id', '=', city.tenantId).where('code', 'like', 'K-%').execute();
    expect(written).toEqual([]);
  });

  it('fails jobs a dead process left running, at start-up and when asked, but not one still running', async () => {
    const owner = await makeUser(t.db, city.tenantId, { unitId: city.units.office.id, roles: ['campaign_office'] });
    const orphan = async (state: string) => (await t.db.insertInto('import_job').values({
      tenant_id: city.tenantId, kind: 'shops', file_name: 'x.xlsx', state, created_by: owner.id, total: 10, problems: null, error_params: null,
    }).returning('id').executeTakeFirstOrThrow()).id;
    const atStart = await orphan('importing');
    const asked = await orphan('validating');
    const alive = await orphan('importing');

    await t.db.connection().execute(async (conn) => {
      // The live job's runner holds its lock.
      await sql`select pg_advisory_lock(${JOB_LOCK}, ${alive}::int)`.execute(conn);
      try {
        const restarted = await buildApp({ db: t.db, config: testConfig(), clock: t.clock });
        await restarted.ready();
        await restarted.close();
        const states = await t.db.selectFrom('import_job').select(['id', 'state', 'error_code']).where('id', 'in', [atStart, asked, alive]).orderBy('id').execute();
        expect(states).toEqual([
          { id: atStart, state: 'failed', error_code: 'IMPORT_JOB_LOST' },
          { id: asked, state: 'failed', error_code: 'IMPORT_JOB_LOST' },
          { id: alive, state: 'importing', error_code: null },
        ]);
      } finally {
        await sql`select pg_advisory_unlock(${JOB_LOCK}, ${alive}::int)`.execute(conn);
      }
    });
    // Asked after its runner is gone, the job is failed on the spot.
    const s = await login(t.app, owner.username, TEST_PASSWORD);
    const j = (await poll(s, alive)).json();
    expect(j).toMatchObject({ state: 'failed', error: { code: 'IMPORT_JOB_LOST' } });
    expect(j.error.message).toContain('服务重启');
  });
});
