import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CASE_SOURCE_LABELS, DEFAULT_CASE_SETTINGS, ErrorBody, Id, type CaseSource } from '@cc/domain';
import { requireActor } from '../../../platform/actor.js';
import type { Actor } from '../../../platform/actor.js';
import type { DB } from '../../../platform/database.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { contentDisposition, type FileStore } from '../../../platform/files.js';
import type { CaseCatalog } from '../catalog.service.js';
import type { CasesService } from '../cases.service.js';
import type { CaseDocumentData, CaseDocumentPhoto } from './document-data.js';
import { renderDocx } from './docx.js';
import { createPdfRenderer, PdfRenderError, type PdfRenderer } from './pdf.js';

const DEADLINE_TEXT = { emergency_hours: '小时', working_hours: '个工作小时', working_days: '个工作日', calendar_days: '个自然日' } as const;
const Params = Type.Object({ id: Id, docId: Id, format: Type.Union([Type.Literal('docx'), Type.Literal('pdf')]) }, { additionalProperties: false });

/**
 * 交办单 and 督办函 of a case, as Word and as PDF, rebuilt from the case and the numbered
 * document row each time (the number was fixed when the case was assigned or escalated).
 */
export function documentsRoutes(deps: { db: DB; files: FileStore; cases: CasesService; catalog: CaseCatalog; pdf?: PdfRenderer }): FastifyPluginAsyncTypebox {
  const { db, files, cases, catalog } = deps;
  let pdf = deps.pdf ?? null;

  async function readAll(tenantId: number, sha: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of files.open(tenantId, sha)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  async function data(actor: Actor, caseId: number, docId: number): Promise<CaseDocumentData> {
    const c = await cases.loadVisible(actor, caseId);
    const read = () => db.selectFrom('case_document as d').leftJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'd.tenant_id').onRef('u.id', '=', 'd.unit_id'))
      .select(['d.kind', 'd.number_text', 'd.created_at', 'd.deadline_at', 'd.event_id', 'u.name as unit_name'])
      .where('d.tenant_id', '=', actor.tenantId).where('d.case_id', '=', caseId).where('d.id', '=', docId).executeTakeFirst();
    let doc = await read();
    if (!doc) throw notFound('document');
    // Committed but not numbered yet (the numbering step runs just after commit): number it now.
    if (doc.number_text === null) {
      await cases.settleDocuments();
      doc = (await read())!;
    }
    const number = doc.number_text;
    if (number === null) throw new AppError(409, 'CONFLICT');
    const [tenant, settings, photos, slip, event] = await Promise.all([
      db.selectFrom('tenant').select('name').where('id', '=', actor.tenantId).executeTakeFirstOrThrow(),
      catalog.settings(actor.tenantId),
      db.selectFrom('case_photo as p').innerJoin('stored_file as f', (j) => j.onRef('f.tenant_id', '=', 'p.tenant_id').onRef('f.id', '=', 'p.file_id'))
        .select(['f.sha256', 'f.mime', 'p.taken_at']).where('p.tenant_id', '=', actor.tenantId).where('p.case_id', '=', caseId)
        .where('p.stage', 'in', ['before', 'recheck']).orderBy('p.id').limit(2).execute(),
      db.selectFrom('case_document').select('number_text').where('tenant_id', '=', actor.tenantId).where('case_id', '=', caseId)
        .where('kind', '=', 'assignment_slip').where('created_at', '<=', doc.created_at).orderBy('id', 'desc').limit(1).executeTakeFirst(),
      doc.event_id ? db.selectFrom('case_event').select('data').where('tenant_id', '=', actor.tenantId).where('id', '=', doc.event_id).executeTakeFirst() : undefined,
    ]);
    const evData = (event?.data ?? {}) as { level?: number; overdueHours?: number };
    const images: CaseDocumentPhoto[] = [];
    for (const p of photos) {
      if (!files.exists(actor.tenantId, p.sha256)) continue;
      images.push({ mime: p.mime as CaseDocumentPhoto['mime'], data: await readAll(actor.tenantId, p.sha256), takenAt: p.taken_at ? new Date(p.taken_at) : null });
    }
    return {
      kind: doc.kind as CaseDocumentData['kind'], number, cityName: tenant.name,
      // The shipped default names no city: put the city's name in front until the office sets its own.
      issuer: settings.issuer === DEFAULT_CASE_SETTINGS.issuer ? `${tenant.name}${settings.issuer}` : settings.issuer,
      issuedAt: new Date(doc.created_at), locale: 'zh-CN',
      case: {
        number: c.number, categoryName: c.category_name, majorName: c.major_name, description: c.description, address: c.address, lat: c.lat, lng: c.lng,
        sourceLabel: CASE_SOURCE_LABELS[c.source as CaseSource]['zh-CN'], reportedAt: new Date(c.created_at),
        gridName: c.grid_name, communityName: c.community_name, streetName: c.street_name, closingCondition: c.category_closing,
      },
      unit: { name: doc.unit_name ?? c.unit_name ?? '' },
      deadlineAt: doc.deadline_at, deadlineText: `${Number(c.deadline_amount)} ${DEADLINE_TEXT[c.deadline_class as keyof typeof DEADLINE_TEXT]}`,
      escalation: doc.kind === 'urging_letter' ? { level: evData.level ?? 1, overdueHours: evData.overdueHours ?? 0, originalSlipNumber: slip?.number_text ?? null } : null,
      photos: images,
    };
  }

  return async (app) => {
    app.addHook('onClose', async () => {
      await pdf?.close();
    });
    app.get('/cases/:id/documents/:docId/:format', {
      config: { permission: 'case.read' },
      schema: { tags: ['cases'], summary: 'The 交办单 or 督办函 as Word (docx) or PDF', params: Params, response: { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody } },
    }, async (request, reply) => {
      const actor = requireActor(request.actor);
      const d = await data(actor, request.params.id, request.params.docId);
      const base = `${d.kind === 'assignment_slip' ? '交办单' : '督办函'}-${d.case.number}`;
      if (request.params.format === 'docx') {
        const buf = await renderDocx(d);
        reply.header('content-type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document').header('content-disposition', contentDisposition(`${base}.docx`));
        return reply.send(buf as never);
      }
      pdf ??= createPdfRenderer();
      const buf = await pdf.render(d).catch((err: unknown) => {
        if (err instanceof PdfRenderError) {
          request.log.error({ err }, 'PDF rendering failed');
          throw new AppError(503, 'DOCUMENT_RENDER_FAILED');
        }
        throw err;
      });
      reply.header('content-type', 'application/pdf').header('content-disposition', contentDisposition(`${base}.pdf`));
      return reply.send(buf as never);
    });
  };
}
