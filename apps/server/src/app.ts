import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorBody } from '@cc/domain';
import type { RouteAccess } from './platform/actor.js';
import { registerAuth } from './platform/auth.js';
import type { Job } from './platform/jobs.js';
import { runCaseScheduler } from './modules/cases/scheduler.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import type { DB } from './platform/database.js';
import { AppError, frameworkErrors, registerErrorHandling } from './platform/errors.js';
import { pgRateLimitStore } from './platform/rate-limit-store.js';
import { buildSerializer } from './platform/serializer.js';
import helmet from 'helmet';
import { registerValidation } from './platform/validation.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { regionsRoutes } from './modules/regions/regions.routes.js';
import { createRegionsService } from './modules/regions/regions.service.js';
import { healthRoute, systemRoutes, VERSION } from './modules/system/system.routes.js';
import { tokensRoutes } from './modules/tokens/tokens.routes.js';
import { unitsRoutes } from './modules/units/units.routes.js';
import { createUnitsService } from './modules/units/units.service.js';
import { usersRoutes } from './modules/users/users.routes.js';
import multipart from '@fastify/multipart';
import { createLocalFileStore } from './platform/files.js';
import { filesRoutes, MAX_UPLOAD_BYTES } from './modules/files/files.routes.js';
import { geoRoutes } from './modules/geo/geo.routes.js';
import { importsModule } from './modules/imports/imports.routes.js';
import { createGeoService } from './modules/geo/geo.service.js';
import { peopleRoutes } from './modules/people/people.routes.js';
import { createPeopleService } from './modules/people/people.service.js';
import { createAssignmentsService } from './modules/responsibility/assignments.service.js';
import { createFrontageService } from './modules/responsibility/frontage.service.js';
import { responsibilityRoutes } from './modules/responsibility/responsibility.routes.js';
import { createRoutingIndex } from './modules/responsibility/routing-index.js';
import { createRoutingService } from './modules/responsibility/routing.service.js';
import { createSettingsService } from './modules/responsibility/settings.service.js';
import { createUsersService } from './modules/users/users.service.js';
import { createCaseCatalog } from './modules/cases/catalog.service.js';
import { casesRoutes } from './modules/cases/cases.routes.js';
import { createCasesService } from './modules/cases/cases.service.js';
import { inspectionsRoutes } from './modules/inspections/inspections.routes.js';
import { createInspectionsService } from './modules/inspections/inspections.service.js';
import { createPlansService } from './modules/inspections/plans.service.js';
import { createStandardsService } from './modules/inspections/standards.service.js';
import { standardsExcelRoutes } from './modules/inspections/standards-excel.routes.js';
import { notificationsRoutes } from './modules/notifications/notifications.routes.js';
import { deliverPending, dispatchOutbox } from './modules/notifications/dispatcher.js';
import { open311Routes } from './modules/open311/open311.routes.js';
import { publicRoutes } from './modules/public/public.routes.js';
import { ledgerRoutes } from './modules/cases/ledger.routes.js';
import { documentsRoutes } from './modules/cases/documents/documents.routes.js';
import { createLedgerService } from './modules/cases/ledger.service.js';
import { caseMapRoutes } from './modules/cases/map.routes.js';

export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: RouteEntry[];
    /** Periodic work of the modules, started by main.ts (tests call the functions directly). */
    backgroundJobs: Job[];
  }
}

export interface AppDeps {
  db: DB;
  config: Config;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
}

type SerializerFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;

