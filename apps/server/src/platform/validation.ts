import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import localizeZhModule from 'ajv-i18n/localize/zh/index.js';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { pickLocale, type Locale } from '@cc/domain';
import { AppError } from './errors.js';

/**
 * Two validators: request bodies are strict (no type coercion, unknown fields refused, so text in
 * a number field is an error and nothing is silently dropped); query strings and path parameters
 * arrive as text and are coerced to the schema's types.
 */
function makeAjv(coerce: boolean) {
  const ajv = new Ajv.default({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

// CommonJS module: its function arrives as the default export or as the module itself.
type Localize = (errors?: ErrorObject[] | null) => void;
const localizeZh: Localize =
  (localizeZhModule as unknown as { default?: Localize }).default ?? (localizeZhModule as unknown as Localize);

const bodyAjv = makeAjv(false);
const paramAjv = makeAjv(true);

export function registerValidation(app: FastifyInstance): void {
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) =>
    httpPart === 'body' ? bodyAjv.compile(schema) : paramAjv.compile(schema),
  );
  // PostgreSQL cannot store U+0000, nor a lone UTF-16 surrogate in jsonb (and would mangle one in
  // text): such input is refused here, by field, instead of failing at the database as a 500.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const field = unstorableField(value);
      if (field === null) continue;
      const en = pickLocale(request.headers['accept-language']) === 'en';
      throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: field || part, rule: 'unicode', message: en ? 'must not contain NUL or unpaired surrogate characters' : '不能包含空字符或无效的 Unicode 字符' }]);
    }
  });
}

const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The dotted path of the first string (or key) PostgreSQL cannot store, '' for the value itself, or null. Iterative: bodies may nest deeply. */
export function unstorableField(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return at;
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const path = at ? `${at}.${k}` : k;
        if (UNSTORABLE.test(k)) return path;
        stack.push([x, path]);
      }
    }
  }
  return null;
}

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** Turn ajv errors into `{ field, rule, message }` in the request's language. */
export function localizeValidation(errors: unknown, context: string | undefined, locale: Locale): FieldProblem[] {
  const list = structuredClone(errors) as ErrorObject[];
  if (locale === 'zh-CN') localizeZh(list);
  return list.map((e) => {
    let field = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (e.keyword === 'additionalProperties') field = join(field, String(e.params.additionalProperty));
    if (e.keyword === 'required') field = join(field, String(e.params.missingProperty));
    const where = field || context || '';
    let message = e.message ?? e.keyword;
    if (e.keyword === 'additionalProperties') {
      message = locale === 'zh-CN' ? '不允许的字段' : 'unknown field';
    }
    return { field: where, rule: e.keyword, message };
  });
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
