/// <reference types="node" />
import { readFile } from 'node:fs/promises';
import { defineConfig, transformWithOxc, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { API_ALLOW, API_CACHE, FONT_CACHE, ME_PATH, RUNTIME_CACHE_PREFIX, SHELL_CACHE_PREFIX, shellManifest } from './src/sw/manifest';

const API_TARGET = process.env.CC_API_TARGET ?? 'http://localhost:3000';

/**
 * Vendor chunks. React and the i18n/query libraries load on every page; of antd only the part
 * that the shell (layout, login) needs is grouped into the initial `antd` chunk — components used
 * by a single lazy page (Table, Tree, DatePicker …) stay with that page's chunks.
 */
const VENDOR_GROUPS = [
  { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 30 },
  { name: 'vendor', test: /[\\/]node_modules[\\/](@tanstack|i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/, priority: 20 },
  {
    name: 'antd',
    test: /[\\/]node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@babel[\\/]runtime|dayjs|classnames|clsx|throttle-debounce|scroll-into-view-if-needed|compute-scroll-into-view|@emotion|stylis)[\\/]/,
    tags: ['$initial' as const],
    priority: 10,
  },
];

/**
 * @fontsource lists a WOFF fallback after every WOFF2 file. Every browser we support reads WOFF2,
 * so drop the fallback: half the CSS, and no second copy of ~200 font files in dist.
 */
function woff2Only(): Plugin {
  return {
    name: 'cc-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]@fontsource[\\/].*\.css$/.test(id)) return null;
      return { code: code.replace(/,\s*url\([^)]*\.woff\)\s*format\(['"]woff['"]\)/g, ''), map: null };
    },
  };
}

/**
 * Emits /sw.js (the service worker, src/sw/worker.ts) with this build's app shell: index.html and
 * every JS/CSS file, and a cache version derived from their fingerprinted names.
 */
function serviceWorker(): Plugin {
  let base = '/';
  return {
    name: 'cc-service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      base = config.base;
    },
    async generateBundle(_options, bundle) {
      const { version, precache } = shellManifest(Object.keys(bundle), base);
      const source = await readFile(new URL('./src/sw/worker.ts', import.meta.url), 'utf8');
      const { code } = await transformWithOxc(source, 'worker.ts', { lang: 'ts' });
      const constants = {
        CC_VERSION: version,
        CC_PRECACHE: precache,
        CC_API_CACHE: API_CACHE,
        CC_FONT_CACHE: FONT_CACHE,
        CC_API_ALLOW: API_ALLOW,
        CC_ME_PATH: ME_PATH,
        CC_SHELL_PREFIX: SHELL_CACHE_PREFIX,
        CC_RUNTIME_PREFIX: RUNTIME_CACHE_PREFIX,
      };
      const head = Object.entries(constants).map(([k, v]) => `const ${k} = ${JSON.stringify(v)};`).join('\n');
      // A classic script: drop the module marker TypeScript may leave.
      const body = code.replace(/^export\s*\{\s*\};?\s*$/m, '');
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: `${head}\n${body}` });
    },
  };
}

export default defineConfig({
  plugins: [react(), woff2Only(), serviceWorker()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
      '/open311': { target: API_TARGET, changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
      '/open311': { target: API_TARGET, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The Noto Sans SC subsets are many small woff2 files; never inline them as data: URLs.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      treeshake: {
        // TypeBox schema builders are pure; unused schemas (and most of TypeBox) drop out.
        manualPureFunctions: ['Type'],
        // The shared domain package is pure data and functions: drop the schema modules
        // (and TypeBox with them) that the browser does not use.
        moduleSideEffects: [
          { test: /packages[\\/]domain[\\/]src[\\/]/, sideEffects: false },
          { test: /@sinclair[\\/]typebox/, sideEffects: false },
        ],
      },
      output: {
        codeSplitting: {
          groups: VENDOR_GROUPS,
        },
      },
    },
  },
});
