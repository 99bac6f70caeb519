import { sql, type SqlBool } from 'kysely';
import { CASE_MAP_LIMIT, type CaseMapQuery } from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/database.js';
import { AppError } from '../../platform/errors.js';
import type { CasesService } from './cases.service.js';
import { OPEN_STATES_ARRAY_SQL, OPEN_STATES_SQL, TIMED_STATES_SQL } from './state-sql.js';

export interface BBox { minLng: number; minLat: number; maxLng: number; maxLat: number }

/** "minLng,minLat,maxLng,maxLat" → numbers, or 422 CASE_MAP_BBOX_INVALID saying what is wrong. */
export function parseBbox(text: string): BBox {
  const fail = (zh: string, en: string): never => {
    const reason = { 'zh-CN': zh, en };
    throw new AppError(422, 'CASE_MAP_BBOX_INVALID', { reason }, [{ field: 'bbox', problem: 'CASE_MAP_BBOX_INVALID', params: { reason } }]);
  };
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 4) fail(`收到 ${parts.length} 个数`, `got ${parts.length} values`);
  const n = parts.map((p) => (/^-?\d+(\.\d+)?$/.test(p) ? Number(p) : NaN));
  if (n.some((x) => !Number.isFinite(x))) fail('含有非数字', 'not all are numbers');
  const [minLng, minLat, maxLng, maxLat] = n as [number, number, number, number];
  if ([minLng, maxLng].some((x) => x < -180 || x > 180) || [minLat, maxLat].some((x) => x < -90 || x > 90)) fail('超出经纬度范围', 'out of range');
  if (minLng >= maxLng || minLat >= maxLat) fail('最小值不小于最大值', 'a minimum is not below its maximum');
  return { minLng, minLat, maxLng, maxLat };
}

/**
 * The open cases of the caller's scope as map points, in one query that builds the JSON text in
 * the database (no per-case view): the route sends that text as it is. The answer is columnar
 * (CaseMap: one array per field, states and categories as indexes into dictionaries, positions in
 * integer micro-degrees): about a third of the bytes of one object per point, and well under half
 * the database time.
 */
export function createCaseMapService(deps: { db: DB; clock: Clock; cases: Pick<CasesService, 'scopeSql'> }) {
  const { db, clock, cases } = deps;

  async function openPoints(actor: Actor, q: CaseMapQuery): Promise<string> {
    const box = q.bbox !== undefined ? parseBbox(q.bbox) : null;
    const codes = q.category ? [...new Set(q.category.split(','))] : [];
    const now = clock.now();
    const overdue = sql<SqlBool>`(c.state in (${TIMED_STATES_SQL}) and c.deadline_at < ${now})`;
    const where = [
      sql`c.tenant_id = ${actor.tenantId}`,
      sql`c.state in (${OPEN_STATES_SQL})`,
      ...(actor.scope === 'tenant' ? [] : [cases.scopeSql(actor)]),
      ...(codes.length ? [sql`k.code in (${sql.join(codes)})`] : []),
      ...(q.overdue === undefined ? [] : [q.overdue ? overdue : sql`not ${overdue}`]),
      ...(box ? [sql`c.lat between ${box.minLat} and ${box.maxLat}`, sql`c.lng between ${box.minLng} and ${box.maxLng}`] : []),
    ];
    // The unit is joined only for a scoped caller (its path decides what they see).
    const unitJoin = actor.scope === 'tenant' ? sql`` : sql`left join unit u on u.tenant_id = c.tenant_id and u.id = c.responsible_unit_id`;
    // The columns stay aligned: every array_agg below is a plain one (no ORDER BY, no DISTINCT, no
    // FILTER) in the same single aggregate, so each row of p is appended to all of them at once, in
    // whatever order p yields its rows; and each is cut to the same first `limit` elements. (An
    // ORDER BY in p would cost a sort of every point, ~30 ms at 100,000, for no use to the map.)
    const column = (expr: string) => sql.raw(`coalesce((array_agg(${expr}))[1:${CASE_MAP_LIMIT}], '{}')`);
    const { rows } = await sql<{ body: string }>`
      with cat as (
        select id, code, (row_number() over (order by id) - 1)::int as ix
          from case_category
         where tenant_id = ${actor.tenantId})
      select json_build_object(
               'limit', ${CASE_MAP_LIMIT}::int,
               'truncated', count(*) > ${CASE_MAP_LIMIT},
               'count', least(count(*), ${CASE_MAP_LIMIT})::int,
               'states', to_json(${OPEN_STATES_ARRAY_SQL}),
               'categories', (select coalesce(json_agg(code order by ix), '[]'::json) from cat),
               'id', ${column('p.id')},
               'latE6', ${column('p.lat_e6')},
               'lngE6', ${column('p.lng_e6')},
               'state', ${column('p.state')},
               'category', ${column('p.category')},
               'overdue', ${column('p.overdue')})::text as body
        from (select c.id, round(c.lat * 1e6)::int as lat_e6, round(c.lng * 1e6)::int as lng_e6,
                     array_position(${OPEN_STATES_ARRAY_SQL}, c.state) - 1 as state, k.ix as category, (${overdue} is true)::int as overdue
                from case_record c
                join cat k on k.id = c.category_id
                ${unitJoin}
               where ${sql.join(where, sql` and `)}
               limit ${CASE_MAP_LIMIT + 1}) p`.execute(db);
    return rows[0]!.body;
  }

  return { openPoints };
}

export type CaseMapService = ReturnType<typeof createCaseMapService>;
