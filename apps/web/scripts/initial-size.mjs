// The JavaScript a browser loads before the first page shows: the entry script of dist/index.html
// and the modules it preloads, gzip-compressed. Budget: 400 KB.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const files = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]);
let total = 0;
for (const f of files) {
  const size = gzipSync(readFileSync(path.join(dist, f)), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(8)} KB  ${f}`);
}
const budget = 400 * 1024;
console.log(`${(total / 1024).toFixed(1).padStart(8)} KB  initial JS (gzip), budget ${budget / 1024} KB`);
if (total > budget) process.exit(1);
