import { randomBytes, randomUUID } from 'node:crypto';
import { localDate } from '@cc/domain';
import type { Journal } from './journal.js';
import type { LoadSetup } from './setup.js';
import { rng as seeded } from '../lib/stats.js';

/**
 * Virtual inspectors and citizens against a running app, over loopback HTTP.
 *
 * An inspector logs in, then cycles: today's tasks → a draft sheet (PUT /inspections/sync with
 * its client key) → 0–2 findings with 1–2 photos each (POST /inspection-photos with an
 * Idempotency-Key per photo) → the submitted sheet (same client key; findings open cases).
 * A citizen uploads 1–2 photos (POST /public/uploads) and reports (POST /public/reports), each
 * report from its own address (X-Forwarded-For; the app runs with TRUST_PROXY=1), as many people
 * would. Think time between steps; at most `concurrency` requests in flight in all.
 *
 * Failures are handled as the phone does (apps/web/src/pages/field/sync.ts): a network error or
 * a 5xx means "offline": the same request, same keys, same body, is sent again after a pause,
 * until `retryForMs` of its own time has passed (time spent queued for one of the `concurrency`
 * in-flight slots is the simulation's limit, not the phone's, and is not counted); a 401 means log
 * in again. Every write acknowledged with a 2xx is
 * appended to the journal before the client moves on.
 */
export interface DriverOptions {
  base: () => string;
  setup: LoadSetup;
  inspectors: number;
  citizens: number;
  concurrency: number;
  /** Think time between two steps of one client, uniform in [min, max] ms. */
  thinkMs: [number, number];
  /** Clients start spread over this many ms. */
  rampMs: number;
  journal: Journal;
  /** How long one operation keeps retrying through network errors and 5xx (not counting time queued for a slot). */
  retryForMs: number;
  requestTimeoutMs: number;
  seed?: number;
}

export interface OpStats {
  ok: number;
  /** network errors and 5xx answers (each retried) */
  interrupted: number;
  /** unexpected answers (4xx other than the expected ones) and operations given up */
  errors: number;
  latencies: number[];
  statuses: Record<string, number>;
}

export interface DriverStats {
  ops: Record<string, OpStats>;
  /** First examples of interruptions and errors. */
  samples: string[];
  errors: number;
  interrupted: number;
  /** a report whose answer was lost and whose retry found its photos already claimed */
  lostAcks: number;
  relogins: number;
  sheetsSubmitted: number;
  findings: number;
  reports: number;
  photos: number;
  startedAt: number;
  /** completed requests per 10 s bucket since start */
  timeline: number[];
}

class Semaphore {
  private waiting: (() => void)[] = [];
  private used = 0;
  constructor(private readonly size: number) {}
  async acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}

/** An operation abandoned; `counted` when the error was already counted where it was found. */
class GiveUp extends Error {
  constructor(message: string, readonly counted = false) {
    super(message);
  }
}

interface Session { cookie: string; csrf: string }
interface Answer { status: number; body: string; setCookie: string | null; json: <T>() => T }

const PNG_1x1 = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
// A minimal baseline JPEG (SOI, APP0 JFIF … EOI as produced by a 1×1 encoder).
const JPEG_1x1 = Buffer.from(
  'ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9',
  'hex',
);

function multipart(name: string, type: string, data: Buffer) {
  const boundary = `----load${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** A distinct small image each time: the 1×1 PNG or JPEG with a unique trailer (stored files are deduplicated by content). */
function photo(r: () => number): { name: string; type: string; data: Buffer } {
  const tail = Buffer.from(`#${randomUUID()}`);
  return r() < 0.5
    ? { name: 'p.png', type: 'image/png', data: Buffer.concat([PNG_1x1, tail]) }
    : { name: 'p.jpg', type: 'image/jpeg', data: Buffer.concat([JPEG_1x1, tail]) };
}

export class LoadDriver {
  readonly stats: DriverStats;
  private stopping = false;
  private readonly sem: Semaphore;
  private readonly rand: () => number;
  private running: Promise<void>[] = [];
  private ipCounter = 0;
  private readonly runId = randomBytes(3).toString('hex');

