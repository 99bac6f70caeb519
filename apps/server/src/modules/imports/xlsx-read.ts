import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import type ExcelJS from 'exceljs';
import { fileTypeFromBuffer } from 'file-type';
import { IMPORT_MAX_ROWS } from '@cc/domain';
import { AppError } from '../../platform/errors.js';
import type { RawCell } from './cells.js';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The sheet of explanations every template carries; never read as data. */
export const GUIDE_SHEET = '填写说明';
/** Columns read per row: the widest template has 18; the cap keeps a crafted file from filling memory. */
const MAX_COLUMNS = 64;

export interface SheetRow {
  /** Excel row number (1-based; row 1 is the header). */
  line: number;
  /** Cells by column number (0 = column A). */
  cells: RawCell[];
}

export interface Sheet {
  header: RawCell[];
  rows: SheetRow[];
  /** Merged ranges such as 'B3:B5'. */
  merges: string[];
}

/**
 * Is this an xlsx file, by its bytes? file-type names files written by Excel and WPS as xlsx;
 * files written by streaming writers (ExcelJS among them) put another entry first and are only
 * recognised as zip, so a zip passes here and must then open as a workbook (readSheet).
 */
export async function assertXlsx(data: Buffer): Promise<void> {
  const t = await fileTypeFromBuffer(data);
  if (!t || (t.mime !== XLSX_MIME && t.mime !== 'application/zip')) throw new AppError(415, 'IMPORT_NOT_XLSX');
  await assertInflatesWithin(data, inflateBudget(data.length));
}

/** What a workbook may inflate to: 200 times its size (real sheets compress 5–50 times), at least 20 MB, at most 300 MB. */
export const inflateBudget = (zipBytes: number) => Math.min(300 * 2 ** 20, Math.max(20 * 2 ** 20, 200 * zipBytes));

/**
 * A zip bomb (a small file that inflates to gigabytes) would otherwise be inflated by ExcelJS in
 * full, in memory. Each entry is inflated here first, counted and dropped, and inflation stops at
 * the budget; the sizes the archive declares are not trusted. Entries are found through the
 * central directory; ZIP64 (only needed past 4 GB) and methods other than stored and deflate are refused.
 */
export async function assertInflatesWithin(data: Buffer, budget: number): Promise<void> {
  await scanZip(data, budget);
}

/** An entry of the archive: where its bytes are and what they inflate to (counted, not declared). */
interface ZipEntry {
  method: number;
  start: number;
  compressed: number;
  inflated: number;
}

/** Every entry of the archive by name, each inflated and counted within the budget (see assertInflatesWithin). */
async function scanZip(data: Buffer, budget: number): Promise<Map<string, ZipEntry>> {
  const notXlsx = () => new AppError(415, 'IMPORT_NOT_XLSX');
  const tooBig = () => new AppError(413, 'FILE_TOO_LARGE', { limit: { 'zh-CN': `解压后 ${Math.round(budget / 2 ** 20)} MB`, en: `${Math.round(budget / 2 ** 20)} MB uncompressed` } });
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65_535); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notXlsx();
  const entries = data.readUInt16LE(eocd + 10);
  let at = data.readUInt32LE(eocd + 16);
  if (entries === 0xffff || at === 0xffffffff) throw notXlsx();
  let total = 0;
  const out = new Map<string, ZipEntry>();
  for (let n = 0; n < entries; n++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== 0x02014b50) throw notXlsx();
    const method = data.readUInt16LE(at + 10);
    const compressed = data.readUInt32LE(at + 20);
    const local = data.readUInt32LE(at + 42);
    const nameLength = data.readUInt16LE(at + 28);
    const name = data.toString('utf8', at + 46, Math.min(data.length, at + 46 + nameLength));
    at += 46 + nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
    if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50) throw notXlsx();
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const body = data.subarray(start, Math.min(data.length, start + compressed));
    let inflated: number;
    if (method === 0) inflated = body.length;
    else if (method === 8) inflated = await inflatedSize(body, budget - total);
    else throw notXlsx();
    total += inflated;
    if (total > budget) throw tooBig();
    out.set(name, { method, start, compressed: body.length, inflated });
  }
  return out;
}

/** The inflated bytes of one (small) entry; null when it does not inflate cleanly. */
function entryBytes(data: Buffer, e: ZipEntry): Buffer | null {
  const body = data.subarray(e.start, e.start + e.compressed);
  if (e.method === 0) return body;
  try {
    return inflateRawSync(body, { maxOutputLength: Math.max(1, e.inflated) });
  } catch {
    return null;
  }
}

/** Bytes a raw deflate stream inflates to, counted without keeping them; stops just past `limit`. */
function inflatedSize(body: Buffer, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflateRaw();
    let n = 0;
    inflate.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > limit) {
        inflate.destroy();
        resolve(n);
      }
    });
    inflate.on('end', () => resolve(n));
    // A damaged stream: ExcelJS will refuse the file as not a workbook.
    inflate.on('error', () => resolve(n));
    inflate.end(body);
  });
}

