/**
 * Load and soak: virtual inspectors syncing sheets with photos (findings open cases) and
 * citizens reporting, against the app as a child process on loopback, for SOAK_MINUTES; reports
 * errors, throughput, p50/p99 latency and the app's memory at the start, middle and end, then
 * verifies every acknowledged write (bench/load/verify.ts).
 *
 *   npm run soak                                   # 1,000 inspectors + 200 citizens, 10 minutes, embedded PostgreSQL
 *   SOAK_MINUTES=2 SOAK_CLIENTS=100 npm run soak    # shorter
 *   DATABASE_URL=postgres://… npm run soak          # on a server (a temporary database)
 */
import { runScenario } from './load/scenario.js';
import { memory, optionsFromEnv, writeScenarioResult } from './load/report.js';

const o = optionsFromEnv({ minutes: 10, clients: 1000, kills: 0, dbKills: 0 });
const r = await runScenario({ ...o, appKills: 0, dbKills: 0 });
const mem = memory(r);
const notes = [
  `Memory verdict: ${mem.growth && mem.growth.midToEnd <= Math.max(32, (mem.mid?.rss ?? 0) / 2 ** 20 * 0.1) ? 'no growth beyond noise from the middle to the end of the run' : 'GROWTH from the middle to the end — see the RSS figures'} (limit: +10 % or +32 MB).`,
];
if (process.env.SOAK_NOTE) notes.push(process.env.SOAK_NOTE);
await writeScenarioResult('soak', r, 'npm run soak', notes);
const clean = r.verification.ok && r.stats.errors === 0 && r.stats.interrupted === 0 && r.unexpectedExits === 0 && r.audit.ok && r.shutdown.code === 0;
process.exit(clean ? 0 : 1);
