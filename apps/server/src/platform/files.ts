import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, type ReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
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
  return t.mime;
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
  const part = await request.file({ limits: { fileSize: opts.maxBytes, files: 1 } });
  if (!part) throw opts.noFile ? new AppError(400, opts.noFile) : new AppError(400, 'BAD_REQUEST', {}, { reason: 'no file' });
  const data = await part.toBuffer().catch((err: { code?: string }) => {
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'FILE_TOO_LARGE', { limit: `${Math.round(opts.maxBytes / 1024 / 1024)} MB` });
    throw err;
  });
  return { data, name: (part.filename || opts.defaultName).slice(0, 200) };
}

/** Put checked bytes in the store and record them as a stored_file row with its audit row, in `tx`. */
export async function saveStoredFile(
  tx: Executor, store: FileStore, ctx: AuditContext,
  f: { tenantId: number; data: Buffer; mime: string; name: string; createdBy: number | null; auditExtra?: Record<string, unknown> },
): Promise<number> {
  const sha = await store.put(f.tenantId, f.data);
  const r = await tx.insertInto('stored_file').values({
    tenant_id: f.tenantId, sha256: sha, original_name: f.name, mime: f.mime, size_bytes: f.data.length, created_by: f.createdBy,
  }).returning('id').executeTakeFirstOrThrow();
  await recordAudit(tx, ctx, { action: 'file.uploaded', entityType: 'file', entityId: r.id, after: { name: f.name, mime: f.mime, size: f.data.length, sha256: sha, ...f.auditExtra } });
  return r.id;
}
