/**
 * The case documents as PDF: the printable HTML (print-html.ts) printed by headless Chromium
 * (playwright-core + @sparticuz/chromium).
 *
 * - One browser, launched on first use and shared; launched again if it died.
 * - A new context and page per document, closed afterwards; at most `maxConcurrent` at a time, the
 *   rest wait their turn.
 * - No network: the only requests answered are the self-hosted Noto Sans SC font (npm package
 *   @fontsource/noto-sans-sc) under http://cc-fonts.local/; everything else is aborted (data: URLs
 *   never reach the router).
 * - Each document has 20 s; past that the page is closed and the render fails with a clear error.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { documentTitle, PAGE_WIDTH_MM, type CaseDocumentData } from './document-data.js';
import { renderPrintHtml, TITLE_FALLBACK_FAMILY } from './print-html.js';

const FONT_ORIGIN = 'http://cc-fonts.local';
export const FONT_CSS_HREF = `${FONT_ORIGIN}/noto-sans-sc.css`;
const RENDER_TIMEOUT_MS = 20_000;
const LAUNCH_TIMEOUT_MS = 20_000;

export interface PdfRenderer {
  /** The document as a PDF (A4). */
  render(d: CaseDocumentData): Promise<Buffer>;
  /** A PNG of the print HTML on screen (the whole document as one long A4-wide sheet), for looking at. */
  renderPreviewPng(d: CaseDocumentData): Promise<Buffer>;
  /** Closes the browser; later renders fail. */
  close(): Promise<void>;
}

export class PdfRenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfRenderError';
  }
}

// ---- the font, served from node_modules ----

let fontDirCache: string | null = null;
function fontDir(): string {
  fontDirCache ??= path.dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/package.json'));
  return fontDirCache;
}

/**
 * Noto Sans SC 400 as 'Noto Sans SC' (the fallback of every text), and its 700 weight as a family of
 * its own, 'Noto Sans SC Heavy', at normal weight: the fallback of 方正小标宋简体 (the 发文机关标志
 * and the title), which is a heavy face. A machine that has 方正小标宋简体 uses it at its own weight.
 */
