import { header, writeResult } from '../lib/context.js';
import { summarize } from '../lib/stats.js';
import type { ScenarioOptions, ScenarioResult } from './scenario.js';

/** Options from the environment shared by `npm run soak` and `npm run crash`. */
export function optionsFromEnv(defaults: { minutes: number; clients: number; kills: number; dbKills: number }): ScenarioOptions {
  const num = (name: string, def: number) => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return def;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < 0) throw new Error(`${name}=${raw} must be a number ≥ 0`);
    return v;
  };
  const minutes = num('SOAK_MINUTES', defaults.minutes);
  const clients = Math.round(num('SOAK_CLIENTS', defaults.clients));
  const think = (process.env.SOAK_THINK_SECONDS ?? '10-50').split('-').map(Number);
  if (think.length !== 2 || think.some((x) => !Number.isFinite(x)) || think[0]! > think[1]!) throw new Error('SOAK_THINK_SECONDS must look like 10-50');
  return {
    seconds: Math.round(minutes * 60),
    inspectors: clients,
    citizens: Math.round(num('SOAK_CITIZENS', Math.ceil(clients / 5))),
    concurrency: Math.round(num('SOAK_CONCURRENCY', 32)),
    thinkMs: [think[0]! * 1000, think[1]! * 1000],
    rampMs: num('SOAK_RAMP_SECONDS', Math.min(60, minutes * 6)) * 1000,
    appKills: Math.round(num('CRASH_KILLS', defaults.kills)),
    dbKills: Math.round(num('CRASH_DB_KILLS', defaults.dbKills)),
    graceMs: num('SOAK_GRACE_SECONDS', 150) * 1000,
    canary: true,
    keep: process.env.SOAK_KEEP === '1',
    log: (m) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`),
  };
}

const MB = 2 ** 20;
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

/** Memory of the app at the end of the ramp-up, the middle and the end of the load (one process generation). */
export function memory(r: ScenarioResult) {
  const gen = r.rss.filter((s) => s.gen === r.rss[r.rss.length - 1]?.gen);
  const first = gen[0]?.t ?? 0;
  const warm = gen.find((s) => s.t >= first + r.options.rampMs / 1000) ?? gen[0];
  const end = gen[gen.length - 1];
  const mid = gen.find((s) => warm && end && s.t >= (warm.t + end.t) / 2) ?? end;
  const max = gen.reduce((m, s) => Math.max(m, s.rss), 0);
  const growth = warm && mid && end ? { midToEnd: (end.rss - mid.rss) / MB, warmToEnd: (end.rss - warm.rss) / MB } : null;
  return { warm, mid, end, max, growth, samples: gen.length };
}

/** The result file: bench/results/<date>-<name>-<engine>.md. */
export async function writeScenarioResult(name: 'soak' | 'crash', r: ScenarioResult, command: string, notes: string[]): Promise<string> {
  const o = r.options;
  const s = r.stats;
  const ops = Object.entries(s.ops);
  const all = ops.flatMap(([, v]) => v.latencies);
  const total = ops.reduce((n, [, v]) => n + Object.values(v.statuses).reduce((a, b) => a + b, 0), 0);
  const sum = summarize(all);
  const mem = memory(r);
  const lines = [
    ...header(name === 'soak' ? 'Load and soak' : 'Crash suite', { engine: r.engine, scale: 'city' }, command),
    `Load: ${o.inspectors} virtual inspectors and ${o.citizens} citizens for ${f1(r.loadSeconds)} s (asked: ${o.seconds} s), think time ${o.thinkMs[0] / 1000}–${o.thinkMs[1] / 1000} s between steps (citizens 3×), at most ${o.concurrency} requests in flight, ramp-up ${o.rampMs / 1000} s; ${r.targets} inspection targets; app at \`node --enable-source-maps apps/server/dist/server/main.mjs\` (the server bundle) on loopback (DEMO=1, TRUST_PROXY=1).`,
    ...notes,
    '',
    '## Outcome',
    '',
    `| | |`,
    `|---|---|`,
    `| verification | **${r.verification.ok ? 'all invariants hold' : 'FAILED'}** (${r.verification.checks.filter((c) => c.ok).length}/${r.verification.checks.length} checks) |`,
    `| client errors (unexpected answers, operations given up) | ${s.errors} |`,
    `| interruptions (network errors, 5xx; retried with the same keys) | ${s.interrupted} |`,
    `| acknowledgements lost (report committed, answer lost; retry found its photos claimed) | ${s.lostAcks} |`,
    `| re-logins after 401 | ${s.relogins} |`,
    `| app exits nobody asked for | ${r.unexpectedExits} |`,
    `| server log lines at error/fatal | ${r.serverErrorLines} |`,
    `| requests | ${total.toLocaleString('en')} (${f1(total / r.loadSeconds)} req/s) |`,
    `| acknowledged writes | ${s.sheetsSubmitted} sheets submitted (${r.verification.counts.acknowledgedSheets} with drafts), ${s.findings} findings → cases, ${s.photos} sheet photos, ${s.reports} citizen reports |`,
    `| latency, all requests answered as expected | p50 ${f1(sum.p50)} ms, p95 ${f1(sum.p95)} ms, p99 ${f1(sum.p99)} ms, max ${f1(sum.max)} ms |`,
    `| app RSS (last process) | after ramp-up ${mem.warm ? f1(mem.warm.rss / MB) : '–'} MB (t=${f1(mem.warm?.t ?? NaN)} s), middle ${mem.mid ? f1(mem.mid.rss / MB) : '–'} MB (t=${f1(mem.mid?.t ?? NaN)} s), end ${mem.end ? f1(mem.end.rss / MB) : '–'} MB (t=${f1(mem.end?.t ?? NaN)} s), max ${f1(mem.max / MB)} MB; middle → end ${mem.growth ? `${mem.growth.midToEnd >= 0 ? '+' : ''}${f1(mem.growth.midToEnd)} MB` : '–'} |`,
    `| background jobs after the load | caught up in ${f1(r.quiet.seconds)} s (outbox left ${r.quiet.outbox}, deliveries due ${r.quiet.deliveriesDue}, unsealed audit rows ${r.quiet.unsealed}) |`,
    `| audit chain (GET /api/v1/audit/verify) | ${r.audit.ok ? 'ok' : `FAILED: ${r.audit.detail}`} |`,
    `| SIGTERM at the end | exit code ${r.shutdown.code}${r.engineKey === 'embedded' ? `, embedded PostgreSQL ${r.shutdown.postgresStopped ? 'stopped with it' : 'STILL RUNNING'}` : ''} |`,
    '',
    '## Per operation',
    '',
    '| operation | ok | p50 ms | p99 ms | interrupted | errors | answers |',
    '|---|---|---|---|---|---|---|',
    ...ops.map(([k, v]) => {
      const l = summarize(v.latencies);
      return `| ${k} | ${v.ok} | ${f1(l.p50)} | ${f1(l.p99)} | ${v.interrupted} | ${v.errors} | ${Object.entries(v.statuses).map(([st, c]) => `${st}×${c}`).join(', ')} |`;
    }),
    '',
  ];
  if (r.appKills.length || r.dbKills.length) {
    const rec = (xs: { recoverySeconds: number }[]) => summarize(xs.map((x) => x.recoverySeconds));
    const a = rec(r.appKills);
    lines.push('## Kills', '',
      `- \`kill -9\` of the app: ${r.appKills.length}, at ${r.appKills.map((k) => f1(k.at)).join(', ')} s; back (healthy) after p50 ${f1(a.p50)} s, max ${f1(a.max)} s.` +
        (r.engineKey === 'embedded' ? ` The orphaned embedded PostgreSQL was still running at ${r.appKills.filter((k) => k.orphan).length} of them and was shut down by the next start.` : ''),
    );
    if (r.dbKills.length) {
      const d = rec(r.dbKills);
      lines.push(`- \`kill -9\` of the embedded postmaster (pid from DATA_DIR/postgres/pgdata/postmaster.pid): ${r.dbKills.length}, at ${r.dbKills.map((k) => f1(k.at)).join(', ')} s; ` +
        `the app answered /api/health again after p50 ${f1(d.p50)} s, max ${f1(d.max)} s (${r.dbKills.map((k) => k.how).join(', ')}).`);
    } else if (r.engineKey === 'server') {
      lines.push('- The database-kill phase runs on the embedded engine only: a PostgreSQL server is not ours to kill.');
    }
    lines.push(`- App starts in all: ${r.appStarts} (start to healthy p50 ${f1(summarize(r.startSeconds).p50)} s).`, '');
  }
  lines.push('## Verification', '', '| check | result | detail |', '|---|---|---|',
    ...r.verification.checks.map((c) => `| ${c.name} | ${c.ok ? 'ok' : '**FAILED**'} | ${c.detail.replace(/\|/g, '\\|')} |`), '');
  if (s.samples.length || r.serverErrorSamples.length) {
    lines.push('## First interruptions and errors', '', '```', ...s.samples.slice(0, 15), ...r.serverErrorSamples.slice(0, 5).map((l) => `server: ${l.slice(0, 300)}`), '```', '');
  }
  lines.push('## Throughput over time', '', `Requests completed per 10 s: ${s.timeline.map((x) => x ?? 0).join(' ')}`, '');
  return writeResult(name, r.engineKey, 'city', lines);
}
