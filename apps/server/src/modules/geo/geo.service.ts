import {
  areaWithin,
  bboxOf,
  checkArea,
  checkLine,
  lineLengthM,
  positionsOf,
  type AreaGeometry,
  type GeometryProblem,
  type LineStringGeometry,
  type RoadSegmentView,
  type SegmentBody,
  type UpdateSegmentBody,
  type UpdateZoneBody,
  type ZoneBody,
  type ZoneView,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, assertRegionInScope, can, escapeLike, regionInScope, regionScopeSql } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { findRegion, type RegionRow } from '../regions/regions.repository.js';
import { bumpGeoVersion } from './geo-version.js';

export function geometryError(problem: GeometryProblem, field: string): AppError {
  return new AppError(422, `GEOMETRY_${problem}`, {}, [{ field, rule: 'geometry', message: '' }]);
}

export function validArea(g: unknown, field = 'geometry'): AreaGeometry {
  const p = checkArea(g);
  if (p) throw geometryError(p, field);
  return g as AreaGeometry;
}

export function validLine(g: unknown, field = 'geometry'): LineStringGeometry {
  const p = checkLine(g);
  if (p) throw geometryError(p, field);
  return g as LineStringGeometry;
}

const bboxColumns = (g: AreaGeometry | LineStringGeometry) => {
  const b = bboxOf(positionsOf(g));
  return { min_lng: b.minLng, min_lat: b.minLat, max_lng: b.maxLng, max_lat: b.maxLat };
};

/** A grid must lie inside its community, a community inside its street…, when the parent has a boundary. */
export async function assertInsideParent(ex: Executor, tenantId: number, region: RegionRow, g: AreaGeometry): Promise<void> {
  if (!region.parent_id) return;
  const parent = await ex.selectFrom('region').select(['name', 'level', 'geometry']).where('tenant_id', '=', tenantId).where('id', '=', region.parent_id).executeTakeFirst();
  if (parent?.geometry && !areaWithin(g, parent.geometry as AreaGeometry)) {
    throw new AppError(422, 'GRID_OUTSIDE_COMMUNITY', { parent: parent.name, level: parent.level }, [{ field: 'geometry', rule: 'within', message: '' }]);
  }
}

export async function setRegionGeometry(ex: Executor, tenantId: number, region: { id: number }, g: AreaGeometry | null): Promise<void> {
  await ex.updateTable('region')
    .set((eb) => ({
      geometry: g ? JSON.stringify(g) : null,
      ...(g ? bboxColumns(g) : { min_lng: null, min_lat: null, max_lng: null, max_lat: null }),
      updated_at: new Date(),
      version: eb('version', '+', 1),
    }))
    .where('tenant_id', '=', tenantId).where('id', '=', region.id).execute();
}

interface SegmentRow {
  id: number; code: string; name: string; from_desc: string | null; to_desc: string | null; region_id: number | null;
  geometry: unknown; length_m: number; version: number; region_path: string | null;
}
interface ZoneRow { id: number; code: string; name: string; region_id: number | null; geometry: unknown; version: number; region_path: string | null }

