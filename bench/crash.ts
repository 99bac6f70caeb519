/**
 * Crash suite: the soak's load, while the app is killed with `kill -9` at random moments
 * CRASH_KILLS times and started again (its orphaned embedded PostgreSQL is found and stopped by
 * the start), then — embedded engine only — the postmaster itself is killed CRASH_DB_KILLS times.
 * Afterwards: every acknowledged sheet, finding, photo and report is present exactly once, no case
 * is half-written, the outbox is dispatched, the scheduler ran after the last restart, nothing was
 * sent twice (bench/load/verify.ts).
 *
 *   npm run crash                                   # 1,000 inspectors, 10 minutes, 50 app kills + 5 database kills
 *   SOAK_MINUTES=3 SOAK_CLIENTS=200 CRASH_KILLS=15 npm run crash
 *   DATABASE_URL=postgres://… npm run crash          # app kills only
 */
import { runScenario } from './load/scenario.js';
import { optionsFromEnv, writeScenarioResult } from './load/report.js';

const o = optionsFromEnv({ minutes: 10, clients: 1000, kills: 50, dbKills: 5 });
const r = await runScenario(o);
const notes = [
  'Interruptions are expected here (the app or its database is gone for a few seconds); clients retry them as the phone does. Errors are not.',
];
if (process.env.SOAK_NOTE) notes.push(process.env.SOAK_NOTE);
await writeScenarioResult('crash', r, 'npm run crash', notes);
const clean = r.verification.ok && r.stats.errors === 0 && r.unexpectedExits === 0 && r.audit.ok && r.shutdown.code === 0;
process.exit(clean ? 0 : 1);
