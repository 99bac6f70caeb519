import type { EditionView, InspectionView, PhotoUploadView, SheetSyncBody, TaskView } from '@cc/domain';
import { ApiError, NETWORK_ERROR, api, get, upload } from '../../api/client';
import { warmFonts } from '../../sw/client';
import { cacheGet, cachePut } from './store';

/**
 * The field pages' calls. Reads fall back to the phone's cache when the network is gone (and say
 * so); writes go through the sync loop only.
 */

export interface Cached<T> {
  value: T;
  /** When the value came from the server; null = just now. */
  cachedAt: string | null;
}

const isOffline = (err: unknown) => err instanceof ApiError && (err.code === NETWORK_ERROR || err.status >= 500);

/**
 * Can the server be reached? navigator.onLine stays true on a network without internet (and after
 * some reloads); a call that gets no answer says otherwise until a call succeeds or the browser
 * reports the network back.
 */
let reachable = true;
const reachListeners = new Set<() => void>();
export function markReachable(ok: boolean): void {
  if (ok === reachable) return;
  reachable = ok;
  reachListeners.forEach((l) => l());
}
export const isReachable = () => reachable;
export function onReachableChange(l: () => void): () => void {
  reachListeners.add(l);
  return () => reachListeners.delete(l);
}
if (typeof window !== 'undefined') window.addEventListener('online', () => markReachable(true));
/** Note what a call says about the network. */
export function noteNetwork(err: unknown | null): void {
  if (err === null) markReachable(true);
  else if (err instanceof ApiError && err.code === NETWORK_ERROR) markReachable(false);
  else if (err instanceof ApiError) markReachable(true);
}

async function withCache<T>(key: string, load: () => Promise<T>): Promise<Cached<T>> {
  try {
    const value = await load();
    noteNetwork(null);
    await cachePut(key, value).catch(() => undefined);
    warmFonts(JSON.stringify(value));
    return { value, cachedAt: null };
  } catch (err) {
    noteNetwork(err);
    if (!isOffline(err)) throw err;
    const hit = await cacheGet<T>(key).catch(() => undefined);
    if (!hit) throw err;
    return { value: hit.value, cachedAt: hit.at };
  }
}

export const fieldKeys = {
  tasks: (userId: string, date: string) => ['field', 'tasks', userId, date] as const,
  edition: (id: number) => ['field', 'edition', id] as const,
  sheet: (key: string) => ['field', 'sheet', key] as const,
  sheets: (userId: string) => ['field', 'sheets', userId] as const,
};

export const fieldApi = {
  tasks: (userId: string, date: string) => withCache(`tasks:${userId}:${date}`, () => get<TaskView[]>('/inspection-tasks', { date })),
  edition: (id: number) => withCache(`edition:${id}`, () => get<EditionView>(`/standard-editions/${id}`)),
  inspection: (id: number) => get<InspectionView>(`/inspections/${id}`),
  /** Save or submit a whole sheet (201 the first time, 200 after). */
  sync: (body: SheetSyncBody) => api<InspectionView>('/inspections/sync', { method: 'PUT', body }),
  uploadPhoto,
};

/** Upload one photo; the photo's own key makes a retry return the first upload. */
function uploadPhoto(blob: Blob, key: string): Promise<PhotoUploadView> {
  return upload<PhotoUploadView>('/inspection-photos', blob, `${key}.jpg`, { 'Idempotency-Key': key });
}
