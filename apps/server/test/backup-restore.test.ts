import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { bboxCentre } from '@cc/domain';
import { buildApp } from '../src/app.js';
import { recordAudit, sealAuditChain, systemAuditContext, verifyAuditChain } from '../src/platform/audit.js';
import { createBackup, listTables, restoreBackup, RestoreRefused, type BackupResult } from '../src/platform/backup.js';
import { repoRoot } from '../src/platform/config.js';
import { createDb } from '../src/platform/database.js';
import { createLocalFileStore } from '../src/platform/files.js';
import { loadDemoCity } from '../src/modules/demo/load-demo-city.js';
import { loadDemoCases } from '../src/modules/demo/demo-cases.js';
import { adminQuery, withDatabase } from './global-setup.js';
import { createTestApp, createTestDb, login, makeCity, makeTenant, multipartFile, PNG_1x1, testConfig, TEST_PASSWORD, type TestApp } from './harness.js';

/**
 * Backup and restore (issue 6): a city built by the factories, the demo county with its cases,
 * and a case with a photo and an audit trail made through the API; backed up, restored into an
 * empty database (which is not migrated: restore does that), and compared table by table, row by
 * row, file by file; the audit chains verify. Runs on whichever engine the suite runs on.
 */
let t: TestApp;
let work: string;
const srcData = () => path.join(work, 'src');
const dbs: string[] = [];
let backup: BackupResult;
let caseId: number;
let photoSha: string;

async function emptyDatabase(): Promise<string> {
  const name = `cc_t_${inject('dbRunId')}_rst_${randomBytes(3).toString('hex')}`;
  await adminQuery(inject('dbAdminUrl'), `create database ${name}`);
  dbs.push(name);
  return withDatabase(inject('dbAdminUrl'), name);
}

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`set timezone to 'UTC'; set extra_float_digits to 1`);
  return c;
}

/** Every table's rows (as text, in key order) and every sequence of a database. */
async function snapshot(url: string): Promise<Map<string, string[]>> {
  const c = await client(url);
  try {
    const out = new Map<string, string[]>();
    for (const tbl of await listTables(c)) {
      const order = tbl.key.length ? tbl.key.map((k) => `"${k}"`).join(', ') : '1';
      out.set(tbl.name, (await c.query<{ r: string }>(`select t::text as r from "${tbl.name}" t order by ${order}`)).rows.map((x) => x.r));
    }
    const seqs = await c.query<{ relname: string }>(`select relname from pg_class where relkind = 'S' and relnamespace = current_schema()::regnamespace order by 1`);
    for (const s of seqs.rows) {
      out.set(`sequence ${s.relname}`, (await c.query<{ r: string }>(`select last_value || '/' || is_called as r from "${s.relname}"`)).rows.map((x) => x.r));
    }
    return out;
  } finally {
    await c.end();
  }
}

/** Every file under a folder: relative path → sha of its bytes (well, the bytes themselves). */
async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(path.relative(dir, p), await fs.readFile(p));
    }
  };
  await walk(dir);
  return out;
}

