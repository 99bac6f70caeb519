import { useEffect, useState, useSyncExternalStore } from 'react';
import type { InspectionView, SheetSyncBody, TaskView } from '@cc/domain';
import { ApiError, NETWORK_ERROR } from '../../api/client';
import { fieldApi, isReachable, noteNetwork, onReachableChange } from './api';
import {
  listSheets, newKey, photosOf, putPhoto, putSheet, updateSheet,
  type LocalPhoto, type LocalSheet, type SheetError,
} from './store';

/**
 * The sync loop: every sheet in the outbox (`pending`) goes out in turn — first its photos that
 * have no file id yet (Idempotency-Key = the photo's key, so a lost answer costs no second file),
 * then the whole sheet (PUT, keyed by the sheet's client key). A sheet leaves the outbox only
 * when the server has answered. No network, a server error or an expired session stop the loop
 * and keep everything; a refusal (4xx) stays on the sheet as its error until the inspector fixes it.
 */

export interface SyncStatus {
  running: boolean;
  lastRun: string | null;
  /** The last run stopped because the network (or the server) was not there. */
  stalled: boolean;
  sent: number;
  refused: number;
}

let status: SyncStatus = { running: false, lastRun: null, stalled: false, sent: 0, refused: 0 };
const statusListeners = new Set<() => void>();
const setStatus = (s: Partial<SyncStatus>) => {
  status = { ...status, ...s };
  statusListeners.forEach((l) => l());
};
export function useSyncStatus(): SyncStatus {
  return useSyncExternalStore((l) => { statusListeners.add(l); return () => statusListeners.delete(l); }, () => status);
}

let running: Promise<void> | null = null;

/** Run the loop now (one at a time: a call during a run waits for it, then runs again). */
export function syncNow(userId: string): Promise<void> {
  const next = (running ?? Promise.resolve()).catch(() => undefined).then(() => run(userId));
  running = next;
  void next.catch(() => undefined).finally(() => { if (running === next) running = null; });
  return next;
}

/** Stops the loop: no point trying the next sheet. */
const stops = (err: unknown) => !(err instanceof ApiError) || err.code === NETWORK_ERROR || err.status >= 500 || err.status === 401 || err.code === 'CSRF_INVALID' || err.code === 'PASSWORD_CHANGE_REQUIRED';

async function run(userId: string): Promise<void> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) {
    setStatus({ stalled: true, lastRun: new Date().toISOString() });
    return;
  }
  setStatus({ running: true });
  let sent = 0;
  let refused = 0;
  let stalled = false;
  try {
    const outbox = (await listSheets(userId)).filter((s) => s.pending).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    for (const s of outbox) {
      const result = await sendOne(s);
      if (result === 'sent') sent += 1;
      else if (result === 'refused') refused += 1;
      else { stalled = true; break; }
    }
  } finally {
    setStatus({ running: false, lastRun: new Date().toISOString(), stalled, sent, refused });
  }
}

async function sendOne(s: LocalSheet): Promise<'sent' | 'refused' | 'stalled'> {
  const photos = new Map((await photosOf(s.clientKey)).map((p) => [p.key, p]));
  // 1. Photos, each once.
  for (const f of s.findings) {
    for (const key of f.photoKeys) {
      const p = photos.get(key);
      if (!p || p.fileId !== null) continue;
      if (!p.blob) continue;
      try {
        const up = await fieldApi.uploadPhoto(p.blob, p.key);
        noteNetwork(null);
        const saved: LocalPhoto = { ...p, fileId: up.id };
        await putPhoto(saved);
        photos.set(key, saved);
      } catch (err) {
        noteNetwork(err);
        if (stops(err)) return 'stalled';
        await refuse(s, err, null, f.clientKey);
        return 'refused';
      }
    }
  }
  // 2. The sheet.
  const body = sheetBody(s, photos);
  try {
    const view = await fieldApi.sync(body);
    noteNetwork(null);
    await updateSheet(s.clientKey, (cur) => ({
      ...cur,
      pending: cur.rev !== s.rev,
      error: null,
      syncedAt: new Date().toISOString(),
      server: serverOf(view),
    }));
    return 'sent';
  } catch (err) {
    noteNetwork(err);
    if (stops(err)) return 'stalled';
    await refuse(s, err, body, null);
    return 'refused';
  }
}

const serverOf = (v: InspectionView): LocalSheet['server'] => ({ id: v.id, number: v.number, state: v.state, score: v.score, maxScore: v.maxScore, flags: v.flags });

/** The refusal stays on the sheet (nothing is dropped); a refused submission goes back to draft. */
async function refuse(s: LocalSheet, err: unknown, body: SheetSyncBody | null, findingKey: string | null) {
  const error = toSheetError(err, body, findingKey);
  await updateSheet(s.clientKey, (cur) => ({
    ...cur,
    // Still the content that was refused: out of the outbox until the inspector changes it.
    pending: cur.rev !== s.rev,
    submit: error.code === 'INSPECTION_ALREADY_SUBMITTED' ? cur.submit : cur.rev === s.rev ? false : cur.submit,
    error,
  }));
}

