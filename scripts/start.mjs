// `npm start`: build the web app and the server bundle if needed, then run the server in this very
// process, so that stopping this process stops the app and its embedded database. The server runs
// from its esbuild bundle (apps/server/dist/server/main.mjs), which starts seconds faster than the
// TypeScript sources through tsx; `npm run dev` still runs the sources.
import { pathToFileURL } from 'node:url';
import { buildWebIfStale } from './build-web.mjs';
import { buildServerIfStale, serverBundle } from './build-server.mjs';

// Stack traces name the .ts files (the bundle has a source map).
process.setSourceMapsEnabled(true);
buildWebIfStale();
try {
  await buildServerIfStale();
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
await import(pathToFileURL(serverBundle).href);