/** Unwrap what ExcelJS gives for a cell: rich text, formula results, hyperlinks, errors. */
export function rawOf(v: unknown): RawCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('error' in o) return { error: String(o.error) };
    if ('result' in o) return rawOf(o.result);
    if ('formula' in o || 'sharedFormula' in o) return null;
    if ('text' in o) return rawOf(o.text);
  }
  return String(v);
}

/**
 * ExcelJS's streaming reader decodes each chunk of XML on its own (utils/parse-sax.js), so a
 * Chinese character split between two chunks comes out as "��" — exceljs issues #2063, #2084,
 * #2316, still open in 4.4. We hand it text decoded across chunk boundaries instead:
 * - the worksheet's bytes go through `decodeAndTap` (its iterator is an internal field; parseSax
 *   passes strings through unchanged);
 * - the shared strings entry is set to utf8 before ExcelJS iterates it, as issue #2084 suggests.
 * Both are covered by the reader test with a file of many Chinese strings.
 */
function defineUtf8WorkbookReader(excel: typeof ExcelJS) {
  return class Utf8WorkbookReader extends excel.stream.xlsx.WorkbookReader {
    constructor(input: Readable, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>, book: BookParts) {
      super(input, options);
      const self = this as unknown as Record<string, unknown>;
      const proto = excel.stream.xlsx.WorkbookReader.prototype as unknown as Record<string, unknown>;
      const base = proto._parseSharedStrings;
      if (typeof base === 'function') {
        self._parseSharedStrings = (entry: { setEncoding?: (e: string) => void }) => {
          entry.setEncoding?.('utf8');
          return base.call(this, entry);
        };
      }
      // ExcelJS's own pass over the archive (unzipper's streaming parser, entries in stored
      // order) lost entries stored last now and then: xl/workbook.xml (a failure in
      // _parseWorksheet on this.model.sheets, exceljs #3064) and, seen once in CI, the shared
      // strings (every text cell read as "[object Object]"). The parts are taken from the central
      // directory instead, in the order the sheets need them: the sheet list and its relations
      // (parsed beforehand), the shared strings, the styles, then each sheet — each inflated as a
      // stream from the buffer as its turn comes, so a large sheet is still never whole in memory.
      self.model = book.model;
      self.properties = book.properties;
      self.workbookRels = book.rels;
      const part = (name: string) => {
        const e = book.entries.get(name);
        if (!e) return null;
        const body = Readable.from([book.data.subarray(e.start, e.start + e.compressed)]);
        return e.method === 0 ? body : body.pipe(createInflateRaw());
      };
      const sheetParts = [...book.entries.keys()]
        .map((name) => /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(name))
        .filter((m): m is RegExpExecArray => m !== null)
        .sort((a, b) => Number(a[1]) - Number(b[1]));
      type Parser = (this: unknown, ...args: unknown[]) => unknown;
      const sharedStrings = self._parseSharedStrings as Parser;
      const styles = proto._parseStyles as Parser;
      const worksheet = proto._parseWorksheet as Parser;
      self.parse = async function* () {
        const strings = part('xl/sharedStrings.xml');
        if (strings) yield* sharedStrings.call(self, strings) as AsyncIterable<unknown>;
        const styleXml = part('xl/styles.xml');
        if (styleXml) await styles.call(self, styleXml);
        for (const m of sheetParts) {
          // Each sheet's reader knows its part, for the completeness check in readSheet.
          for (const event of worksheet.call(self, part(m[0])!, m[1]) as Iterable<{ value: Record<string, unknown> }>) {
            event.value.part = m[0];
            yield event;
          }
        }
      };
    }
  };
}

interface BookParts {
  model: unknown;
  properties: unknown;
  rels: unknown;
  data: Buffer;
  entries: Map<string, ZipEntry>;
}

/** xl/workbook.xml and its relations, parsed by ExcelJS's own xforms; null when the file lacks them. */
async function readBookParts(data: Buffer, entries: Map<string, ZipEntry>): Promise<BookParts | null> {
  const book = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  const bookXml = book && entryBytes(data, book);
  const relsXml = rels && entryBytes(data, rels);
  if (!bookXml || !relsXml) return null;
  const [{ default: WorkbookXform }, { default: RelationshipsXform }] = await Promise.all([
    import('exceljs/lib/xlsx/xform/book/workbook-xform.js'),
    import('exceljs/lib/xlsx/xform/core/relationships-xform.js'),
  ]);
  // A missing parser (an ExcelJS upgrade that moved it) is our fault and fails loudly; only a
  // part that does not parse makes the file "not a workbook".
  try {
    const wb = new WorkbookXform();
    await wb.parseStream(Readable.from([bookXml]));
    const rx = new RelationshipsXform();
    const parsedRels = await rx.parseStream(Readable.from([relsXml]));
    if (!wb.model || !Array.isArray(parsedRels)) return null;
    return { model: wb.model, properties: wb.map.workbookPr, rels: parsedRels, data, entries };
  } catch {
    return null;
  }
}

