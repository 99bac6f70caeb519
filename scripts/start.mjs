// `npm start`: build the web app if needed, then run the server in this very process (TypeScript
// through tsx), so that stopping this process stops the app and its embedded database.
import path from 'node:path';
import { buildWebIfStale, root } from './build-web.mjs';

buildWebIfStale();
const { register } = await import('tsx/esm/api');
register();
await import(path.join(root, 'apps/server/src/main.ts'));
