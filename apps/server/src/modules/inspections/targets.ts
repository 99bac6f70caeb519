import { sql } from 'kysely';
import type { TargetKind, TargetSpec, TargetView } from '@cc/domain';
import type { Executor } from '../../platform/database.js';
import { escapeLike } from '../../platform/access.js';

/** A plan's target with what scoring, routing and scope need. */
export interface ResolvedTarget extends TargetView {
  /** The responsible unit's path (scope of the inspected), or null. */
  unitPath: string | null;
  regionPath: string | null;
  /** Bounding box of a zone (for the far-from-target flag). */
  bbox: [number, number, number, number] | null;
}

export const targetKey = (t: { kind: TargetKind; id: number }) => `${t.kind}:${t.id}`;

/**
 * Resolve a plan's target specification to the targets it means today: units of the given kinds
 * (under a unit, or city-wide) and named units, named zones (with the unit their zone assignment
 * names), and assessment points (named, or all active points of the given types).
 */
export async function resolveTargets(ex: Executor, tenantId: number, spec: TargetSpec, onDate: string): Promise<ResolvedTarget[]> {
  const out: ResolvedTarget[] = [];
  if (spec.unitKinds.length || spec.unitIds.length) {
    let within: string | null = null;
    if (spec.withinUnitId !== null) {
      const w = await ex.selectFrom('unit').select('path').where('tenant_id', '=', tenantId).where('id', '=', spec.withinUnitId).executeTakeFirst();
      within = w?.path ?? '/none/';
    }
    const units = await ex.selectFrom('unit as u').leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'u.tenant_id').onRef('r.id', '=', 'u.region_id'))
      .select(['u.id', 'u.name', 'u.kind', 'u.path', 'u.lat', 'u.lng', 'r.path as region_path', 'r.min_lng', 'r.min_lat', 'r.max_lng', 'r.max_lat'])
      .where('u.tenant_id', '=', tenantId)
      .where((eb) => eb.or([
        ...(spec.unitKinds.length ? [eb.and([eb('u.kind', 'in', spec.unitKinds), within ? sql<boolean>`u.path like ${escapeLike(within) + '%'} and u.path <> ${within}` : sql<boolean>`true`])] : []),
        ...(spec.unitIds.length ? [eb('u.id', 'in', spec.unitIds)] : []),
      ]))
      .orderBy('u.path').execute();
    for (const u of units) {
      const regionBox = u.min_lng !== null && u.min_lat !== null && u.max_lng !== null && u.max_lat !== null ? [u.min_lng, u.min_lat, u.max_lng, u.max_lat] as [number, number, number, number] : null;
      // A community or street is scored on its whole area; its own position is its office.
      const areaKind = u.kind === 'community' || u.kind === 'street_office';
      out.push({
        kind: 'unit', id: u.id, name: u.name, subtype: u.kind, responsibleUnit: { id: u.id, name: u.name }, unitPath: u.path, regionPath: u.region_path,
        lat: u.lat ?? (regionBox ? (regionBox[1] + regionBox[3]) / 2 : null), lng: u.lng ?? (regionBox ? (regionBox[0] + regionBox[2]) / 2 : null),
        bbox: areaKind ? regionBox : null,
      });
    }
  }
  if (spec.zoneIds.length) {
    const zones = await ex.selectFrom('responsibility_zone as z').leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'z.tenant_id').onRef('r.id', '=', 'z.region_id'))
      .select(['z.id', 'z.name', 'z.min_lng', 'z.min_lat', 'z.max_lng', 'z.max_lat', 'r.path as region_path',
        (eb) => eb.selectFrom('responsibility_assignment as a').innerJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'a.tenant_id').onRef('u.id', '=', 'a.responsible_unit_id'))
          .select(sql<string>`json_build_object('id', u.id, 'name', u.name, 'path', u.path)::text`.as('x'))
          .whereRef('a.tenant_id', '=', 'z.tenant_id').whereRef('a.target_id', '=', 'z.id').where('a.target_type', '=', 'zone')
          .where('a.valid_from', '<=', onDate).where((w) => w.or([w('a.valid_to', 'is', null), w('a.valid_to', '>=', onDate)]))
          .orderBy('a.exclusive', 'desc').orderBy('a.id').limit(1).as('unit')])
      .where('z.tenant_id', '=', tenantId).where('z.id', 'in', spec.zoneIds).orderBy('z.code').execute();
    for (const z of zones) {
      const u = z.unit ? JSON.parse(z.unit) as { id: number; name: string; path: string } : null;
      out.push({
        kind: 'zone', id: z.id, name: z.name, subtype: 'zone', responsibleUnit: u ? { id: u.id, name: u.name } : null, unitPath: u?.path ?? null, regionPath: z.region_path,
        lat: (z.min_lat + z.max_lat) / 2, lng: (z.min_lng + z.max_lng) / 2, bbox: [z.min_lng, z.min_lat, z.max_lng, z.max_lat],
      });
    }
  }
  if (spec.pointIds.length || spec.pointTypeIds.length) {
    const points = await ex.selectFrom('assessment_point as p')
      .innerJoin('assessment_point_type as t', (j) => j.onRef('t.tenant_id', '=', 'p.tenant_id').onRef('t.id', '=', 'p.type_id'))
      .leftJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'p.tenant_id').onRef('u.id', '=', 'p.responsible_unit_id'))
      .leftJoin('region as r', (j) => j.onRef('r.tenant_id', '=', 'p.tenant_id').onRef('r.id', '=', 'p.region_id'))
      .select(['p.id', 'p.name', 'p.lat', 'p.lng', 't.code as type_code', 'u.id as unit_id', 'u.name as unit_name', 'u.path as unit_path', 'r.path as region_path'])
      .where('p.tenant_id', '=', tenantId).where('p.active', '=', true)
      .where((eb) => eb.or([
        ...(spec.pointIds.length ? [eb('p.id', 'in', spec.pointIds)] : []),
        ...(spec.pointTypeIds.length ? [eb('p.type_id', 'in', spec.pointTypeIds)] : []),
      ]))
      .orderBy('p.code').execute();
    for (const p of points) {
      out.push({
        kind: 'point', id: p.id, name: p.name, subtype: p.type_code, responsibleUnit: p.unit_id ? { id: p.unit_id, name: p.unit_name! } : null,
        unitPath: p.unit_path, regionPath: p.region_path, lat: p.lat, lng: p.lng, bbox: null,
      });
    }
  }
  const seen = new Set<string>();
  return out.filter((t) => (seen.has(targetKey(t)) ? false : (seen.add(targetKey(t)), true)));
}

export const publicTarget = (t: ResolvedTarget): TargetView => ({ kind: t.kind, id: t.id, name: t.name, subtype: t.subtype, responsibleUnit: t.responsibleUnit, lat: t.lat, lng: t.lng });
