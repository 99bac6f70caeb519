import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/harness.js';
import type { DB } from './database.js';
import { defaultSharedBuffersMb, socketFolder } from './embedded-postgres.js';

describe("the embedded engine's memory", () => {
  it('takes a quarter of the machine for shared_buffers, from 128 MB to 2 GB', () => {
    const GB = 2 ** 30;
    expect(defaultSharedBuffersMb(0.25 * GB)).toBe(128);
    expect(defaultSharedBuffersMb(4 * GB)).toBe(1024);
    expect(defaultSharedBuffersMb(24 * GB)).toBe(2048);
  });
});

describe("the embedded engine's Unix socket", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'cc-sock-'));
  });
  afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

  it('opens in the cluster’s own folder, readable by its owner only', async () => {
    const folder = await socketFolder(tmp, 54321, null);
    expect(folder).toBe(path.join(tmp, 'run'));
    expect((await fs.stat(folder!)).mode & 0o777).toBe(0o700);
  });

  it('is not opened where the socket path would not fit the kernel’s 107 bytes, or the setting could not spell the folder', async () => {
    const deep = path.join(tmp, 'x'.repeat(100));
    expect(await socketFolder(deep, 54321, null)).toBeNull();
    await expect(fs.stat(path.join(deep, 'run'))).rejects.toThrow();
    expect(await socketFolder(path.join(tmp, 'with space'), 54321, null)).toBeNull();
    expect(await socketFolder(path.join(tmp, 'a,b'), 54321, null)).toBeNull();
  });

  describe('the database the tests run on', () => {
    let db: DB;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      ({ db, drop } = await createTestDb());
    });
    afterAll(() => drop());

    it('is reached through a socket when it is the embedded engine (or DATABASE_URL names a socket folder), over TCP otherwise', async () => {
      const server = process.env.DATABASE_URL;
      const viaSocket = !server || /[?&]host=(\/|%2F)/i.test(server);
      const r = await sql<{ addr: string | null; socket: string }>`select inet_client_addr() as addr, current_setting('unix_socket_directories') as socket`.execute(db);
      expect(r.rows[0]!.addr === null).toBe(viaSocket);
      if (!server) expect(r.rows[0]!.socket).toMatch(/\/run$/);
    });
  });
});
