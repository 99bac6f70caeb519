import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './platform/config.js';
import { APP_CONNECTION_LIFETIME_S, createDb, maintenanceWarnings, migrateToLatest, type DB } from './platform/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './platform/embedded-postgres.js';
import { sealAuditChain } from './platform/audit.js';
import { startBackgroundJobs } from './platform/jobs.js';
import { bootstrap } from './modules/system/bootstrap.js';
import { isDemoLoaded } from './modules/demo/demo-accounts.js';
import path from 'node:path';

/** Starts the database (embedded unless DATABASE_URL is set), migrates, listens, and shuts down cleanly. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  const logger = process.stdout.isTTY
    ? { level: config.logLevel, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
    : { level: config.logLevel };

  let embedded: EmbeddedPostgres | null = null;
  let db: DB | null = null;
  const say = (m: string) => process.stdout.write(`${m}\n`);
  try {
    let url = config.databaseUrl;
    if (!url) {
      const dir = path.join(config.dataDir, 'postgres');
      say(`Starting the embedded PostgreSQL (data in ${dir}) …`);
      embedded = await startEmbeddedPostgres({
        dir,
        database: 'chuangcheng',
        log: (line) => {
          if (/FATAL|PANIC|ERROR/.test(line)) say(`[postgres] ${line}`);
        },
        notice: say,
        sharedBuffersMb: config.pgSharedBuffersMb,
      });
      url = embedded.url;
    }
    db = createDb(url, config.pgPoolSize, { maxLifetimeSeconds: APP_CONNECTION_LIFETIME_S });
    const applied = await migrateToLatest(db);
    if (applied.length) say(`Applied migrations: ${applied.join(', ')}`);

    const app = await buildApp({ db, config, logger });
    await bootstrap(db, config, app.log);

    if (await isDemoLoaded(db)) {
      app.log.warn('Demo mode: the demo accounts and their password are shown on the login page. Start with DEMO=0 on an empty database for real use.');
    }
    for (const w of await maintenanceWarnings(db)) app.log.warn(w);
    const jobs = startBackgroundJobs({ db, log: app.log, idleMinutes: config.sessionIdleMinutes, moduleJobs: app.backgroundJobs });

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      app.log.info(`${signal} received: shutting down`);
      const force = setTimeout(() => process.exit(1), 30_000);
      force.unref();
      await app.close();
      await jobs.stop();
      await sealAuditChain(db!).catch(() => undefined);
      await db!.destroy();
      await embedded?.stop();
      process.exit(0);
    };
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));

    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new Error(`Port ${config.port} is already in use. Stop the other program or start with PORT=<another port>.`);
      }
      throw err;
    }
    say(`\n  创城 Chuangcheng is running at http://localhost:${config.port}\n  API docs: http://localhost:${config.port}/api/docs\n  Ready in ${(performance.now() / 1000).toFixed(1)} s\n`);
  } catch (err) {
    process.stderr.write(`\nChuangcheng could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await db?.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
