import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * Shared pieces of the abuse suite (abuse-*.routes.test.ts): hostile strings, request generators
 * built from the OpenAPI document's schemas, and the check every answer must pass.
 */

/** SQL, script and template injection, and text that breaks naive encoders. */
export const HOSTILE_STRINGS = [
  `<img src=x onerror=window.__pwned=1>`,
  `<script>window.__pwned=1</script>`,
  `"><svg onload=window.__pwned=1>`,
  `javascript:window.__pwned=1`,
  `'; drop table case_record; --`,
  `' or '1'='1`,
  `1; select pg_sleep(5); --`,
  `\\'; update app_user set status='disabled'; --`,
  `%' and 1=1 and '%'='`,
  `{{7*7}}`,
  '${7*7}',
  `#{7*7}`,
  `__proto__`,
  `constructor`,
  `../../../../etc/passwd`,
  `%00`,
  `\u0000`,
  `a\u0000b`,
  `\ud800`,
  `\u202e\u0644\u0627`,
  `😀👍🏽`,
  `创城🚧 测试`,
  `\r\nSet-Cookie: x=1`,
  ` `,
  '',
  'null',
  'NaN',
  '-1',
  '1e309',
  '9223372036854775808',
  'x'.repeat(5000),
];

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
}

/** Ids that exist, by property or parameter name (`id`, `unitId`, …), so handlers go past "not found". */
export type IdPool = (name: string) => number[];

const pad = (s: string, min: number) => (s.length >= min ? s : s + '测'.repeat(min - s.length));

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 60, 200);
  if (s.format === 'date') return fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2040-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.pattern) {
    try {
      const re = new RegExp(s.pattern);
      return fc.stringMatching(re).filter((x) => x.length >= min && x.length <= (s.maxLength ?? Infinity));
    } catch {
      /* a pattern JavaScript cannot read: fall through to plain text */
    }
  }
  const fit = (x: string) => pad(x, min).slice(0, Math.max(max, min));
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: max }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: max }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: max }) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  ).map(fit);
}

function numberArb(s: JsonSchema, integer: boolean, name: string, ids: IdPool): fc.Arbitrary<number> {
  const exMin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : undefined;
  const exMax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : undefined;
  const min = s.minimum ?? (exMin !== undefined ? exMin + (integer ? 1 : 1e-9) : integer ? -(2 ** 53 - 1) : -1e12);
  const max = s.maximum ?? (exMax !== undefined ? exMax - (integer ? 1 : 1e-9) : integer ? 2 ** 53 - 1 : 1e12);
  if (integer) {
    const known = ids(name);
    const edges = [min, max, 0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1].filter((x) => x >= min && x <= max);
    const arbs: fc.Arbitrary<number>[] = [fc.integer({ min: Math.max(min, -(2 ** 53 - 1)), max: Math.min(max, 2 ** 53 - 1) })];
    if (Math.max(min, -5) <= Math.min(max, 400)) arbs.push(fc.integer({ min: Math.max(min, -5), max: Math.min(max, 400) }));
    if (edges.length) arbs.push(fc.constantFrom(...edges));
    const k = known.filter((x) => x >= min && x <= max);
    if (k.length) arbs.push(fc.constantFrom(...k), fc.constantFrom(...k));
    return fc.oneof(...arbs);
  }
  return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(...[min, max, 0].filter((x) => x >= min && x <= max)));
}

/** Values that satisfy the schema (as far as a generator can tell), with hostile text in the strings. */
export function valid(s: JsonSchema | undefined, ids: IdPool, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return fc.oneof(...alts.map((a) => valid(a, ids, name, depth + 1)));
  if (s.allOf) return valid(Object.assign({}, ...s.allOf) as JsonSchema, ids, name, depth + 1);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  const arbs = types.map((t) => typed(t, s, ids, name, depth));
  const base = arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
  return s.nullable ? fc.option(base, { nil: null }) : base;
}

function typed(t: string, s: JsonSchema, ids: IdPool, name: string, depth: number): fc.Arbitrary<unknown> {
  switch (t) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberArb(s, true, name, ids);
    case 'number':
      return numberArb(s, false, name, ids);
    case 'string':
      return stringArb(s);
    case 'array': {
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 4, 6));
      const item = valid(s.items, ids, name.replace(/s$/, ''), depth + 1);
      return s.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(item, { minLength, maxLength });
    }
    case 'object': {
      const props = s.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) model[k] = valid(v, ids, k, depth + 1);
      if (Object.keys(model).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in model) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Anything a client might send in place of a value. */
export const garbageValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(-1, 0, 1.5, 2 ** 31, 2 ** 63, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2, true, null, [], {}, '', '1', [1, 2], { __proto__: { admin: true } }, { constructor: { prototype: { x: 1 } } }),
);

/**
 * A body for the schema: mostly valid, else a valid body with one field replaced, removed or added,
 * else anything at all.
 */
export function body(s: JsonSchema | undefined, ids: IdPool): fc.Arbitrary<unknown> {
  if (!s) return fc.oneof(fc.constant(undefined), garbageValue);
  const ok = valid(s, ids);
  const mutated = fc.tuple(ok, fc.string({ maxLength: 12 }), garbageValue, fc.nat(), fc.constantFrom('replace', 'remove', 'add')).map(([v, extra, g, i, how]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return g;
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(s.properties ?? {});
    const key = keys.length ? keys[i % keys.length]! : extra;
    if (how === 'replace') o[key] = g;
    else if (how === 'remove') delete o[key];
    else o[extra || '_x'] = g;
    return o;
  });
  return fc.oneof({ weight: 5, arbitrary: ok }, { weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: garbageValue });
}

export interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

/** One operation of the OpenAPI document. */
export interface Operation {
  method: string;
  /** OpenAPI path, `/api/v1/units/{id}`. */
  path: string;
  params: Param[];
  body?: JsonSchema;
  multipart: boolean;
}

export async function loadOperations(app: FastifyInstance): Promise<Operation[]> {
  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { content: Record<string, { schema: JsonSchema }> }; summary?: string }>>;
  };
  const ops: Operation[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      ops.push({
        method: m.toUpperCase(),
        path: p,
        params: (op.parameters ?? []).filter((x) => x.in === 'path' || x.in === 'query'),
        body: op.requestBody?.content['application/json']?.schema,
        multipart: /multipart/i.test(op.summary ?? ''),
      });
    }
  }
  return ops;
}

/** `/api/v1/units/:id` (route catalogue) → `/api/v1/units/{id}` (OpenAPI). */
export const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

/** What is wrong with an answer, or null: no 5xx, and every 4xx in the one error shape. */
export function problemWith(res: LightMyRequestResponse, url = ''): string | null {
  if (res.statusCode >= 500) return `${res.statusCode} ${res.body.slice(0, 300)}`;
  // Open311 answers errors in its own format (XML or a JSON list), as GeoReport v2 requires.
  if (url.startsWith('/open311/')) return null;
  if (res.statusCode >= 400) {
    const type = String(res.headers['content-type'] ?? '');
    if (!type.includes('json')) return `${res.statusCode} with content-type ${type}`;
    let parsed: unknown;
    try {
      parsed = res.json();
    } catch {
      return `${res.statusCode} with a body that is not JSON: ${res.body.slice(0, 200)}`;
    }
    const e = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || !('details' in e)) return `${res.statusCode} not in the error shape: ${res.body.slice(0, 200)}`;
  }
  return null;
}
