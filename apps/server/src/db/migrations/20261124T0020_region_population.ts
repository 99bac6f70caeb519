import { sql, type Kysely } from 'kysely';

/**
 * 常住人口 of a region: the resident population from the statistics bureau (七普 or the yearly
 * estimate), entered per level by the campaign office or imported. Null = not known. The
 * city-scale generator spreads its 3 million residents over the grids with it; figures per head
 * (cases per 10,000 residents) can read it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table region add column population integer constraint region_population_ck check (population >= 0)`.execute(db);
}
