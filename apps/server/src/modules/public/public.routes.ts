import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorBody, PublicCaseStatus, PublicCity, PublicReportBody } from '@cc/domain';
import type { Clock } from '../../platform/clock.js';
import type { Config } from '../../platform/config.js';
import type { DB } from '../../platform/database.js';
import { AppError, localeOf } from '../../platform/errors.js';
import { readUpload, sniff, type FileStore } from '../../platform/files.js';
import type { CaseCatalog } from '../cases/catalog.service.js';
import { MAX_PHOTO_BYTES } from '../cases/cases.routes.js';
import type { CasesService } from '../cases/cases.service.js';
import { resolveCity } from './city.js';
import { citizenAuditContext, createPublicService, ipHashOf } from './public.service.js';

const errors = { 400: ErrorBody, 404: ErrorBody, 422: ErrorBody, 429: ErrorBody };
const CityQuery = Type.Object({ city: Type.Optional(Type.String({ maxLength: 40 })) }, { additionalProperties: false });

export interface PublicDeps {
  db: DB;
  files: FileStore;
  cases: CasesService;
  catalog: CaseCatalog;
  config: Config;
  clock: Clock;
}

/**
 * The citizens' side (S10), without login: the city's map and categories, photo uploads, reports,
 * and following a report by its number. Abuse is held off by a honeypot field and per-client
 * hourly limits counted in the database (the client is known only by a hash of its IP).
 */
export function publicRoutes(deps: PublicDeps): FastifyPluginAsyncTypebox {
  const { db } = deps;
  const svc = createPublicService(deps);
  return async (app) => {
    // A client held off by the hourly limits learns when to try again.
    app.addHook('onError', async (_request, reply, err) => {
      const d = err instanceof AppError && err.status === 429 ? (err.details as { retryAfterSeconds?: number } | undefined) : undefined;
      if (d?.retryAfterSeconds) reply.header('retry-after', String(d.retryAfterSeconds));
    });

    app.get('/public/city', {
      config: { public: true },
      schema: { tags: ['public'], summary: 'The city a citizen reports in: map centre, tiles and active categories', querystring: CityQuery, response: { 200: PublicCity, ...errors } },
    }, async (request) => svc.city(await resolveCity(db, request.query.city)));

    app.post('/public/uploads', {
      config: { public: true },
      schema: {
        tags: ['public'], summary: 'Upload a photo for a report (multipart field "file"): JPEG, PNG or WebP up to 10 MB; returns a token for POST /public/reports',
        querystring: CityQuery, consumes: ['multipart/form-data'],
        response: { 201: Type.Object({ token: Type.String() }), 413: ErrorBody, 415: ErrorBody, ...errors },
      },
    }, async (request, reply) => {
      const t = await resolveCity(db, request.query.city);
      const ipHash = ipHashOf(t.id, request.ip);
      await svc.checkUploadRate(t.id, ipHash);
      const { data, name } = await readUpload(request, { maxBytes: MAX_PHOTO_BYTES, defaultName: 'photo' });
      const mime = await sniff(data, 'image');
      const token = await svc.storeUpload(t.id, ipHash, data, mime, name, citizenAuditContext(t.id, ipHash, String(request.id)));
      return reply.status(201).send({ token });
    });

    app.post('/public/reports', {
      config: { public: true },
      schema: {
        tags: ['public'], summary: 'Report a problem as a citizen; answers the case number to follow it by',
        body: PublicReportBody, response: { 201: Type.Object({ number: Type.String() }), ...errors },
      },
    }, async (request, reply) => {
      const t = await resolveCity(db, request.body.city);
      const ipHash = ipHashOf(t.id, request.ip);
      const number = await svc.report(t, request.body, ipHash, citizenAuditContext(t.id, ipHash, String(request.id)), request.log);
      return reply.status(201).send({ number });
    });

    app.get('/public/cases/:number', {
      config: { public: true },
      schema: {
        tags: ['public'], summary: 'Follow a citizen report by its number: state and steps, no personal data',
        params: Type.Object({ number: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
        querystring: CityQuery, response: { 200: PublicCaseStatus, ...errors },
      },
    }, async (request) => svc.status(await resolveCity(db, request.query.city), request.params.number, localeOf(request)));
  };
}
