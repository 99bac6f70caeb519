import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CASE_STATE_CATEGORY, formatMessage, type CaseState, type Locale } from '@cc/domain';
import { verifyApiToken } from '../../platform/auth.js';
import type { Clock } from '../../platform/clock.js';
import type { Config } from '../../platform/config.js';
import type { DB } from '../../platform/database.js';
import { AppError, localeOf } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files.js';
import { localizeValidation } from '../../platform/validation.js';
import type { CaseCatalog } from '../cases/catalog.service.js';
import type { CasesService } from '../cases/cases.service.js';
import { resolveCity } from '../public/city.js';
import { PUBLIC_EVENT_LABELS, PUBLIC_EVENTS, PUBLIC_SOURCES } from '../public/public.service.js';
import { fields, list, toXml, type XmlElement } from './open311.xml.js';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): other systems list our categories as
 * services, read citizen cases as service requests and post new ones with an API token as api_key.
 * Mounted at /open311/v2, outside /api/v1: the routes are public and check api_key themselves, and
 * answer errors in the specification's format, `[{ code, description }]` or `<errors>`.
 */

type Format = 'json' | 'xml';
const JSON_TYPE = 'application/json; charset=utf-8';
const XML_TYPE = 'application/xml; charset=utf-8';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
const CHANGESET = '2026-03-12T00:00:00+08:00';
const MAX_WINDOW_MS = 90 * 86_400_000;
const MAX_PAGE_SIZE = 1000;
/** Posts per client address and minute. */
const POST_RATE_LIMIT = 60;

/** An error to answer in the specification's format, with a status and a description. */
export class Open311Error extends Error {
  constructor(public readonly status: number, public readonly description: string) {
    super(description);
    this.name = 'Open311Error';
  }
}

