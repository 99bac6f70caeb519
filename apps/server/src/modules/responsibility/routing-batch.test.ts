import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CATEGORY_SEEDS } from '@cc/domain';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createCaseCatalog } from '../cases/catalog.service.js';
import { loadDemoCity } from '../demo/load-demo-city.js';
import { createRoutingIndex } from './routing-index.js';
import { createRoutingService, type RoutingAsk } from './routing.service.js';

/**
 * Many points answered in one statement (the intake shares its look-ups under load) must say
 * exactly what each point asked alone says: regions, leaders, pairings, segment, frontage, and the
 * unit the category's routing rule picks — and, with the intake's context as extra columns, the
 * category and region path of each point's own.
 */
let t: TestApp;
let tenantId: number;
let asks: RoutingAsk[];

beforeAll(async () => {
  t = await createTestApp();
  tenantId = await loadDemoCity(t.db);
  const b = await t.db.selectFrom('region').select((eb) => [eb.fn.min('min_lng').as('w'), eb.fn.min('min_lat').as('s'), eb.fn.max('max_lng').as('e'), eb.fn.max('max_lat').as('n')])
    .where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  const [w, s, e, n] = [b.w, b.s, b.e, b.n].map(Number) as [number, number, number, number];
  const codes = CATEGORY_SEEDS.map((c) => c.code);
  // A 6 × 6 lattice over the city and a little beyond it (points outside answer with no region),
  // and every shop's own door (frontage contracts answer there); categories in turn.
  const lattice = Array.from({ length: 36 }, (_, i) => ({ lng: w - 0.002 + ((e - w + 0.004) * (i % 6)) / 5, lat: s - 0.002 + ((n - s + 0.004) * Math.floor(i / 6)) / 5 }));
  const shops = await t.db.selectFrom('unit').select(['lng', 'lat']).where('tenant_id', '=', tenantId).where('lng', 'is not', null).orderBy('id').execute();
  asks = [...lattice, ...shops.map((x) => ({ lng: Number(x.lng), lat: Number(x.lat) }))]
    .map((p, i) => ({ tenantId, ...p, category: codes[i % codes.length] }));
});
afterAll(() => t.close());

function service() {
  return createRoutingService({ db: t.db, clock: t.clock, index: createRoutingIndex(t.db) });
}

describe('routing many points in one statement', () => {
  it('answers each point as asking it alone does, in the order asked', async () => {
    const routing = service();
    expect(asks.length).toBeGreaterThan(40);
    const alone = [];
    for (const a of asks) alone.push((await routing.resolveWith(tenantId, a.lat, a.lng, undefined, a.category, undefined)).answer);
    const many = (await routing.resolveMany(asks, undefined)).map((r) => r.answer);
    expect(many).toEqual(alone);
    // The lattice reaches outside the city, into frontage contracts and into routed units.
    expect(many.some((a) => a.community === null)).toBe(true);
    expect(many.some((a) => a.frontage !== null)).toBe(true);
    expect(new Set(many.map((a) => a.routing.unit?.id ?? null)).size).toBeGreaterThan(3);
  });

  it('shares the look-ups of points asked at the same time, each caller getting its own answer and extra columns', async () => {
    const routing = service();
    const catalog = createCaseCatalog({ db: t.db });
    const queued = routing.queued(catalog.intakeContextSql);
    const alone = [];
    for (const a of asks) alone.push(await routing.resolveWith(tenantId, a.lat, a.lng, undefined, a.category, undefined, catalog.intakeContextSql));
    const together = await Promise.all(asks.map((a) => queued(a)));
    expect(together).toEqual(alone);
    for (const [i, r] of together.entries()) {
      const k = catalog.intakeContextOf(r.extra, asks[i]!.category!);
      expect(k.category.code).toBe(asks[i]!.category);
      const deepest = r.answer.grid ?? r.answer.community ?? r.answer.street;
      if (deepest) expect(k.regionPath).toMatch(new RegExp(`/${deepest.id}/$`));
      else expect(k.regionPath).toBeNull();
    }
  });

  it('answers again from a fresh index the points whose city moved its geometry meanwhile', async () => {
    const routing = service();
    const before = await routing.resolveMany(asks, undefined);
    // Another instance moved a shop 2 km away and bumped the city's geometry version: the index held
    // here is stale, and an answer from it would still name that shop at its old door.
    const i = before.findIndex((r) => r.answer.frontage !== null);
    const shop = before[i]!.answer.frontage!.shop.id;
    await sql`update unit set lat = lat + 0.018 where id = ${shop}`.execute(t.db);
    await sql`update tenant set geo_version = geo_version + 1 where id = ${tenantId}`.execute(t.db);
    const after = await routing.resolveMany(asks, undefined);
    expect(after[i]!.answer.frontage?.shop.id ?? null).not.toBe(shop);
    const fresh = service();
    expect(after).toEqual(await fresh.resolveMany(asks, undefined));
  });
});
