import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, Id } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { DB } from '../../platform/database.js';
import { nameForMime, readUpload, saveStoredFile, sniff, type FileStore } from '../../platform/files.js';

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
      const { data, name } = await readUpload(request, { maxBytes: MAX_UPLOAD_BYTES, defaultName: 'file' });
      const mime = await sniff(data, 'document');
      const id = await db.transaction().execute((tx) => saveStoredFile(tx, files, auditContextOf(request), { tenantId: actor.tenantId, data, mime, name, createdBy: actor.userId }));
      return reply.status(201).send({ id, name: nameForMime(name, mime), mime, sizeBytes: data.length });
    });
  };
}