export function createGeoService({ db }: { db: DB }) {
  const inScope = (actor: Actor, regionPath: string | null) => actor.scope === 'tenant' || (regionPath !== null && regionInScope(actor, regionPath));
  const writable = (actor: Actor, regionPath: string | null) => can(actor, 'map.write') && inScope(actor, regionPath);

  async function regionPathOf(ex: Executor, actor: Actor, regionId: number | null | undefined, field = 'regionId'): Promise<string | null> {
    if (regionId === null || regionId === undefined) {
      if (actor.scope !== 'tenant') throw new AppError(403, 'OUT_OF_SCOPE');
      return null;
    }
    const r = await findRegion(ex, actor.tenantId, regionId);
    if (!r) throw new AppError(422, 'NOT_FOUND', { entity: 'region' }, [{ field, rule: 'exists', message: '' }]);
    assertRegionInScope(actor, r.path);
    return r.path;
  }

  const segmentView = (actor: Actor, s: SegmentRow): RoadSegmentView => ({
    id: s.id, code: s.code, name: s.name, fromDesc: s.from_desc, toDesc: s.to_desc, regionId: s.region_id,
    lengthM: Math.round(s.length_m), geometry: s.geometry, version: s.version,
    actions: actionsFor({ update: writable(actor, s.region_path), delete: writable(actor, s.region_path) }),
  });
  const zoneView = (actor: Actor, z: ZoneRow): ZoneView => ({
    id: z.id, code: z.code, name: z.name, regionId: z.region_id, geometry: z.geometry, version: z.version,
    actions: actionsFor({ update: writable(actor, z.region_path), delete: writable(actor, z.region_path) }),
  });

  const segments = (ex: Executor, tenantId: number) => ex.selectFrom('road_segment as s')
    .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 's.tenant_id').onRef('r.id', '=', 's.region_id'))
    .select(['s.id', 's.code', 's.name', 's.from_desc', 's.to_desc', 's.region_id', 's.geometry', 's.length_m', 's.version', 'r.path as region_path'])
    .where('s.tenant_id', '=', tenantId);
  const zones = (ex: Executor, tenantId: number) => ex.selectFrom('responsibility_zone as z')
    .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'z.tenant_id').onRef('r.id', '=', 'z.region_id'))
    .select(['z.id', 'z.code', 'z.name', 'z.region_id', 'z.geometry', 'z.version', 'r.path as region_path'])
    .where('z.tenant_id', '=', tenantId);

  async function loadSegment(actor: Actor, id: number): Promise<SegmentRow> {
    const s = await segments(db, actor.tenantId).where('s.id', '=', id).executeTakeFirst();
    if (!s) throw notFound('segment');
    if (!inScope(actor, s.region_path)) throw new AppError(403, 'OUT_OF_SCOPE');
    return s as SegmentRow;
  }
  async function loadZone(actor: Actor, id: number): Promise<ZoneRow> {
    const z = await zones(db, actor.tenantId).where('z.id', '=', id).executeTakeFirst();
    if (!z) throw notFound('zone');
    if (!inScope(actor, z.region_path)) throw new AppError(403, 'OUT_OF_SCOPE');
    return z as ZoneRow;
  }
  async function assertCodeFree(ex: Executor, table: 'road_segment' | 'responsibility_zone', tenantId: number, code: string, exceptId?: number) {
    const dup = await ex.selectFrom(table).select('id').where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirst();
    if (dup && dup.id !== exceptId) throw new AppError(409, 'DUPLICATE', { field: 'code', value: code }, [{ field: 'code', rule: 'unique', message: '' }]);
  }

  return {
    /** Regions with boundaries as a GeoJSON FeatureCollection, optionally one level only. */
    async regionFeatures(actor: Actor, level?: string) {
      let q = db.selectFrom('region').select(['id', 'parent_id', 'level', 'code', 'name', 'geometry'])
        .where('tenant_id', '=', actor.tenantId).where('geometry', 'is not', null).where(regionScopeSql(actor, 'path'));
      if (level) q = q.where('level', '=', level);
      const rows = await q.orderBy('path').execute();
      return {
        type: 'FeatureCollection' as const,
        features: rows.map((r) => ({
          type: 'Feature' as const,
          id: r.id,
          properties: { id: r.id, parentId: r.parent_id, level: r.level, code: r.code, name: r.name },
          geometry: r.geometry,
        })),
      };
    },

    async setRegionGeometry(actor: Actor, id: number, geometry: unknown, version: number, ctx: AuditContext) {
      const region = await findRegion(db, actor.tenantId, id);
      if (!region) throw notFound('region');
      assertRegionInScope(actor, region.path);
      const g = geometry === null ? null : validArea(geometry);
      await db.transaction().execute(async (tx) => {
        if (g) await assertInsideParent(tx, actor.tenantId, region, g);
        const locked = await tx.selectFrom('region').select('version').where('tenant_id', '=', actor.tenantId).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
        if (locked.version !== version) throw conflict();
        await setRegionGeometry(tx, actor.tenantId, region, g);
        await bumpGeoVersion(tx, actor.tenantId);
        await recordAudit(tx, ctx, { action: 'region.geometry_set', entityType: 'region', entityId: id, after: { hasGeometry: g !== null, bbox: g ? bboxColumns(g) : null } });
      });
      return { id, version: version + 1 };
    },

    /**
     * Boundaries for many regions at once from a FeatureCollection whose features carry the
     * region's code (properties.code or 编码). All features are checked first — geometry, known code,
     * scope, inside the parent (the parent's boundary from the same file counts) — then all are set
     * in one transaction, or none.
     */
    async importBoundaries(actor: Actor, fc: { features: { properties?: Record<string, unknown> | null; geometry?: unknown }[] }, ctx: AuditContext) {
      const regions = await db.selectFrom('region').select(['id', 'parent_id', 'level', 'code', 'name', 'path', 'version', 'geometry'])
        .where('tenant_id', '=', actor.tenantId).execute();
      const byCode = new Map(regions.map((r) => [r.code, r]));
      const byId = new Map(regions.map((r) => [r.id, r]));
      const problems: { feature: number; code: string | null; problem: string; params?: Record<string, string> }[] = [];
      const accepted = new Map<number, AreaGeometry>();
      const seen = new Set<string>();
      fc.features.forEach((f, i) => {
        const raw = f.properties?.code ?? f.properties?.['编码'];
        const code = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : null;
        if (!code) return problems.push({ feature: i + 1, code: null, problem: 'IMPORT_GEOJSON_NO_CODE' });
        if (seen.has(code)) return problems.push({ feature: i + 1, code, problem: 'IMPORT_GEOJSON_DUPLICATE' });
        seen.add(code);
        const region = byCode.get(code);
        if (!region) return problems.push({ feature: i + 1, code, problem: 'IMPORT_GEOJSON_UNKNOWN_CODE' });
        if (!regionInScope(actor, region.path)) return problems.push({ feature: i + 1, code, problem: 'OUT_OF_SCOPE' });
        const p = checkArea(f.geometry);
        if (p) return problems.push({ feature: i + 1, code, problem: `GEOMETRY_${p}` });
        accepted.set(region.id, f.geometry as AreaGeometry);
      });
      // Inside the parent: against the parent's new boundary from this file, else its stored one.
      for (const [id, g] of accepted) {
        const region = byId.get(id)!;
        const parent = region.parent_id ? byId.get(region.parent_id) : undefined;
        const parentGeometry = parent ? (accepted.get(parent.id) ?? (parent.geometry as AreaGeometry | null)) : null;
        if (parent && parentGeometry && !areaWithin(g, parentGeometry)) {
          const i = fc.features.findIndex((f) => String(f.properties?.code ?? f.properties?.['编码'] ?? '').trim() === region.code);
          problems.push({ feature: i + 1, code: region.code, problem: 'GRID_OUTSIDE_COMMUNITY', params: { parent: parent.name, level: parent.level } });
        }
      }
      if (problems.length) {
        throw new AppError(422, 'IMPORT_GEOJSON_INVALID', { count: problems.length }, problems.sort((a, b) => a.feature - b.feature));
      }
      await db.transaction().execute(async (tx) => {
        for (const [id, g] of accepted) await setRegionGeometry(tx, actor.tenantId, byId.get(id)!, g);
        await bumpGeoVersion(tx, actor.tenantId);
        await recordAudit(tx, ctx, { action: 'region.boundaries_imported', entityType: 'region', entityId: null, after: { count: accepted.size } });
      });
      return { updated: accepted.size };
    },

    async listSegments(actor: Actor, f: { q?: string; regionId?: number }) {
      let q = segments(db, actor.tenantId);
      if (actor.scope !== 'tenant') q = q.where(regionScopeSql(actor, 'r.path'));
      if (f.q) q = q.where((eb) => eb.or([eb('s.name', 'ilike', `%${escapeLike(f.q!)}%`), eb('s.code', 'ilike', `%${escapeLike(f.q!)}%`)]));
      if (f.regionId) q = q.where('s.region_id', '=', f.regionId);
      const rows = await q.orderBy('s.code').execute();
      return { items: rows.map((s) => segmentView(actor, s as SegmentRow)), actions: actionsFor({ create: can(actor, 'map.write') }) };
    },
    async getSegment(actor: Actor, id: number) {
      return segmentView(actor, await loadSegment(actor, id));
    },
    async createSegment(actor: Actor, body: SegmentBody, ctx: AuditContext) {
      const g = validLine(body.geometry);
      return db.transaction().execute(async (tx) => {
        await regionPathOf(tx, actor, body.regionId);
        await assertCodeFree(tx, 'road_segment', actor.tenantId, body.code);
        const { id } = await tx.insertInto('road_segment').values({
          tenant_id: actor.tenantId, code: body.code, name: body.name, from_desc: body.fromDesc ?? null, to_desc: body.toDesc ?? null,
          region_id: body.regionId ?? null, geometry: JSON.stringify(g), length_m: lineLengthM(g.coordinates), ...bboxColumns(g), updated_at: new Date(),
        }).returning('id').executeTakeFirstOrThrow();
        await bumpGeoVersion(tx, actor.tenantId);
        const row = (await segments(tx, actor.tenantId).where('s.id', '=', id).executeTakeFirstOrThrow()) as SegmentRow;
        await recordAudit(tx, ctx, { action: 'segment.created', entityType: 'segment', entityId: id, after: { ...row, geometry: undefined } });
        return segmentView(actor, row);
      });
    },
    async updateSegment(actor: Actor, id: number, body: UpdateSegmentBody, ctx: AuditContext) {
      const before = await loadSegment(actor, id);
      if (!writable(actor, before.region_path)) throw new AppError(403, 'FORBIDDEN');
      const g = body.geometry ? validLine(body.geometry) : null;
      return db.transaction().execute(async (tx) => {
        if (body.regionId !== undefined) await regionPathOf(tx, actor, body.regionId);
        if (body.code && body.code !== before.code) await assertCodeFree(tx, 'road_segment', actor.tenantId, body.code, id);
        const ok = await tx.updateTable('road_segment').set((eb) => ({
          code: body.code ?? before.code, name: body.name ?? before.name,
          from_desc: body.fromDesc === undefined ? before.from_desc : body.fromDesc,
          to_desc: body.toDesc === undefined ? before.to_desc : body.toDesc,
          region_id: body.regionId === undefined ? before.region_id : body.regionId,
          ...(g ? { geometry: JSON.stringify(g), length_m: lineLengthM(g.coordinates), ...bboxColumns(g) } : {}),
          updated_at: new Date(), version: eb('version', '+', 1),
        })).where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).returning('id').executeTakeFirst();
        if (!ok) throw conflict();
        if (g) await bumpGeoVersion(tx, actor.tenantId);
        const after = (await segments(tx, actor.tenantId).where('s.id', '=', id).executeTakeFirstOrThrow()) as SegmentRow;
        await recordAudit(tx, ctx, { action: 'segment.updated', entityType: 'segment', entityId: id, before: { ...before, geometry: undefined }, after: { ...after, geometry: g ? 'changed' : undefined } });
        return segmentView(actor, after);
      });
    },
    async deleteSegment(actor: Actor, id: number, ctx: AuditContext) {
      const before = await loadSegment(actor, id);
      if (!writable(actor, before.region_path)) throw new AppError(403, 'FORBIDDEN');
      await db.transaction().execute(async (tx) => {
        const used = await tx.selectFrom('responsibility_assignment').select('id').where('tenant_id', '=', actor.tenantId)
          .where('target_type', '=', 'road_segment').where('target_id', '=', id).executeTakeFirst();
        if (used) throw new AppError(409, 'IN_USE', { entity: 'segment' });
        await tx.deleteFrom('road_segment').where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
        await bumpGeoVersion(tx, actor.tenantId);
        await recordAudit(tx, ctx, { action: 'segment.deleted', entityType: 'segment', entityId: id, before: { ...before, geometry: undefined } });
      });
    },

    async listZones(actor: Actor) {
      let q = zones(db, actor.tenantId);
      if (actor.scope !== 'tenant') q = q.where(regionScopeSql(actor, 'r.path'));
      const rows = await q.orderBy('z.code').execute();
      return { items: rows.map((z) => zoneView(actor, z as ZoneRow)), actions: actionsFor({ create: can(actor, 'map.write') }) };
    },
    async createZone(actor: Actor, body: ZoneBody, ctx: AuditContext) {
      const g = validArea(body.geometry);
      return db.transaction().execute(async (tx) => {
        await regionPathOf(tx, actor, body.regionId);
        await assertCodeFree(tx, 'responsibility_zone', actor.tenantId, body.code);
        const { id } = await tx.insertInto('responsibility_zone').values({
          tenant_id: actor.tenantId, code: body.code, name: body.name, region_id: body.regionId ?? null,
          geometry: JSON.stringify(g), ...bboxColumns(g), updated_at: new Date(),
        }).returning('id').executeTakeFirstOrThrow();
        await bumpGeoVersion(tx, actor.tenantId);
        const row = (await zones(tx, actor.tenantId).where('z.id', '=', id).executeTakeFirstOrThrow()) as ZoneRow;
        await recordAudit(tx, ctx, { action: 'zone.created', entityType: 'zone', entityId: id, after: { ...row, geometry: undefined } });
        return zoneView(actor, row);
      });
    },
    async updateZone(actor: Actor, id: number, body: UpdateZoneBody, ctx: AuditContext) {
      const before = await loadZone(actor, id);
      if (!writable(actor, before.region_path)) throw new AppError(403, 'FORBIDDEN');
      const g = body.geometry ? validArea(body.geometry) : null;
      return db.transaction().execute(async (tx) => {
        if (body.regionId !== undefined) await regionPathOf(tx, actor, body.regionId);
        if (body.code && body.code !== before.code) await assertCodeFree(tx, 'responsibility_zone', actor.tenantId, body.code, id);
        const ok = await tx.updateTable('responsibility_zone').set((eb) => ({
          code: body.code ?? before.code, name: body.name ?? before.name,
          region_id: body.regionId === undefined ? before.region_id : body.regionId,
          ...(g ? { geometry: JSON.stringify(g), ...bboxColumns(g) } : {}),
          updated_at: new Date(), version: eb('version', '+', 1),
        })).where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).returning('id').executeTakeFirst();
        if (!ok) throw conflict();
        if (g) await bumpGeoVersion(tx, actor.tenantId);
        const after = (await zones(tx, actor.tenantId).where('z.id', '=', id).executeTakeFirstOrThrow()) as ZoneRow;
        await recordAudit(tx, ctx, { action: 'zone.updated', entityType: 'zone', entityId: id, before: { ...before, geometry: undefined }, after: { ...after, geometry: g ? 'changed' : undefined } });
        return zoneView(actor, after);
      });
    },
    async deleteZone(actor: Actor, id: number, ctx: AuditContext) {
      const before = await loadZone(actor, id);
      if (!writable(actor, before.region_path)) throw new AppError(403, 'FORBIDDEN');
      await db.transaction().execute(async (tx) => {
        const used = await tx.selectFrom('responsibility_assignment').select('id').where('tenant_id', '=', actor.tenantId)
          .where('target_type', '=', 'zone').where('target_id', '=', id).executeTakeFirst();
        if (used) throw new AppError(409, 'IN_USE', { entity: 'zone' });
        await tx.deleteFrom('responsibility_zone').where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
        await bumpGeoVersion(tx, actor.tenantId);
        await recordAudit(tx, ctx, { action: 'zone.deleted', entityType: 'zone', entityId: id, before: { ...before, geometry: undefined } });
      });
    },
  };
}

export type GeoService = ReturnType<typeof createGeoService>;
