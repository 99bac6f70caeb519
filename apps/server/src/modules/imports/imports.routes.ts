import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody, IdParams, IMPORT_KIND_LABELS, IMPORT_KINDS, IMPORT_SYNC_MAX_ROWS, ImportAccepted, ImportJobView, ImportResult } from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/database.js';
import { localeOf } from '../../platform/errors.js';
import { contentDisposition, readUpload } from '../../platform/files.js';
import { MAX_UPLOAD_BYTES } from '../files/files.routes.js';
import type { SettingsService } from '../responsibility/settings.service.js';
import { createImportsService } from './imports.service.js';
import { IMPORT_KIND_SPECS } from './kinds/index.js';
import { XLSX_MIME } from './xlsx-read.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody };

/**
 * Excel templates, exports and imports, one route per kind so each declares its own permission
 * (GET /imports/templates/shops needs frontage.write, GET /exports/shops frontage.read …), and
 * import jobs' progress. Built once in app.ts: `importsModule({ db, clock, settings })`.
 */
export function importsModule(deps: { db: DB; clock: Clock; settings: SettingsService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const imports = createImportsService({ ...deps, log: app.log });
    // Jobs a dead process left behind are failed with the reason, so nobody waits on them.
    await imports.recoverJobs();
    app.addHook('onClose', async () => {
      await imports.idle();
    });

    for (const kind of IMPORT_KINDS) {
      const spec = IMPORT_KIND_SPECS[kind];
      const label = IMPORT_KIND_LABELS[kind].en;

      app.get(`/imports/templates/${kind}`, {
        config: { permission: spec.write },
        schema: { tags: ['imports'], summary: `Excel template for ${label}: Chinese headers, an example row, drop-downs and a 填写说明 sheet` },
      }, async (request, reply) => {
        const t = imports.template(requireActor(request.actor), kind);
        return reply.header('content-type', XLSX_MIME).header('content-disposition', contentDisposition(t.fileName))
          .header('cache-control', 'private, max-age=0').send(await t.data);
      });

      app.get(`/exports/${kind}`, {
        config: { permission: spec.read },
        schema: { tags: ['imports'], summary: `${label} within the caller’s scope as Excel, in the template’s columns (streamed)` },
      }, async (request, reply) => {
        const e = imports.export(requireActor(request.actor), kind, (err) => request.log.error({ err }, 'export failed'));
        return reply.header('content-type', XLSX_MIME).header('content-disposition', contentDisposition(e.fileName))
          .header('cache-control', 'private, max-age=0').send(e.stream);
      });

      app.post(`/imports/${kind}`, {
        config: { permission: spec.write },
        schema: {
          tags: ['imports'],
          summary: `Import ${label} from an .xlsx file (multipart field "file", up to 20 MB): every row is checked first, then all rows are written in one transaction or none. Files of more than ${IMPORT_SYNC_MAX_ROWS} rows answer 202 with a job to follow.`,
          consumes: ['multipart/form-data'],
          response: { 200: ImportResult, 202: ImportAccepted, ...errors },
        },
      }, async (request, reply) => {
        const actor = requireActor(request.actor);
        const { data, name } = await readUpload(request, { maxBytes: MAX_UPLOAD_BYTES, noFile: 'IMPORT_NO_FILE', defaultName: `${kind}.xlsx` });
        const out = await imports.start(actor, kind, { name, data }, auditContextOf(request), localeOf(request));
        return 'jobId' in out ? reply.status(202).send(out) : reply.send(out);
      });
    }

    app.get('/imports/jobs/:id', {
      schema: { tags: ['imports'], summary: 'Progress of an import job (its owner and the city’s administrators)', params: IdParams, response: { 200: ImportJobView, ...errors } },
    }, (request) => imports.job(requireActor(request.actor), request.params.id, localeOf(request)));
  };
}
