import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CaseListQuery, CaseStats, CaseStatsQuery, ErrorBody, HotSpotList, HotSpotQuery, Id, IdParams, RecheckListQuery, RecheckPage, RecheckResultBody, RecheckView,
} from '@cc/domain';
import { requireActor } from '../../platform/actor.js';
import { auditContextOf } from '../../platform/audit.js';
import { contentDisposition, type FileStore } from '../../platform/files.js';
import type { LedgerService } from './ledger.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const ExportJob = Type.Object({
  id: Id,
  state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  processed: Type.Integer(),
  total: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
});
const { page: _page, pageSize: _pageSize, ...filterProps } = CaseListQuery.properties;
const ExportBody = Type.Object(filterProps, { additionalProperties: false });

export function ledgerRoutes(deps: { ledger: LedgerService; files: FileStore }): FastifyPluginAsyncTypebox {
  const { ledger, files } = deps;
  return async (app) => {
    app.get('/rechecks', { config: { permission: 'case.read' }, schema: { tags: ['cases'], summary: '回头看: re-check samples of closed cases', querystring: RecheckListQuery, response: { 200: RecheckPage, ...errors } } },
      (request) => ledger.listRechecks(requireActor(request.actor), request.query));
    app.post('/rechecks/:id/result', {
      config: { permission: 'case.verify' },
      schema: { tags: ['cases'], summary: 'Record a re-check; "relapsed" reopens the case (反弹)', params: IdParams, body: RecheckResultBody, response: { 200: RecheckView, ...errors } },
    }, (request) => ledger.recordRecheck(requireActor(request.actor), request.params.id, request.body, auditContextOf(request)));

    app.get('/case-stats', { config: { permission: 'case.read' }, schema: { tags: ['cases'], summary: 'Counts and rates per responsible unit', querystring: CaseStatsQuery, response: { 200: CaseStats, ...errors } } },
      (request) => ledger.stats(requireActor(request.actor), request.query));
    app.get('/case-hotspots', { config: { permission: 'case.read' }, schema: { tags: ['cases'], summary: 'Relapse hot spots: places where closed problems of one category come back', querystring: HotSpotQuery, response: { 200: HotSpotList, ...errors } } },
      (request) => ledger.hotSpots(requireActor(request.actor), request.query));

    app.post('/case-exports', {
      config: { permission: 'case.read' },
      schema: { tags: ['cases'], summary: 'Export the filtered ledger to Excel (a job: poll it, then fetch the file)', body: ExportBody, response: { 202: ExportJob, ...errors } },
    }, async (request, reply) => reply.status(202).send(await ledger.startExport(requireActor(request.actor), request.body, auditContextOf(request))));
    app.get('/case-exports/:id', { config: { permission: 'case.read' }, schema: { tags: ['cases'], params: IdParams, response: { 200: ExportJob, ...errors } } },
      async (request) => {
        const { fileId: _fileId, ...job } = await ledger.exportJob(requireActor(request.actor), request.params.id);
        return job;
      });
    app.get('/case-exports/:id/file', { config: { permission: 'case.read' }, schema: { tags: ['cases'], params: IdParams } },
      async (request, reply) => {
        const actor = requireActor(request.actor);
        const f = await ledger.exportFile(actor, request.params.id);
        reply.header('content-type', f.mime).header('content-disposition', contentDisposition(f.original_name)).header('cache-control', 'private, max-age=0');
        return reply.send(files.open(actor.tenantId, f.sha256));
      });
  };
}
