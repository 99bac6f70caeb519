import type { FastifyBaseLogger } from 'fastify';
import { sealAuditChain } from './audit.js';
import type { DB } from './database.js';
import { purgeRateLimits } from './rate-limit-store.js';

/** Delete sessions that ended (logged out, expired or revoked) more than a day ago. */
export async function purgeSessions(db: DB, now: Date, idleMinutes: number): Promise<number> {
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const idleSince = new Date(now.getTime() - idleMinutes * 60_000 - 86_400_000);
  const r = await db
    .deleteFrom('user_session')
    .where((eb) => eb.or([eb('revoked_at', '<', dayAgo), eb('last_seen_at', '<', idleSince)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Periodic work in the app process. Each job finds its work in the database (nothing is kept in
 * memory between runs), so a restart loses nothing and several instances can run side by side.
 * Runs of one job never overlap; stop() waits for the running ones.
 */
export function startBackgroundJobs(deps: { db: DB; log: FastifyBaseLogger; idleMinutes: number; moduleJobs?: readonly Job[] }) {
  const jobs: Job[] = [
    { name: 'audit sealer', everyMs: 2000, run: () => sealAuditChain(deps.db) },
    { name: 'session purge', everyMs: 10 * 60_000, run: () => purgeSessions(deps.db, new Date(), deps.idleMinutes) },
    { name: 'rate-limit purge', everyMs: 60_000, run: () => purgeRateLimits(deps.db) },
    ...(deps.moduleJobs ?? []),
  ];
  const running = new Set<Promise<unknown>>();
  const timers = jobs.flatMap((job) => {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const p = job.run()
        .catch((err) => deps.log.error({ err }, `${job.name} failed`))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    // A first run soon after start, so an app restarted more often than a slow job's period
    // (the case scheduler runs each minute) still does its work.
    const first = setTimeout(tick, Math.min(job.everyMs, 5_000));
    const t = setInterval(tick, job.everyMs);
    first.unref();
    t.unref();
    return [first, t];
  });
  return {
    async stop() {
      timers.forEach((t) => clearTimeout(t));
      await Promise.all(running);
    },
  };
}