export function toSheetError(err: unknown, body: SheetSyncBody | null, findingKey: string | null): SheetError {
  const out: SheetError = { code: 'UNKNOWN', message: '', items: {}, findings: {}, general: [] };
  const add = (rec: Record<string, string[]>, k: string, m: string) => { rec[k] = [...(rec[k] ?? []), m]; };
  if (!(err instanceof ApiError)) {
    out.message = err instanceof Error ? err.message : String(err);
    return out;
  }
  out.code = err.code;
  out.message = err.message;
  if (findingKey) add(out.findings, findingKey, err.message);
  for (const p of err.fieldProblems) {
    const [list, idx] = p.field.split('/');
    const i = Number(idx);
    const msg = p.message || err.message;
    if (list === 'items' && body) {
      const e = Number.isInteger(i) && String(i) === idx ? body.items[i] : undefined;
      if (e) add(out.items, `id:${e.nodeId}`, msg);
      else add(out.items, `code:${idx}`, msg);
    } else if (list === 'findings' && body && Number.isInteger(i) && body.findings[i]) {
      add(out.findings, body.findings[i]!.clientKey, msg);
      add(out.items, `id:${body.findings[i]!.itemNodeId}`, msg);
    } else {
      out.general.push(msg);
    }
  }
  if (!err.fieldProblems.length && !findingKey) out.general.push(err.message);
  return out;
}

/** The PUT body: deterministic for the same content (a retry must be byte-for-byte the same sheet). */
export function sheetBody(s: LocalSheet, photos: Map<string, LocalPhoto>): SheetSyncBody {
  const items = Object.entries(s.items)
    .filter(([, e]) => e.na || e.score != null || e.observed != null || e.passed != null)
    .map(([nodeId, e]) => ({
      nodeId: Number(nodeId),
      na: e.na ?? false,
      score: e.na ? null : e.score ?? null,
      observed: e.na ? null : e.observed ?? null,
      passed: e.na ? null : e.passed ?? null,
    }))
    .sort((a, b) => a.nodeId - b.nodeId);
  return {
    clientKey: s.clientKey,
    planId: s.planId,
    target: { kind: s.target.kind, id: s.target.id },
    inspectedOn: s.inspectedOn,
    startedAt: s.startedAt,
    lat: s.lat,
    lng: s.lng,
    items,
    findings: s.findings.map((f) => ({
      clientKey: f.clientKey,
      itemNodeId: f.itemNodeId,
      criterionNodeId: f.criterionNodeId,
      points: f.points,
      note: f.note.trim() || '—',
      lat: f.lat,
      lng: f.lng,
      photos: f.photoKeys.flatMap((k) => {
        const p = photos.get(k);
        if (!p || p.fileId === null) return [];
        return [{ fileId: p.fileId, ...(p.takenAt ? { takenAt: p.takenAt } : {}), ...(p.lat !== null && p.lng !== null ? { lat: p.lat, lng: p.lng } : {}) }];
      }),
    })),
    note: s.note.trim() || null,
    submit: s.submit,
  };
}

/** A new local sheet for a task. */
export function newSheet(userId: string, task: TaskView, inspectedOn: string): LocalSheet {
  const now = new Date().toISOString();
  return {
    clientKey: newKey(), userId, planId: task.plan.id, planName: task.plan.name, planMode: task.plan.mode, editionId: task.plan.editionId,
    target: task.target, window: task.window, inspectedOn, startedAt: now, lat: null, lng: null, items: {}, findings: [], note: '',
    submit: false, pending: false, rev: 0, updatedAt: now, syncedAt: null, server: null, error: null,
  };
}

/**
 * A draft the server has and the phone does not (made on another phone, or a sheet the office
 * sent back): copied to the phone with its photos as already uploaded files.
 */
export async function adoptServerSheet(userId: string, task: TaskView, id: number): Promise<LocalSheet> {
  const v = await fieldApi.inspection(id);
  const now = new Date().toISOString();
  const photos: LocalPhoto[] = [];
  const sheet: LocalSheet = {
    ...newSheet(userId, task, v.inspectedOn),
    clientKey: v.clientKey,
    startedAt: v.startedAt ?? now,
    lat: v.lat,
    lng: v.lng,
    note: v.note ?? '',
    items: Object.fromEntries(v.items.filter((i) => i.na || i.score !== null || i.observed !== null).map((i) => [String(i.nodeId), { na: i.na, score: i.method === 'scale' ? i.score : null, observed: i.observed, passed: i.passed }])),
    findings: v.findings.map((f) => {
      const keys = f.photos.map((p) => {
        const key = newKey();
        photos.push({ key, userId, sheetKey: v.clientKey, blob: null, takenAt: p.takenAt, lat: p.lat, lng: p.lng, fileId: p.fileId, createdAt: now });
        return key;
      });
      return { clientKey: f.clientKey, itemNodeId: f.itemNodeId, criterionNodeId: f.criterionNodeId, points: f.points, note: f.note, lat: f.lat, lng: f.lng, photoKeys: keys };
    }),
    syncedAt: now,
    server: serverOf(v),
  };
  for (const p of photos) await putPhoto(p);
  await putSheet(sheet);
  return sheet;
}

/** navigator.onLine, kept current, and false while the server gives no answer (see api.ts). */
export function useOnline(): boolean {
  const reachable = useSyncExternalStore(onReachableChange, isReachable);
  return useNavigatorOnline() && reachable;
}

/** navigator.onLine, kept current. */
export function useNavigatorOnline(): boolean {
  const [online, setOnline] = useState(() => (typeof navigator === 'undefined' ? true : navigator.onLine));
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** Sync on page load, whenever the network or the server returns, and every minute while something waits. */
export function useSyncLoop(userId: string): void {
  useEffect(() => {
    void syncNow(userId);
    const online = () => void syncNow(userId);
    window.addEventListener('online', online);
    // The server answers again (no 'online' event when the browser never noticed it was gone).
    const unsubscribe = onReachableChange(() => { if (isReachable()) void syncNow(userId); });
    const timer = window.setInterval(() => {
      if (navigator.onLine) void listSheets(userId).then((l) => { if (l.some((s) => s.pending)) void syncNow(userId); });
    }, 60_000);
    return () => {
      window.removeEventListener('online', online);
      unsubscribe();
      window.clearInterval(timer);
    };
  }, [userId]);
}
