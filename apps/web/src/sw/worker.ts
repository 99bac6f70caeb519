/**
 * The service worker, emitted as /sw.js by the build (vite.config.ts strips the types and puts the
 * CC_* constants in front). A classic script: no imports.
 * - navigations: network first, else the cached index.html (the SPA opens offline);
 * - /assets/*: cache first (fingerprinted; JS/CSS precached on install, fonts kept on first use);
 * - API: only the GETs in CC_API_ALLOW, network first with the cached answer as fallback; a 401
 *   or another user's answer empties the API cache. Everything else (POST/PUT …) is not touched.
 */
declare const CC_VERSION: string;
declare const CC_PRECACHE: string[];
declare const CC_API_CACHE: string;
declare const CC_FONT_CACHE: string;
declare const CC_API_ALLOW: string[];
declare const CC_ME_PATH: string;
declare const CC_SHELL_PREFIX: string;
declare const CC_RUNTIME_PREFIX: string;

interface SwEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface SwFetchEvent extends SwEvent {
  readonly request: Request;
  respondWith(r: Response | Promise<Response>): void;
}
interface SwScope {
  readonly location: Location;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', fn: (e: SwEvent) => void): void;
  addEventListener(type: 'fetch', fn: (e: SwFetchEvent) => void): void;
}

const sw = self as unknown as SwScope;
const SHELL = CC_SHELL_PREFIX + CC_VERSION;
const RUNTIME = CC_RUNTIME_PREFIX + CC_VERSION;
const INDEX = CC_PRECACHE[0]!;
/** How long a navigation or an allowed API GET waits for the server before the cached copy is used. */
const NETWORK_TIMEOUT_MS = 6000;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      // `reload`: bypass the HTTP cache, so the shell is exactly this build.
      .then((c) => c.addAll(CC_PRECACHE.map((u) => new Request(u, { cache: 'reload' }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => (n.startsWith(CC_SHELL_PREFIX) && n !== SHELL) || (n.startsWith(CC_RUNTIME_PREFIX) && n !== RUNTIME))
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  if (CC_API_ALLOW.includes(url.pathname)) {
    event.respondWith(apiNetworkFirst(event, url));
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/open311/')) return;
  if (req.mode === 'navigate') event.respondWith(navigation(req));
  else if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(req, url));
});

/**
 * The network's answer, or the cached one when the network fails or is silent for `ms` (a phone on
 * a network without internet may hang rather than fail); the network's late answer still counts.
 */
async function networkFirst(network: Promise<Response>, cached: () => Promise<Response | undefined>, ms: number): Promise<Response> {
  network.catch(() => undefined);
  try {
    const res = await Promise.race([network, new Promise<undefined>((r) => setTimeout(r, ms))]);
    return res ?? (await cached()) ?? (await network);
  } catch (err) {
    const hit = await cached();
    if (hit) return hit;
    throw err;
  }
}

function navigation(req: Request): Promise<Response> {
  return networkFirst(fetch(req), () => caches.match(INDEX, { cacheName: SHELL }), NETWORK_TIMEOUT_MS);
}

async function cacheFirst(req: Request, url: URL): Promise<Response> {
  const runtime = url.pathname.endsWith('.woff2') ? CC_FONT_CACHE : RUNTIME;
  const hit = (await caches.match(req, { cacheName: SHELL })) ?? (await caches.match(req, { cacheName: runtime }));
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok) await (await caches.open(runtime)).put(req, res.clone());
  return res;
}

/** `tenant:user` of a session answer, or null. */
async function ownerOf(res: Response | undefined): Promise<string | null> {
  if (!res) return null;
  try {
    const body = (await res.clone().json()) as { user?: { id?: unknown; tenant?: { id?: unknown } } };
    return body.user ? `${String(body.user.tenant?.id)}:${String(body.user.id)}` : null;
  } catch {
    return null;
  }
}

function apiNetworkFirst(event: SwFetchEvent, url: URL): Promise<Response> {
  const key = url.pathname + url.search;
  const network = fetch(event.request).then(async (res) => {
    await remember(key, url, res).catch(() => undefined);
    return res;
  });
  event.waitUntil(network.catch(() => undefined));
  return networkFirst(network, () => cachedApi(key), NETWORK_TIMEOUT_MS);
}

/** A cached API answer, marked `x-cc-cache: hit` (for devtools and tests). */
async function cachedApi(key: string): Promise<Response | undefined> {
  const hit = await (await caches.open(CC_API_CACHE)).match(key, { ignoreVary: true });
  if (!hit) return undefined;
  const headers = new Headers(hit.headers);
  headers.set('x-cc-cache', 'hit');
  return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers });
}

/** Keep a good answer; a 401, or the session of another user, empties the API cache first. */
async function remember(key: string, url: URL, res: Response): Promise<void> {
  if (res.status === 401) {
    await caches.delete(CC_API_CACHE);
    return;
  }
  if (!res.ok) return;
  let cache = await caches.open(CC_API_CACHE);
  if (url.pathname === CC_ME_PATH) {
    const before = await ownerOf(await cache.match(CC_ME_PATH, { ignoreVary: true }));
    if (before && before !== (await ownerOf(res))) {
      await caches.delete(CC_API_CACHE);
      cache = await caches.open(CC_API_CACHE);
    }
  }
  await cache.put(key, res.clone());
}
