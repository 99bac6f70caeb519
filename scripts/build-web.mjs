// Builds the web app when apps/web/dist is missing or older than its sources. Used by start and test.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'apps/web/public', 'packages/domain/src'];

function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((f) => newest(path.join(p, f))));
}

export function buildWebIfStale() {
  const index = path.join(root, 'apps/web/dist/index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  if (built && Math.max(...SOURCES.map((s) => newest(path.join(root, s)))) <= built) return;
  console.log('Building the web app (first run, or its sources changed) …');
  const r = spawnSync('npm', ['run', 'build', '-w', 'apps/web', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('The web app failed to build; see the messages above.');
    process.exit(r.status ?? 1);
  }
}

export { root };
