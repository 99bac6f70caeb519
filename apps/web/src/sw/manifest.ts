/**
 * Shared by the build (vite.config.ts emits sw.js), the worker and the page: cache names, the API
 * GETs kept for an offline cold start, and the app-shell list. Pure: no I/O, no imports.
 */

/** Cached API answers. Not versioned (kept across deployments); emptied on logout or a user change. */
export const API_CACHE = 'cc-api';
/** Per build: the precached shell and assets fetched later (fonts). Older ones go on activate. */
export const SHELL_CACHE_PREFIX = 'cc-shell-';
export const RUNTIME_CACHE_PREFIX = 'cc-runtime-';
/** Font subsets (fingerprinted woff2), cached on first use. Not versioned: fonts outlive deployments. */
export const FONT_CACHE = 'cc-fonts';
/** The session probe: with it the shell opens offline instead of showing "cannot load". */
export const ME_PATH = '/api/v1/auth/me';
/** API GETs the worker serves network-first with a cached fallback. Nothing else under /api. */
export const API_ALLOW = [ME_PATH];

export interface ShellManifest {
  version: string;
  precache: string[];
}

/**
 * The app shell from the names of the built files: index.html and every JS/CSS file under assets/
 * (fonts and images are cached when first used). The version is a hash of the names, which Vite
 * fingerprints by content, so it changes with every build that changes a file.
 */
export function shellManifest(fileNames: string[], base = '/'): ShellManifest {
  const files = [...new Set(fileNames)].filter((f) => /^assets\/[^/]+\.(js|css)$/.test(f)).sort();
  const precache = [`${base}index.html`, ...files.map((f) => `${base}${f}`)];
  return { version: hash(precache.join('\n')), precache };
}

/** cyrb53: a small 53-bit string hash, as 14 hex digits at most. */
function hash(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}
