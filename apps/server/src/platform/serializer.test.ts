import fc from 'fast-check';
import Fastify from 'fastify';
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { CaseMap, CasePage, PlanResults } from '@cc/domain';
import { buildSerializer, CHUNKED_FROM_ITEMS } from './serializer.js';

const compile = (schema: unknown, external: Record<string, unknown> = {}) => buildSerializer(external)({ schema });
const asBytes = (out: string | Buffer) => (typeof out === 'string' ? Buffer.from(out) : out);
/** The same JSON: fast-json-stringify may write a property later than the schema lists it. */
const sameJson = (out: string | Buffer, whole: string) => expect(JSON.parse(asBytes(out).toString('utf8'))).toEqual(JSON.parse(whole));

const NAMES = ['人民路', '解放大道东段', '中山北路（二段）', 'Jiefang "Rd"\n', '😀 emoji', '\\ backslash'];
function ranking(rows: number) {
  return {
    plan: { id: 3, name: '包路段月检', kind: 'routine', mode: 'announced' }, from: '2026-10-01', to: '2026-10-31',
    rows: Array.from({ length: rows }, (_, i) => ({
      target: { kind: 'point', id: 10_000 + i, name: `${NAMES[i % NAMES.length]}${i}号`, subtype: i % 3 ? 'road_segment' : null,
        responsibleUnit: i % 4 ? { id: 500 + (i % 60), name: `城市管理局${i % 60}科`, secret: 'left out' } : null, lat: 30.1 },
      sheets: 1 + (i % 3), score: 87.5 + (i % 10), maxScore: 100, average: 91.25, rate: i % 5 ? 0.9125 : null, findings: i % 4, rank: i + 1, internal: 'left out',
    })),
    byType: [{ key: 'road_segment', name: '道路路段', sheets: rows, rate: 0.91 }],
    byUnit: Array.from({ length: 60 }, (_, i) => ({ key: String(500 + i), name: `单位${i}`, sheets: 15, rate: i % 2 ? 0.9 : null })),
    debug: 'not in the schema',
  };
}

