import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb, migrateToLatest } from '../src/platform/database.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/platform/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dbAdminUrl: string;
    dbTemplate: string;
    dbRunId: string;
  }
}

/**
 * Once per run: a PostgreSQL (embedded in a temp folder, or the server in DATABASE_URL), and a
 * template database migrated once. Each test file clones it (CREATE DATABASE … TEMPLATE).
 */
export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString('hex');
  let embedded: EmbeddedPostgres | null = null;
  let dir: string | null = null;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-test-pg-'));
    await fs.chmod(dir, 0o755);
    embedded = await startEmbeddedPostgres({ dir, database: 'postgres', log: () => undefined, ephemeral: true });
    adminUrl = embedded.adminUrl;
  }
  const template = `cc_tpl_${runId}`;
  await adminQuery(adminUrl, `create database ${template}`);
  const db = createDb(withDatabase(adminUrl, template), 1);
  await migrateToLatest(db);
  await db.destroy();

  project.provide('dbAdminUrl', adminUrl);
  project.provide('dbTemplate', template);
  project.provide('dbRunId', runId);

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like $1`, [`cc\\_%${runId}%`]);
    for (const r of rows) await client.query(`drop database if exists ${client.escapeIdentifier(r.datname)} with (force)`);
    await client.end();
    await embedded?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(adminUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
