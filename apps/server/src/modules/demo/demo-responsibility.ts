import { ASSIGNMENT_KIND_RULES, lineLengthM, positionsOf, bboxOf, type AssignmentKind, type AreaGeometry, type LineStringGeometry } from '@cc/domain';
import type { Tx } from '../../platform/database.js';
import { bumpGeoVersion } from '../geo/geo-version.js';
import { DEFAULT_MAP_SETTINGS } from '../responsibility/settings.service.js';
import { DEMO_CITY, type DemoRegion } from './demo-city.data.js';
import { at, demoPersonName, demoRegionRects, demoSegments, demoUnitPoint, demoZones, rectPolygon } from './demo-geo.js';

const bbox = (g: AreaGeometry | LineStringGeometry) => {
  const b = bboxOf(positionsOf(g));
  return { min_lng: b.minLng, min_lat: b.minLat, max_lng: b.maxLng, max_lat: b.maxLat };
};

/**
 * The demo county's responsibility map: boundaries, road segments, zones, located units, people,
 * and assignments of every kind — including one handover (东关社区's cover leader changed on
 * 1 April 2024), so "who was responsible on 12 March?" has a different answer from today.
 */
export async function loadDemoResponsibility(
  tx: Tx,
  tenantId: number,
  regions: Map<string, { id: number; path: string }>,
  units: Map<string, { id: number; path: string }>,
): Promise<void> {
  const rects = demoRegionRects(DEMO_CITY.regions);
  const walk = (r: DemoRegion, f: (r: DemoRegion) => void) => { f(r); (r.children ?? []).forEach((c) => walk(c, f)); };
  const all: DemoRegion[] = [];
  walk(DEMO_CITY.regions, (r) => all.push(r));
  for (const r of all) {
    const g = rectPolygon(rects.get(r.code)!);
    await tx.updateTable('region').set({ geometry: JSON.stringify(g), ...bbox(g) }).where('tenant_id', '=', tenantId).where('id', '=', regions.get(r.code)!.id).execute();
  }

  // Units at points inside their region.
  const perRegion = new Map<string, number>();
  for (const u of DEMO_CITY.units) {
    if (!u.regionCode) continue;
    const n = perRegion.get(u.regionCode) ?? 0;
    perRegion.set(u.regionCode, n + 1);
    const [lng, lat] = demoUnitPoint(rects.get(u.regionCode)!, u.kind, n);
    await tx.updateTable('unit').set({ lng, lat, trade: u.kind === 'merchant' ? tradeOf(u.name) : null })
      .where('tenant_id', '=', tenantId).where('id', '=', units.get(u.code)!.id).execute();
  }

  // People: the demo users, a head for each department, section-level cadres, cleaners.
  let pi = 0;
  const person = async (unitCode: string, position: string, name = demoPersonName(pi++)) => {
    const { id } = await tx.insertInto('person').values({
      tenant_id: tenantId, name, unit_id: units.get(unitCode)!.id, position, phone: `1390000${String(1000 + pi).slice(-4)}`, updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    return id;
  };
  for (const u of DEMO_CITY.users) {
    const id = await person(u.unitCode, '工作人员', u.displayName);
    await tx.updateTable('app_user').set({ person_id: id }).where('tenant_id', '=', tenantId).where('username', '=', u.username).execute();
  }
  const departments = DEMO_CITY.units.filter((u) => u.kind === 'department');
  for (const d of departments) {
    const head = await person(d.code, '局长');
    await tx.updateTable('unit').set({ first_responsible_person_id: head }).where('tenant_id', '=', tenantId).where('id', '=', units.get(d.code)!.id).execute();
  }
  const communities = all.filter((r) => r.level === 'community');
  const cadres: number[] = [];
  for (let i = 0; i <= communities.length; i++) cadres.push(await person(departments[i % departments.length]!.code, i % 2 ? '副局长' : '党组成员'));
  const townOffice = DEMO_CITY.units.find((u) => u.kind === 'street_office')!.code;
  const cleaners: number[] = [];
  for (let i = 0; i < 5; i++) cleaners.push(await person(townOffice, '保洁员'));

  const assign = async (kind: AssignmentKind, targetId: number, party: { unit?: number; person?: number }, from: string, to: string | null = null) => {
    const rule = ASSIGNMENT_KIND_RULES[kind];
    const { id } = await tx.insertInto('responsibility_assignment').values({
      tenant_id: tenantId, kind, target_type: rule.target, target_id: targetId, responsible_unit_id: party.unit ?? null,
      responsible_person_id: party.person ?? null, valid_from: from, valid_to: to, exclusive: rule.exclusive, updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    return id;
  };

  // 包社区: one cadre per community; 东关社区 handed over on 2024-04-01.
  for (const [i, c] of communities.entries()) {
    const target = regions.get(c.code)!.id;
    if (c.name === '东关社区') {
      const first = await assign('community_cover', target, { person: cadres[communities.length]! }, '2024-01-01', '2024-03-31');
      const second = await assign('community_cover', target, { person: cadres[i]! }, '2024-04-01');
      await tx.updateTable('responsibility_assignment').set({ replaces_id: first }).where('tenant_id', '=', tenantId).where('id', '=', second).execute();
    } else {
      await assign('community_cover', target, { person: cadres[i]! }, '2024-01-01');
    }
    // 挂钩: a department paired with each community.
    await assign('pairing', target, { unit: units.get(departments[(i + 3) % departments.length]!.code)!.id }, '2024-01-01');
  }

  // 包路段: road segments, each covered by a department.
  const streets = DEMO_CITY.regions.children ?? [];
  for (const [j, s] of demoSegments().entries()) {
    const { id } = await tx.insertInto('road_segment').values({
      tenant_id: tenantId, code: s.code, name: s.name, from_desc: s.from, to_desc: s.to,
      region_id: regions.get(streets[s.streetIndex]!.code)!.id, geometry: JSON.stringify(s.geometry),
      length_m: lineLengthM(s.geometry.coordinates), ...bbox(s.geometry), updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    await assign('segment_cover', id, { unit: units.get(departments[j % departments.length]!.code)!.id }, '2024-01-01');
  }

  // 责任区: five zones of the market town, each with its cleaner.
  for (const [k, z] of demoZones().entries()) {
    const { id } = await tx.insertInto('responsibility_zone').values({
      tenant_id: tenantId, code: z.code, name: z.name, region_id: regions.get(streets[0]!.code)!.id,
      geometry: JSON.stringify(z.geometry), ...bbox(z.geometry), updated_at: new Date(),
    }).returning('id').executeTakeFirstOrThrow();
    await assign('zone', id, { person: cleaners[k]! }, '2024-06-01');
  }

  // 门前五包: every shop signed; a few near or past expiry so the register shows warnings.
  const expiries = ['2027-12-31', '2026-12-10', '2027-12-31', '2026-10-31', '2027-12-31', '2027-06-30'];
  const shops = DEMO_CITY.units.filter((u) => u.kind === 'merchant');
  for (const [i, shop] of shops.entries()) {
    const shopId = units.get(shop.code)!.id;
    const signed = `2024-03-${String(1 + (i % 20)).padStart(2, '0')}`;
    const assignmentId = await assign('frontage', shopId, { unit: shopId }, signed);
    await tx.insertInto('frontage_contract').values({
      tenant_id: tenantId, assignment_id: assignmentId, shop_unit_id: shopId, duties: [...DEFAULT_MAP_SETTINGS.frontageDuties],
      signed_on: signed, signer_name: shop.contactName ?? shop.name, responsible_name: shop.contactName ?? null,
      responsible_phone: shop.contactPhone ?? null, plate_posted: i % 4 !== 3, expires_on: expiries[i % expiries.length]!, updated_at: new Date(),
    }).execute();
  }

  const [lng, lat] = at(2, 0);
  await tx.updateTable('tenant').set({ settings: JSON.stringify({ map: { ...DEFAULT_MAP_SETTINGS, mapCenter: { lng, lat, zoom: 14 } } }) })
    .where('id', '=', tenantId).execute();
  await bumpGeoVersion(tx, tenantId);
}

function tradeOf(name: string): string {
  if (/面|饭|餐|菜|烩|火锅|烧烤|饺/.test(name)) return 'restaurant';
  if (/发|美容/.test(name)) return 'hair_salon';
  if (/浴/.test(name)) return 'bathhouse';
  if (/旅|宾馆|酒店|招待/.test(name)) return 'hotel';
  if (/网吧|网咖/.test(name)) return 'internet_cafe';
  if (/KTV|歌/.test(name)) return 'karaoke';
  if (/超市|店|行|铺/.test(name)) return 'retail';
  return 'other';
}
