import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time used so far, in milliseconds: by this Node process (all its threads — the app, the
 * load clients' worker, the garbage collector), by every PostgreSQL process this machine shows in
 * /proc (the embedded engine, or a server on the same machine), and by the whole machine (busy
 * time of all cores). Where /proc is not there (not Linux) the PostgreSQL and machine figures are
 * null. Two samples around a measured window give the CPU each answered request cost.
 */
export interface CpuSample {
  node: number;
  postgres: number | null;
  machine: number | null;
}

/** Linux's USER_HZ: /proc counts CPU time in 1/100 s on every architecture Node runs on. */
const TICK_MS = 10;

export function cpuSample(): CpuSample {
  const u = process.cpuUsage();
  return { node: (u.user + u.system) / 1000, postgres: postgresTicks(), machine: machineTicks() };
}

export function cpuBetween(a: CpuSample, b: CpuSample): CpuSample {
  const d = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  return { node: b.node - a.node, postgres: d(a.postgres, b.postgres), machine: d(a.machine, b.machine) };
}

function postgresTicks(): number | null {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  let ticks = 0;
  let seen = 0;
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid …": comm may hold spaces, so split after its closing parenthesis.
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const f = stat.slice(close + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15 of the line)
    seen++;
  }
  return seen ? ticks * TICK_MS : null;
}

function machineTicks(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    // "cpu user nice system idle iowait irq softirq steal …": busy is all but idle, iowait and steal.
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq) * TICK_MS;
  } catch {
    return null;
  }
}

/**
 * Runs `work` and samples the CPU at `fromMs` and `toMs` after it starts (the measured window of a
 * closed-loop run, after its warm-up).
 */
export async function cpuDuring<T>(work: Promise<T>, fromMs: number, toMs: number): Promise<{ result: T; cpu: CpuSample | null }> {
  let first: CpuSample | null = null;
  let last: CpuSample | null = null;
  const t1 = setTimeout(() => (first = cpuSample()), fromMs);
  const t2 = setTimeout(() => (last = cpuSample()), toMs);
  try {
    const result = await work;
    return { result, cpu: first && last ? cpuBetween(first, last) : null };
  } finally {
    clearTimeout(t1);
    clearTimeout(t2);
  }
}