const FormatParams = Type.Object({ format: Type.Union([Type.Literal('json'), Type.Literal('xml')]) });
const Jurisdiction = { jurisdiction_id: Type.Optional(Type.String({ maxLength: 40 })) };
// Clients send what they send (api_key on reads, attributes …): unknown query fields are ignored.
const JurisdictionQuery = Type.Object(Jurisdiction);
const RequestsQuery = Type.Object({
  ...Jurisdiction,
  service_request_id: Type.Optional(Type.String({ maxLength: 20_000 })),
  service_code: Type.Optional(Type.String({ maxLength: 500 })),
  start_date: Type.Optional(Type.String({ maxLength: 40 })),
  end_date: Type.Optional(Type.String({ maxLength: 40 })),
  status: Type.Optional(Type.String({ maxLength: 40 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
});

/** An instant in ISO 8601 with the city's offset (+08:00), as the specification's examples write it. */
export function iso8(d: Date | string): string {
  return `${new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

function formatOf(request: FastifyRequest): Format {
  const f = (request.params as { format?: string } | undefined)?.format;
  if (f === 'xml' || f === 'json') return f;
  return request.url.split('?')[0]!.endsWith('.xml') ? 'xml' : 'json';
}

function send(reply: FastifyReply, format: Format, json: unknown, xml: XmlElement, status = 200) {
  return format === 'xml'
    ? reply.status(status).type(XML_TYPE).send(toXml(xml))
    : reply.status(status).type(JSON_TYPE).send(JSON.stringify(json));
}

function sendError(reply: FastifyReply, format: Format, status: number, description: string) {
  const item = { code: status, description };
  return send(reply, format, [item], list('errors', 'error', [item], (e) => fields(e)), status);
}

/** Our statuses in the specification's set: 400 bad input, 403 key, 404 unknown, 429 too many. */
function specStatus(status: number): number {
  if (status === 401) return 403;
  if (status === 409 || status === 422) return 400;
  return status;
}

/** One value of a form or query field: text, the last of repeated fields, numbers as text. */
function field(params: Record<string, unknown>, name: string): string | undefined {
  let v = params[name];
  if (Array.isArray(v)) v = v[v.length - 1];
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

const csv = (s: string | undefined) => (s ? [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))] : []);

export function open311Routes(deps: { db: DB; files: FileStore; cases: CasesService; catalog: CaseCatalog; config: Config; clock: Clock }): FastifyPluginAsyncTypebox {
  const { db, cases, catalog, clock } = deps;

  // ---------- requests ----------

  function requestsQuery(tenantId: number) {
    return cases.baseQuery(db, tenantId).select('k.name_en').where('c.source', 'in', PUBLIC_SOURCES).where('c.hidden', '=', false);
  }
  type Row = Awaited<ReturnType<ReturnType<typeof requestsQuery>['execute']>>[number];

  async function toRequests(tenantId: number, rows: Row[], locale: Locale) {
    const ids = rows.map((r) => r.id);
    const latest = ids.length
      ? await db.selectFrom('case_event').select(['case_id', 'event']).distinctOn('case_id')
        .where('tenant_id', '=', tenantId).where('case_id', 'in', ids).where('event', 'in', PUBLIC_EVENTS)
        .orderBy('case_id').orderBy('id', 'desc').execute()
      : [];
    const notes = new Map(latest.map((e) => [e.case_id, PUBLIC_EVENT_LABELS[e.event]![locale]]));
    return rows.map((r) => ({
      service_request_id: r.number,
      status: CASE_STATE_CATEGORY[r.state as CaseState],
      status_notes: notes.get(r.id) ?? null,
      service_name: locale === 'en' && r.name_en ? r.name_en : r.category_name,
      service_code: r.category_code,
      description: r.description,
      agency_responsible: r.unit_name ?? null,
      service_notice: null,
      requested_datetime: iso8(r.created_at),
      updated_datetime: iso8(r.updated_at),
      expected_datetime: r.deadline_at ? iso8(r.deadline_at) : null,
      address: r.address ?? ([r.street_name, r.community_name].filter(Boolean).join(' ') || null),
      lat: r.lat,
      long: r.lng,
    }));
  }
  type RequestItem = Awaited<ReturnType<typeof toRequests>>[number];
  const requestsXml = (items: RequestItem[]) => list('service_requests', 'request', items, (r) => fields(r));

  async function findRequest(tenantId: number, number: string): Promise<Row> {
    const row = await requestsQuery(tenantId).where('c.number', '=', number).executeTakeFirst();
    if (!row) throw new Open311Error(404, `service_request_id ${number} not found`);
    return row;
  }

  // ---------- api_key ----------

  /** The API token sent as api_key (the same secret as a Bearer token) and its owner, who must be allowed to report. */
  async function verifyApiKey(key: string | undefined) {
    if (!key) throw new Open311Error(403, 'api_key required');
    const found = await verifyApiToken(key, { db, clock });
    if (!found) throw new Open311Error(403, 'Invalid api_key');
    const { actor, tokenName } = found;
    if (!actor.permissions.has('case.report')) throw new Open311Error(403, 'The api_key may not submit service requests');
    return { tenantId: actor.tenantId, userId: actor.userId, tokenName, actor };
  }

  return async (app) => {
    // The specification posts forms; JSON bodies are accepted as well (Fastify's own parser).
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      const out: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(body as string)) out[k] = v;
      done(null, out);
    });

    app.setErrorHandler((err: FastifyError | AppError | Open311Error | Error, request, reply) => {
      const format = formatOf(request);
      const locale = localeOf(request);
      if (err instanceof Open311Error) return sendError(reply, format, err.status, err.description);
      if (err instanceof AppError) return sendError(reply, format, specStatus(err.status), formatMessage(err.code, locale, err.params));
      const fe = err as FastifyError;
      if (fe.validation) {
        const problems = localizeValidation(fe.validation, fe.validationContext, locale);
        return sendError(reply, format, 400, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '));
      }
      if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return sendError(reply, format, specStatus(fe.statusCode), fe.message);
      request.log.error({ err }, 'unhandled error in Open311');
      return sendError(reply, format, 500, 'Internal error');
    });
    app.setNotFoundHandler((request, reply) => sendError(reply, formatOf(request), 404, `No such endpoint: ${request.method} ${request.url.split('?')[0]}`));

    const tags = ['open311'];

    app.get('/discovery.:format', {
      schema: { tags, summary: 'Open311 discovery: where the GeoReport v2 endpoint is and what it speaks', params: FormatParams },
    }, async (request, reply) => {
      const url = `${request.protocol}://${request.host}/open311/v2`;
      const endpoint = { specification: SPECIFICATION, url, changeset: CHANGESET, type: 'production', formats: ['application/json', 'text/xml'] };
      const doc = {
        changeset: CHANGESET,
        contact: '创建办 / the campaign office',
        key_service: '登录后在 个人设置 → API 令牌 中创建，作为 api_key 使用 / create an API token under 个人设置 → API 令牌 and send it as api_key',
        endpoints: [endpoint],
      };
      return send(reply, request.params.format, doc, ['discovery', [
        ...fields({ changeset: doc.changeset, contact: doc.contact, key_service: doc.key_service }),
        list('endpoints', 'endpoint', doc.endpoints, (e) => [
          ...fields({ specification: e.specification, url: e.url, changeset: e.changeset, type: e.type }),
          ['formats', e.formats.map((f) => ['format', f] as const)],
        ]),
      ]]);
    });

    app.get('/services.:format', {
      schema: { tags, summary: 'Service types: the city’s active case categories', params: FormatParams, querystring: JurisdictionQuery },
    }, async (request, reply) => {
      const t = await resolveCity(db, request.query.jurisdiction_id);
      const locale = localeOf(request);
      const services = (await catalog.listCategories(t.id, { activeOnly: true })).map((c) => ({
        service_code: c.code,
        service_name: locale === 'en' ? c.nameEn : c.name,
        description: c.registration || null,
        metadata: false,
        type: 'realtime',
        keywords: [...new Set([c.majorName, c.name, c.nameEn])].join(','),
        group: c.majorName,
      }));
      return send(reply, request.params.format, services, list('services', 'service', services, (s) => fields(s)));
    });

    app.get('/services/:code.:format', {
      schema: {
        tags, summary: 'Service definition (no extra attributes: metadata is false for every service)',
        params: Type.Object({ code: Type.String({ maxLength: 40 }), format: FormatParams.properties.format }), querystring: JurisdictionQuery,
      },
    }, async (request, reply) => {
      const t = await resolveCity(db, request.query.jurisdiction_id);
      const c = await db.selectFrom('case_category').select('code').where('tenant_id', '=', t.id).where('code', '=', request.params.code).where('active', '=', true).executeTakeFirst();
      if (!c) throw new Open311Error(404, `service_code ${request.params.code} not found`);
      const def = { service_code: c.code, attributes: [] as never[] };
      return send(reply, request.params.format, def, ['service_definition', [['service_code', def.service_code], ['attributes', []]]]);
    });

    app.get('/requests.:format', {
      schema: {
        tags, summary: 'Service requests: citizen cases, newest first (default and longest window 90 days; page/page_size up to 1000)',
        params: FormatParams, querystring: RequestsQuery,
      },
    }, async (request, reply) => {
      const q = request.query;
      const t = await resolveCity(db, q.jurisdiction_id);
      const locale = localeOf(request);
      const pageSize = q.page_size ?? MAX_PAGE_SIZE;
      const page = q.page ?? 1;
      let query = requestsQuery(t.id);
      const numbers = csv(q.service_request_id);
      if (numbers.length) {
        // The specification: a list of ids overrides every other argument.
        if (numbers.length > MAX_PAGE_SIZE) throw new Open311Error(400, `at most ${MAX_PAGE_SIZE} service_request_id`);
        query = query.where('c.number', 'in', numbers);
      } else {
        const parse = (name: string, v: string | undefined) => {
          if (v === undefined) return undefined;
          const ms = Date.parse(v);
          if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(ms)) throw new Open311Error(400, `${name} must be an ISO 8601 date-time`);
          return ms;
        };
        const start = parse('start_date', q.start_date);
        const end = parse('end_date', q.end_date);
        const to = end ?? (start !== undefined ? start + MAX_WINDOW_MS : clock.now().getTime());
        const from = start ?? to - MAX_WINDOW_MS;
        if (to < from) throw new Open311Error(400, 'end_date is before start_date');
        if (to - from > MAX_WINDOW_MS) throw new Open311Error(400, 'start_date and end_date may not span more than 90 days');
        query = query.where('c.created_at', '>=', new Date(from)).where('c.created_at', '<=', new Date(to));
        const statuses = csv(q.status);
        const bad = statuses.find((s) => s !== 'open' && s !== 'closed');
        if (bad) throw new Open311Error(400, `status must be open or closed, not ${bad}`);
        if (statuses.length === 1) {
          query = query.where('c.state', 'in', Object.entries(CASE_STATE_CATEGORY).filter(([, v]) => v === statuses[0]).map(([s]) => s));
        }
        const codes = csv(q.service_code);
        if (codes.length) query = query.where('k.code', 'in', codes);
      }
      const rows = await query.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
      const items = await toRequests(t.id, rows, locale);
      return send(reply, request.params.format, items, requestsXml(items));
    });

    app.get('/requests/:id.:format', {
      schema: {
        tags, summary: 'One service request by its id (our case number)',
        params: Type.Object({ id: Type.String({ maxLength: 40 }), format: FormatParams.properties.format }), querystring: JurisdictionQuery,
      },
    }, async (request, reply) => {
      const t = await resolveCity(db, request.query.jurisdiction_id);
      const items = await toRequests(t.id, [await findRequest(t.id, request.params.id)], localeOf(request));
      return send(reply, request.params.format, items, requestsXml(items));
    });

    app.get('/tokens/:token.:format', {
      schema: {
        tags, summary: 'The service request of a token: requests are created at once, so the token is the id',
        params: Type.Object({ token: Type.String({ maxLength: 40 }), format: FormatParams.properties.format }), querystring: JurisdictionQuery,
      },
    }, async (request, reply) => {
      const t = await resolveCity(db, request.query.jurisdiction_id);
      const row = await findRequest(t.id, request.params.token);
      const items = [{ service_request_id: row.number, token: request.params.token }];
      return send(reply, request.params.format, items, list('service_requests', 'request', items, (x) => fields(x)));
    });

    app.post('/requests.:format', {
      config: { rateLimit: { max: POST_RATE_LIMIT, timeWindow: '1 minute' } },
      schema: {
        tags, summary: 'Create a service request (form or JSON: api_key, service_code, lat, long, description; address_string, email, phone, first_name, last_name optional)',
        params: FormatParams,
      },
    }, async (request, reply) => {
      const params: Record<string, unknown> = { ...(request.query as Record<string, unknown>), ...((request.body as Record<string, unknown> | undefined) ?? {}) };
      const key = await verifyApiKey(field(params, 'api_key'));
      const jurisdiction = field(params, 'jurisdiction_id');
      if (jurisdiction) {
        const t = await resolveCity(db, jurisdiction);
        if (t.id !== key.tenantId) throw new Open311Error(403, 'The api_key is not valid for this jurisdiction_id');
      }
      const serviceCode = field(params, 'service_code');
      if (!serviceCode) throw new Open311Error(400, 'service_code required');
      const latText = field(params, 'lat');
      const lngText = field(params, 'long');
      if (latText === undefined || lngText === undefined) throw new Open311Error(400, 'lat/long required');
      const lat = Number(latText);
      const lng = Number(lngText);
      if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) throw new Open311Error(400, 'lat/long must be WGS-84 degrees');
      const description = field(params, 'description');
      if (!description || description.length < 2) throw new Open311Error(400, 'description required');
      if (description.length > 2000) throw new Open311Error(400, 'description longer than 2000 characters');
      const first = field(params, 'first_name');
      const last = field(params, 'last_name');
      // Chinese names are written family name first, without a space.
      const cjk = (s: string | undefined) => !s || /^[\u3400-\u9fff·]+$/.test(s);
      const name = first || last ? (cjk(first) && cjk(last) ? `${last ?? ''}${first ?? ''}` : [first, last].filter(Boolean).join(' ')) : null;
      const phone = field(params, 'phone');

      const locale = localeOf(request);
      const ctx = { tenantId: key.tenantId, actorUserId: key.userId, actorLabel: `${key.actor.displayName} (${key.actor.username}) via Open311 (${key.tokenName})`, ip: request.ip ?? null, requestId: String(request.id) };
      const id = await cases.intake(key.tenantId, {
        source: 'open311', categoryCode: serviceCode, description, lat, lng, address: field(params, 'address_string')?.slice(0, 200) ?? null, photos: [],
        reporter: { userId: key.userId, label: `Open311 (${key.tokenName})`, name: name?.slice(0, 40) ?? null, phone: phone?.slice(0, 40) ?? null },
      }, ctx);
      const row = await db.selectFrom('case_record').select('number').where('tenant_id', '=', key.tenantId).where('id', '=', id).executeTakeFirstOrThrow();
      const notice = locale === 'en' ? `Received as case ${row.number}; follow it by this number.` : `已受理，问题编号 ${row.number}，可凭编号查询办理进度。`;
      const items = [{ service_request_id: row.number, service_notice: notice, account_id: null }];
      return send(reply, request.params.format, items, list('service_requests', 'request', items, (x) => fields(x)));
    });
  };
}
