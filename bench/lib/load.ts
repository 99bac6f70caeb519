import { Worker } from 'node:worker_threads';

/**
 * Closed-loop load: `clients` concurrent clients, each sending its next request as soon as the
 * previous one answered, for `seconds` after `warmupSeconds`. The clients run in a worker thread
 * (its own event loop), so the server's event loop in the main thread is not also the load
 * generator's.
 *
 * The clients speak HTTP/1.1 themselves, one kept-alive connection each, with every request's
 * bytes built before the run: `fetch` (undici) cost 1.4–2.6 ms of CPU per request here, more than
 * the bare-INSERT route it was measuring, and on two cores that CPU was taken from the server. The
 * worker also reports its own thread's CPU time over the measured window (Linux
 * /proc/thread-self), so a benchmark can tell the server's cost from the clients'.
 */
export interface LoadClient {
  url: string;
  headers: Record<string, string>;
  /** request bodies, sent in turn */
  bodies: string[];
}

export interface LoadResult {
  clients: number;
  seconds: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  firstError: string | null;
  latencies: number[];
  /** CPU time of the clients' thread in the measured window (ms); null where /proc is not there */
  clientCpuMs: number | null;
}

const WORKER = `
const net = require('node:net');
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { clients, seconds, warmupSeconds, expect } = workerData;

// utime + stime of this thread, in ms (USER_HZ is 100 on Linux), or null.
function threadCpu() {
  try {
    const s = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch { return null; }
}

// One kept-alive HTTP/1.1 connection: send(bytes) resolves with { status, body } of the answer.
function connection(host, port) {
  let socket = null, buf = Buffer.alloc(0), pending = null;
  // A closed or failed connection fails its request; the next request opens a new one.
  const fail = (s, err) => { if (socket !== s) return; const p = pending; pending = null; socket = null; buf = Buffer.alloc(0); if (p) p.reject(err); };
  const open = () => {
    const s = net.connect({ host, port, noDelay: true });
    socket = s;
    s.on('data', (d) => { if (socket !== s) return; buf = buf.length ? Buffer.concat([buf, d]) : d; parse(); });
    s.on('error', (err) => fail(s, err));
    s.on('close', () => fail(s, new Error('connection closed by the server')));
  };
  const parse = () => {
    if (!pending) return;
    const end = buf.indexOf('\\r\\n\\r\\n');
    if (end < 0) return;
    const head = buf.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const m = /\\r\\ncontent-length:\\s*(\\d+)/i.exec(head);
    let body, rest;
    if (m) {
      const n = Number(m[1]);
      if (buf.length < end + 4 + n) return;
      body = buf.subarray(end + 4, end + 4 + n); rest = buf.subarray(end + 4 + n);
    } else if (/\\r\\ntransfer-encoding:\\s*chunked/i.test(head)) {
      const parts = []; let at = end + 4;
      for (;;) {
        const eol = buf.indexOf('\\r\\n', at);
        if (eol < 0) return;
        const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
        if (buf.length < eol + 2 + size + 2) return;
        if (size === 0) { at = eol + 4; break; }
        parts.push(buf.subarray(eol + 2, eol + 2 + size)); at = eol + 2 + size + 2;
      }
      body = Buffer.concat(parts); rest = buf.subarray(at);
    } else { body = Buffer.alloc(0); rest = buf.subarray(end + 4); }
    buf = rest;
    const p = pending; pending = null;
    p.resolve({ status, body });
  };
  return {
    send(bytes) {
      if (!socket) open();
      return new Promise((resolve, reject) => { pending = { resolve, reject }; socket.write(bytes); });
    },
    close() { if (socket) socket.destroy(); },
  };
}

(async () => {
  const t0 = performance.now();
  const measureFrom = t0 + warmupSeconds * 1000;
  const stopAt = measureFrom + seconds * 1000;
  let cpuFrom = null, cpuTo = null;
  const t1 = setTimeout(() => { cpuFrom = threadCpu(); }, measureFrom - t0);
  const t2 = setTimeout(() => { cpuTo = threadCpu(); }, stopAt - t0);
  // clients stop starting requests at stopAt; the ones in flight finish (and are not counted)
  const latencies = [];
  const statuses = {};
  let ok = 0, failed = 0, firstError = null;
  await Promise.all(clients.map(async (c, ci) => {
    const u = new URL(c.url);
    const head = 'POST ' + u.pathname + u.search + ' HTTP/1.1\\r\\nHost: ' + u.host + '\\r\\nConnection: keep-alive\\r\\n'
      + Object.entries(c.headers).map(([k, v]) => k + ': ' + v + '\\r\\n').join('');
    const requests = c.bodies.map((b) => { const body = Buffer.from(b); return Buffer.concat([Buffer.from(head + 'Content-Length: ' + body.length + '\\r\\n\\r\\n'), body]); });
    const conn = connection(u.hostname, Number(u.port || 80));
    let i = ci;
    while (performance.now() < stopAt) {
      const bytes = requests[i++ % requests.length];
      const s = performance.now();
      let status = 0;
      try {
        const r = await conn.send(bytes);
        status = r.status;
        if (status !== expect && !firstError) firstError = status + ' ' + r.body.toString('utf8').slice(0, 300);
      } catch (e) {
        if (!firstError) firstError = String(e);
      }
      const e = performance.now();
      // Completions inside the measured window count (a request may have started before it:
      // when requests queue for longer than the window, counting only those started inside it
      // would report no throughput at all).
      if (e >= measureFrom && e <= stopAt) {
        statuses[status] = (statuses[status] || 0) + 1;
        if (status === expect) { ok++; latencies.push(e - s); } else failed++;
      }
    }
    conn.close();
  }));
  clearTimeout(t1); clearTimeout(t2);
  const clientCpuMs = cpuFrom !== null && cpuTo !== null ? cpuTo - cpuFrom : null;
  parentPort.postMessage({ ok, failed, statuses, firstError, latencies, clientCpuMs });
})();
`;

export function runLoad(clients: LoadClient[], opts: { seconds: number; warmupSeconds: number; expectStatus: number }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { clients, seconds: opts.seconds, warmupSeconds: opts.warmupSeconds, expect: opts.expectStatus } });
    w.once('message', (m: Omit<LoadResult, 'clients' | 'seconds'>) => {
      resolve({ clients: clients.length, seconds: opts.seconds, ...m });
      void w.terminate();
    });
    w.once('error', reject);
  });
}