let fontCssCache: Promise<string> | null = null;
function fontCss(): Promise<string> {
  const read = (file: string) =>
    readFile(path.join(fontDir(), file), 'utf8').then((text) =>
      text.replace(/url\((['"]?)\.\/files\//g, `url($1${FONT_ORIGIN}/files/`),
    );
  fontCssCache ??= Promise.all([read('400.css'), read('700.css')])
    .then(([regular, bold]) => {
      const heavy = bold
        .replace(/font-family:\s*'Noto Sans SC'/g, `font-family: '${TITLE_FALLBACK_FAMILY}'`)
        .replace(/font-weight:\s*700/g, 'font-weight: 400');
      return `${regular}\n${heavy}`;
    })
    .catch((err: unknown) => {
      fontCssCache = null;
      throw err;
    });
  return fontCssCache;
}

const FONT_FILE = /^\/files\/(noto-sans-sc-[a-z0-9-]+\.woff2?)$/;
const fontFiles = new Map<string, Promise<Buffer>>();
function fontFile(name: string): Promise<Buffer> {
  let file = fontFiles.get(name);
  if (!file) {
    file = readFile(path.join(fontDir(), 'files', name));
    file.catch(() => fontFiles.delete(name));
    fontFiles.set(name, file);
  }
  return file;
}

async function serveFont(route: Route): Promise<void> {
  let pathname: string;
  try {
    pathname = new URL(route.request().url()).pathname;
  } catch {
    return route.abort('addressunreachable');
  }
  try {
    if (pathname === '/noto-sans-sc.css') {
      return await route.fulfill({ status: 200, contentType: 'text/css; charset=utf-8', body: await fontCss() });
    }
    const m = FONT_FILE.exec(pathname);
    if (m?.[1]) {
      const type = m[1].endsWith('.woff2') ? 'font/woff2' : 'font/woff';
      return await route.fulfill({
        status: 200,
        contentType: type,
        headers: { 'access-control-allow-origin': '*' },
        body: await fontFile(m[1]),
      });
    }
    return await route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });
  } catch {
    // The page may have been closed meanwhile, or the file is missing: nothing to answer.
    await route.abort('failed').catch(() => undefined);
  }
}

// ---- concurrency ----

function semaphore(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new PdfRenderError(message));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// ---- the renderer ----

// playwright-core and @sparticuz/chromium take most of a second to import: loaded on first use,
// not at server start.
let browserModules: Promise<[typeof import('playwright-core'), typeof import('@sparticuz/chromium')]> | null = null;
function loadBrowserModules() {
  browserModules ??= Promise.all([import('playwright-core'), import('@sparticuz/chromium')]).catch((err: unknown) => {
    browserModules = null;
    throw err;
  });
  return browserModules;
}

/** Headless Chromium from @sparticuz/chromium, with nothing that phones home. */
export async function launchChromium(): Promise<Browser> {
  const [{ chromium: playwright }, { default: chromium }] = await loadBrowserModules();
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [
      // --single-process (meant for AWS Lambda) makes contexts share state and dies with the first
      // closed context.
      ...chromium.args.filter((a) => a !== '--single-process'),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    headless: true,
    timeout: LAUNCH_TIMEOUT_MS,
  });
}

export function createPdfRenderer(
  opts: {
    maxConcurrent?: number;
    /** How to start the browser (tests); launchChromium by default. */
    launch?: () => Promise<Browser>;
    /** Time allowed for one document, browser start included; 20 s by default. */
    timeoutMs?: number;
  } = {},
): PdfRenderer {
  const launch = opts.launch ?? launchChromium;
  const timeoutMs = opts.timeoutMs ?? RENDER_TIMEOUT_MS;
  const limit = semaphore(Math.max(1, Math.floor(opts.maxConcurrent ?? 2)));
  let browser: Promise<Browser> | null = null;
  /** The browser `browser` resolved to, once it has started. */
  let started: Browser | null = null;
  let closed = false;

  function getBrowser(): Promise<Browser> {
    if (closed) return Promise.reject(new PdfRenderError('The PDF renderer is closed'));
    if (!browser) {
      const launching = launch().then(
        (b) => {
          b.on('disconnected', () => {
            if (browser === launching) browser = null;
            if (started === b) started = null;
          });
          if (closed) {
            // close() was called while it was starting.
            void b.close().catch(() => undefined);
            throw new PdfRenderError('The PDF renderer is closed');
          }
          if (browser === launching) started = b;
          return b;
        },
        (err: unknown) => {
          if (browser === launching) browser = null;
          throw new PdfRenderError(`Could not start headless Chromium for PDF rendering: ${(err as Error).message}`, {
            cause: err,
          });
        },
      );
      browser = launching;
    }
    return browser;
  }

  async function newContext(): Promise<BrowserContext> {
    let b = await getBrowser();
    if (!b.isConnected()) {
      browser = null;
      b = await getBrowser();
    }
    const context = await b.newContext({
      viewport: { width: Math.round((PAGE_WIDTH_MM / 25.4) * 96), height: 1123 },
      deviceScaleFactor: 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      offline: false,
      serviceWorkers: 'block',
      acceptDownloads: false,
    });
    context.setDefaultTimeout(timeoutMs);
    await context.route('**', (route) => route.abort('blockedbyclient'));
    // Registered last, so it is asked first.
    await context.route(`${FONT_ORIGIN}/**`, serveFont);
    return context;
  }

  /** Opens the document's print HTML in a fresh page, runs `fn`, and closes the context. */
  function withDocumentPage<T>(d: CaseDocumentData, what: string, fn: (page: Page) => Promise<T>): Promise<T> {
    return limit(async () => {
      let current: BrowserContext | null = null;
      let timedOut = false;
      const work = (async () => {
        const context = await newContext();
        current = context;
        try {
          if (timedOut) throw new PdfRenderError('timed out');
          const page = await context.newPage();
          await page.setContent(renderPrintHtml(d, { fontCssHref: FONT_CSS_HREF }), {
            waitUntil: 'load',
            timeout: timeoutMs,
          });
          // Web fonts load when the layout needs them, which may be after the load event.
          await page.evaluate('document.fonts.ready.then(() => true)');
          if (timedOut) throw new PdfRenderError('timed out');
          return await fn(page);
        } finally {
          await context.close().catch(() => undefined);
        }
      })();
      work.catch(() => undefined);
      try {
        return await withTimeout(
          work,
          timeoutMs,
          `${what} of ${documentTitle(d)} ${d.number} timed out after ${timeoutMs / 1000} s`,
          () => {
            timedOut = true;
            void (current as BrowserContext | null)?.close().catch(() => undefined);
          },
        );
      } catch (err) {
        if (err instanceof PdfRenderError) throw err;
        throw new PdfRenderError(`${what} of ${documentTitle(d)} ${d.number} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
    });
  }

  return {
    render(d) {
      return withDocumentPage(d, 'PDF rendering', (page) =>
        page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }),
      );
    },
    renderPreviewPng(d) {
      return withDocumentPage(d, 'Preview rendering', (page) => page.screenshot({ type: 'png', fullPage: true }));
    },
    async close() {
      closed = true;
      const b = started;
      browser = null;
      started = null;
      // A browser still starting closes itself once it has started (see getBrowser).
      if (b) await b.close().catch(() => undefined);
    },
  };
}

/** One preview PNG with a browser of its own (tests and one-off looks; servers use a renderer). */
export async function renderPreviewPng(d: CaseDocumentData): Promise<Buffer> {
  const renderer = createPdfRenderer({ maxConcurrent: 1 });
  try {
    return await renderer.renderPreviewPng(d);
  } finally {
    await renderer.close();
  }
}
