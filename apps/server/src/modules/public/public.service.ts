import { randomInt } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import {
  CASE_STATE_CATEGORY, localDate,
  type CaseState, type Locale, type MapSettings, type PublicCaseStatus, type PublicCity, type PublicReportBody,
} from '@cc/domain';
import type { AuditContext } from '../../platform/audit.js';
import { newSecret, sha256 } from '../../platform/auth.js';
import type { Clock } from '../../platform/clock.js';
import type { Config } from '../../platform/config.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError } from '../../platform/errors.js';
import { saveStoredFile, type FileStore } from '../../platform/files.js';
import type { CaseCatalog } from '../cases/catalog.service.js';
import type { CasesService } from '../cases/cases.service.js';
import { DEFAULT_MAP_SETTINGS } from '../responsibility/settings.service.js';
import type { PublicTenant } from './city.js';

type Label = Record<Locale, string>;

/** Sources whose cases the public may follow: reports made by citizens, directly or through Open311. */
export const PUBLIC_SOURCES = ['citizen', 'open311'] as const;

/**
 * Case events as a citizen reads them. Internal steps (escalation, return and deferral requests,
 * hiding) are left out; a failed verification is shown as the work going on.
 */
export const PUBLIC_EVENT_LABELS: Readonly<Record<string, Label>> = {
  report: { 'zh-CN': '已受理', en: 'Received' },
  register: { 'zh-CN': '已立案', en: 'Registered' },
  assign: { 'zh-CN': '已交办', en: 'Assigned to the responsible unit' },
  accept: { 'zh-CN': '整改中', en: 'Being fixed' },
  submit: { 'zh-CN': '整改完成待核查', en: 'Fixed, awaiting verification' },
  verify_pass: { 'zh-CN': '已办结', en: 'Resolved' },
  verify_fail: { 'zh-CN': '整改中', en: 'Being fixed' },
  reject: { 'zh-CN': '不予立案', en: 'Not taken up' },
  merge: { 'zh-CN': '已合并', en: 'Merged with an earlier report' },
  cancel: { 'zh-CN': '已撤销', en: 'Withdrawn' },
  relapse: { 'zh-CN': '问题复发', en: 'The problem came back' },
};
export const PUBLIC_EVENTS = Object.keys(PUBLIC_EVENT_LABELS);

/** Each state as a citizen reads it. */
export const PUBLIC_STATE_LABELS: Readonly<Record<CaseState, Label>> = {
  reported: PUBLIC_EVENT_LABELS.report!,
  registered: PUBLIC_EVENT_LABELS.register!,
  rejected: PUBLIC_EVENT_LABELS.reject!,
  assigned: PUBLIC_EVENT_LABELS.assign!,
  return_requested: PUBLIC_EVENT_LABELS.assign!,
  rectifying: PUBLIC_EVENT_LABELS.accept!,
  returned: PUBLIC_EVENT_LABELS.accept!,
  deferral_requested: PUBLIC_EVENT_LABELS.accept!,
  deferred: PUBLIC_EVENT_LABELS.accept!,
  submitted: PUBLIC_EVENT_LABELS.submit!,
  closed: PUBLIC_EVENT_LABELS.verify_pass!,
  merged: PUBLIC_EVENT_LABELS.merge!,
  cancelled: PUBLIC_EVENT_LABELS.cancel!,
};

/** An upload token may be used this long after the upload. */
export const UPLOAD_TTL_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/** sha256(tenant + ':' + ip): the same client is recognised within a city; the IP itself is never stored. */
export const ipHashOf = (tenantId: number, ip: string) => sha256(`${tenantId}:${ip}`);

/** Audit context of an anonymous citizen: no user, a label with the start of the IP hash, no IP. */
export const citizenAuditContext = (tenantId: number, ipHash: string, requestId: string | null): AuditContext => ({
  tenantId, actorUserId: null, actorLabel: `citizen (${ipHash.slice(0, 8)})`, ip: null, requestId,
});

