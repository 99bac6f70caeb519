import type { Writable } from 'node:stream';
import { once } from 'node:events';

/**
 * The small part of POSIX ustar that backups need: regular files only, written and read as a
 * stream (gzip around it is the caller's). Any `tar` reads what this writes
 * (`tar tzf backup.tar.gz`), and it reads what it wrote.
 */

const BLOCK = 512;

function header(name: string, size: number, mtime: Date): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    // ustar splits a long path at a '/' into prefix (155) and name (100).
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const put = (s: string, off: number, len: number) => h.write(s, off, len, 'utf8');
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  put(base, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 12);
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

export interface TarWriter {
  add(name: string, data: Buffer): Promise<void>;
  /** The two zero blocks that end an archive; the caller ends the stream. */
  finish(): Promise<void>;
}

export function tarWriter(out: Writable, mtime = new Date()): TarWriter {
  const write = async (b: Buffer) => {
    if (!out.write(b)) await once(out, 'drain');
  };
  return {
    async add(name, data) {
      await write(header(name, data.length, mtime));
      await write(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad) await write(Buffer.alloc(pad, 0));
    },
    async finish() {
      await write(Buffer.alloc(BLOCK * 2, 0));
    },
  };
}

export interface TarEntry {
  name: string;
  data: Buffer;
}

/** The entries of a tar stream in order, each read whole (backup entries are a few MB at most). */
export async function* readTar(input: AsyncIterable<Buffer>, maxEntryBytes = 1024 ** 3): AsyncGenerator<TarEntry> {
  let chunks: Buffer[] = [];
  let have = 0;
  const take = (n: number): Buffer => {
    const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    chunks = rest.length ? [rest] : [];
    have = rest.length;
    return out;
  };
  let want: { name: string; size: number } | null = null;
  const field = (h: Buffer, off: number, len: number) => {
    const s = h.subarray(off, off + len);
    const end = s.indexOf(0);
    return s.subarray(0, end < 0 ? len : end).toString('utf8');
  };
  for await (const chunk of input) {
    chunks.push(chunk);
    have += chunk.length;
    for (;;) {
      if (!want) {
        if (have < BLOCK) break;
        const h = take(BLOCK);
        if (h.every((b) => b === 0)) return; // end of archive
        let sum = 0;
        for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
        if (parseInt(field(h, 148, 8).trim(), 8) !== sum) throw new Error('tar: bad header checksum (not a backup archive, or it is damaged)');
        const prefix = field(h, 345, 155);
        const name = (prefix ? `${prefix}/` : '') + field(h, 0, 100);
        const size = parseInt(field(h, 124, 12).trim() || '0', 8);
        if (size > maxEntryBytes) throw new Error(`tar: entry ${name} is too large (${size} bytes)`);
        const type = String.fromCharCode(h[156]!);
        if (type !== '0' && type !== '\0') throw new Error(`tar: unexpected entry type '${type}' for ${name}`);
        want = { name, size };
      }
      const padded = want.size + ((BLOCK - (want.size % BLOCK)) % BLOCK);
      if (have < padded) break;
      const body = take(padded);
      const entry = { name: want.name, data: Buffer.from(body.subarray(0, want.size)) };
      want = null;
      yield entry;
    }
  }
  throw new Error('tar: the archive ends early (truncated backup?)');
}
