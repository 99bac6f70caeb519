import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Record id' });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const LocalizedName = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code, e.g. VALIDATION_FAILED' }),
      message: Type.String({ description: 'Message in the language of Accept-Language (zh-CN default, en)' }),
      details: Type.Any({ description: 'Per-field problems for VALIDATION_FAILED, else extra context or null' }),
    }),
  },
  { $id: 'ErrorBody', description: 'The one error shape of every failure' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** The most rows one page of a list may ask for. */
export const MAX_PAGE_SIZE = 500;

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
    /** Actions the caller may take on the collection (e.g. `create`). */
    actions: Type.Array(Type.String()),
  });

/** Actions the caller may take on a record; the UI shows only these. */
export const Actions = Type.Array(Type.String(), { description: 'Actions the caller may take on this record' });
