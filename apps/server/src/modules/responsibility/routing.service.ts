import { sql, type RawBuilder } from 'kysely';
import { ASSIGNMENT_KIND_RULES, ROUTING_STEPS, type AssignmentKind, type MapSettings, type Position, type ResponsibilityAnswer, type RoutingStep } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { regionInScope } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import { prepared, type DB, type Executor } from '../../platform/database.js';
import { AppError } from '../../platform/errors.js';
import { todayIn } from './assignments.service.js';
import type { CityIndex, RoutingIndex } from './routing-index.js';

interface ValidRow {
  id: number; kind: string; target_id: number; unit_id: number | null; unit_name: string | null;
  person_id: number | null; person_name: string | null; person_position: string | null;
  person_unit_id: number | null; person_unit_name: string | null;
  contract_id: number | null; duties: string[] | null;
}

/**
 * "Who answers for this point on this date?" — geometry from the in-memory index, assignments
 * valid on the date from one SQL query, and the city's routing rule for the category.
 */
export function createRoutingService(deps: { db: DB; clock: Clock; index: RoutingIndex }) {
  const { db, clock, index } = deps;

  /**
   * `ex`: the caller's transaction, when it holds one — a request that waited for a second pool
   * connection while holding the first could deadlock the pool under load (issue 6 soak).
   */
  async function resolve(tenantId: number, lat: number, lng: number, date?: string, category?: string, ex?: Executor): Promise<ResponsibilityAnswer> {
    return (await resolveWith(tenantId, lat, lng, date, category, ex)).answer;
  }

  /**
   * The answer, and with it (same round trip) what `extra` selects for the deepest region found
   * (grid, else community, else street; null outside the city) — the case intake reads its
   * category, settings and calendar this way.
   */
  async function resolveWith<T = null>(
    tenantId: number, lat: number, lng: number, date: string | undefined, category: string | undefined, ex: Executor | undefined,
    extra?: (regionId: number | null) => RawBuilder<T>,
  ): Promise<{ answer: ResponsibilityAnswer; extra: T }> {
    // Optimistic: answer from the index already held and check its version in the same query;
    // if the city's geometry moved meanwhile, rebuild and answer again.
    const held = index.peek(tenantId);
    if (held) {
      const r = await answerWith(tenantId, held.index, held.settings, lat, lng, date, category, false, ex, extra);
      if (r) return r;
    }
    const fresh = await index.get(tenantId);
    return (await answerWith(tenantId, fresh.index, fresh.settings, lat, lng, date, category, true, ex, extra))!;
  }

  async function answerWith<T>(
    tenantId: number, idx: CityIndex, cfg: MapSettings, lat: number, lng: number, date: string | undefined, category: string | undefined, final = false, ex: Executor = db,
    extra?: (regionId: number | null) => RawBuilder<T>,
  ): Promise<{ answer: ResponsibilityAnswer; extra: T } | null> {
    const p: Position = [lng, lat];
    const day = date ?? todayIn(clock);
    const { grid, community, street } = idx.locate(p);
    const segment = idx.nearestSegment(p, cfg.segmentRadiusM);
    const zoneId = idx.zoneAt(p);
    const nearby = idx.nearbyUnits(p, cfg.frontageRadiusM);

    // The (kind, target) pairs this point asks about, passed as arrays: the statement's text is the
    // same for every point, so it is prepared once per connection (planning it cost more than running it).
    const pair = (kind: AssignmentKind, id: number) => ({ kind, type: ASSIGNMENT_KIND_RULES[kind].target, id });
    const pairs = [
      ...(community ? [pair('community_cover', community.id), pair('pairing', community.id)] : []),
      ...(segment ? [pair('segment_cover', segment.entry.id)] : []),
      ...(zoneId ? [pair('zone', zoneId)] : []),
      ...nearby.map((n) => pair('frontage', n.entry.id)),
    ];
    // One round trip: on a small machine, three concurrent queries cost more than one combined.
    const validSql = sql`(select coalesce(json_agg(v order by v.valid_from, v.id), '[]'::json) from (
            select a.id, a.kind, a.target_id, a.valid_from, a.responsible_unit_id as unit_id, u.name as unit_name,
                   a.responsible_person_id as person_id, p.name as person_name, p.position as person_position,
                   pu.id as person_unit_id, pu.name as person_unit_name, fc.id as contract_id, fc.duties
              from responsibility_assignment a
              left join frontage_contract fc on fc.tenant_id = a.tenant_id and fc.assignment_id = a.id
              left join unit u on u.tenant_id = a.tenant_id and u.id = a.responsible_unit_id
              left join person p on p.tenant_id = a.tenant_id and p.id = a.responsible_person_id
              left join unit pu on pu.tenant_id = p.tenant_id and pu.id = p.unit_id
             where a.tenant_id = ${tenantId}
               and a.valid_from <= ${day}::date and (a.valid_to is null or a.valid_to >= ${day}::date)
               and (a.kind, a.target_type, a.target_id) in (select * from unnest(${pairs.map((p) => p.kind)}::text[], ${pairs.map((p) => p.type)}::text[], ${pairs.map((p) => p.id)}::bigint[]))
          ) v)`;
    const communitySql = sql`(select json_build_object('id', id, 'name', name) from unit
              where tenant_id = ${tenantId} and region_id = ${community?.id ?? null}::bigint and kind = 'community' order by id limit 1)`;
    const extraSql = extra ? sql`, ${extra(grid?.id ?? community?.id ?? street?.id ?? null)} as extra` : sql``;
    const { rows: [row] } = await sql<{ valid: ValidRow[]; community_unit: { id: number; name: string } | null; steps: string[] | null; geo_version: number; extra?: T }>`
      ${prepared('routing')} select ${validSql} as valid, ${communitySql} as community_unit${extraSql},
             (select geo_version from tenant where id = ${tenantId}) as geo_version,
             (select steps from routing_rule where tenant_id = ${tenantId} and category_code = ${category ?? ''}) as steps`.execute(ex);
    if (!final && row!.geo_version !== idx.version) return null;
    const valid = row!.valid;
    const communityUnit = row!.community_unit;
    const rule = row!.steps ? { steps: row!.steps } : undefined;

    const of = (kind: string) => valid.filter((v) => v.kind === kind);
    const named = (id: number | null, name: string | null) => (id !== null ? { id, name: name ?? '' } : null);
    const segA = of('segment_cover')[0];
    const zoneA = of('zone')[0];
    const frontageRows = of('frontage');
    const nearestFrontage = nearby.map((n) => ({ n, a: frontageRows.find((f) => f.target_id === n.entry.id) })).find((x) => x.a);

    const answer: ResponsibilityAnswer = {
      point: { lat, lng },
      date: day,
      grid: grid && { id: grid.id, name: grid.name, code: grid.code },
      community: community && { id: community.id, name: community.name, code: community.code },
      street: street && { id: street.id, name: street.name, code: street.code },
      communityUnit: communityUnit ? { id: communityUnit.id, name: communityUnit.name } : null,
      leaders: of('community_cover').map((a) => ({
        assignmentId: a.id,
        person: { id: a.person_id!, name: a.person_name ?? '', position: a.person_position },
        unit: named(a.person_unit_id, a.person_unit_name),
      })),
      pairings: of('pairing').filter((a) => a.unit_id !== null).map((a) => ({ assignmentId: a.id, unit: { id: a.unit_id!, name: a.unit_name ?? '' } })),
      segment: segment && {
        id: segment.entry.id, name: segment.entry.name, code: segment.entry.code, distanceM: Math.round(segment.distanceM),
        assignmentId: segA?.id ?? null, unit: segA ? named(segA.unit_id, segA.unit_name) : null, person: segA ? named(segA.person_id, segA.person_name) : null,
      },
      zone: zoneId ? {
        id: zoneId, ...idx.zoneMeta.get(zoneId)!, assignmentId: zoneA?.id ?? null,
        unit: zoneA ? named(zoneA.unit_id, zoneA.unit_name) : null, person: zoneA ? named(zoneA.person_id, zoneA.person_name) : null,
      } : null,
      frontage: nearestFrontage ? {
        contractId: nearestFrontage.a!.contract_id, assignmentId: nearestFrontage.a!.id,
        shop: { id: nearestFrontage.n.entry.id, name: nearestFrontage.n.entry.name },
        distanceM: Math.round(nearestFrontage.n.distanceM), duties: nearestFrontage.a!.duties ?? [],
      } : null,
      routing: { category: category ?? null, steps: [], answeredBy: null, unit: null },
    };

    const steps = ((rule?.steps ?? cfg.defaultRouting) as string[]).filter((s): s is RoutingStep => (ROUTING_STEPS as readonly string[]).includes(s));
    answer.routing.steps = steps;
    for (const step of steps) {
      const unit = unitFor(step, answer, segA, zoneA);
      if (unit) {
        answer.routing.answeredBy = step;
        answer.routing.unit = unit;
        break;
      }
    }
    return { answer, extra: (row!.extra ?? null) as T };
  }

  return {
    resolve,
    resolveWith,
    /** The route's entry: a user may ask only about points in their own area. */
    async query(actor: Actor, q: { lat: number; lng: number; date?: string; category?: string }) {
      const answer = await resolve(actor.tenantId, q.lat, q.lng, q.date, q.category);
      if (actor.scope !== 'tenant') {
        const idx = index.peek(actor.tenantId)!.index;
        const deepest = [answer.grid, answer.community, answer.street].find((r) => r !== null);
        const path = deepest ? regionPath(idx.regions, deepest.id) : null;
        if (!path || !regionInScope(actor, path)) throw new AppError(403, 'OUT_OF_SCOPE');
      }
      return answer;
    },
  };
}

function unitFor(step: RoutingStep, a: ResponsibilityAnswer, seg: ValidRow | undefined, zone: ValidRow | undefined) {
  const personUnit = (r: ValidRow | undefined) =>
    r ? (r.unit_id !== null ? { id: r.unit_id, name: r.unit_name ?? '' } : r.person_unit_id !== null ? { id: r.person_unit_id, name: r.person_unit_name ?? '' } : null) : null;
  switch (step) {
    case 'frontage':
      return a.frontage?.shop ?? null;
    case 'segment_cover':
      return personUnit(seg);
    case 'zone':
      return personUnit(zone);
    case 'pairing':
      return a.pairings[0]?.unit ?? null;
    case 'community':
      return a.communityUnit;
  }
}

/** The materialized path '/1/5/23/' of a region, rebuilt from the index's parent links. */
function regionPath(regions: Map<number, { parentId: number | null }>, id: number): string {
  const ids: number[] = [];
  let cur: number | null = id;
  while (cur !== null) {
    ids.unshift(cur);
    cur = regions.get(cur)?.parentId ?? null;
  }
  return `/${ids.join('/')}/`;
}

export type RoutingService = ReturnType<typeof createRoutingService>;