function cli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, `apps/server/src/cli/${script}.ts`), ...args], {
      cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-backup-'));
  t = await createTestApp({ dataDir: srcData() });
  // A city from the factories, with a few writes through the API for its audit trail.
  const city = await makeCity(t.db);
  const admin = await login(t.app, city.users.admin.username, TEST_PASSWORD);
  for (let i = 0; i < 3; i++) {
    const r = await admin.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: `BK-${i}`, name: `备份局${i}` } });
    expect(r.statusCode, r.body).toBe(201);
  }
  const own = await admin.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('a.png', 'image/png', Buffer.concat([PNG_1x1, Buffer.from('factory-city')])) });
  expect(own.statusCode, own.body).toBe(201);
  // The demo county with its cases, and one more case with a photo reported and accepted through the API.
  const demo = await loadDemoCity(t.db);
  await loadDemoCases(t.db, demo, t.clock.now());
  const inspector = await login(t.app, 'inspector', 'Demo@2026');
  const community = await login(t.app, 'community', 'Demo@2026');
  const communities = (await inspector.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features;
  const [lng, lat] = bboxCentre(communities.find((f: { properties: { name: string } }) => f.properties.name === '东关社区').geometry);
  const photo = Buffer.concat([PNG_1x1, Buffer.from(`backup-${randomBytes(4).toString('hex')}`)]);
  const up = await inspector.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('现场.png', 'image/png', photo) });
  expect(up.statusCode, up.body).toBe(201);
  const rep = await inspector.request({ method: 'POST', url: '/api/v1/cases', payload: { source: 'inspector', categoryCode: '0107', description: '备份测试：积水', lat, lng, photos: [{ fileId: up.json().id }] } });
  expect(rep.statusCode, rep.body).toBe(201);
  caseId = rep.json().id;
  const acc = await community.request({ method: 'POST', url: `/api/v1/cases/${caseId}/transitions`, payload: { event: 'accept', version: rep.json().version } });
  expect(acc.statusCode, acc.body).toBe(200);
  photoSha = (await t.db.selectFrom('stored_file').select('sha256').where('id', '=', up.json().id).executeTakeFirstOrThrow()).sha256;
  // Some rows sealed, the newest ones not yet: the backup seals them first.
  await sealAuditChain(t.db);
  await admin.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: 'BK-late', name: '备份后局' } });
}, 60_000);

afterAll(async () => {
  await t?.close();
  for (const name of dbs) await adminQuery(inject('dbAdminUrl'), `drop database if exists ${name} with (force)`);
  await fs.rm(work, { recursive: true, force: true });
});