// ExcelJS takes almost half a second to import: loaded on first use, not at server start.
let utf8WorkbookReader: Promise<ReturnType<typeof defineUtf8WorkbookReader>> | null = null;
function loadUtf8WorkbookReader() {
  utf8WorkbookReader ??= import('exceljs').then(
    (m) => defineUtf8WorkbookReader(m.default),
    (err: unknown) => {
      utf8WorkbookReader = null;
      throw err;
    },
  );
  return utf8WorkbookReader;
}

/**
 * Also collects the merged ranges as the XML passes by: the WorksheetReader parses rows but drops
 * <mergeCell> elements.
 */
function decodeAndTap(ws: { iterator?: AsyncIterable<Buffer | string> }, merges: string[]): { bytes: number } {
  const seen = { bytes: 0 };
  const source = ws.iterator;
  if (!source) return seen;
  const re = /<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+(?::[A-Z]+\d+)?)"/g;
  ws.iterator = (async function* () {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for await (const chunk of source) {
      seen.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const scan = carry + text;
      let last = 0;
      for (const m of scan.matchAll(re)) {
        merges.push(m[1]!);
        last = m.index! + m[0].length;
      }
      carry = scan.slice(Math.max(last, scan.length - 256));
      if (text) yield text;
    }
    const rest = decoder.end();
    if (rest) yield rest;
  })();
  return seen;
}

/**
 * Read the first data sheet with ExcelJS's streaming reader (a 100,000-row file takes ~170 MB
 * rather than more than a gigabyte in memory). `onRows` is awaited every 500 rows, so a caller can
 * turn a large file into a job while it is still being read.
 */
export async function readSheet(data: Buffer, onRows?: (read: number) => Promise<void>): Promise<Sheet> {
  const entries = await scanZip(data, inflateBudget(data.length));
  const book = await readBookParts(data, entries);
  if (!book) throw new AppError(415, 'IMPORT_NOT_XLSX');
  // Every byte of the data sheet must have passed through the reader; a short read (a stream
  // race, as in exceljs #3064) is read again rather than imported without its last rows.
  for (let attempt = 1; ; attempt++) {
    const read = await readSheetOnce(data, book, onRows);
    const expected = read.part === null ? undefined : entries.get(read.part)?.inflated;
    if (expected === undefined || read.bytes === expected) return read.sheet;
    if (attempt === 3) throw new Error(`worksheet ${read.part} read short: ${read.bytes} of ${expected} bytes, ${attempt} times`);
  }
}

async function readSheetOnce(data: Buffer, book: BookParts, onRows?: (read: number) => Promise<void>): Promise<{ sheet: Sheet; part: string | null; bytes: number }> {
  const Utf8WorkbookReader = await loadUtf8WorkbookReader();
  const reader = new Utf8WorkbookReader(Readable.from([data]), {
    sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore',
  }, book);
  const merges: string[] = [];
  let header: RawCell[] | null = null;
  const rows: SheetRow[] = [];
  let found = false;
  let part: string | null = null;
  let seen = { bytes: 0 };
  let hookFailed: unknown = null;
  try {
    for await (const ws of reader) {
      const sheet = ws as unknown as { name?: string; part?: string; iterator?: AsyncIterable<Buffer | string> } & AsyncIterable<ExcelJS.Row>;
      if (found || sheet.name === GUIDE_SHEET) {
        // Not wanted, but read to its end, so its inflate stream finishes before the next part's
        // starts (the guide sheet is small).
        for await (const _row of sheet) void _row;
        continue;
      }
      found = true;
      part = sheet.part ?? null;
      seen = decodeAndTap(sheet, merges);
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: RawCell[] = [];
        for (let c = 1; c < Math.min(values.length, MAX_COLUMNS + 1); c++) cells.push(rawOf(values[c]));
        if (row.number === 1) {
          header = cells;
          continue;
        }
        if (cells.every((x) => x === null || (typeof x === 'string' && x.trim() === ''))) continue;
        rows.push({ line: row.number, cells });
        if (rows.length > IMPORT_MAX_ROWS) throw new AppError(422, 'IMPORT_TOO_MANY_ROWS', { max: IMPORT_MAX_ROWS });
        if (onRows && rows.length % 500 === 0) {
          await onRows(rows.length).catch((err: unknown) => {
            hookFailed = err;
            throw err;
          });
        }
      }
    }
  } catch (err) {
    if (err instanceof AppError || (hookFailed !== null && err === hookFailed)) throw err;
    // Not a workbook after all (a zip of something else, a damaged file). The reader's own error
    // goes in the details, so an unexpected failure (not a bad file) can be told apart.
    throw new AppError(415, 'IMPORT_NOT_XLSX', {}, { reason: (err instanceof Error ? err.message : String(err)).replace(/\/[^\s'"]+/g, '…').slice(0, 200) }); // no server paths
  }
  if (!found) throw new AppError(415, 'IMPORT_NOT_XLSX');
  return { sheet: { header: header ?? [], rows, merges }, part, bytes: seen.bytes };
}
