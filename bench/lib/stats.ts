import os from 'node:os';

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface LatencySummary { n: number; p50: number; p95: number; p99: number; max: number; mean: number }

export function summarize(samples: number[]): LatencySummary {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

export const ms = (v: number) => `${v.toFixed(2)} ms`;

/** Warm-up requests before `timeGets` measures. */
export const WARMUP = 5;

export interface Timed { s: LatencySummary; bytes: number; total: number | null }
interface Get { url: string; headers: Record<string, string> }

/**
 * `n` sequential GETs of one URL after `WARMUP` unmeasured ones: latency, the answer's size, and
 * its count (`total`, `count`, the length of `items` or of an array answer). Throws on any status
 * but 200.
 */
export async function timeGets(url: string, headers: Record<string, string>, n: number): Promise<Timed> {
  return (await timeTurns([{ url, headers }], n))[0]!;
}

/**
 * `timeGets` for two URLs at once, their requests taking turns (a, b, then b, a, …): both see the
 * machine in the same state, so a neighbour's burst or a slower minute does not fall on one side of
 * a ratio only.
 */
export async function timeGetsInterleaved(a: Get, b: Get, n: number): Promise<[Timed, Timed]> {
  const [x, y] = await timeTurns([a, b], n);
  return [x!, y!];
}

/** `n` rounds of one GET per URL, sequential on one client, each round starting one URL later. */
async function timeTurns(gets: Get[], n: number): Promise<Timed[]> {
  const sides = gets.map(() => ({ out: [] as number[], bytes: 0, total: null as number | null }));
  const one = async (i: number, measure: boolean) => {
    const { url, headers } = gets[i]!;
    const t0 = performance.now();
    const r = await fetch(url, { headers });
    const buf = await r.arrayBuffer();
    const took = performance.now() - t0;
    if (r.status !== 200) throw new Error(`${url}: ${r.status} ${Buffer.from(buf).toString().slice(0, 300)}`);
    if (!measure) return;
    const s = sides[i]!;
    s.out.push(took);
    s.bytes = buf.byteLength;
    if (s.total === null) {
      const j = JSON.parse(Buffer.from(buf).toString()) as { total?: number; count?: number; items?: unknown[] } | unknown[];
      s.total = Array.isArray(j) ? j.length : (j.total ?? j.count ?? j.items?.length ?? null);
    }
  };
  for (let round = 0; round < WARMUP + n; round++) {
    for (let k = 0; k < gets.length; k++) await one((round + k) % gets.length, round >= WARMUP);
  }
  return sides.map((s) => ({ s: summarize(s.out), bytes: s.bytes, total: s.total }));
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** A seeded pseudo-random generator (mulberry32): the same city every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
