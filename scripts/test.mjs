// `npm test`: every test — domain units, server database/API tests, and browser journeys (which
// need the built web app). Extra arguments go to vitest, e.g. `npm test -- apps/server`.
import { spawnSync } from 'node:child_process';
import { buildWebIfStale, root } from './build-web.mjs';

buildWebIfStale();
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
