import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeCity, TEST_PASSWORD, type Session, type TestApp } from '../../test/harness.js';
import { sealAuditChain, verifyAuditChain } from './audit.js';

let t: TestApp;
let city: Awaited<ReturnType<typeof makeCity>>;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp();
  city = await makeCity(t.db);
  admin = await login(t.app, city.users.admin.username, TEST_PASSWORD);
});
afterAll(() => t.close());

const auditCount = async () => Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('audit trail', () => {
  it('appends one row per write with who, what, before and after, and no secrets', async () => {
    const before = await auditCount();
    const created = await admin.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: 'AUD-1', name: '审计局' } });
    const id = created.json().id;
    await admin.request({ method: 'PATCH', url: `/api/v1/units/${id}`, payload: { name: '县审计局', version: 1 } });
    await admin.request({ method: 'DELETE', url: `/api/v1/units/${id}` });
    const u = await admin.request({ method: 'POST', url: '/api/v1/users', payload: { username: 'audited', displayName: '被审计', unitId: city.units.office.id, roles: ['leader'] } });
    expect(await auditCount()).toBe(before + 4);

    const page = await admin.request({ method: 'GET', url: `/api/v1/audit?entityType=unit&entityId=${id}` });
    expect(page.statusCode).toBe(200);
    const rows = page.json().items;
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['unit.deleted', 'unit.updated', 'unit.created']);
    expect(rows[1].before.name).toBe('审计局');
    expect(rows[1].after.name).toBe('县审计局');
    expect(rows[1].actorUserId).toBe(city.users.admin.id);
    expect(rows[1].ip).toBeTruthy();
    const userRow = await t.db.selectFrom('audit_log').select(['after']).where('entity_type', '=', 'user').where('entity_id', '=', String(u.json().user.id)).executeTakeFirstOrThrow();
    expect(JSON.stringify(userRow.after)).not.toMatch(/password_hash|argon2/);
  });

  it('writes nothing when the write is refused', async () => {
    const before = await auditCount();
    await admin.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: 424242, kind: 'department', code: 'AUD-2', name: 'x' } });
    await admin.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: 'AUD-3', name: 'x', color: 'red' } });
    expect(await auditCount()).toBe(before);
  });

  it('is only for those allowed to read it', async () => {
    const office = await login(t.app, city.users.office.username, TEST_PASSWORD);
    expect((await office.request({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(403);
  });

  it('seals rows into a hash chain that verifies, and finds a row changed by hand', async () => {
    await sealAuditChain(t.db);
    const ok = await admin.request({ method: 'GET', url: '/api/v1/audit/verify' });
    expect(ok.json()).toMatchObject({ ok: true, pending: 0, firstBroken: null });
    const checked = ok.json().checked;
    expect(checked).toBeGreaterThan(5);

    // Someone with database access edits history: the guard trigger must be switched off to do it.
    const victim = await t.db.selectFrom('audit_log').select(['id', 'chain_seq']).where('tenant_id', '=', city.tenantId).where('action', '=', 'unit.updated').executeTakeFirstOrThrow();
    await expect(sql`update audit_log set actor_label = 'someone else' where id = ${victim.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await sql`alter table audit_log disable trigger audit_log_guard_tg`.execute(t.db);
    await sql`update audit_log set after = jsonb_set(after, '{name}', '"篡改"') where id = ${victim.id}`.execute(t.db);
    await sql`alter table audit_log enable trigger audit_log_guard_tg`.execute(t.db);

    const bad = await verifyAuditChain(t.db, city.tenantId);
    expect(bad.ok).toBe(false);
    expect(bad.firstBroken).toEqual({ id: victim.id, chainSeq: victim.chain_seq, reason: 'row content does not match its hash' });
    expect(bad.checked).toBe(victim.chain_seq! - 1);
  });

  it('finds a deleted row as a gap in the chain', async () => {
    const t2 = await createTestApp();
    try {
      const c = await makeCity(t2.db);
      const s = await login(t2.app, c.users.admin.username, TEST_PASSWORD);
      for (let i = 0; i < 3; i++) await s.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: `GAP-${i}`, name: `局${i}` } });
      await sealAuditChain(t2.db);
      const mid = await t2.db.selectFrom('audit_log').select(['id', 'chain_seq']).where('action', '=', 'unit.created').orderBy('chain_seq').offset(1).limit(1).executeTakeFirstOrThrow();
      await sql`alter table audit_log disable trigger audit_log_guard_tg`.execute(t2.db);
      await sql`delete from audit_log where id = ${mid.id}`.execute(t2.db);
      await sql`alter table audit_log enable trigger audit_log_guard_tg`.execute(t2.db);
      const r = await verifyAuditChain(t2.db, c.tenantId);
      expect(r.ok).toBe(false);
      expect(r.firstBroken!.reason).toMatch(/missing row: expected sequence/);
    } finally {
      await t2.close();
    }
  });

  it('refuses TRUNCATE of the trail', async () => {
    await expect(sql`truncate audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('verifies a chain whose oldest rows were pruned after the 180-day retention', async () => {
    const t3 = await createTestApp();
    try {
      const c = await makeCity(t3.db);
      const s = await login(t3.app, c.users.admin.username, TEST_PASSWORD);
      for (let i = 0; i < 4; i++) await s.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: `OLD-${i}`, name: `旧局${i}` } });
      await sealAuditChain(t3.db);
      const rows = await t3.db.selectFrom('audit_log').select(['id', 'chain_seq']).orderBy('chain_seq').execute();
      // Age the first three rows past retention (hashes cover `at`, so re-seal them as they would have been).
      await sql`alter table audit_log disable trigger audit_log_guard_tg`.execute(t3.db);
      await sql`update audit_log set at = at - interval '200 days', chain_seq = null, prev_hash = null, hash = null`.execute(t3.db);
      await sql`alter table audit_log enable trigger audit_log_guard_tg`.execute(t3.db);
      await sealAuditChain(t3.db);
      expect((await verifyAuditChain(t3.db, c.tenantId)).ok).toBe(true);
      await t3.db.deleteFrom('audit_log').where('id', 'in', rows.slice(0, 2).map((r) => r.id)).execute(); // allowed: older than 180 days
      const r = await verifyAuditChain(t3.db, c.tenantId);
      expect(r).toMatchObject({ ok: true, firstBroken: null, checked: rows.length - 2 });
    } finally {
      await t3.close();
    }
  });

  it('seals concurrent writes exactly once, in one unbroken chain', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) =>
      admin.request({ method: 'POST', url: '/api/v1/units', payload: { parentId: null, kind: 'department', code: `CC-${i}`, name: `并发局${i}` } })));
    const [a, b] = await Promise.all([sealAuditChain(t.db, 7), sealAuditChain(t.db, 7)]);
    const pending = await t.db.selectFrom('audit_log').select('id').where('chain_seq', 'is', null).execute();
    expect(pending).toEqual([]);
    expect(a + b).toBeGreaterThanOrEqual(20);
    const seqs = await t.db.selectFrom('audit_log').select('chain_seq').where('tenant_id', '=', city.tenantId).orderBy('chain_seq').execute();
    expect(seqs.map((s) => s.chain_seq)).toEqual(seqs.map((_, i) => i + 1));
  });
});

describe('session purge', () => {
  it('deletes sessions ended more than a day ago and keeps live ones', async () => {
    const { purgeSessions } = await import('./jobs.js');
    const live = await login(t.app, city.users.leader.username, TEST_PASSWORD);
    const ended = await login(t.app, city.users.inspector.username, TEST_PASSWORD);
    await ended.request({ method: 'POST', url: '/api/v1/auth/logout' });
    const later = new Date(t.clock.now().getTime() + 2 * 86_400_000);
    await t.db.updateTable('user_session').set({ last_seen_at: later }).where('user_id', '=', city.users.leader.id).execute();
    expect(await purgeSessions(t.db, later, 30)).toBeGreaterThanOrEqual(1);
    const left = await t.db.selectFrom('user_session').select('user_id').execute();
    expect(left.map((r) => r.user_id)).toContain(city.users.leader.id);
    expect(left.map((r) => r.user_id)).not.toContain(city.users.inspector.id);
    expect((await live.request({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
  });
});
