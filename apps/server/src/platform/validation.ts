import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import localizeZhModule from 'ajv-i18n/localize/zh/index.js';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { Locale } from '@cc/domain';

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