describe('buildSerializer', () => {
  it('writes a large ranking item by item into a Buffer, the same JSON the whole-answer function writes', () => {
    const data = ranking(900);
    const out = compile(PlanResults)(data);
    expect(Buffer.isBuffer(out)).toBe(true);
    const whole = fastJsonStringify(PlanResults as unknown as Schema)(data);
    sameJson(out, whole);
    const parsed = JSON.parse(asBytes(out).toString('utf8')) as ReturnType<typeof ranking>;
    // What the schema leaves out stays out.
    expect(parsed.debug).toBeUndefined();
    expect(parsed.rows[1]!.internal).toBeUndefined();
    expect(parsed.rows[1]!.target.responsibleUnit).toEqual({ id: 501, name: '城市管理局1科' });
    expect(parsed.rows[0]!.target.responsibleUnit).toBeNull();
    expect(parsed.rows[3]!.target.name).toBe('Jiefang "Rd"\n3号');
    expect(parsed.rows[4]!.target.name).toBe('😀 emoji4号');
    expect(parsed.rows).toHaveLength(900);
  });

  it('leaves a small answer to the whole-answer function, as a string', () => {
    const data = ranking(CHUNKED_FROM_ITEMS - 61); // 39 rows + 1 type + 60 units = 100 items → item by item
    expect(Buffer.isBuffer(compile(PlanResults)(data))).toBe(true);
    const small = ranking(CHUNKED_FROM_ITEMS - 62);
    const out = compile(PlanResults)(small);
    expect(typeof out).toBe('string');
    expect(out).toBe(fastJsonStringify(PlanResults as unknown as Schema)(small));
  });

  it('says what is missing as the whole-answer function does', () => {
    const data = ranking(300) as Partial<ReturnType<typeof ranking>>;
    delete data.plan;
    expect(() => compile(PlanResults)(data)).toThrow(/"plan" is required/);
    const bad = ranking(300);
    delete (bad.rows[7] as Partial<(typeof bad.rows)[number]>).target;
    expect(() => compile(PlanResults)(bad)).toThrow(/"target" is required/);
  });

  it('writes a case page as the whole-answer function does (dates, nullable objects), and leaves columnar map points to it', () => {
    const at = new Date('2026-11-24T08:30:00.000Z');
    const named = { id: 7, name: '第一社区' };
    const page = {
      total: 500, page: 1, pageSize: 200, actions: ['create'], totalCapped: false,
      items: Array.from({ length: 200 }, (_, i) => ({
        id: i + 1, number: `AJ2026112400${i}`, source: 'citizen', category: { id: 3, code: 'road', name: '道路破损', majorName: '市容环境' },
        description: `第${i}件：井盖缺失`, address: i % 2 ? '人民路1号' : null, lat: 30 + i / 1000, lng: 120, grid: i % 3 ? named : null, community: named, street: null,
        state: 'assigned', stateCategory: 'open', version: 1, unit: named, routedBy: null,
        deadline: { amount: 2, cls: 'working_days', at: i % 3 ? at : null, paused: false }, overdue: i % 7 === 0,
        escalationCount: 0, returnedCount: 0, relapseCount: 0, assignedAt: at, submittedAt: null, closedAt: null, closedOnTime: null, hidden: false,
        createdAt: at, updatedAt: at.toISOString(), actions: ['assign'],
      })),
    };
    const out = compile(CasePage)(page);
    expect(Buffer.isBuffer(out)).toBe(true);
    sameJson(out, fastJsonStringify(CasePage as unknown as Schema)(page));
    // Arrays of numbers are written fastest by the whole-answer function's own loop.
    const n = 1000;
    const points = { limit: 100_000, truncated: false, count: n, states: ['assigned'], categories: ['road'], id: Array.from({ length: n }, (_, i) => i + 1),
      latE6: Array(n).fill(30_000_000), lngE6: Array(n).fill(120_000_000), state: Array(n).fill(0), category: Array(n).fill(0), overdue: Array(n).fill(1) };
    expect(compile(CaseMap)(points)).toBe(fastJsonStringify(CaseMap as unknown as Schema)(points));
  });

  it('agrees with the whole-answer function on any data of a schema with arrays, optional and nullable fields', () => {
    const schema = Type.Object({
      title: Type.String(),
      note: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      items: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), tags: Type.Array(Type.String()), score: Type.Union([Type.Number(), Type.Null()]), extra: Type.Optional(Type.Boolean()) })),
      codes: Type.Array(Type.String()),
      count: Type.Integer(),
    });
    const serialize = compile(schema);
    const whole = fastJsonStringify(schema as unknown as Schema);
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    const item = fc.record({ id: fc.integer(), name: text, tags: fc.array(text, { maxLength: 3 }), score: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })), extra: fc.option(fc.boolean(), { nil: undefined }), stray: text }, { requiredKeys: ['id', 'name', 'tags', 'score'] });
    fc.assert(fc.property(
      fc.record({ title: text, note: fc.option(fc.option(text), { nil: undefined }), items: fc.array(item, { minLength: 90, maxLength: 160 }), codes: fc.array(text, { maxLength: 80 }), count: fc.integer() }, { requiredKeys: ['title', 'items', 'codes', 'count'] }),
      (data) => {
        sameJson(serialize(data), whole(data));
      },
    ), { numRuns: 200 });
  });

  it('resolves shared schemas and sends the Buffer with its type and length through Fastify', async () => {
    const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: buildSerializer as never } } });
    app.addSchema({ $id: 'Named', type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } }, required: ['id', 'name'] });
    app.get('/many', { schema: { response: { 200: { type: 'object', properties: { items: { type: 'array', items: { $ref: 'Named#' } } }, required: ['items'] } } } },
      async () => ({ items: Array.from({ length: 250 }, (_, i) => ({ id: i, name: `名称${i}`, hidden: true })) }));
    const res = await app.inject('/many');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    const body = res.json<{ items: { id: number; name: string; hidden?: boolean }[] }>();
    expect(body.items).toHaveLength(250);
    expect(body.items[249]).toEqual({ id: 249, name: '名称249' });
    await app.close();
  });
});
