import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { migrations } from '../db/migrations/index.js';
import { VERSION } from '../modules/system/system.routes.js';
import { sealAuditChain, verifyAuditChain } from './audit.js';
import { createDb } from './database.js';
import type { FileStore } from './files.js';
import { readTar, tarWriter } from './tar.js';

/**
 * Backup and restore (docs/adr/0008-scaling-out.md, "Backups"): a logical dump written by the app
 * itself, the same on the embedded PostgreSQL 18 and on a server from 15, so no pg_dump of the
 * right major version is needed (the embedded package ships none).
 *
 * The archive is a .tar.gz:
 *   backup.json                       format, app version, migrations, tables and their columns
 *   tables/<table>/<00001>.jsonl      rows in primary-key order, one JSON array of column texts per line
 *   files/<city>/<sha256>             every stored file a stored_file row names
 *   manifest.json                     row counts and sha-256 per table, sequences, files (written last)
 *
 * A row is the text form of each column (what COPY would write; null for SQL NULL), so every type
 * round-trips exactly: timestamps keep their microseconds (the audit hash depends on them), jsonb
 * `null` stays apart from SQL NULL, numerics keep their digits. The checksum of a table is the
 * sha-256 of its lines; restore recomputes it from the restored rows.
 */

export const BACKUP_FORMAT = 'chuangcheng-backup';
export const BACKUP_FORMAT_VERSION = 1;
const CHUNK_BYTES = 4 * 1024 * 1024;
const FETCH_ROWS = 2000;
const INSERT_BYTES = 4 * 1024 * 1024;

/** The session settings that make the text form of values the same on every server. */
const SESSION_SETTINGS = `set timezone to 'UTC'; set datestyle to 'ISO, YMD'; set intervalstyle to 'postgres';
  set extra_float_digits to 1; set bytea_output to 'hex'`;

export interface TableInfo {
  name: string;
  columns: { name: string; type: string; identityAlways: boolean }[];
  /** Primary key columns, the dump's order; empty = whole row order. */
  key: string[];
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  server: string;
  migrations: string[];
  tables: TableInfo[];
}

export interface BackupManifest extends BackupHeader {
  counts: Record<string, { rows: number; sha256: string; chunks: number }>;
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
  files: { tenantId: number; sha256: string; size: number }[];
  /** Files a stored_file row names that the store could not give (missing or damaged on disk). */
  missingFiles: { tenantId: number; sha256: string; reason: string }[];
}

export interface BackupResult {
  file: string;
  bytes: number;
  rows: number;
  tables: number;
  files: number;
  fileBytes: number;
  missingFiles: BackupManifest['missingFiles'];
  ms: number;
}

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Every table of the app's schema (from the catalog, so new migrations are included), parents before children. */
export async function listTables(client: pg.ClientBase): Promise<TableInfo[]> {
  const { rows: rels } = await client.query<{ oid: number; name: string }>(`
    select c.oid::int as oid, c.relname as name from pg_class c
     where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
       and c.relname not like 'kysely\\_migration%'
     order by c.relname`);
  const { rows: cols } = await client.query<{ rel: number; name: string; type: string; identity: string }>(`
    select a.attrelid::int as rel, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attidentity as identity
      from pg_attribute a join pg_class c on c.oid = a.attrelid
     where c.relnamespace = current_schema()::regnamespace and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     order by a.attrelid, a.attnum`);
  const { rows: keys } = await client.query<{ rel: number; cols: string[] }>(`
    select i.indrelid::int as rel, array(select a.attname from unnest(i.indkey) with ordinality k(n, o)
           join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n order by k.o)::text[] as cols
      from pg_index i join pg_class c on c.oid = i.indrelid
     where i.indisprimary and c.relnamespace = current_schema()::regnamespace`);
  const { rows: fks } = await client.query<{ child: number; parent: number }>(`
    select conrelid::int as child, confrelid::int as parent from pg_constraint
     where contype = 'f' and connamespace = current_schema()::regnamespace and conrelid <> confrelid`);

  const byOid = new Map(rels.map((r) => [r.oid, r]));
  const info = new Map<number, TableInfo>(rels.map((r) => [r.oid, {
    name: r.name,
    columns: cols.filter((c) => c.rel === r.oid).map((c) => ({ name: c.name, type: c.type, identityAlways: c.identity === 'a' })),
    key: keys.find((k) => k.rel === r.oid)?.cols ?? [],
  }]));
  // Kahn's algorithm, ties by name: a table comes after every table it references, so the archive
  // reads parents first. Cycles (unit ↔ person) are broken by name; restore drops the foreign keys
  // while loading, so the order is for readers, not for correctness.
  const parents = new Map<number, Set<number>>(rels.map((r) => [r.oid, new Set()]));
  for (const f of fks) if (byOid.has(f.child) && byOid.has(f.parent)) parents.get(f.child)!.add(f.parent);
  const order: TableInfo[] = [];
  const left = new Set(rels.map((r) => r.oid));
  while (left.size) {
    const ready = [...left].filter((o) => [...parents.get(o)!].every((p) => !left.has(p)));
    const next = ready.length ? ready : [...left];
    next.sort((a, b) => byOid.get(a)!.name.localeCompare(byOid.get(b)!.name));
    const pick = ready.length ? next : [next[0]!];
    for (const o of pick) {
      order.push(info.get(o)!);
      left.delete(o);
    }
  }
  return order;
}

