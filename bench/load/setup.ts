import pg from 'pg';
import { localDate } from '@cc/domain';
import { hashPassword } from '../../apps/server/src/platform/passwords.js';

/** What the virtual clients need to know about the city, found once after the first start. */
export interface LoadSetup {
  tenantId: number;
  planId: number;
  editionId: number;
  /** The plan's targets, with the items and criteria a finding may name for each. */
  targets: { kind: 'unit' | 'zone' | 'point'; id: number; subtype: string | null; findings: { itemNodeId: number; criterionNodeId: number; max: number }[] }[];
  inspectorUsernames: string[];
  password: string;
  categoryCodes: string[];
  centre: { lat: number; lng: number };
  webhookEndpointId: number;
}

export const LOAD_PASSWORD = 'Load@2026';
const DEMO_PASSWORD = 'Demo@2026';

interface EditionNode { id: number; parentId: number | null; kind: string; points: number | null; method: string | null; appliesTo: string[]; categoryCode: string | null }

/**
 * Creates the load's users and plan in the demo county (青岚县):
 * - `inspectors` users `load_insp_<i>` with the inspector role, all with one password hashed once
 *   (argon2 per user through the API would cost minutes of CPU), inserted straight into the database;
 * - a generic webhook endpoint for every topic, pointing at the runner's receiver (inserted
 *   directly: the API refuses loopback URLs as it should);
 * - through the API as the office: a daily, announced plan on the seed street scheme (JNS-2024)
 *   for every community, department and resident unit, started a week ago, with no team (so the
 *   city's inspectors may score it).
 */
export async function prepareLoad(opts: { base: string; dbUrl: string; inspectors: number; webhookUrl: string }): Promise<LoadSetup> {
  const c = new pg.Client({ connectionString: opts.dbUrl });
  await c.connect();
  let tenantId: number;
  let officeUnit: number;
  let webhookEndpointId: number;
  const inspectorUsernames = Array.from({ length: opts.inspectors }, (_, i) => `load_insp_${i}`);
  try {
    tenantId = Number((await c.query<{ id: string }>(`select id from tenant where code = 'qinglan'`)).rows[0]!.id);
    officeUnit = Number((await c.query<{ id: string }>(`select id from unit where tenant_id = $1 and code = 'CJB'`, [tenantId])).rows[0]!.id);
    const role = Number((await c.query<{ id: string }>(`select id from role where tenant_id = $1 and code = 'inspector'`, [tenantId])).rows[0]!.id);
    const hash = await hashPassword(LOAD_PASSWORD);
    await c.query('begin');
    const ids = await c.query<{ id: string }>(
      `insert into app_user (tenant_id, username, display_name, password_hash, unit_id, must_change_password, updated_at)
       select $1, u, '压测督查员' || n, $2, $3, false, now() from unnest($4::text[]) with ordinality as t(u, n)
       on conflict do nothing returning id`,
      [tenantId, hash, officeUnit, inspectorUsernames],
    );
    if (ids.rows.length) {
      await c.query(`insert into user_role (tenant_id, user_id, role_id) select $1, unnest($2::bigint[]), $3`, [tenantId, ids.rows.map((r) => Number(r.id)), role]);
    }
    const ep = await c.query<{ id: string }>(
      `insert into webhook_endpoint (tenant_id, name, kind, url, secret, topics, updated_at) values ($1, '压测接收端', 'generic', $2, null, array['*'], now()) returning id`,
      [tenantId, opts.webhookUrl],
    );
    webhookEndpointId = Number(ep.rows[0]!.id);
    await c.query('commit');
  } catch (err) {
    await c.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await c.end();
  }

  const office = await login(opts.base, 'office', DEMO_PASSWORD);
  const get = async <T>(url: string, s = office) => {
    const r = await fetch(`${opts.base}${url}`, { headers: { cookie: s.cookie } });
    if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const standards = await get<{ code: string; editions: { id: number; state: string }[] }[]>('/api/v1/standards');
  const editionId = standards.find((s) => s.code === 'JNS-2024')!.editions.find((e) => e.state === 'published')!.id;
  const edition = await get<{ nodes: EditionNode[] }>(`/api/v1/standard-editions/${editionId}`);
  const startsOn = localDate(new Date(Date.now() - 7 * 86_400_000));
  const planRes = await fetch(`${opts.base}/api/v1/inspection-plans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: office.cookie, 'x-csrf-token': office.csrf },
    body: JSON.stringify({
      name: '压测每日检查', kind: 'routine', mode: 'announced', editionId, recurrence: { type: 'daily' },
      targets: { unitKinds: ['community', 'department', 'resident_unit'], withinUnitId: null, unitIds: [], zoneIds: [], pointIds: [], pointTypeIds: [] },
      ownerUnitId: officeUnit, teamUserIds: [], startsOn, endsOn: null, reopenHours: 48, active: true,
    }),
  });
  if (planRes.status !== 201) throw new Error(`create plan: ${planRes.status} ${await planRes.text()}`);
  const planId = ((await planRes.json()) as { id: number }).id;

  // The targets as an inspector sees them today, and for each the deduction items of its section.
  const insp = await login(opts.base, inspectorUsernames[0]!, LOAD_PASSWORD);
  const tasks = await get<{ plan: { id: number }; target: { kind: 'unit' | 'zone' | 'point'; id: number; subtype: string | null } }[]>('/api/v1/inspection-tasks', insp);
  const nodes = edition.nodes;
  const findingsFor = (subtype: string | null) => {
    const sections = nodes.filter((n) => n.kind === 'section' && subtype !== null && n.appliesTo.includes(subtype)).map((n) => n.id);
    const items = nodes.filter((n) => n.kind === 'item' && (n.method === 'deduct' || n.method === null) && (n.points ?? 0) >= 1
      && (sections.includes(n.parentId ?? -1) || (subtype !== null && n.appliesTo.includes(subtype))));
    return items.flatMap((it) => {
      const crit = nodes.find((n) => n.parentId === it.id && n.kind === 'criterion' && n.categoryCode);
      return crit ? [{ itemNodeId: it.id, criterionNodeId: crit.id, max: it.points ?? 1 }] : [];
    });
  };
  const targets = tasks.filter((t) => t.plan.id === planId).map((t) => ({ kind: t.target.kind, id: t.target.id, subtype: t.target.subtype, findings: findingsFor(t.target.subtype) }));
  if (!targets.length) throw new Error('the load plan has no targets for the inspectors');

  const city = (await (await fetch(`${opts.base}/api/v1/public/city`)).json()) as { mapCenter: { lat: number; lng: number }; categories: { code: string }[] };
  return {
    tenantId, planId, editionId, targets, inspectorUsernames, password: LOAD_PASSWORD,
    categoryCodes: city.categories.map((k) => k.code), centre: { lat: city.mapCenter.lat, lng: city.mapCenter.lng }, webhookEndpointId,
  };
}

export async function login(base: string, username: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const body = (await r.json()) as { csrfToken: string };
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrfToken };
}
