import type { SessionResponse } from '@cc/domain';
import { API_CACHE, FONT_CACHE, ME_PATH } from './manifest';

/**
 * The page's side of the service worker (src/sw/worker.ts): registration, and the cached session
 * that lets the shell open without a network.
 */

const hasCaches = () => typeof caches !== 'undefined';

/** Register /sw.js (production builds only); a failure is logged, never thrown. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  // keepLoadedFonts reads the resource timings: room for every chunk and font subset.
  performance.setResourceTimingBufferSize?.(2000);
  const register = () =>
    navigator.serviceWorker
      .register('/sw.js', { scope: '/', updateViaCache: 'none' })
      .then(() => navigator.serviceWorker.ready)
      .then(() => keepLoadedFonts())
      .catch((err: unknown) => {
        console.warn('service worker registration failed', err);
      });
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}

/**
 * Keep the session the server just gave (login, password change) as the cached /auth/me answer:
 * the app does not ask /auth/me again after a login, and the worker may not control the page yet.
 */
export async function rememberSession(session: SessionResponse): Promise<void> {
  if (!import.meta.env.PROD || !hasCaches()) return;
  try {
    const cache = await caches.open(API_CACHE);
    await cache.put(ME_PATH, new Response(JSON.stringify(session), { headers: { 'content-type': 'application/json; charset=utf-8' } }));
  } catch (err) {
    console.warn('could not keep the session for offline use', err);
  }
}

/** Drop every cached API answer (logout, expired session, another user signs in). */
export async function forgetCachedApi(): Promise<void> {
  if (!hasCaches()) return;
  try {
    await caches.delete(API_CACHE);
  } catch (err) {
    console.warn('could not clear the API cache', err);
  }
}

/** Logout or an expired session: the cached API answers and the field page's cached lists go. */
export async function forgetOfflineData(): Promise<void> {
  await forgetCachedApi();
  try {
    const { clearCache } = await import('../pages/field/store');
    await clearCache();
  } catch (err) {
    console.warn('could not clear the field cache', err);
  }
}

/**
 * Fonts the page loaded before the worker took control never passed through it: copy them into
 * the font cache (usually straight from the HTTP cache), so an offline start shows them too.
 */
async function keepLoadedFonts(): Promise<void> {
  if (!hasCaches()) return;
  const urls = performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((u) => new URL(u).origin === location.origin && u.endsWith('.woff2'));
  if (!urls.length) return;
  const cache = await caches.open(FONT_CACHE);
  const have = new Set((await cache.keys()).map((r) => r.url));
  await Promise.all(urls.filter((u) => !have.has(u)).map((u) => cache.add(u).catch(() => undefined)));
}

/**
 * Load the font subsets that `text` needs (the page font is split by Unicode range and a subset
 * loads only when a character of it is shown): the worker keeps them, so text that was never on
 * screen while online (a standard's items) still shows in the page font offline.
 */
export function warmFonts(text: string): void {
  if (!import.meta.env.PROD || typeof document === 'undefined' || !document.fonts?.load) return;
  const loads = [400, 700].map((weight) => document.fonts.load(`${weight} 16px "Noto Sans SC"`, text).catch(() => undefined));
  // Loaded before the worker controls the page (first visit): copy them over.
  void Promise.all(loads).then(() => keepLoadedFonts().catch(() => undefined));
}