function selectRows(t: TableInfo): string {
  // The server writes the JSON line (faster than parsing a text[] in JS, and the same bytes on 15 and 18).
  const arr = `to_json(array[${t.columns.map((c) => `${qi(c.name)}::text`).join(', ')}]::text[])::text`;
  const order = t.key.length ? t.key.map(qi).join(', ') : `${qi(t.name)}::text`;
  return `select ${arr} as r from ${qi(t.name)} order by ${order}`;
}

/**
 * Read a table's rows in key order through a cursor (the caller holds a transaction): one line of
 * JSON per row, handed out in chunks of about 4 MB, and the count and sha-256 of all lines.
 */
async function streamTable(client: pg.ClientBase, t: TableInfo, onChunk: (lines: string) => Promise<void>): Promise<{ rows: number; sha256: string; chunks: number }> {
  const cursor = `cc_dump_${t.name}`.slice(0, 60);
  await client.query(`declare ${qi(cursor)} no scroll cursor for ${selectRows(t)}`);
  const hash = createHash('sha256');
  let rows = 0;
  let chunks = 0;
  let buf: string[] = [];
  let bufBytes = 0;
  const flush = async () => {
    if (!buf.length) return;
    chunks++;
    await onChunk(buf.join(''));
    buf = [];
    bufBytes = 0;
  };
  for (;;) {
    const { rows: batch } = await client.query<{ r: string }>(`fetch forward ${FETCH_ROWS} from ${qi(cursor)}`);
    for (const { r } of batch) {
      const line = `${r}\n`;
      hash.update(line);
      buf.push(line);
      bufBytes += line.length;
      rows++;
      if (bufBytes >= CHUNK_BYTES) await flush();
    }
    if (batch.length < FETCH_ROWS) break;
  }
  await flush();
  await client.query(`close ${qi(cursor)}`);
  return { rows, sha256: hash.digest('hex'), chunks };
}

