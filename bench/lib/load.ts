import { Worker } from 'node:worker_threads';

/**
 * Closed-loop load: `clients` concurrent clients, each sending its next request as soon as the
 * previous one answered, for `seconds` after `warmupSeconds`. The clients run in a worker thread
 * (its own event loop), so the server's event loop in the main thread is not also the load
 * generator's.
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
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { clients, seconds, warmupSeconds, expect } = workerData;
(async () => {
  const t0 = performance.now();
  const measureFrom = t0 + warmupSeconds * 1000;
  const stopAt = measureFrom + seconds * 1000;
  // clients stop starting requests at stopAt; the ones in flight finish (and are not counted)
  const latencies = [];
  const statuses = {};
  let ok = 0, failed = 0, firstError = null;
  await Promise.all(clients.map(async (c, ci) => {
    let i = ci;
    while (performance.now() < stopAt) {
      const body = c.bodies[i++ % c.bodies.length];
      const s = performance.now();
      let status = 0;
      try {
        const r = await fetch(c.url, { method: 'POST', headers: c.headers, body });
        status = r.status;
        const text = await r.text();
        if (status !== expect && !firstError) firstError = status + ' ' + text.slice(0, 300);
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
  }));
  parentPort.postMessage({ ok, failed, statuses, firstError, latencies });
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
