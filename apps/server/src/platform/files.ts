import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, type ReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileTypeFromBuffer } from 'file-type';
import type { FastifyRequest } from 'fastify';
import type { ErrorCode } from '@cc/domain';
import { recordAudit, type AuditContext } from './audit.js';
import type { Executor } from './database.js';
import { AppError } from './errors.js';

/**
 * Uploaded files on local disk, addressed by content hash: DATA_DIR/files/<city>/<aa>/<sha256>.
 * The interface is small so an S3-compatible store can replace it (issue 6).
 */
export interface FileStore {
  put(tenantId: number, data: Buffer): Promise<string>;
  /** Store what a stream yields without holding it in memory: hashed while written to a temporary file. */
  putStream(tenantId: number, source: Readable): Promise<{ sha256: string; size: number }>;
  open(tenantId: number, sha256: string): ReadStream;
  exists(tenantId: number, sha256: string): boolean;
}

export function createLocalFileStore(root: string): FileStore {
  const where = (tenantId: number, sha: string) => path.join(root, String(tenantId), sha.slice(0, 2), sha);
  return {
    async put(tenantId, data) {
      const sha = createHash('sha256').update(data).digest('hex');
      const file = where(tenantId, sha);
      if (existsSync(file)) return sha;
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Write then rename: a crash never leaves a half-written file under its final name.
      const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, file);
      return sha;
    },
    async putStream(tenantId, source) {
      const dir = path.join(root, String(tenantId));
      await fs.mkdir(dir, { recursive: true });
      const tmp = path.join(dir, `upload.${randomBytes(6).toString('hex')}.tmp`);
      const hash = createHash('sha256');
      let size = 0;
      try {
        await pipeline(source, new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        }), createWriteStream(tmp));
        const sha = hash.digest('hex');
        const file = where(tenantId, sha);
        if (existsSync(file)) {
          await fs.rm(tmp, { force: true });
        } else {
          await fs.mkdir(path.dirname(file), { recursive: true });
          await fs.rename(tmp, file);
        }
        return { sha256: sha, size };
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
    },
    open: (tenantId, sha) => createReadStream(where(tenantId, sha)),
    exists: (tenantId, sha) => existsSync(where(tenantId, sha)),
  };
}

/** What each kind of upload may be, by the bytes themselves (never the name or Content-Type). */
export const UPLOAD_KINDS = {
  document: { mimes: ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'], label: 'PDF, JPEG, PNG, WebP' },
  image: { mimes: ['image/jpeg', 'image/png', 'image/webp'], label: 'JPEG, PNG, WebP' },
} as const;
export type UploadKind = keyof typeof UPLOAD_KINDS;

export async function sniff(data: Buffer, kind: UploadKind): Promise<string> {
  const t = await fileTypeFromBuffer(data);
  const allowed: readonly string[] = UPLOAD_KINDS[kind].mimes;
  if (!t || !allowed.includes(t.mime)) {
    throw new AppError(415, 'FILE_TYPE_NOT_ALLOWED', { allowed: UPLOAD_KINDS[kind].label });
  }
  // The server never decodes images, but every browser that shows one does: a small file that
  // declares a huge canvas (a decompression bomb) would take the viewer's tab down.
  const size = imageSize(data, t.mime);
  if (size && (size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE || size.width * size.height > MAX_IMAGE_PIXELS)) {
    throw new AppError(413, 'FILE_TOO_LARGE', { limit: { 'zh-CN': `${MAX_IMAGE_SIDE} 像素边长、${MAX_IMAGE_PIXELS / 1e6} 百万像素`, en: `${MAX_IMAGE_SIDE} pixels a side, ${MAX_IMAGE_PIXELS / 1e6} megapixels` } });
  }
  return t.mime;
}

/** Largest image accepted: a 200-megapixel phone photo is 16320 × 12240. */
export const MAX_IMAGE_SIDE = 20_000;
export const MAX_IMAGE_PIXELS = 200_000_000;

/** Width and height an image declares in its header (PNG, JPEG, WebP), or null when not found. */
export function imageSize(data: Buffer, mime: string): { width: number; height: number } | null {
  if (mime === 'image/png' && data.length >= 24 && data.toString('latin1', 12, 16) === 'IHDR') {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
  }
  if (mime === 'image/jpeg') {
    // Walk the markers to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC).
    let i = 2;
    while (i + 9 < data.length) {
      if (data[i] !== 0xff) return null;
      const marker = data[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: data.readUInt16BE(i + 5), width: data.readUInt16BE(i + 7) };
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      i += 2 + data.readUInt16BE(i + 2);
    }
    return null;
  }
  if (mime === 'image/webp' && data.length >= 30) {
    const chunk = data.toString('latin1', 12, 16);
    if (chunk === 'VP8X') return { width: 1 + data.readUIntLE(24, 3), height: 1 + data.readUIntLE(27, 3) };
    if (chunk === 'VP8 ') return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const b = data.readUInt32LE(21);
      return { width: 1 + (b & 0x3fff), height: 1 + ((b >> 14) & 0x3fff) };
    }
  }
  return null;
}