export function createPublicService(deps: { db: DB; files: FileStore; cases: CasesService; catalog: CaseCatalog; config: Config; clock: Clock }) {
  const { db, files, cases, catalog, config, clock } = deps;

  function rateLimited(oldest: Date | string | null, now: Date): AppError {
    const start = oldest ? new Date(oldest).getTime() : now.getTime();
    const retryAfterSeconds = Math.max(1, Math.ceil((start + HOUR_MS - now.getTime()) / 1000));
    return new AppError(429, 'RATE_LIMITED', {}, { retryAfterSeconds });
  }

  return {
    async city(t: PublicTenant): Promise<PublicCity> {
      const map = (t.settings as { map?: Partial<MapSettings> }).map;
      const categories = await catalog.listCategories(t.id, { activeOnly: true });
      return {
        code: t.code, name: t.name,
        mapCenter: map?.mapCenter ?? DEFAULT_MAP_SETTINGS.mapCenter,
        tileUrl: config.tileUrl, tileCrs: config.tileCrs,
        categories: categories.map((c) => ({ code: c.code, name: c.name, majorName: c.majorName })),
      };
    },

    /** At most 3 × citizenReportsPerHour uploads per client and hour; throws 429 beyond. */
    async checkUploadRate(tenantId: number, ipHash: string): Promise<void> {
      const now = clock.now();
      const s = await catalog.settings(tenantId);
      const r = await db.selectFrom('public_upload').select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('created_at').as('oldest')])
        .where('tenant_id', '=', tenantId).where('ip_hash', '=', ipHash).where('created_at', '>', new Date(now.getTime() - HOUR_MS))
        .executeTakeFirstOrThrow();
      if (Number(r.n) >= 3 * s.citizenReportsPerHour) throw rateLimited(r.oldest as Date | null, now);
    },

    /** Store a checked image and hand out the token a report claims it with. */
    async storeUpload(tenantId: number, ipHash: string, data: Buffer, mime: string, name: string, ctx: AuditContext): Promise<string> {
      const token = newSecret(32);
      await db.transaction().execute(async (tx) => {
        const fileId = await saveStoredFile(tx, files, ctx, { tenantId, data, mime, name, createdBy: null, auditExtra: { public: true } });
        await tx.insertInto('public_upload').values({ tenant_id: tenantId, token_hash: sha256(token), file_id: fileId, ip_hash: ipHash, created_at: clock.now() }).execute();
      });
      return token;
    },

    /** A citizen's report: honeypot, rate limit, upload tokens, then the case and the claims in one transaction. */
    async report(t: PublicTenant, b: PublicReportBody, ipHash: string, ctx: AuditContext, log: FastifyBaseLogger): Promise<string> {
      const now = clock.now();
      if (b.website && b.website.trim() !== '') {
        log.warn({ tenantId: t.id, ipHash: ipHash.slice(0, 8) }, 'public report honeypot filled: nothing created');
        return `${localDate(now).replaceAll('-', '')}${String(randomInt(1, 10_000)).padStart(4, '0')}`;
      }
      const s = await catalog.settings(t.id);
      // Counted again under a lock on the address inside the transaction below; this early count
      // spares the work for an address that is already over its limit.
      const overLimit = async (ex: Executor) => {
        const recent = await ex.selectFrom('case_record').select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('created_at').as('oldest')])
          .where('tenant_id', '=', t.id).where('reporter_ip_hash', '=', ipHash).where('created_at', '>', new Date(now.getTime() - HOUR_MS))
          .executeTakeFirstOrThrow();
        if (Number(recent.n) >= s.citizenReportsPerHour) throw rateLimited(recent.oldest as Date | null, now);
      };
      await overLimit(db);

      const invalid = () => new AppError(422, 'PUBLIC_UPLOAD_INVALID', {}, [{ field: 'photos', problem: 'PUBLIC_UPLOAD_INVALID', params: {} }]);
      const hashes = b.photos.map(sha256);
      if (new Set(hashes).size !== hashes.length) throw invalid();
      const cutoff = new Date(now.getTime() - UPLOAD_TTL_MS);
      const uploads = await db.selectFrom('public_upload').select(['token_hash', 'file_id'])
        .where('tenant_id', '=', t.id).where('token_hash', 'in', hashes).where('claimed_by_case_id', 'is', null).where('created_at', '>', cutoff)
        .execute();
      if (uploads.length !== hashes.length) throw invalid();
      const fileIds = hashes.map((h) => uploads.find((u) => u.token_hash === h)!.file_id);

      return db.transaction().execute(async (tx) => {
        // Reports from one address, sent at the same instant to any instance, queue here: each
        // counts the ones committed before it, so no more than the limit get through.
        await sql`select pg_advisory_xact_lock(hashtextextended(${`public-report:${t.id}:${ipHash}`}, 0))`.execute(tx);
        await overLimit(tx);
        const id = await cases.intake(t.id, {
          source: 'citizen', categoryCode: b.categoryCode, description: b.description, lat: b.lat, lng: b.lng, address: b.address ?? null,
          photos: fileIds.map((fileId) => ({ fileId })),
          reporter: { userId: null, label: '市民', phone: b.phone ?? null, ipHash },
        }, ctx, tx);
        // A token is claimed once: a concurrent report with the same token updates nothing here and rolls back.
        const claimed = await tx.updateTable('public_upload').set({ claimed_by_case_id: id })
          .where('tenant_id', '=', t.id).where('token_hash', 'in', hashes).where('claimed_by_case_id', 'is', null).where('created_at', '>', cutoff)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== hashes.length) throw invalid();
        const row = await tx.selectFrom('case_record').select('number').where('tenant_id', '=', t.id).where('id', '=', id).executeTakeFirstOrThrow();
        return row.number;
      });
    },

    /** What anyone holding the number may see: no people, no phone numbers, no photos. */
    async status(t: PublicTenant, number: string, locale: Locale): Promise<PublicCaseStatus> {
      const r = await cases.baseQuery(db, t.id).select('k.name_en').where('c.number', '=', number).where('c.source', 'in', PUBLIC_SOURCES).where('c.hidden', '=', false)
        .executeTakeFirst();
      if (!r) throw new AppError(404, 'PUBLIC_CASE_NOT_FOUND', { number });
      const events = await db.selectFrom('case_event').select(['event', 'at']).where('tenant_id', '=', t.id).where('case_id', '=', r.id)
        .where('event', 'in', PUBLIC_EVENTS).orderBy('id').execute();
      const state = r.state as CaseState;
      return {
        number: r.number,
        category: locale === 'en' && r.name_en ? r.name_en : r.category_name,
        state,
        stateLabel: PUBLIC_STATE_LABELS[state][locale],
        stateCategory: CASE_STATE_CATEGORY[state],
        area: r.community_name ?? r.street_name ?? null,
        reportedAt: new Date(r.created_at).toISOString(),
        updatedAt: new Date(r.updated_at).toISOString(),
        steps: events.map((e) => ({ label: PUBLIC_EVENT_LABELS[e.event]![locale], at: new Date(e.at).toISOString() })),
      };
    },
  };
}

export type PublicService = ReturnType<typeof createPublicService>;