  constructor(private readonly o: DriverOptions) {
    this.sem = new Semaphore(o.concurrency);
    this.rand = seeded(o.seed ?? 7);
    this.stats = {
      ops: {}, samples: [], errors: 0, interrupted: 0, lostAcks: 0, relogins: 0, sheetsSubmitted: 0, findings: 0, reports: 0, photos: 0,
      startedAt: Date.now(), timeline: [],
    };
  }

  start(): void {
    this.stats.startedAt = Date.now();
    for (let i = 0; i < this.o.inspectors; i++) this.running.push(this.inspector(i));
    for (let j = 0; j < this.o.citizens; j++) this.running.push(this.citizen(j));
  }

  /** Stop starting new cycles; resolves when every client finished its current one (with its retries). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  // ---------- plumbing ----------

  private op(name: string): OpStats {
    return (this.stats.ops[name] ??= { ok: 0, interrupted: 0, errors: 0, latencies: [], statuses: {} });
  }

  private sample(m: string): void {
    if (this.stats.samples.length < 30) this.stats.samples.push(`${new Date().toISOString().slice(11, 19)} ${m}`);
  }

  private async think(scale = 1): Promise<void> {
    const [a, b] = this.o.thinkMs;
    const ms = (a + (b - a) * this.rand()) * scale;
    const end = Date.now() + ms;
    while (!this.stopping && Date.now() < end) await sleep(Math.min(500, end - Date.now()));
  }

  /**
   * One request, sent again (same body, same headers) after network errors and 5xx until it
   * gets another answer or `retryForMs` runs out. Answers with `expect` statuses count as ok.
   */
  private async send(name: string, req: () => { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer }, expect: number[]): Promise<Answer> {
    const st = this.op(name);
    const started = Date.now();
    // Waiting for an in-flight slot: a thousand phones would all be sending; only this runner queues them.
    let queued = 0;
    let pause = 250;
    for (;;) {
      const r = req();
      const q0 = Date.now();
      await this.sem.acquire();
      queued += Date.now() - q0;
      const t0 = performance.now();
      let status = 0;
      let body = '';
      let setCookie: string | null = null;
      let failure: string | null = null;
      try {
        const res = await fetch(`${this.o.base()}${r.path}`, {
          method: r.method, headers: r.headers, body: r.body, signal: AbortSignal.timeout(this.o.requestTimeoutMs),
        });
        status = res.status;
        setCookie = res.headers.get('set-cookie');
        body = await res.text();
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        failure = e.cause?.code ?? e.name ?? String(err);
      } finally {
        this.sem.release();
      }
      const ms = performance.now() - t0;
      const bucket = Math.floor((Date.now() - this.stats.startedAt) / 10_000);
      this.stats.timeline[bucket] = (this.stats.timeline[bucket] ?? 0) + 1;
      const key = failure ?? String(status);
      st.statuses[key] = (st.statuses[key] ?? 0) + 1;
      if (failure === null && status < 500) {
        if (expect.includes(status)) {
          st.ok++;
          st.latencies.push(ms);
        }
        return { status, body, setCookie, json: <T>() => JSON.parse(body) as T };
      }
      st.interrupted++;
      this.stats.interrupted++;
      this.sample(`${name}: ${failure ?? `${status} ${body.slice(0, 200)}`}`);
      if (Date.now() - started - queued > this.o.retryForMs) throw new GiveUp(`${name}: gave up after ${this.o.retryForMs / 1000} s (${key})`);
      await sleep(pause);
      pause = Math.min(pause * 2, 3000);
    }
  }

  private fail(name: string, a: Answer): never {
    this.op(name).errors++;
    this.stats.errors++;
    this.sample(`${name}: unexpected ${a.status} ${a.body.slice(0, 300)}`);
    throw new GiveUp(`${name}: ${a.status}`, true);
  }

