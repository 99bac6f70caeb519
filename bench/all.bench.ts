/**
 * Every case benchmark on one generated city (generated once): ledger and map, Excel export, web,
 * then intake (last, as it adds cases). Each writes its own result file.
 *
 *   npm run bench:all                          # embedded PostgreSQL, city scale
 *   DATABASE_URL=postgres://… npm run bench:all
 *   BENCH_SCALE=county npm run bench:all
 *   BENCH_ONLY=ledger,export npm run bench:all
 */
import { prepareCity, scaleFromEnv } from './lib/context.js';
import { runExport } from './export.bench.js';
import { runIntake } from './intake.bench.js';
import { runLedger } from './ledger.bench.js';
import { runWeb } from './web.bench.js';

const all = { ledger: runLedger, export: runExport, web: runWeb, intake: runIntake };
const only = (process.env.BENCH_ONLY ?? Object.keys(all).join(',')).split(',');
const b = await prepareCity(scaleFromEnv());
try {
  for (const [name, run] of Object.entries(all)) {
    if (!only.includes(name)) continue;
    console.log(`\n=== ${name} ===`);
    await run(b);
  }
} finally {
  await b.close();
}
