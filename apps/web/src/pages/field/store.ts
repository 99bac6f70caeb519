import type { InspectionView, TaskView } from '@cc/domain';

/**
 * The phone's own copy of field work, in IndexedDB (a tiny wrapper over the raw API):
 * - `sheets`: every score sheet by its client key, with `pending` set while it still has to reach
 *   the server (the outbox: a sheet leaves it only once the server has answered);
 * - `photos`: each photo as a compressed Blob under its own key, with the file id once uploaded;
 * - `cache`: today's tasks and the standard editions they need, so the list and sheets open offline.
 * Data belongs to one user: every record carries the user id, and lists filter on it.
 */

export interface ItemEntry {
  na?: boolean;
  score?: number | null;
  observed?: number | null;
  passed?: number | null;
}

export interface LocalFinding {
  clientKey: string;
  itemNodeId: number;
  criterionNodeId: number | null;
  points: number;
  note: string;
  lat: number | null;
  lng: number | null;
  photoKeys: string[];
}

export interface SheetError {
  code: string;
  message: string;
  /** Messages per item node id (in the user's language, from the server). */
  items: Record<string, string[]>;
  /** Messages per finding client key. */
  findings: Record<string, string[]>;
  /** Messages that name no item. */
  general: string[];
}

export interface LocalSheet {
  clientKey: string;
  userId: string;
  planId: number;
  planName: string;
  planMode: TaskView['plan']['mode'];
  editionId: number;
  target: TaskView['target'];
  window: TaskView['window'];
  inspectedOn: string;
  startedAt: string;
  lat: number | null;
  lng: number | null;
  items: Record<string, ItemEntry>;
  findings: LocalFinding[];
  note: string;
  /** The inspector pressed 提交 (the sheet goes out as submitted). */
  submit: boolean;
  /** In the outbox: changed since the server last accepted it. */
  pending: boolean;
  /** Bumped on every local change; a sync only clears `pending` if nothing changed meanwhile. */
  rev: number;
  updatedAt: string;
  syncedAt: string | null;
  server: { id: number; number: string; state: InspectionView['state']; score: number | null; maxScore: number | null; flags: InspectionView['flags'] } | null;
  error: SheetError | null;
}

export interface LocalPhoto {
  key: string;
  userId: string;
  sheetKey: string;
  blob: Blob | null;
  takenAt: string | null;
  lat: number | null;
  lng: number | null;
  /** Set once the server stored it. */
  fileId: number | null;
  createdAt: string;
}

interface CacheRow<T = unknown> {
  key: string;
  value: T;
  at: string;
}

const DB_NAME = 'cc-field';
const VERSION = 1;
type StoreName = 'sheets' | 'photos' | 'cache';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('sheets')) db.createObjectStore('sheets', { keyPath: 'clientKey' }).createIndex('userId', 'userId');
      if (!db.objectStoreNames.contains('photos')) db.createObjectStore('photos', { keyPath: 'key' }).createIndex('sheetKey', 'sheetKey');
      if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache', { keyPath: 'key' });
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    req.onerror = () => { opening = null; reject(req.error ?? new Error('IndexedDB unavailable')); };
    req.onblocked = () => { /* another tab holds an older version; it closes on versionchange */ };
  });
  return opening;
}

const done = <T>(req: IDBRequest<T>) => new Promise<T>((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
});

/** Run `fn` in one transaction and wait for it to commit (a write is durable only then). */
async function tx<T>(stores: StoreName[], mode: IDBTransactionMode, fn: (t: IDBTransaction) => Promise<T> | T): Promise<T> {
  const db = await open();
  const t = db.transaction(stores, mode);
  const committed = new Promise<void>((resolve, reject) => {
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
    t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
  });
  const out = await fn(t);
  await committed;
  return out;
}

// ---- change notification (pages re-read when the store changes, in this tab and others) ----
type Listener = () => void;
const listeners = new Set<Listener>();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('cc-field') : null;
channel?.addEventListener('message', () => listeners.forEach((l) => l()));
function changed(): void {
  listeners.forEach((l) => l());
  channel?.postMessage('changed');
}
export function onStoreChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

// ---- sheets ----
export const getSheet = (key: string) => tx(['sheets'], 'readonly', (t) => done(t.objectStore('sheets').get(key) as IDBRequest<LocalSheet | undefined>));

export async function listSheets(userId: string): Promise<LocalSheet[]> {
  const rows = await tx(['sheets'], 'readonly', (t) => done(t.objectStore('sheets').index('userId').getAll(userId) as IDBRequest<LocalSheet[]>));
  return rows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export async function putSheet(sheet: LocalSheet): Promise<void> {
  await tx(['sheets'], 'readwrite', (t) => done(t.objectStore('sheets').put(sheet)));
  changed();
}

/**
 * Change a sheet inside one transaction (read, apply, write), so a sync finishing meanwhile and an
 * edit never overwrite each other. Returns the new sheet (or undefined if it is gone).
 */
export async function updateSheet(key: string, fn: (s: LocalSheet) => LocalSheet | null): Promise<LocalSheet | undefined> {
  const out = await tx(['sheets'], 'readwrite', async (t) => {
    const store = t.objectStore('sheets');
    const cur = (await done(store.get(key) as IDBRequest<LocalSheet | undefined>));
    if (!cur) return undefined;
    const next = fn(cur);
    if (!next) return cur;
    await done(store.put(next));
    return next;
  });
  changed();
  return out;
}

/** Remove a sheet and its photos (only ever for sheets the server has, or never-sent empty ones). */
export async function deleteSheet(key: string): Promise<void> {
  await tx(['sheets', 'photos'], 'readwrite', async (t) => {
    t.objectStore('sheets').delete(key);
    const keys = await done(t.objectStore('photos').index('sheetKey').getAllKeys(key));
    for (const k of keys) t.objectStore('photos').delete(k);
  });
  changed();
}

// ---- photos ----
export const getPhoto = (key: string) => tx(['photos'], 'readonly', (t) => done(t.objectStore('photos').get(key) as IDBRequest<LocalPhoto | undefined>));
export const photosOf = (sheetKey: string) => tx(['photos'], 'readonly', (t) => done(t.objectStore('photos').index('sheetKey').getAll(sheetKey) as IDBRequest<LocalPhoto[]>));

export async function putPhoto(p: LocalPhoto): Promise<void> {
  await tx(['photos'], 'readwrite', (t) => done(t.objectStore('photos').put(p)));
  changed();
}

export async function deletePhoto(key: string): Promise<void> {
  await tx(['photos'], 'readwrite', (t) => done(t.objectStore('photos').delete(key)));
  changed();
}

// ---- cache ----
export async function cacheGet<T>(key: string): Promise<{ value: T; at: string } | undefined> {
  const row = await tx(['cache'], 'readonly', (t) => done(t.objectStore('cache').get(key) as IDBRequest<CacheRow<T> | undefined>));
  return row ? { value: row.value, at: row.at } : undefined;
}

export async function cachePut<T>(key: string, value: T): Promise<void> {
  await tx(['cache'], 'readwrite', (t) => done(t.objectStore('cache').put({ key, value, at: new Date().toISOString() } satisfies CacheRow<T>)));
}

/** Empty the cache (logout): the next user of the phone must not read it. Sheets and photos stay. */
export async function clearCache(): Promise<void> {
  await tx(['cache'], 'readwrite', (t) => done(t.objectStore('cache').clear()));
}

/** A client key: a UUID (crypto.randomUUID needs a secure context; the fallback does not). */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}
