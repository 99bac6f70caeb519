import fastJsonStringify, { type Options, type Schema } from 'fast-json-stringify';

/**
 * Response serialization (ADR 0010). Fastify's own compiler turns a response schema into one
 * fast-json-stringify function that builds the whole answer as one string. For a large answer with
 * Chinese text in it that string costs more than building it: V8 builds it as a rope of two-byte
 * pieces, and Node 20 flattens it into a fresh two-byte copy (Buffer.byteLength) and then into a
 * fresh UTF-8 copy (the socket write) — ~4 ms of a 245 KB ranking, more than the SQL it answers.
 *
 * Here an object answer with arrays of objects at its top level (pages, rankings) is written item
 * by item into one Buffer once its arrays hold `CHUNKED_FROM_ITEMS` items or more: each item is a
 * small string serialized by fast-json-stringify from the item's own schema, so the answer carries
 * exactly what the schema allows, formatted as the whole-answer function would format it (the
 * tests compare the two, also on generated data; only the order of properties may differ, as
 * fast-json-stringify writes some optional ones last). Smaller answers, and any answer the item
 * path cannot take (a missing required property, an unexpected shape), go through the
 * whole-answer function.
 */
export const CHUNKED_FROM_ITEMS = 100;

type Json = Record<string, unknown>;
type Serialize = (data: unknown) => string | Buffer;

/** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
export function buildSerializer(externalSchemas: unknown, serializerOpts: Options = {}) {
  const fjsOpts: Options = { ...serializerOpts, schema: (externalSchemas ?? {}) as Options['schema'] };
  return ({ schema }: { schema: unknown }): Serialize => {
    const s = schema as Json;
    // As @fastify/fast-json-stringify-compiler does: a schema is not its own external schema.
    let opts = fjsOpts;
    const id = typeof s.$id === 'string' ? s.$id : null;
    if (id && opts.schema && id in opts.schema) {
      const rest = { ...opts.schema };
      delete rest[id];
      opts = { ...opts, schema: rest };
    }
    const whole = fastJsonStringify(schema as Schema, opts);
    return itemWise(s, opts, whole) ?? whole;
  };
}

interface Part {
  name: string;
  /** the name, JSON-quoted */
  key: string;
  /** the property as `{"name":…}` (or `{}` when left out), for anything but an array of items */
  prop: (data: Json) => string;
  /** one array item as `{"v":…}`, when the property is an array of objects */
  item: ((wrapped: { v: unknown }) => string) | null;
}

const ROOT_KEYWORDS_WE_CANNOT_SPLIT = ['additionalProperties', 'patternProperties', 'anyOf', 'oneOf', 'allOf', 'if', 'not', 'nullable', 'dependencies', 'dependentSchemas'];

function itemWise(schema: Json, opts: Options, whole: (data: unknown) => string): Serialize | null {
  if (schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) return null;
  if (ROOT_KEYWORDS_WE_CANNOT_SPLIT.some((k) => schema[k] !== undefined && schema[k] !== false)) return null;
  // A pointer into the root ("#/…") would not resolve inside the smaller schemas built below.
  if (JSON.stringify(schema).includes('"$ref":"#')) return null;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const props = Object.entries(schema.properties as Record<string, Json>).map(([name, sub]) => {
    // Arrays of objects only: an array of numbers or strings is written fastest by the
    // whole-answer function's own loop, and is one-byte text anyway.
    const items = sub.type === 'array' ? (sub.items as Json | undefined) : undefined;
    return { name, sub, items: typeof items === 'object' && !Array.isArray(items) && (items.type === 'object' || typeof items.$ref === 'string') ? items : null };
  });
  const arrays = props.filter((p) => p.items).map((p) => p.name);
  if (!arrays.length) return null;
  // Compiled when the first large answer comes: most routes never send one, and compiling costs
  // a few milliseconds per property at start-up. A schema whose pieces do not compile keeps the
  // whole-answer function for good.
  let compiled: Part[] | false | null = null;
  const partsOf = (): Part[] | false => {
    if (compiled === null) {
      try {
        compiled = props.map(({ name, sub, items }) => ({
          name,
          key: JSON.stringify(name),
          prop: fastJsonStringify({ type: 'object', properties: { [name]: sub }, required: required.has(name) ? [name] : [] } as Schema, opts),
          item: items ? fastJsonStringify({ type: 'object', properties: { v: items }, required: ['v'] } as Schema, opts) : null,
        }));
      } catch {
        compiled = false;
      }
    }
    return compiled;
  };
  return (data: unknown) => {
    if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof (data as { toJSON?: unknown }).toJSON === 'function') return whole(data);
    const obj = data as Json;
    let items = 0;
    for (const name of arrays) {
      const v = obj[name];
      if (Array.isArray(v)) items += v.length;
    }
    const parts = items < CHUNKED_FROM_ITEMS ? false : partsOf();
    if (!parts) return whole(data);
    try {
      return writeItemWise(obj, parts);
    } catch {
      // The whole-answer function says what is wrong (or copes) exactly as it always has.
      return whole(data);
    }
  };
}

function writeItemWise(obj: Json, parts: Part[]): Buffer {
  const out = new Writer();
  out.put('{');
  let first = true;
  for (const p of parts) {
    const v = obj[p.name];
    if (p.item && Array.isArray(v)) {
      out.put(first ? `${p.key}:[` : `,${p.key}:[`);
      for (let i = 0; i < v.length; i++) {
        if (v[i] === undefined) throw new Error('undefined item');
        const s = p.item({ v: v[i] });
        // `{"v":` … `}`, written without joining it to the comma (a joined string is copied again).
        if (i) out.put(',');
        out.put(s.slice(5, -1));
      }
      out.put(']');
    } else {
      const s = p.prop(obj);
      if (s.length === 2) continue; // `{}`: an optional property left out
      out.put(first ? s.slice(1, -1) : `,${s.slice(1, -1)}`);
    }
    first = false;
  }
  out.put('}');
  return out.done();
}

/** A growing Buffer that small strings are written into as UTF-8. */
class Writer {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private at = 0;

  put(s: string): void {
    // At most three bytes per UTF-16 unit.
    if (this.at + s.length * 3 > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + s.length * 3));
      this.buf.copy(next, 0, 0, this.at);
      this.buf = next;
    }
    this.at += this.buf.write(s, this.at);
  }

  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}