  private async login(username: string): Promise<Session> {
    const a = await this.send('login', () => ({
      method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: this.o.setup.password }),
    }), [200]);
    if (a.status !== 200) this.fail('login', a);
    return { cookie: (a.setCookie ?? '').split(';')[0]!, csrf: a.json<{ csrfToken: string }>().csrfToken };
  }

  /** A logged-in request; a 401 (session gone) logs in again and repeats it. */
  private async authed(name: string, who: { username: string; s: Session | null }, req: (s: Session) => { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer }, expect: number[]): Promise<Answer> {
    for (let i = 0; i < 3; i++) {
      who.s ??= await this.login(who.username);
      const s = who.s;
      const a = await this.send(name, () => {
        const r = req(s);
        return { ...r, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...r.headers } };
      }, expect);
      if (a.status === 401) {
        this.stats.relogins++;
        this.sample(`${name}: 401, logging in again`);
        who.s = null;
        continue;
      }
      return a;
    }
    throw new GiveUp(`${name}: 401 three times`);
  }

  // ---------- inspectors ----------

  private async inspector(i: number): Promise<void> {
    await sleepUnless(() => this.stopping, this.rand() * this.o.rampMs);
    const who = { username: this.o.setup.inspectorUsernames[i % this.o.setup.inspectorUsernames.length]!, s: null as Session | null };
    let seq = 0;
    while (!this.stopping) {
      try {
        await this.sheetCycle(who, `ld${this.runId}-${i}-${seq++}`);
      } catch (err) {
        if (!(err instanceof GiveUp)) throw err;
        if (!err.counted) {
          this.stats.errors++;
          this.sample(err.message);
        }
      }
      await this.think();
    }
  }

  private async sheetCycle(who: { username: string; s: Session | null }, key: string): Promise<void> {
    const { setup } = this.o;
    const tasksA = await this.authed('tasks', who, () => ({ method: 'GET', path: '/api/v1/inspection-tasks' }), [200]);
    if (tasksA.status !== 200) this.fail('tasks', tasksA);
    const tasks = tasksA.json<{ plan: { id: number }; target: { kind: string; id: number } }[]>().filter((t) => t.plan.id === setup.planId);
    // A target from today's list when there is one left, else any target of the plan (a second visit).
    const pick = tasks.length && this.rand() < 0.7 ? tasks[Math.floor(this.rand() * tasks.length)]!.target : setup.targets[Math.floor(this.rand() * setup.targets.length)]!;
    const target = setup.targets.find((t) => t.kind === pick.kind && t.id === pick.id) ?? setup.targets[0]!;
    if (this.stopping) return;
    await this.think();

    const inspectedOn = localDate(new Date());
    const base = { clientKey: key, planId: setup.planId, target: { kind: target.kind, id: target.id }, inspectedOn, items: [] as unknown[], note: null };
    const draftBody = JSON.stringify({ ...base, findings: [], submit: false });
    const draft = await this.authed('sheet.draft', who, () => ({ method: 'PUT', path: '/api/v1/inspections/sync', headers: { 'content-type': 'application/json' }, body: draftBody }), [200, 201]);
    if (draft.status !== 200 && draft.status !== 201) this.fail('sheet.draft', draft);
    this.o.journal.add({ kind: 'sheet', clientKey: key, id: draft.json<{ id: number }>().id, state: 'draft', at: Date.now() });
    await this.think();

    // Findings with photos, each photo under its own key, uploaded once however often it is retried.
    const n = target.findings.length ? [0, 1, 1, 2][Math.floor(this.rand() * 4)]! : 0;
    const findings: { clientKey: string; itemNodeId: number; criterionNodeId: number; points: number; note: string; photos: { fileId: number }[] }[] = [];
    const used = new Set<number>();
    for (let f = 0; f < n; f++) {
      const choice = target.findings[Math.floor(this.rand() * target.findings.length)]!;
      if (used.has(choice.itemNodeId)) continue;
      used.add(choice.itemNodeId);
      const photos: { fileId: number }[] = [];
      const count = 1 + Math.floor(this.rand() * 2);
      for (let p = 0; p < count; p++) {
        const photoKey = `${key}-f${f}-p${p}`;
        const img = photo(this.rand);
        const part = multipart(img.name, img.type, img.data);
        const up = await this.authed('photo', who, () => ({ method: 'POST', path: '/api/v1/inspection-photos', headers: { 'content-type': part.type, 'idempotency-key': photoKey }, body: part.body }), [200, 201]);
        if (up.status !== 200 && up.status !== 201) this.fail('photo', up);
        const fileId = up.json<{ id: number }>().id;
        this.o.journal.add({ kind: 'photo', clientKey: photoKey, fileId, at: Date.now() });
        this.stats.photos++;
        photos.push({ fileId });
      }
      findings.push({ clientKey: `${key}-f${f}`, itemNodeId: choice.itemNodeId, criterionNodeId: choice.criterionNodeId, points: 1, note: `压测问题 ${key}-f${f}：垃圾未及时清运`, photos });
    }

    const submitBody = JSON.stringify({ ...base, findings, submit: true });
    const sub = await this.authed('sheet.submit', who, () => ({ method: 'PUT', path: '/api/v1/inspections/sync', headers: { 'content-type': 'application/json' }, body: submitBody }), [200, 201]);
    if (sub.status !== 200 && sub.status !== 201) this.fail('sheet.submit', sub);
    const v = sub.json<{ id: number; state: string; findings: { clientKey: string; case: { id: number; number: string } | null }[] }>();
    if (v.state !== 'submitted') this.fail('sheet.submit', { ...sub, body: `state ${v.state}` });
    this.o.journal.add({
      kind: 'sheet', clientKey: key, id: v.id, state: 'submitted', at: Date.now(),
      findings: v.findings.map((f) => ({ clientKey: f.clientKey, caseId: f.case?.id ?? 0, caseNumber: f.case?.number ?? '' })),
    });
    this.stats.sheetsSubmitted++;
    this.stats.findings += v.findings.length;
  }

  // ---------- citizens ----------

  private async citizen(j: number): Promise<void> {
    await sleepUnless(() => this.stopping, this.rand() * this.o.rampMs);
    while (!this.stopping) {
      await this.think(3); // citizens report less often than inspectors work
      if (this.stopping) break;
      try {
        await this.report(j);
      } catch (err) {
        if (!(err instanceof GiveUp)) throw err;
        if (!err.counted) {
          this.stats.errors++;
          this.sample(err.message);
        }
      }
    }
  }

  private async report(j: number): Promise<void> {
    const { setup } = this.o;
    const n = ++this.ipCounter;
    const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const tokens: string[] = [];
    const count = 1 + Math.floor(this.rand() * 2);
    for (let p = 0; p < count; p++) {
      const img = photo(this.rand);
      const part = multipart(img.name, img.type, img.data);
      // No idempotency key here (the public form has none): a retried upload leaves an unclaimed upload, which expires.
      const up = await this.send('public.upload', () => ({ method: 'POST', path: '/api/v1/public/uploads', headers: { 'content-type': part.type, 'x-forwarded-for': ip }, body: part.body }), [201]);
      if (up.status !== 201) this.fail('public.upload', up);
      tokens.push(up.json<{ token: string }>().token);
    }
    const lat = setup.centre.lat + (this.rand() - 0.5) * 0.01;
    const lng = setup.centre.lng + (this.rand() - 0.5) * 0.01;
    const body = JSON.stringify({
      categoryCode: setup.categoryCodes[Math.floor(this.rand() * setup.categoryCodes.length)], description: `市民${j}反映：路边垃圾堆放多日无人清理`,
      lat, lng, phone: `139${String(10_000_000 + n).slice(-8)}`, photos: tokens,
    });
    const before = this.op('public.report').interrupted;
    const a = await this.send('public.report', () => ({ method: 'POST', path: '/api/v1/public/reports', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body }), [201]);
    if (a.status === 422 && this.op('public.report').interrupted > before && a.body.includes('PUBLIC_UPLOAD_INVALID')) {
      // The first try was committed but its answer lost; the retry found the photos claimed. No ack: not journaled.
      this.stats.lostAcks++;
      return;
    }
    if (a.status !== 201) this.fail('public.report', a);
    this.o.journal.add({ kind: 'report', number: a.json<{ number: string }>().number, at: Date.now() });
    this.stats.reports++;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function sleepUnless(stop: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!stop() && Date.now() < end) await sleep(Math.min(500, end - Date.now()));
}
