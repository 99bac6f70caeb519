import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, Id } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf, recordAudit } from '../../platform/audit.js';
import type { DB } from '../../platform/database.js';
import { AppError } from '../../platform/errors.js';
import { sniff, type FileStore } from '../../platform/files.js';

export const StoredFileView = Type.Object({ id: Id, name: Type.String(), mime: Type.String(), sizeBytes: Type.Integer() });
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

/**
 * Upload a document (a scanned contract, a photo). Files are read back only through the record
 * that uses them, which checks the reader's scope (e.g. GET /frontage-contracts/:id/file).
 */
export function filesRoutes({ db, files }: { db: DB; files: FileStore }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/files', {
      config: { permission: 'frontage.write' },
      schema: {
        tags: ['files'],
        summary: 'Upload one file (multipart field "file"); PDF, JPEG, PNG or WebP up to 20 MB, checked by content',
        consumes: ['multipart/form-data'],
        response: { 201: StoredFileView, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 415: ErrorBody },
      },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      if (!request.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE');
      const part = await request.file({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
      if (!part) throw new AppError(400, 'BAD_REQUEST', {}, { reason: 'no file' });
      const data = await part.toBuffer().catch((err: { code?: string }) => {
        if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'FILE_TOO_LARGE', { limit: '20 MB' });
        throw err;
      });
      const mime = await sniff(data, 'document');
      const name = (part.filename || 'file').slice(0, 200);
      const sha = await files.put(actor.tenantId, data);
      const row = await db.transaction().execute(async (tx) => {
        const r = await tx.insertInto('stored_file').values({
          tenant_id: actor.tenantId, sha256: sha, original_name: name, mime, size_bytes: data.length, created_by: actor.userId,
        }).returning(['id', 'original_name', 'mime', 'size_bytes']).executeTakeFirstOrThrow();
        await recordAudit(tx, auditContextOf(request), { action: 'file.uploaded', entityType: 'file', entityId: r.id, after: { name, mime, size: data.length, sha256: sha } });
        return r;
      });
      return reply.status(201).send({ id: row.id, name: row.original_name, mime: row.mime, sizeBytes: row.size_bytes });
    });
  };
}