const EXTENSIONS: Record<string, string[]> = {
  'application/pdf': ['pdf'], 'image/jpeg': ['jpg', 'jpeg'], 'image/png': ['png'], 'image/webp': ['webp'],
};

/**
 * The name a file is stored and downloaded under ends as its content is: 'x.html' holding a PNG
 * becomes 'x.html.png', so a download never opens as a page.
 */
export function nameForMime(name: string, mime: string): string {
  const ext = EXTENSIONS[mime];
  if (!ext) return name;
  const own = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return own && ext.includes(own) ? name : `${name}.${ext[0]}`;
}

/** Content-Disposition that keeps a Chinese file name (RFC 6266 / 5987). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * The one file part of a multipart request, read into memory with a size limit: 415 when the
 * request is not multipart, 400 (or `noFile`) without a file, 413 FILE_TOO_LARGE over the limit.
 */
export async function readUpload(
  request: FastifyRequest, opts: { maxBytes: number; noFile?: ErrorCode; defaultName: string },
): Promise<{ data: Buffer; name: string }> {
  if (!request.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE');
  // A body that is not the multipart it claims to be (wrong boundary, cut short) is the client's fault: 400.
  const malformed = (err: { code?: string; statusCode?: number }) => {
    if (err instanceof AppError) return err;
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') return new AppError(413, 'FILE_TOO_LARGE', { limit: `${Math.round(opts.maxBytes / 1024 / 1024)} MB` });
    if (typeof err.statusCode === 'number' && err.statusCode < 500) return err;
    return new AppError(400, 'UPLOAD_MALFORMED');
  };
  const part = await request.file({ limits: { fileSize: opts.maxBytes, files: 1 } }).catch((err: { code?: string; statusCode?: number }) => { throw malformed(err); });
  if (!part) throw opts.noFile ? new AppError(400, opts.noFile) : new AppError(400, 'BAD_REQUEST', {}, { reason: 'no file' });
  const data = await part.toBuffer().catch((err: { code?: string; statusCode?: number }) => { throw malformed(err); });
  // The name is only a label: control characters (PostgreSQL refuses U+0000) and path parts are dropped.
  const printable = [...(part.filename ?? '')].filter((c) => c >= ' ' && c !== '\x7f').join('');
  const name = printable.split(/[\\/]/).pop()!.trim();
  return { data, name: (name || opts.defaultName).slice(0, 200) };
}

/** Put checked bytes in the store and record them as a stored_file row with its audit row, in `tx`. */
export async function saveStoredFile(
  tx: Executor, store: FileStore, ctx: AuditContext,
  f: { tenantId: number; data: Buffer; mime: string; name: string; createdBy: number | null; auditExtra?: Record<string, unknown> },
): Promise<number> {
  const sha = await store.put(f.tenantId, f.data);
  const name = nameForMime(f.name, f.mime);
  const r = await tx.insertInto('stored_file').values({
    tenant_id: f.tenantId, sha256: sha, original_name: name, mime: f.mime, size_bytes: f.data.length, created_by: f.createdBy,
  }).returning('id').executeTakeFirstOrThrow();
  await recordAudit(tx, ctx, { action: 'file.uploaded', entityType: 'file', entityId: r.id, after: { name, mime: f.mime, size: f.data.length, sha256: sha, ...f.auditExtra } });
  return r.id;
}
