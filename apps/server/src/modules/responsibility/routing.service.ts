import { sql, type RawBuilder } from 'kysely';
import { ASSIGNMENT_KIND_RULES, ROUTING_STEPS, type AssignmentKind, type MapSettings, type Position, type ResponsibilityAnswer, type RoutingStep } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { regionInScope } from '../../platform/access.js';
import type { Clock } from '../../platform/clock.js';
import { createBatcher, isDatabaseRefusal } from '../../platform/batch.js';
import { prepared, type DB, type Executor } from '../../platform/database.js';
import { AppError } from '../../platform/errors.js';
import { todayIn } from './assignments.service.js';
import type { CityIndex, RoutingIndex } from './routing-index.js';

export interface RoutingAsk { tenantId: number; lat: number; lng: number; date?: string | undefined; category?: string | undefined }
export interface Routed<T> { answer: ResponsibilityAnswer; extra: T }
/** Extra columns for each point, from its city, category and deepest region (grid, community or street; null outside). */
export type ExtraSql<T> = (cols: { tenantId: RawBuilder<number>; category: RawBuilder<string>; regionId: RawBuilder<number | null> }) => RawBuilder<T>;

type Located = ReturnType<CityIndex['locate']>;
interface Plan {
  tenantId: number; day: string; category: string; idx: CityIndex;
  grid: Located['grid']; community: Located['community']; street: Located['street'];
  segment: ReturnType<CityIndex['nearestSegment']>; zoneId: ReturnType<CityIndex['zoneAt']>; nearby: ReturnType<CityIndex['nearbyUnits']>;
  pairs: { kind: AssignmentKind; type: string; id: number }[];
}
interface LookUpRow<T> { valid: ValidRow[]; community_unit: { id: number; name: string } | null; steps: string[] | null; geo_version: number; extra?: T }

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
    tenantId: number, lat: number, lng: number, date: string | undefined, category: string | undefined, ex: Executor | undefined, extra?: ExtraSql<T>,
  ): Promise<Routed<T>> {
    return (await resolveMany([{ tenantId, lat, lng, date, category }], ex, extra))[0]!;
  }

  /**
   * Many points in one statement (one round trip for all), answers in the order asked. Optimistic:
   * each point is answered from the index already held for its city, with the index's version
   * checked in the same statement; the points whose city's geometry moved meanwhile (or whose
   * city has no index yet) are answered again from a fresh index.
   */
  async function resolveMany<T = null>(asks: readonly RoutingAsk[], ex: Executor | undefined, extra?: ExtraSql<T>): Promise<Routed<T>[]> {
    const out: (Routed<T> | undefined)[] = new Array(asks.length);
    const again: number[] = [];
    const held = asks.map((a) => index.peek(a.tenantId));
    const first = asks.flatMap((a, i) => (held[i] ? [{ i, ask: a, at: held[i] }] : (again.push(i), [])));
    if (first.length) {
      const rows = await lookUp(ex ?? db, first.map((x) => planOf(x.at.index, x.at.settings, x.ask)), extra);
      first.forEach((x, k) => {
        if (rows[k]!.geo_version !== x.at.index.version) again.push(x.i);
        else out[x.i] = answerOf(x.at.settings, x.ask, rows[k]!.plan, rows[k]!);
      });
    }
    if (again.length) {
      const fresh = new Map<number, Awaited<ReturnType<RoutingIndex['get']>>>();
      for (const i of again) if (!fresh.has(asks[i]!.tenantId)) fresh.set(asks[i]!.tenantId, await index.get(asks[i]!.tenantId));
      const rows = await lookUp(ex ?? db, again.map((i) => planOf(fresh.get(asks[i]!.tenantId)!.index, fresh.get(asks[i]!.tenantId)!.settings, asks[i]!)), extra);
      again.forEach((i, k) => { out[i] = answerOf(fresh.get(asks[i]!.tenantId)!.settings, asks[i]!, rows[k]!.plan, rows[k]!); });
    }
    return out as Routed<T>[];
  }

  /** What the index says of a point: its regions, segment, zone, nearby shops, and the (kind, target) pairs to look up. */
  function planOf(idx: CityIndex, cfg: MapSettings, ask: RoutingAsk): Plan {
    const p: Position = [ask.lng, ask.lat];
    const { grid, community, street } = idx.locate(p);
    const segment = idx.nearestSegment(p, cfg.segmentRadiusM);
    const zoneId = idx.zoneAt(p);
    const nearby = idx.nearbyUnits(p, cfg.frontageRadiusM);
    const pair = (kind: AssignmentKind, id: number) => ({ kind, type: ASSIGNMENT_KIND_RULES[kind].target, id });
    const pairs = [
      ...(community ? [pair('community_cover', community.id), pair('pairing', community.id)] : []),
      ...(segment ? [pair('segment_cover', segment.entry.id)] : []),
      ...(zoneId ? [pair('zone', zoneId)] : []),
      ...nearby.map((n) => pair('frontage', n.entry.id)),
    ];
    return { tenantId: ask.tenantId, day: ask.date ?? todayIn(clock), category: ask.category ?? '', idx, grid, community, street, segment, zoneId, nearby, pairs };
  }

  /**
   * ONE statement for all the plans: the assignments valid on each point's day among its pairs,
   * its community's committee, the routing rule of its category, its city's geometry version and
   * `extra`. Points and pairs go as JSON, so the text is the same for any number of points and
   * the statement is prepared once per connection (planning it costs ~4 ms, running it for one
   * point ~0.5). Not as arrays: the planner sees an array's length in a custom plan, so a custom
   * plan for one point looked ten times cheaper than the generic plan (which assumes ten) and
   * PostgreSQL kept planning every execution; a JSON set is assumed to have 100 rows either way.
   */
  async function lookUp<T>(ex: Executor, plans: readonly Plan[], extra?: ExtraSql<T>): Promise<(LookUpRow<T> & { plan: Plan })[]> {
    const pairs = plans.flatMap((pl, ord) => pl.pairs.map((x) => ({ ord, tenant_id: pl.tenantId, day: pl.day, ...x })));
    const extraSql = extra ? sql`, ${extra({ tenantId: sql.ref('i.tenant_id'), category: sql.ref('i.category'), regionId: sql.ref('i.region_id') })} as extra` : sql``;
    const { rows } = await sql<LookUpRow<T> & { ord: number }>`
      ${prepared('routing')} with i as materialized (
        select * from jsonb_to_recordset(${JSON.stringify(plans.map((x, ord) => ({
          ord, tenant_id: x.tenantId, day: x.day, community_id: x.community?.id ?? null, category: x.category, region_id: x.grid?.id ?? x.community?.id ?? x.street?.id ?? null,
        })))}::jsonb) as i(ord int, tenant_id bigint, day date, community_id bigint, category text, region_id bigint)),
      -- The assignments valid on each point's day among its pairs, for all points at once (so the
      -- joins below run once per statement, not once per point).
      v as materialized (
        select p.ord, a.id, a.kind, a.target_id, a.valid_from, a.responsible_unit_id as unit_id, u.name as unit_name,
               a.responsible_person_id as person_id, pe.name as person_name, pe.position as person_position,
               pu.id as person_unit_id, pu.name as person_unit_name, fc.id as contract_id, fc.duties
          from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as p(ord int, tenant_id bigint, day date, kind text, type text, id bigint)
          -- One index probe per pair (offset 0 keeps the subquery from being flattened: a generic
          -- plan could otherwise hash the whole assignment table).
          cross join lateral (
            select * from responsibility_assignment a
             where a.tenant_id = p.tenant_id and a.kind = p.kind and a.target_id = p.id and a.target_type = p.type
               and a.valid_from <= p.day and (a.valid_to is null or a.valid_to >= p.day)
            offset 0) a
          left join frontage_contract fc on fc.tenant_id = a.tenant_id and fc.assignment_id = a.id
          left join unit u on u.tenant_id = a.tenant_id and u.id = a.responsible_unit_id
          left join person pe on pe.tenant_id = a.tenant_id and pe.id = a.responsible_person_id
          left join unit pu on pu.tenant_id = pe.tenant_id and pu.id = pe.unit_id)
      select i.ord,
             (select coalesce(json_agg(v order by v.valid_from, v.id), '[]'::json) from v where v.ord = i.ord) as valid,
             (select json_build_object('id', id, 'name', name) from unit
               where tenant_id = i.tenant_id and region_id = i.community_id and kind = 'community' order by id limit 1) as community_unit,
             (select geo_version from tenant where id = i.tenant_id) as geo_version,
             (select steps from routing_rule where tenant_id = i.tenant_id and category_code = i.category) as steps${extraSql}
        from i`.execute(ex);
    if (rows.length !== plans.length) throw new Error(`routing answered ${rows.length} rows for ${plans.length} points`);
    // In the order asked (by ord: no sort in the statement).
    const byOrd: (LookUpRow<T> & { plan: Plan })[] = new Array(plans.length);
    for (const r of rows) byOrd[r.ord] = { ...r, plan: plans[r.ord]! };
    return byOrd;
  }

  function answerOf<T>(cfg: MapSettings, ask: RoutingAsk, pl: Plan, row: LookUpRow<T>): Routed<T> {
    const { idx, grid, community, street, segment, zoneId, nearby } = pl;
    const valid = row.valid;
    const communityUnit = row.community_unit;
    const rule = row.steps ? { steps: row.steps } : undefined;

    const of = (kind: string) => valid.filter((v) => v.kind === kind);
    const named = (id: number | null, name: string | null) => (id !== null ? { id, name: name ?? '' } : null);
    const segA = of('segment_cover')[0];
    const zoneA = of('zone')[0];
    const frontageRows = of('frontage');
    const nearestFrontage = nearby.map((n) => ({ n, a: frontageRows.find((f) => f.target_id === n.entry.id) })).find((x) => x.a);

    const answer: ResponsibilityAnswer = {
      point: { lat: ask.lat, lng: ask.lng },
      date: pl.day,
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
      routing: { category: ask.category ?? null, steps: [], answeredBy: null, unit: null },
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
    return { answer, extra: (row.extra ?? null) as T };
  }

  /**
   * Answers asked while earlier look-ups are under way go together in the next statement (issue 6:
   * under load, one look-up per intake cost a round trip — a socket write and a wake-up on both
   * sides — and the statement's start-up each time). One queue per `extra` (its SQL is part of the
   * statement's text). Should the database refuse a shared statement, each point is asked alone.
   */
  function queued<T = null>(extra?: ExtraSql<T>) {
    return createBatcher((asks: readonly RoutingAsk[]) => resolveMany(asks, undefined, extra), { maxInFlight: 2, maxBatch: 32, retryAlone: isDatabaseRefusal });
  }

  return {
    resolve,
    resolveWith,
    resolveMany,
    queued,
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
