import { describe, expect, it } from 'vitest';
import { shellManifest } from './manifest';

describe('shellManifest', () => {
  const files = ['index.html', 'sw.js', 'favicon.svg', 'assets/index-Ab12.js', 'assets/index-Cd34.css', 'assets/noto-sans-sc-0-400-normal-Xy.woff2', 'assets/index-Ab12.js.map'];

  it('lists index.html first, then the JS and CSS of assets/, never fonts or maps', () => {
    expect(shellManifest(files).precache).toEqual(['/index.html', '/assets/index-Ab12.js', '/assets/index-Cd34.css']);
  });

  it('derives the version from the file names: same names, same version; a changed chunk, a new one', () => {
    const a = shellManifest(files).version;
    expect(shellManifest([...files].reverse()).version).toBe(a);
    expect(shellManifest(files.map((f) => f.replace('Ab12', 'Ef56'))).version).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{6,14}$/);
  });

  it('follows the base path', () => {
    expect(shellManifest(files, '/cc/').precache[0]).toBe('/cc/index.html');
  });
});