async function readSequences(client: pg.ClientBase): Promise<BackupManifest['sequences']> {
  const { rows } = await client.query<{ name: string }>(`
    select c.relname as name from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind = 'S' order by 1`);
  const out: BackupManifest['sequences'] = [];
  for (const { name } of rows) {
    const r = await client.query<{ last_value: string; is_called: boolean }>(`select last_value::text, is_called from ${qi(name)}`);
    out.push({ name, lastValue: r.rows[0]!.last_value, isCalled: r.rows[0]!.is_called });
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const exists = await client.query(`select 1 from pg_class where relname = 'kysely_migration' and relnamespace = current_schema()::regnamespace`);
  if (!exists.rowCount) return [];
  const { rows } = await client.query<{ name: string }>(`select name from kysely_migration order by name`);
  return rows.map((r) => r.name);
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(SESSION_SETTINGS);
  return client;
}

/**
 * Write a backup of the database at `url` and the files its stored_file rows name to `outFile`.
 * Pending audit rows are sealed first; then everything is read in one repeatable-read snapshot,
 * so a backup taken while the app runs is consistent. The archive is written beside `outFile`
 * and renamed into place when complete.
 */
export async function createBackup(opts: { url: string; files: FileStore; outFile: string; log?: (m: string) => void }): Promise<BackupResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const kdb = createDb(opts.url, 1);
  try {
    const { rows } = await sql<{ t: string | null }>`select to_regclass('audit_log')::text as t`.execute(kdb);
    if (rows[0]?.t) await sealAuditChain(kdb);
  } finally {
    await kdb.destroy();
  }
  const client = await connect(opts.url);
  await fs.mkdir(path.dirname(opts.outFile), { recursive: true });
  const tmp = `${opts.outFile}.partial`;
  const gzip = createGzip({ level: 6 });
  const written = pipeline(gzip, createWriteStream(tmp));
  const tar = tarWriter(gzip);
  try {
    await client.query('begin isolation level repeatable read read only');
    const tables = await listTables(client);
    const migrationsApplied = await appliedMigrations(client);
    const server = (await client.query<{ v: string }>('select version() as v')).rows[0]!.v;
    const header: BackupHeader = {
      format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, appVersion: VERSION, createdAt: new Date().toISOString(),
      server, migrations: migrationsApplied, tables,
    };
    await tar.add('backup.json', Buffer.from(JSON.stringify(header, null, 2)));
    const counts: BackupManifest['counts'] = {};
    let rows = 0;
    for (const t of tables) {
      let n = 0;
      counts[t.name] = await streamTable(client, t, (lines) => tar.add(`tables/${t.name}/${String(++n).padStart(5, '0')}.jsonl`, Buffer.from(lines)));
      rows += counts[t.name]!.rows;
    }
    const sequences = await readSequences(client);
    const hasFiles = tables.some((t) => t.name === 'stored_file');
    const wanted = hasFiles
      ? (await client.query<{ tenant_id: number; sha256: string }>('select distinct tenant_id::int, sha256 from stored_file order by 1, 2')).rows
      : [];
    await client.query('commit');
    log(`${tables.length} tables, ${rows} rows; ${wanted.length} files …`);

    const files: BackupManifest['files'] = [];
    const missingFiles: BackupManifest['missingFiles'] = [];
    let fileBytes = 0;
    for (const f of wanted) {
      let data: Buffer;
      try {
        data = await readAll(opts.files.open(f.tenant_id, f.sha256));
      } catch (err) {
        missingFiles.push({ tenantId: f.tenant_id, sha256: f.sha256, reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : String(err) });
        continue;
      }
      if (createHash('sha256').update(data).digest('hex') !== f.sha256) {
        missingFiles.push({ tenantId: f.tenant_id, sha256: f.sha256, reason: 'content does not match its sha-256 (damaged)' });
        continue;
      }
      await tar.add(`files/${f.tenant_id}/${f.sha256}`, data);
      files.push({ tenantId: f.tenant_id, sha256: f.sha256, size: data.length });
      fileBytes += data.length;
    }
    const manifest: BackupManifest = { ...header, counts, sequences, files, missingFiles };
    await tar.add('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
    await tar.finish();
    gzip.end();
    await written;
    await fs.rename(tmp, opts.outFile);
    const { size } = await fs.stat(opts.outFile);
    return { file: opts.outFile, bytes: size, rows, tables: tables.length, files: files.length, fileBytes, missingFiles, ms: Date.now() - started };
  } catch (err) {
    gzip.destroy();
    await written.catch(() => undefined);
    await fs.rm(tmp, { force: true });
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------ restore

export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

export interface RestoreResult {
  rows: number;
  tables: number;
  files: number;
  /** Whether user triggers were off while loading (needs a superuser); foreign keys are checked after the load either way. */
  mode: 'replica' | 'triggers-on';
  migratedAfter: string[];
  audit: { tenantId: number; checked: number; pending: number }[];
  ms: number;
}

/** Whether the database holds any rows (or a schema newer than `upTo`); null = usable. */
async function whyNotEmpty(client: pg.ClientBase, known: string[]): Promise<string | null> {
  const applied = await appliedMigrations(client);
  const beyond = applied.filter((m) => !known.includes(m));
  if (beyond.length) return `it has migrations the backup does not (${beyond.join(', ')})`;
  for (const t of await listTables(client)) {
    const r = await client.query(`select 1 from ${qi(t.name)} limit 1`);
    if (r.rowCount) return `table ${t.name} has rows`;
  }
  return null;
}

/**
 * Restore a backup into an empty database: migrate to the backup's level, load every table in
 * one transaction, set the sequences, put the files back, verify row counts and checksums, every
 * file by its sha-256 and every city's audit chain, then run any newer migrations of this version.
 * `force` first drops everything in the target's schema.
 */
export async function restoreBackup(opts: { url: string; files: FileStore; inFile: string; force?: boolean; log?: (m: string) => void }): Promise<RestoreResult> {
  const started = Date.now();
  const log0 = opts.log ?? (() => undefined);
  const log = (m: string) => log0(`${m} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const known = Object.keys(migrations);
  const client = await connect(opts.url);
  const kdb = createDb(opts.url, 2);
  const entries = readTar(createReadStream(opts.inFile).pipe(createGunzip()));
  let inTx = false;
  try {
    // ---- the header: can this version restore it, into this database?
    const first = await entries.next();
    if (first.done || first.value.name !== 'backup.json') throw new RestoreRefused(`${opts.inFile} is not a Chuangcheng backup (no backup.json at its start)`);
    const header = JSON.parse(first.value.data.toString('utf8')) as BackupHeader;
    if (header.format !== BACKUP_FORMAT || header.formatVersion > BACKUP_FORMAT_VERSION) {
      throw new RestoreRefused(`unsupported backup format ${header.format} v${header.formatVersion}`);
    }
    const unknown = header.migrations.filter((m) => !known.includes(m));
    if (unknown.length) {
      throw new RestoreRefused(`the backup was made by a newer version of Chuangcheng (${header.appVersion}; migrations ${unknown.join(', ')} unknown here): upgrade first`);
    }
    const notEmpty = await whyNotEmpty(client, header.migrations);
    if (notEmpty && !opts.force) {
      throw new RestoreRefused(`the target database is not empty: ${notEmpty}. Restore into an empty database, or pass --force to drop everything in it first.`);
    }
    if (notEmpty) {
      log(`--force: dropping everything in the target database (${notEmpty})`);
      const { rows } = await client.query<{ s: string }>('select current_schema() as s');
      await client.query(`drop schema ${qi(rows[0]!.s)} cascade; create schema ${qi(rows[0]!.s)}`);
    }

    // ---- schema at the backup's level
    const target = header.migrations[header.migrations.length - 1];
    if (target) {
      const migrator = new Migrator({ db: kdb, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo(target);
      if (error) throw new Error(`migrating the target to ${target} failed: ${(error as Error).message ?? String(error)}`);
    }
    const tables = new Map((await listTables(client)).map((t) => [t.name, t]));
    for (const t of header.tables) {
      const here = tables.get(t.name);
      const cols = (x: TableInfo) => x.columns.map((c) => `${c.name} ${c.type}`).join(', ');
      if (!here) throw new Error(`table ${t.name} of the backup does not exist after migrating to ${target}`);
      if (cols(here) !== cols(t)) throw new Error(`table ${t.name} differs from the backup's: (${cols(here)}) here, (${cols(t)}) in the backup`);
    }

    // ---- rows, in one transaction. Foreign keys are dropped for the load and added back after it,
    // which checks every row (the tables reference each other in cycles: unit ↔ person, …). User
    // triggers are switched off when the role may (a superuser); the audit trail's guard only
    // refuses updates and deletes, so loading it works either way.
    await client.query('begin');
    inTx = true;
    let mode: RestoreResult['mode'] = 'replica';
    await client.query('savepoint mode');
    try {
      await client.query(`set local session_replication_role = replica`);
    } catch {
      await client.query('rollback to savepoint mode');
      mode = 'triggers-on';
      const { rows: tg } = await client.query<{ t: string }>(`
        select distinct c.relname as t from pg_trigger g join pg_class c on c.oid = g.tgrelid
         where not g.tgisinternal and (g.tgtype & 4) <> 0 and c.relnamespace = current_schema()::regnamespace`);
      if (tg.length) throw new RestoreRefused(`tables ${tg.map((x) => x.t).join(', ')} have insert triggers, which must be off while loading: restore as a superuser`);
      log('Not a superuser: loading with triggers on (no table has an insert trigger).');
    }
    const { rows: fks } = await client.query<{ tbl: string; name: string; def: string }>(`
      select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
       where contype = 'f' and connamespace = current_schema()::regnamespace order by conrelid::regclass::text, conname`);
    for (const fk of fks) await client.query(`alter table ${fk.tbl} drop constraint ${qi(fk.name)}`);
    // Rows some migration may have seeded are replaced by the backup's.
    for (const t of header.tables) {
      const r = await client.query(`select 1 from ${qi(t.name)} limit 1`);
      if (r.rowCount) await client.query(`delete from ${qi(t.name)}`);
    }
    const hashes = new Map<string, { rows: number; hash: ReturnType<typeof createHash> }>();
    let manifest: BackupManifest | null = null;
    let fileCount = 0;
    for await (const e of entries) {
      const m = /^tables\/([^/]+)\/\d+\.jsonl$/.exec(e.name);
      if (m) {
        const t = header.tables.find((x) => x.name === m[1]);
        if (!t) throw new Error(`archive entry ${e.name}: table not in backup.json`);
        const h = hashes.get(t.name) ?? { rows: 0, hash: createHash('sha256') };
        hashes.set(t.name, h);
        h.hash.update(e.data);
        h.rows += await insertLines(client, t, e.data.toString('utf8'));
        continue;
      }
      const f = /^files\/(\d+)\/([0-9a-f]{64})$/.exec(e.name);
      if (f) {
        const sha = await opts.files.put(Number(f[1]), e.data);
        if (sha !== f[2]) throw new Error(`archive entry ${e.name}: content does not match its sha-256 (damaged archive)`);
        fileCount++;
        continue;
      }
      if (e.name === 'manifest.json') {
        manifest = JSON.parse(e.data.toString('utf8')) as BackupManifest;
        continue;
      }
      throw new Error(`unexpected archive entry ${e.name}`);
    }
    if (!manifest) throw new Error('the archive has no manifest.json (truncated backup?)');
    log('rows loaded; adding the foreign keys back and checking every table');

    // ---- foreign keys back (each checks every row), sequences, then every table against the manifest
    for (const fk of fks) {
      try {
        await client.query(`alter table ${fk.tbl} add constraint ${qi(fk.name)} ${fk.def}`);
      } catch (err) {
        throw new Error(`the restored rows break the foreign key ${fk.name} on ${fk.tbl}: ${(err as Error).message}`);
      }
    }
    for (const s of manifest.sequences) {
      await client.query(`select setval($1::regclass, $2::bigint, $3)`, [qi(s.name), s.lastValue, s.isCalled]);
    }
    let rows = 0;
    for (const t of header.tables) {
      const want = manifest.counts[t.name]!;
      const got = hashes.get(t.name);
      const loaded = { rows: got?.rows ?? 0, sha256: (got?.hash ?? createHash('sha256')).digest('hex') };
      if (loaded.rows !== want.rows || loaded.sha256 !== want.sha256) {
        throw new Error(`table ${t.name}: the archive holds ${loaded.rows} rows (sha-256 ${loaded.sha256.slice(0, 12)}…), the manifest says ${want.rows} (${want.sha256.slice(0, 12)}…): damaged archive`);
      }
      const back = await streamTable(client, t, async () => undefined);
      if (back.rows !== want.rows || back.sha256 !== want.sha256) {
        throw new Error(`table ${t.name}: ${back.rows} rows restored with sha-256 ${back.sha256.slice(0, 12)}…, the backup had ${want.rows} with ${want.sha256.slice(0, 12)}…`);
      }
      rows += back.rows;
    }
    for (const s of await readSequences(client)) {
      const want = manifest.sequences.find((x) => x.name === s.name);
      if (want && (want.lastValue !== s.lastValue || want.isCalled !== s.isCalled)) throw new Error(`sequence ${s.name} is at ${s.lastValue}, the backup had ${want.lastValue}`);
    }
    // ---- files (written to the store while reading the archive): every one the manifest lists, read back and hashed
    if (fileCount !== manifest.files.length) throw new Error(`the archive holds ${fileCount} files, the manifest lists ${manifest.files.length}`);
    for (const f of manifest.files) {
      let data: Buffer;
      try {
        data = await readAll(opts.files.open(f.tenantId, f.sha256));
      } catch (err) {
        throw new Error(`file ${f.tenantId}/${f.sha256} is not in the file store after restoring it: ${String(err)}`);
      }
      if (createHash('sha256').update(data).digest('hex') !== f.sha256) throw new Error(`file ${f.tenantId}/${f.sha256} in the file store does not match its sha-256`);
    }
    for (const f of manifest.missingFiles) log(`warning: file ${f.tenantId}/${f.sha256} was already ${f.reason} when the backup was made`);
    log(`${manifest.files.length} files restored and checked by sha-256`);

    await client.query('commit');
    inTx = false;
    log(`${header.tables.length} tables, ${rows} rows restored and checked; ${fks.length} foreign keys checked`);

    // ---- audit chain of every city
    log('checking the audit chains');
    const audit: RestoreResult['audit'] = [];
    const tenants = header.tables.some((t) => t.name === 'tenant') ? await kdb.selectFrom('tenant').select('id').orderBy('id').execute() : [];
    for (const { id } of tenants) {
      const v = await verifyAuditChain(kdb, id);
      // The rows equal the backup's (checked above), so a break was already in the backed-up database.
      if (!v.ok) throw new Error(`the rows and files are restored and match the backup, but the audit chain of city ${id} does not verify: row ${v.firstBroken!.id} (sequence ${v.firstBroken!.chainSeq}): ${v.firstBroken!.reason}. The break was already in the database the backup was taken from.`);
      audit.push({ tenantId: id, checked: v.checked, pending: v.pending });
    }

    // ---- a backup from an older version: bring it up to this one
    const migrator = new Migrator({ db: kdb, provider: { getMigrations: async () => migrations } });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw new Error(`restored, but migrating to this version failed: ${(error as Error).message ?? String(error)}`);
    const migratedAfter = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    return { rows, tables: header.tables.length, files: manifest.files.length, mode, migratedAfter, audit, ms: Date.now() - started };
  } catch (err) {
    if (inTx) await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await entries.return(undefined).catch(() => undefined);
    await client.end();
    await kdb.destroy();
  }
}

/** Insert JSON-array lines into a table, a few MB per statement; each column is cast from its text form. */
async function insertLines(client: pg.ClientBase, t: TableInfo, text: string): Promise<number> {
  const cols = t.columns.map((c) => qi(c.name)).join(', ');
  const casts = t.columns.map((c, i) => `(r->>${i})::${c.type}`).join(', ');
  const overriding = t.columns.some((c) => c.identityAlways) ? ' overriding system value' : '';
  const sqlText = `insert into ${qi(t.name)} (${cols})${overriding} select ${casts} from json_array_elements($1::json) r`;
  const lines = text.split('\n').filter(Boolean);
  let n = 0;
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (!batch.length) return;
    await client.query(sqlText, [`[${batch.join(',')}]`]);
    n += batch.length;
    batch = [];
    bytes = 0;
  };
  for (const line of lines) {
    batch.push(line);
    bytes += line.length;
    if (bytes >= INSERT_BYTES) await flush();
  }
  await flush();
  return n;
}
