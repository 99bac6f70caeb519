// Bundles the server into apps/server/dist/server/main.mjs (one ESM file + source map) when the
// bundle is missing or older than its sources. Loading one file is seconds faster than compiling
// the TypeScript sources through tsx on every start — which matters most after a crash. Used by
// start and by the crash tooling; `npm run dev` and the CLI scripts still run the sources via tsx.
//
// Packages from node_modules stay external (imported at run time, resolved from apps/server as
// before), except the workspace packages @cc/*, whose package.json points at TypeScript sources.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['apps/server/src', 'packages/domain/src', 'apps/server/package.json', 'packages/domain/package.json',
  'apps/server/tsconfig.json', 'tsconfig.base.json', 'scripts/build-server.mjs'];
export const serverEntry = path.join(root, 'apps/server/src/main.ts');
export const serverBundle = path.join(root, 'apps/server/dist/server/main.mjs');

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((f) => newest(path.join(p, f))));
}

/** @type {import('esbuild').Plugin} */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@cc/') ? undefined : { path: args.path, external: true }));
  },
};

/**
 * Builds the bundle unconditionally. The files are written under temporary names and renamed, the
 * bundle last: a process starting meanwhile (tests run in parallel) never loads half a file.
 */
export async function buildServer() {
  const started = new Date();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [serverEntry],
    outfile: serverBundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // The map names the .ts files (node --enable-source-maps shows them in stack traces); their
    // text stays out of it.
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [externalPackages],
    write: false,
  });
  mkdirSync(path.dirname(serverBundle), { recursive: true });
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === serverBundle) - Number(b.path === serverBundle));
  for (const f of files) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  // Dated when the build began: a source saved while it ran is newer, and is built next time.
  utimesSync(serverBundle, started, started);
}

/** Builds the bundle when it is missing or older than any of its sources. */
export async function buildServerIfStale() {
  const built = existsSync(serverBundle) ? statSync(serverBundle).mtimeMs : 0;
  if (built && Math.max(...SOURCES.map((s) => newest(path.join(root, s)))) <= built) return;
  const t0 = Date.now();
  try {
    await buildServer();
  } catch (err) {
    // esbuild has printed the errors already.
    throw new Error(`The server failed to build: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  console.log(`Built the server bundle in ${Date.now() - t0} ms (${path.relative(root, serverBundle)}).`);
}
