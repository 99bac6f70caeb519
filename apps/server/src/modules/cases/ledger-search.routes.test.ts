import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bboxCentre, searchLexemes, type AreaGeometry } from '@cc/domain';
import { createTestApp, login, multipartFile, PNG_1x1, type Session, type TestApp } from '../../../test/harness.js';
import { escapeLike } from '../../platform/access.js';
import { loadDemoCity } from '../demo/load-demo-city.js';

let t: TestApp;
const as: Record<string, Session> = {};
let tenantId: number;
const ours: Record<string, { id: number; number: string }> = {};

const CASES = {
  market: { description: '东关农贸市场后门积水，污水外溢', address: '东关路12号农贸市场后门' },
  building: { description: '3号楼ABC-12门前堆放杂物', address: 'Block B7 东侧' },
  hostile: { description: "老街拐角'&|!:*\\%_招牌破损", address: null },
};

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoCity(t.db);
  for (const u of ['office', 'inspector', 'community', 'community2']) as[u] = await login(t.app, u, 'Demo@2026');
  const f = (await as.office!.request({ method: 'GET', url: '/api/v1/regions/geojson?level=community' })).json().features
    .find((x: { properties: { name: string } }) => x.properties.name === '东关社区');
  const [lng, lat] = bboxCentre(f.geometry as AreaGeometry);
  for (const [key, c] of Object.entries(CASES)) {
    const photo = await as.inspector!.request({ method: 'POST', url: '/api/v1/case-photos', ...multipartFile('p.png', 'image/png', Buffer.concat([PNG_1x1, Buffer.from(key)])) });
    const res = await as.inspector!.request({
      method: 'POST', url: '/api/v1/cases',
      payload: { source: 'inspector', categoryCode: '0107', description: c.description, ...(c.address ? { address: c.address } : {}), lat, lng, photos: [{ fileId: photo.json().id }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    ours[key] = { id: res.json().id, number: res.json().number };
  }
  tenantId = (await t.db.selectFrom('case_record').select('tenant_id').where('id', '=', ours.market!.id).executeTakeFirstOrThrow()).tenant_id;
});
afterAll(() => t.close());

async function search(s: Session, q: string): Promise<number[]> {
  const res = await s.request({ method: 'GET', url: `/api/v1/cases?q=${encodeURIComponent(q)}&pageSize=500` });
  expect(res.statusCode, `${q}: ${res.body}`).toBe(200);
  const body = res.json() as { items: { id: number }[]; total: number };
  expect(body.total).toBe(body.items.length);
  return body.items.map((c) => c.id).sort((a, b) => a - b);
}

/** What the ledger found before the index: the LIKE alone over every case of the city. */
async function byLike(q: string): Promise<number[]> {
  const like = `%${escapeLike(q)}%`;
  const rows = await t.db.selectFrom('case_record').select('id').where('tenant_id', '=', tenantId)
    .where(sql<boolean>`(number like ${like} or description like ${like} or address like ${like})`).execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

async function sameAsBefore(q: string): Promise<number[]> {
  const found = await search(as.office!, q);
  expect(found, q).toEqual(await byLike(q));
  return found;
}

describe('the ledger text search on the bigram index', () => {
  it('stores what the domain rule says, computed by the database (SQL and TypeScript agree)', async () => {
    const corpus = [
      ...Object.values(CASES).flatMap((c) => [c.description, c.address ?? '']),
      'ABCdef 123-456 ＡＢＣ 全角', 'x'.repeat(40), 'a', '水', '𠀀𠀁水', ' 前后空格 ', "it's \\ ok", 'É é ß', '20261123000120261123',
    ];
    for (const text of corpus) {
      const r = await sql<{ l: string[] }>`select case_search_lexemes(${text}) as l`.execute(t.db);
      expect([...r.rows[0]!.l].sort(), text).toEqual(searchLexemes(text));
    }
    const row = await t.db.selectFrom('case_record').select(['number', 'description', 'address', 'search_terms']).where('id', '=', ours.market!.id).executeTakeFirstOrThrow();
    const lexemes = [...new Set([...searchLexemes(row.number), ...searchLexemes(row.description), ...searchLexemes(row.address)])];
    const expected = await sql<{ v: string }>`select array_to_tsvector(${lexemes}::text[])::text as v`.execute(t.db);
    expect(row.search_terms).toBe(expected.rows[0]!.v);
  });

  it('finds the same cases as the LIKE for Chinese text of 2 to 6 characters', async () => {
    expect(await sameAsBefore('积水')).toContain(ours.market!.id);
    expect(await sameAsBefore('农贸市场后门')).toContain(ours.market!.id);
    expect(await sameAsBefore('污水外溢')).toContain(ours.market!.id);
    expect(await sameAsBefore('市场后门积')).toEqual([ours.market!.id]);
    expect(await sameAsBefore('东关路12号')).toEqual([ours.market!.id]); // in the address only
    expect(await sameAsBefore('积水严重溢出')).not.toContain(ours.market!.id); // all pairs differ
    expect(await sameAsBefore('门积水')).not.toContain(ours.building!.id);
  });

  it('finds a case by its number, whole or in part', async () => {
    expect(await sameAsBefore(ours.market!.number)).toEqual([ours.market!.id]);
    expect(await sameAsBefore(ours.building!.number.slice(-6))).toContain(ours.building!.id);
    expect(await sameAsBefore(ours.hostile!.number.slice(3, 9))).toContain(ours.hostile!.id);
  });

  it('finds letters and digits inside longer runs, case-sensitive as before', async () => {
    expect(await sameAsBefore('ABC-12')).toEqual([ours.building!.id]);
    expect(await sameAsBefore('BC')).toContain(ours.building!.id);
    expect(await sameAsBefore('abc')).not.toContain(ours.building!.id); // LIKE is case-sensitive; the index is not, the LIKE decides
    expect(await sameAsBefore('B7 东')).toEqual([ours.building!.id]);
    expect(await sameAsBefore('3号楼')).toContain(ours.building!.id);
  });

  it('answers a one-character text', async () => {
    expect(await sameAsBefore('溢')).toContain(ours.market!.id);
    expect(await sameAsBefore('7')).toContain(ours.building!.id);
    expect(await sameAsBefore('损')).toContain(ours.hostile!.id); // the last character of a field
  });

  it('treats tsquery and LIKE operators as plain text, never failing', async () => {
    for (const q of ["'", '&', '|', '!', ':*', '\\', '%', '_', "'&|!:*\\%_", "拐角'&", '!:*', "''", '\\\\', '%%', '_损', ' ', 'a & b', 'a:*', '(', ')', '<->', "' | '1'='1"]) {
      await sameAsBefore(q);
    }
    expect(await sameAsBefore("'&|!:*\\%_")).toEqual([ours.hostile!.id]);
    expect(await sameAsBefore('%_')).toEqual([ours.hostile!.id]);
    expect(await sameAsBefore('_招牌')).toEqual([ours.hostile!.id]);
  });

  it('keeps the reader’s scope: a neighbouring community does not find our case', async () => {
    expect(await search(as.community!, '农贸市场后门')).toContain(ours.market!.id);
    expect(await search(as.community2!, '农贸市场后门')).not.toContain(ours.market!.id);
    expect(await search(as.community2!, ours.market!.number)).toEqual([]);
  });

  it('follows a change of the searched text (the column is generated by the database)', async () => {
    await t.db.updateTable('case_record').set({ description: '东关菜场围挡倒塌', address: '新华路88号' }).where('id', '=', ours.market!.id).execute();
    expect(await sameAsBefore('围挡倒塌')).toEqual([ours.market!.id]);
    expect(await sameAsBefore('新华路88')).toEqual([ours.market!.id]);
    expect(await sameAsBefore('农贸市场后门')).not.toContain(ours.market!.id);
  });
});
