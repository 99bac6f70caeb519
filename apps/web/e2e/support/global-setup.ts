import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { buildApp } from '../../../server/src/app.js';
import { loadConfig, repoRoot } from '../../../server/src/platform/config.js';
import { createDb, migrateToLatest } from '../../../server/src/platform/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../server/src/platform/embedded-postgres.js';
import { loadDemoCity } from '../../../server/src/modules/demo/load-demo-city.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}

/**
 * Browser journeys run against the real server: built web app, a fresh database with the demo
 * county, listening on a free loopback port. Embedded PostgreSQL by default, DATABASE_URL if set.
 */
export default async function setup(project: TestProject) {
  const webDist = path.join(repoRoot, 'apps/web/dist');
  await fs.access(path.join(webDist, 'index.html')).catch(() => {
    throw new Error('apps/web/dist is missing: run `npm test` (it builds the web app) or `npm run build` first');
  });
  let embedded: EmbeddedPostgres | null = null;
  let dir: string | null = null;
  let url: string;
  let dropDb: (() => Promise<void>) | null = null;
  if (process.env.DATABASE_URL) {
    const name = `cc_e2e_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDb = async () => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  } else {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-e2e-pg-'));
    await fs.chmod(dir, 0o755);
    embedded = await startEmbeddedPostgres({ dir, database: 'chuangcheng', log: () => undefined, ephemeral: true });
    url = embedded.url;
  }
  const db = createDb(url, 10);
  await migrateToLatest(db);
  await loadDemoCity(db);
  const app = await buildApp({ db, config: { ...loadConfig({}), webDist } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  project.provide('baseURL', `http://127.0.0.1:${port}`);

  return async () => {
    await app.close();
    await db.destroy();
    await dropDb?.();
    await embedded?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  };
}
