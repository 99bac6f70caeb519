import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { CASE_TIMED_STATES } from '@cc/domain';
import type { JournalEntry } from './journal.js';

/**
 * What must hold after a load run, with or without crashes, checked against the database (and
 * the file store and the webhook receiver). One module for the soak and crash runners and the
 * CI test (apps/server/test/crash-soak.test.ts).
 */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Verification {
  ok: boolean;
  checks: Check[];
  counts: Record<string, number>;
}

export interface VerifyInput {
  dbUrl: string;
  journal: JournalEntry[];
  /** When the load began: cases created since are the run's. */
  runStartedAt: Date;
  /** The app's DATA_DIR (stored files live in DATA_DIR/files/<tenant>/<aa>/<sha256>). */
  dataDir: string;
  /** Webhook deliveries the receiver got, by X-CC-Delivery-Id. */
  received: Map<string, number>;
  webhookEndpointId: number;
  /** kill -9s of the app and of the database: each can leave at most one delivery sent but not marked sent. */
  kills: number;
  /** The case made overdue after the last restart (see plantSchedulerCanary), and that restart's time. */
  canary: { caseId: number; after: Date } | null;
}

const q = async <T extends pg.QueryResultRow>(c: pg.Client, text: string, values: unknown[] = []) => (await c.query<T>(text, values)).rows;
const n = async (c: pg.Client, text: string, values: unknown[] = []) => Number((await q<{ n: string }>(c, text, values))[0]!.n);

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/**
 * Makes one open, timed case of the run overdue (deadline a minute ago), so that the case
 * scheduler has work that only a pass after this moment can do: the `overdue` event it writes
 * proves that the scheduler runs in the restarted app.
 */
export async function plantSchedulerCanary(dbUrl: string, since: Date): Promise<number | null> {
  return withClient(dbUrl, async (c) => {
    const r = await q<{ id: string }>(c, `update case_record set deadline_at = now() - interval '1 minute'
      where (tenant_id, id) = (select tenant_id, id from case_record where state = any($1) and overdue_at is null and deadline_at is not null and created_at >= $2
                                order by id desc limit 1) returning id`, [[...CASE_TIMED_STATES], since]);
    return r[0] ? Number(r[0].id) : null;
  });
}

/** What background work is still to do: outbox rows, due deliveries, unsealed audit rows, the canary. */
export async function backlog(dbUrl: string, canary: VerifyInput['canary']) {
  return withClient(dbUrl, async (c) => ({
    outbox: await n(c, 'select count(*) as n from outbox where dispatched_at is null'),
    deliveriesDue: await n(c, `select count(*) as n from notification_delivery where state = 'pending' and next_attempt_at <= now()`),
    unsealed: await n(c, 'select count(*) as n from audit_log where hash is null'),
    canaryPending: canary ? (await n(c, `select count(*) as n from case_event where case_id = $1 and event = 'overdue' and at > $2`, [canary.caseId, canary.after])) === 0 : false,
  }));
}

/** Polls until the background jobs caught up (or `ms` passed); returns the last backlog seen and how long it took. */
export async function waitForQuiet(dbUrl: string, canary: VerifyInput['canary'], ms: number, log?: (m: string) => void) {
  const t0 = Date.now();
  let b = await backlog(dbUrl, canary);
  let said = 0;
  while (Date.now() - t0 < ms && (b.outbox || b.deliveriesDue || b.unsealed || b.canaryPending)) {
    if (Date.now() - said > 10_000) {
      log?.(`waiting for the background jobs: ${JSON.stringify(b)}`);
      said = Date.now();
    }
    await new Promise((r) => setTimeout(r, 1000));
    b = await backlog(dbUrl, canary);
  }
  return { ...b, seconds: (Date.now() - t0) / 1000 };
}