/** Builds the Fastify app without listening: main.ts listens, tests use app.inject(). */
export async function buildApp({ db, config, clock = systemClock, logger = false }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: false } },
    // Large answers are written item by item into a Buffer (platform/serializer.ts, ADR 0010);
    // Fastify sends a Buffer as it is, though its types say a serializer returns a string.
    schemaController: { compilersFactory: { buildSerializer: buildSerializer as unknown as SerializerFactory } },
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every route with its access rule, for the authorization matrix test and the docs.
  const routeCatalog: RouteEntry[] = [];
  app.decorate('routeCatalog', routeCatalog);
  const backgroundJobs: Job[] = [];
  app.decorate('backgroundJobs', backgroundJobs);
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const method of methods) {
      if (method === 'HEAD' || !r.url.startsWith('/api/v1')) continue;
      routeCatalog.push({ method, url: r.url, access: (r.config ?? {}) as RouteAccess });
    }
  });

  registerValidation(app);
  registerErrorHandling(app, { spaIndex: hasWeb(config) });
  app.addSchema(ErrorBody);

  await app.register(cookie);
  // Per-route limits (login, Open311 posts), counted per client address in PostgreSQL, so every
  // instance of the app counts the same hits (ADR 0008).
  await app.register(rateLimit, {
    global: false,
    store: pgRateLimitStore(db),
    errorResponseBuilder: (_req, ctx) => new AppError(429, 'RATE_LIMITED', {}, { retryAfterSeconds: Math.ceil(ctx.ttl / 1000) }),
  });
  // The security headers on every answer. helmet's middleware is built once here: the Fastify
  // plugin built it again for each request (parsing the CSP every time, ~2 % of an intake's CPU).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // antd writes its styles at run time (CSS-in-JS): inline styles, never inline scripts.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...tileOrigin(config.tileUrl)],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // The service worker (/sw.js) that opens the app offline.
        workerSrc: ["'self'"],
        frameAncestors: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The app serves its own fonts and images; cross-origin isolation would only break tiles.
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err instanceof Error ? err : undefined)));

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '创城 Chuangcheng API',
        version: VERSION,
        description:
          'REST API of Chuangcheng. Log in with POST /api/v1/auth/login (session cookie + CSRF token in `x-csrf-token` on writes), or send an API token as `Authorization: Bearer <token>`. Errors always have the shape `{ "error": { "code", "message", "details" } }`; messages follow `Accept-Language` (zh-CN default, en).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'cc_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuth(app, { db, clock, idleMinutes: config.sessionIdleMinutes });

  const auth = createAuthService({ db, clock });
  const files = createLocalFileStore(path.join(config.dataDir, 'files'));
  const routingIndex = createRoutingIndex(db);
  const routing = createRoutingService({ db, clock, index: routingIndex });
  const catalog = createCaseCatalog({ db });
  const cases = createCasesService({ db, clock, catalog, routing });
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } });
  await app.register(healthRoute(db));
  await app.register(
    async (v1) => {
      await v1.register(authRoutes({ db, auth, config }));
      await v1.register(systemRoutes({ db, config }));
      await v1.register(usersRoutes(createUsersService({ db, clock })));
      await v1.register(regionsRoutes(createRegionsService({ db })));
      await v1.register(unitsRoutes(createUnitsService({ db })));
      await v1.register(auditRoutes(db));
      await v1.register(tokensRoutes({ db, clock }));
      await v1.register(peopleRoutes(createPeopleService({ db })));
      await v1.register(geoRoutes(createGeoService({ db })));
      await v1.register(filesRoutes({ db, files }));
      const settings = createSettingsService({ db });
      const assignments = createAssignmentsService({ db, clock });
      const frontage = createFrontageService({ db, clock, assignments, settings });
      await v1.register(responsibilityRoutes({ db, files, assignments, frontage, routing, settings }));
      await v1.register(importsModule({ db, clock, settings }));
      await v1.register(casesRoutes({ db, files, cases, catalog }));
      await v1.register(notificationsRoutes({ db, clock }));
      // After commit, the outbox fans out to inboxes and webhooks; deliveries are retried with backoff.
      backgroundJobs.push(
        { name: 'outbox dispatcher', everyMs: 2000, run: () => dispatchOutbox(db, { clock, log: app.log, settleDocuments: cases.settleDocuments }) },
        { name: 'webhook delivery', everyMs: 5000, run: () => deliverPending(db, { clock, log: app.log }) },
      );
      await v1.register(publicRoutes({ db, files, cases, catalog, config, clock }));
      backgroundJobs.push({ name: 'case scheduler', everyMs: 60_000, run: () => runCaseScheduler({ db, clock, cases, catalog }) });
      await v1.register(ledgerRoutes({ ledger: createLedgerService({ db, clock, cases, files, log: app.log }), files }));
      await v1.register(caseMapRoutes({ db, clock, cases }));
      await v1.register(documentsRoutes({ db, files, cases, catalog }));
      const standards = createStandardsService({ db, clock });
      const plans = createPlansService({ db, clock, routing });
      const inspections = createInspectionsService({ db, clock, files, cases, plans, standards });
      await v1.register(inspectionsRoutes({ files, standards, plans, inspections }));
      await v1.register(standardsExcelRoutes({ standards, db }));
    },
    { prefix: '/api/v1' },
  );
  await app.register(open311Routes({ db, files, cases, catalog, config, clock }), { prefix: '/open311/v2' });

  if (hasWeb(config)) {
    // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, { root: config.webDist!, wildcard: true, index: ['index.html'], maxAge: '1h' });
    // Vite fingerprints assets: cache them for a year; the HTML shell and the service worker are
    // always revalidated, so a new deployment is picked up.
    app.addHook('onSend', async (request, reply) => {
      if (request.url.startsWith('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      else if (request.url.split('?')[0] === '/sw.js' || String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
        reply.header('cache-control', 'no-cache');
      }
    });
  }
  return app;
}

function hasWeb(config: Config): boolean {
  return Boolean(config.webDist && existsSync(path.join(config.webDist, 'index.html')));
}

function tileOrigin(tileUrl: string): string[] {
  try {
    return /^https?:\/\//.test(tileUrl) ? [new URL(tileUrl.replace(/[{}]/g, '')).origin] : [];
  } catch {
    return [];
  }
}