describe('backup and restore', () => {
  let target: string;

  it('writes one archive with every table and every stored file', async () => {
    backup = await createBackup({ url: t.url, files: createLocalFileStore(path.join(srcData(), 'files')), outFile: path.join(work, 'a.tar.gz') });
    const distinctFiles = await t.db.selectFrom('stored_file').select(['tenant_id', 'sha256']).distinct().execute();
    expect(backup.files).toBe(distinctFiles.length);
    expect(backup.files).toBeGreaterThan(1);
    expect(backup.missingFiles).toEqual([]);
    expect(backup.rows).toBeGreaterThan(100);
    console.log(`backup: ${backup.tables} tables, ${backup.rows} rows, ${backup.files} files, ${backup.bytes} bytes, ${backup.ms} ms`);
  });

  it('restores into an empty database: every table, sequence and file equal, audit chains intact', async () => {
    target = await emptyDatabase();
    const dst = path.join(work, 'dst');
    const r = await restoreBackup({ url: target, files: createLocalFileStore(path.join(dst, 'files')), inFile: backup.file });
    console.log(`restore: ${r.tables} tables, ${r.rows} rows, ${r.files} files, mode ${r.mode}, ${r.ms} ms`);
    expect(r.rows).toBe(backup.rows);

    const [a, b] = await Promise.all([snapshot(t.url), snapshot(target)]);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, rows] of a) expect(b.get(name), name).toEqual(rows);
    expect(a.get('stored_file')!.length).toBeGreaterThan(0);
    expect(a.get('audit_log')!.length).toBeGreaterThan(10);

    const [fa, fb] = await Promise.all([filesUnder(path.join(srcData(), 'files')), filesUnder(path.join(dst, 'files'))]);
    expect([...fb.keys()].sort()).toEqual([...fa.keys()].sort());
    for (const [p, data] of fa) expect(fb.get(p)!.equals(data), p).toBe(true);

    const restored = createDb(target, 2);
    try {
      for (const { id } of await restored.selectFrom('tenant').select('id').execute()) {
        const [va, vb] = await Promise.all([verifyAuditChain(t.db, id), verifyAuditChain(restored, id)]);
        expect(vb).toMatchObject({ ok: true, pending: 0 });
        expect(vb.checked).toBe(va.checked);
        expect(vb.checked).toBeGreaterThan(0);
      }
      // The restored city works: the app on it shows the case and serves its photo; new rows get fresh ids.
      const app = await buildApp({ db: restored, config: testConfig({ dataDir: dst }), clock: t.clock });
      try {
        const s = await login(app, 'inspector', 'Demo@2026');
        const c = await s.request({ method: 'GET', url: `/api/v1/cases/${caseId}` });
        expect(c.statusCode, c.body).toBe(200);
        expect(c.json().state).toBe('rectifying');
        const img = await s.request({ method: 'GET', url: c.json().photos[0].url });
        expect(img.statusCode).toBe(200);
        expect(img.rawPayload.equals(fa.get([...fa.keys()].find((k) => k.endsWith(photoSha))!)!)).toBe(true);
      } finally {
        await app.close();
      }
    } finally {
      await restored.destroy();
    }
  });

  it('refuses a database that is not empty, unless forced', async () => {
    const files = createLocalFileStore(path.join(work, 'dst2', 'files'));
    const refused = await restoreBackup({ url: target, files, inFile: backup.file }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RestoreRefused);
    expect((refused as Error).message).toMatch(/not empty: table \w+ has rows.*--force/);
    const forced = await restoreBackup({ url: target, files, inFile: backup.file, force: true });
    expect(forced.rows).toBe(backup.rows);
  });

  it('refuses a damaged archive and leaves the database empty', async () => {
    const bytes = await fs.readFile(backup.file);
    const cut = path.join(work, 'cut.tar.gz');
    await fs.writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const db = await emptyDatabase();
    await expect(restoreBackup({ url: db, files: createLocalFileStore(path.join(work, 'dst3', 'files')), inFile: cut })).rejects.toThrow();
    const c = await client(db);
    try {
      const tables = await listTables(c);
      for (const tbl of tables) expect((await c.query(`select 1 from "${tbl.name}" limit 1`)).rowCount, tbl.name).toBe(0);
    } finally {
      await c.end();
    }
  });

  it('restores a tampered audit trail as it was, and says its chain is broken', async () => {
    const src = await createTestDb();
    try {
      const tenantId = await makeTenant(src.db);
      for (let i = 0; i < 3; i++) await recordAudit(src.db, systemAuditContext(tenantId), { action: 'unit.updated', entityType: 'unit', entityId: i, after: { i } });
      await sealAuditChain(src.db);
      const row = await src.db.selectFrom('audit_log').select('id').orderBy('id').offset(1).limit(1).executeTakeFirstOrThrow();
      await sql`alter table audit_log disable trigger audit_log_guard_tg`.execute(src.db);
      await sql`update audit_log set actor_label = 'someone else' where id = ${row.id}`.execute(src.db);
      await sql`alter table audit_log enable trigger audit_log_guard_tg`.execute(src.db);
      const store = createLocalFileStore(path.join(work, 'tampered', 'files'));
      const b = await createBackup({ url: src.url, files: store, outFile: path.join(work, 'tampered.tar.gz') });
      await expect(restoreBackup({ url: await emptyDatabase(), files: store, inFile: b.file }))
        .rejects.toThrow(new RegExp(`match the backup, but the audit chain of city \\d+ does not verify: row ${row.id} .*content does not match its hash`));
    } finally {
      await src.drop();
    }
  });

  it('works as `npm run backup` and `npm run restore` (DATABASE_URL, DATA_DIR)', async () => {
    // Both at once (each CLI is a process of its own): restore the library's archive, back up again.
    const out = path.join(work, 'cli.tar.gz');
    const db = await emptyDatabase();
    const [b, r] = await Promise.all([
      cli('backup', ['--out', out], { DATABASE_URL: t.url, DATA_DIR: srcData() }),
      cli('restore', [backup.file], { DATABASE_URL: db, DATA_DIR: path.join(work, 'dst4') }),
    ]);
    expect(b.out).toMatch(new RegExp(`✔ Backup written: .*cli.tar.gz\\n  ${backup.tables} tables, \\d+ rows, ${backup.files} files`));
    expect(b.code, b.out).toBe(0);
    expect(r.out).toMatch(/audit chain of city \d+: \d+ rows verified, 0 pending/);
    expect(r.out).toMatch(new RegExp(`✔ Restored ${backup.tables} tables, ${backup.rows} rows and ${backup.files} files`));
    expect(r.code, r.out).toBe(0);
  }, 60_000);
});
