/**
 * Fills a database with a generated city (bench/lib/generate-city.ts), two years of its cases
 * (bench/lib/generate-cases.ts) and of its inspection sheets (bench/lib/generate-inspections.ts),
 * deterministic for a seed and an end day.
 *
 *   npm run generate -- --scale county            # embedded PostgreSQL in DATA_DIR (./data), as npm start uses
 *   DATABASE_URL=postgres://… npm run generate -- --scale city
 *   npm run generate -- --scale city --seed 7 --until 2026-11-01 --cases 200000 --sheets 50000
 *   npm run generate -- --scale county --no-inspections
 *
 * The city is a new tenant (城市) next to whatever the database holds; log in with the printed
 * account (password Bench@2026) after `npm start` on the same database.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../apps/server/src/platform/config.js';
import { createDb, migrateToLatest } from '../apps/server/src/platform/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../apps/server/src/platform/embedded-postgres.js';
import { generateCases } from './lib/generate-cases.js';
import { generateCity, isScaleName, SCALES } from './lib/generate-city.js';
import { generateInspections } from './lib/generate-inspections.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'county' },
    seed: { type: 'string', default: '42' },
    until: { type: 'string' },
    cases: { type: 'string' },
    sheets: { type: 'string' },
    'no-inspections': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help || !isScaleName(values.scale)) {
  console.log('usage: npm run generate -- --scale county|city|province [--seed 42] [--until YYYY-MM-DD] [--cases N] [--sheets N | --no-inspections]');
  process.exit(values.help ? 0 : 2);
}
const scale = SCALES[values.scale];
const seed = Number(values.seed);
const cases = values.cases ? Number(values.cases) : scale.cases;
const sheets = values.sheets ? Number(values.sheets) : undefined;
if (sheets !== undefined && !(Number.isInteger(sheets) && sheets >= 0)) throw new Error('--sheets takes a whole number');
if (values.until && !/^\d{4}-\d{2}-\d{2}$/.test(values.until)) throw new Error('--until takes a date YYYY-MM-DD');

const config = loadConfig();
let embedded: EmbeddedPostgres | null = null;
let url = config.databaseUrl;
if (!url) {
  const dir = path.join(config.dataDir, 'postgres');
  console.log(`Starting the embedded PostgreSQL (data in ${dir}) …`);
  embedded = await startEmbeddedPostgres({ dir, database: 'chuangcheng', log: (l) => { if (/FATAL|PANIC/.test(l)) console.log(`[postgres] ${l}`); }, notice: console.log });
  url = embedded.url;
}
const db = createDb(url, 4);
try {
  const applied = await migrateToLatest(db);
  if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  const t0 = performance.now();
  console.log(`Generating the ${values.scale} city (seed ${seed}) …`);
  const city = await generateCity(db, scale, seed, (m) => console.log(`  ${m}`));
  const t1 = performance.now();
  console.log(`  city loaded in ${((t1 - t0) / 1000).toFixed(1)} s`);
  const c = await generateCases(db, city, { count: cases, seed, until: values.until, log: (m) => console.log(`  ${m}`) });
  const t2 = performance.now();
  console.log(`  ${c.cases!.toLocaleString('en')} cases and ${c.caseEvents!.toLocaleString('en')} events loaded in ${((t2 - t1) / 1000).toFixed(1)} s`);
  console.log(`  states: ${Object.entries(c).filter(([k]) => k.startsWith('state.')).map(([k, v]) => `${k.slice(6)} ${v.toLocaleString('en')}`).join(', ')}`);
  let t3 = t2;
  let insp: Record<string, number> = {};
  if (!values['no-inspections']) {
    insp = await generateInspections(db, city, { seed, sheets, until: values.until, log: (m) => console.log(`  ${m}`) });
    t3 = performance.now();
    console.log(`  ${insp.inspections!.toLocaleString('en')} inspection sheets (${insp.inspectionDrafts!.toLocaleString('en')} drafts), ${insp.inspectionItems!.toLocaleString('en')} item scores, `
      + `${insp.inspectionFindings!.toLocaleString('en')} findings and ${insp.inspectionEvents!.toLocaleString('en')} events loaded in ${((t3 - t2) / 1000).toFixed(1)} s`);
  }
  const all = { ...city.counts, cases: c.cases!, ...insp };
  console.log(`Done in ${((t3 - t0) / 1000).toFixed(1)} s. City (tenant ${city.tenantId}): ${Object.entries(all).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')}.`);
  console.log(`Log in as ${city.username} (office) or ${city.inspectorUsernames[0]} (inspector), password ${city.password}.`);
  console.log(`Not generated: volunteers and their sign-ins (no table yet), photos${values['no-inspections'] ? ', inspection sheets (--no-inspections)' : ''}.`);
} finally {
  await db.destroy();
  await embedded?.stop();
}
