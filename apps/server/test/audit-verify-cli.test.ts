import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/platform/config.js';
import { createTestApp, login, makeCity, TEST_PASSWORD, type TestApp } from './harness.js';

/** `npm run audit:verify` as an operator runs it, against a database with a hand-edited row. */
let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await createTestApp();
  url = t.url;
  const city = await makeCity(t.db);
  const s = await login(t.app, city.users.admin.username, TEST_PASSWORD);
  for (let i = 0; i < 3; i++) await s.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: `CLI-${i}`, name: `命令行局${i}` } });
});
afterAll(() => t.close());

const run = () => spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'apps/server/src/cli/audit-verify.ts')], {
  cwd: repoRoot, env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 60_000,
});

describe('npm run audit:verify', () => {
  it('reports an intact chain with exit code 0', () => {
    const r = run();
    expect(r.stdout).toMatch(/✔ 测试市 \(city \d+\): \d+ audit rows verified, 0 pending/);
    expect(r.status).toBe(0);
  });

  it('names the first row changed by hand and exits 1', async () => {
    const row = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'unit.created').orderBy('id').offset(1).limit(1).executeTakeFirstOrThrow();
    await sql`alter table audit_log disable trigger audit_log_guard_tg`.execute(t.db);
    await sql`update audit_log set ip = '10.9.9.9' where id = ${row.id}`.execute(t.db);
    await sql`alter table audit_log enable trigger audit_log_guard_tg`.execute(t.db);
    const r = run();
    expect(r.stdout).toContain(`chain broken at audit row ${row.id}`);
    expect(r.stdout).toContain('row content does not match its hash');
    expect(r.status).toBe(1);
  });
});