export async function verifyRun(v: VerifyInput): Promise<Verification> {
  const checks: Check[] = [];
  const counts: Record<string, number> = {};
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const few = (xs: unknown[]) => JSON.stringify(xs.slice(0, 5));

  // The journal: the last acknowledgement of each key is what the client believes.
  const sheets = new Map<string, Extract<JournalEntry, { kind: 'sheet' }>>();
  const photos = new Map<string, number>();
  const reports = new Set<string>();
  for (const e of v.journal) {
    if (e.kind === 'sheet') {
      const prev = sheets.get(e.clientKey);
      if (!prev || e.state === 'submitted') sheets.set(e.clientKey, e);
    } else if (e.kind === 'photo') photos.set(e.clientKey, e.fileId);
    else reports.add(e.number);
  }
  counts.acknowledgedSheets = sheets.size;
  counts.acknowledgedSubmitted = [...sheets.values()].filter((s) => s.state === 'submitted').length;
  counts.acknowledgedPhotos = photos.size;
  counts.acknowledgedReports = reports.size;

  await withClient(v.dbUrl, async (c) => {
    // ---- acknowledged sheets: present once, with the id the client got, at least as far as it saw ----
    const rows = await q<{ client_key: string; id: string; state: string; k: string }>(c,
      `select client_key, min(id) as id, min(state) as state, count(*) as k from inspection where client_key = any($1) group by client_key`, [[...sheets.keys()]]);
    const byKey = new Map(rows.map((r) => [r.client_key, r]));
    const bad: string[] = [];
    for (const [key, s] of sheets) {
      const r = byKey.get(key);
      if (!r) bad.push(`${key}: missing`);
      else if (Number(r.k) !== 1) bad.push(`${key}: ${r.k} rows`);
      else if (Number(r.id) !== s.id) bad.push(`${key}: id ${r.id}, acknowledged ${s.id}`);
      else if (s.state === 'submitted' && r.state !== 'submitted') bad.push(`${key}: ${r.state}, acknowledged submitted`);
    }
    check('every acknowledged sheet is present once, as acknowledged', bad.length === 0, bad.length ? `${bad.length} wrong: ${few(bad)}` : `${sheets.size} sheets`);

    // ---- their findings: each acknowledged finding has the case the client was told ----
    const acked = [...sheets.values()].flatMap((s) => (s.findings ?? []).map((f) => ({ ...f, sheet: s.clientKey })));
    const frows = await q<{ client_key: string; case_id: string | null }>(c,
      `select f.client_key, f.case_id from inspection_finding f join inspection i on i.tenant_id = f.tenant_id and i.id = f.inspection_id where i.client_key = any($1)`,
      [[...new Set(acked.map((f) => f.sheet))]]);
    const fmap = new Map(frows.map((r) => [r.client_key, r.case_id === null ? null : Number(r.case_id)]));
    const badF = acked.filter((f) => !f.caseId || fmap.get(f.clientKey) !== f.caseId).map((f) => `${f.clientKey}: case ${fmap.get(f.clientKey)} vs acknowledged ${f.caseId}`);
    check('every acknowledged finding opened the case the client was told', badF.length === 0, badF.length ? few(badF) : `${acked.length} findings`);
    counts.acknowledgedFindings = acked.length;

    // ---- photos: the key maps to the file id the client got, once; the file row and the file exist ----
    const prow = await q<{ client_key: string; file_id: string; k: string; sha256: string | null; tenant_id: string }>(c,
      `select u.client_key, min(u.file_id) as file_id, count(*) as k, min(s.sha256) as sha256, min(u.tenant_id) as tenant_id
         from upload_key u left join stored_file s on s.tenant_id = u.tenant_id and s.id = u.file_id
        where u.client_key = any($1) group by u.client_key`, [[...photos.keys()]]);
    const pmap = new Map(prow.map((r) => [r.client_key, r]));
    const badP: string[] = [];
    for (const [key, fileId] of photos) {
      const r = pmap.get(key);
      if (!r) badP.push(`${key}: missing`);
      else if (Number(r.k) !== 1 || Number(r.file_id) !== fileId) badP.push(`${key}: file ${r.file_id} ×${r.k}, acknowledged ${fileId}`);
      else if (!r.sha256) badP.push(`${key}: no stored_file row`);
      else if (!existsSync(path.join(v.dataDir, 'files', String(r.tenant_id), r.sha256.slice(0, 2), r.sha256))) badP.push(`${key}: file missing on disk`);
    }
    check('every acknowledged photo is stored once under its key (row and file)', badP.length === 0, badP.length ? `${badP.length} wrong: ${few(badP)}` : `${photos.size} photos`);

    // ---- citizen reports: the number exists once, as a citizen case with its photos ----
    const rrows = await q<{ number: string; k: string; source: string; photos: string }>(c,
      `select c.number, count(*) as k, min(c.source) as source,
              (select count(*) from case_photo p where p.tenant_id = min(c.tenant_id) and p.case_id = min(c.id)) as photos
         from case_record c where c.number = any($1) group by c.number`, [[...reports]]);
    const rmap = new Map(rrows.map((r) => [r.number, r]));
    const badR = [...reports].filter((num) => {
      const r = rmap.get(num);
      return !r || Number(r.k) !== 1 || r.source !== 'citizen' || Number(r.photos) < 1;
    });
    check('every acknowledged citizen report is one citizen case with its photos', badR.length === 0, badR.length ? `${badR.length} wrong: ${few(badR)}` : `${reports.size} reports`);

    // ---- no half-written case ----
    const noReport = await q<{ id: string }>(c, `select c.id from case_record c
      where (select count(*) from case_event e where e.tenant_id = c.tenant_id and e.case_id = c.id and e.event = 'report') <> 1 limit 5`);
    check(`every case has exactly one 'report' event`, noReport.length === 0, noReport.length ? `cases ${few(noReport.map((r) => r.id))}` : 'ok');
    const drift = await q<{ id: string; state: string; to_state: string }>(c, `select c.id, c.state, l.to_state from case_record c
      join lateral (select to_state from case_event e where e.tenant_id = c.tenant_id and e.case_id = c.id order by e.id desc limit 1) l on true
      where l.to_state <> c.state limit 5`);
    check('every case is in the state its last event left it in', drift.length === 0, drift.length ? few(drift) : 'ok');
    const noOutbox = await n(c, `select count(*) as n from case_record c where c.created_at >= $1
      and not exists (select 1 from outbox o where o.tenant_id = c.tenant_id and o.case_id = c.id)`, [v.runStartedAt]);
    check('every case of the run wrote its outbox message', noOutbox === 0, `${noOutbox} without`);
    const orphanInsp = await n(c, `select count(*) as n from case_record c where c.source = 'inspection' and c.created_at >= $1
      and not exists (select 1 from inspection_finding f where f.tenant_id = c.tenant_id and f.case_id = c.id)`, [v.runStartedAt]);
    check('every inspection case of the run belongs to a finding', orphanInsp === 0, `${orphanInsp} without`);
    const noCase = await n(c, `select count(*) as n from inspection_finding f
      join inspection i on i.tenant_id = f.tenant_id and i.id = f.inspection_id
      join inspection_plan p on p.tenant_id = i.tenant_id and p.id = i.plan_id
      where i.state = 'submitted' and p.mode = 'announced' and f.case_id is null`);
    check('every finding of a submitted announced sheet has its case', noCase === 0, `${noCase} without`);
    const twice = await n(c, `select count(*) as n from (select 1 from inspection_finding where case_id is not null group by tenant_id, case_id having count(*) > 1) x`);
    check('no case was opened for two findings', twice === 0, `${twice} shared`);
    const dupNumbers = await n(c, `select count(*) as n from (select 1 from case_record group by tenant_id, number having count(*) > 1) x`);
    const dupSheets = await n(c, `select count(*) as n from (select 1 from inspection group by tenant_id, number having count(*) > 1) x`);
    check('case and sheet numbers are unique', dupNumbers + dupSheets === 0, `${dupNumbers} case, ${dupSheets} sheet duplicates`);

    // ---- background work caught up ----
    const undispatched = await n(c, 'select count(*) as n from outbox where dispatched_at is null');
    counts.outbox = await n(c, 'select count(*) as n from outbox where created_at >= $1', [v.runStartedAt]);
    check('the outbox is fully dispatched', undispatched === 0, `${undispatched} of ${counts.outbox} (run) left`);
    const unsealed = await n(c, 'select count(*) as n from audit_log where hash is null');
    check('the audit sealer caught up (every audit row in the hash chain)', unsealed === 0, `${unsealed} unsealed`);
    if (v.canary) {
      const ev = await q<{ at: Date }>(c, `select at from case_event where case_id = $1 and event = 'overdue' and at > $2`, [v.canary.caseId, v.canary.after]);
      check('the case scheduler ran after the last restart (canary case marked overdue)', ev.length === 1, ev.length ? `case ${v.canary.caseId} at ${ev[0]!.at.toISOString()}` : `case ${v.canary.caseId}: no overdue event`);
    }

    // ---- nothing sent twice ----
    const dupInbox = await n(c, `select count(*) as n from (select 1 from notification group by tenant_id, outbox_id, user_id having count(*) > 1) x`);
    counts.notifications = await n(c, 'select count(*) as n from notification where created_at >= $1', [v.runStartedAt]);
    check('no inbox message twice (per outbox row and user)', dupInbox === 0, `${dupInbox} duplicates of ${counts.notifications}`);
    const dupDeliveries = await n(c, `select count(*) as n from (select 1 from notification_delivery group by tenant_id, outbox_id, endpoint_id, recipient having count(*) > 1) x`);
    check('no webhook delivery twice (per outbox row, endpoint and recipient)', dupDeliveries === 0, `${dupDeliveries} duplicates`);
    const del = await q<{ id: string; state: string; next_attempt_at: Date }>(c, `select id, state, next_attempt_at from notification_delivery where endpoint_id = $1`, [v.webhookEndpointId]);
    counts.deliveries = del.length;
    const sentNotReceived = del.filter((d) => d.state === 'sent' && !v.received.has(String(d.id))).length;
    const failed = del.filter((d) => d.state === 'failed').length;
    const leased = del.filter((d) => d.state === 'pending' && d.next_attempt_at.getTime() > Date.now()).length;
    const known = new Set(del.map((d) => String(d.id)));
    const strays = [...v.received.keys()].filter((id) => !known.has(id)).length;
    counts.deliveriesLeased = leased;
    check('every delivery marked sent reached the receiver; none failed; none unknown', sentNotReceived + failed + strays === 0,
      `${del.length} deliveries: ${sentNotReceived} sent but not received, ${failed} failed, ${strays} received but unknown; ${leased} still claimed by a killed process (re-sent when the 10-minute claim runs out)`);
    const repeats = [...v.received.values()].filter((k) => k > 1).length;
    counts.webhookRepeats = repeats;
    check('webhook repeats only in the documented at-least-once window (≤ 1 per kill)', repeats <= v.kills,
      `${repeats} delivery ids received more than once, ${v.kills} kills`);
  });

  return { ok: checks.every((c) => c.ok), checks, counts };
}
