import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.js';

/**
 * Excel import and export (issue 3): the lists a campaign office keeps in spreadsheets today.
 * One kind per list; each has a template with Chinese headers, an export with the same columns,
 * and an import that validates every row before writing any.
 */
export const IMPORT_KINDS = ['regions', 'units', 'people', 'segments', 'shops', 'assignments'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_KIND_LABELS: Record<ImportKind, { 'zh-CN': string; en: string }> = {
  regions: { 'zh-CN': '区划网格', en: 'Regions and grids' },
  units: { 'zh-CN': '单位', en: 'Units' },
  people: { 'zh-CN': '人员', en: 'People' },
  segments: { 'zh-CN': '路段', en: 'Road segments' },
  shops: { 'zh-CN': '沿街商户及门前责任书', en: 'Shops and frontage contracts' },
  assignments: { 'zh-CN': '责任安排', en: 'Assignments' },
};

/** queued (file being read, or waiting for another import of the city) → validating → importing → done | failed */
export const IMPORT_JOB_STATES = ['queued', 'validating', 'importing', 'done', 'failed'] as const;
export type ImportJobState = (typeof IMPORT_JOB_STATES)[number];

/** Files with more data rows than this are imported as a job (202 + progress). */
export const IMPORT_SYNC_MAX_ROWS = 2000;
/** The most data rows one file may hold. */
export const IMPORT_MAX_ROWS = 200_000;
/** The most problems listed in an answer; `problemCount` gives the full number. */
export const IMPORT_MAX_PROBLEMS_LISTED = 1000;

export const ImportKindSchema = Type.Union(IMPORT_KINDS.map((k) => Type.Literal(k)));
export const ImportJobStateSchema = Type.Union(IMPORT_JOB_STATES.map((k) => Type.Literal(k)));

export const ImportProblem = Type.Object({
  row: Type.Integer({ description: 'Excel row number (1 = the header row)' }),
  column: Type.Union([Type.String(), Type.Null()], { description: 'Header of the column, or null for the whole row' }),
  value: Type.Union([Type.String(), Type.Null()], { description: 'The cell as read' }),
  code: Type.String({ description: 'Stable code from the message catalogue' }),
  message: Type.String({ description: 'Why, in the language of Accept-Language' }),
});
export type ImportProblem = Static<typeof ImportProblem>;

/** `details` of a 422 IMPORT_INVALID. */
export const ImportInvalidDetails = Type.Object({
  total: Type.Integer({ description: 'Data rows in the file' }),
  problemCount: Type.Integer(),
  truncated: Type.Boolean({ description: 'More problems than listed' }),
  problems: Type.Array(ImportProblem),
});
export type ImportInvalidDetails = Static<typeof ImportInvalidDetails>;

export const ImportResult = Type.Object({
  kind: ImportKindSchema,
  total: Type.Integer({ description: 'Data rows in the file' }),
  imported: Type.Integer({ description: 'Rows taken in: created + updated + unchanged' }),
  created: Type.Integer(),
  updated: Type.Integer({ description: 'Existing records changed by the file' }),
  unchanged: Type.Integer({ description: 'Existing records the file repeats as they are' }),
});
export type ImportResult = Static<typeof ImportResult>;

export const ImportAccepted = Type.Object({ jobId: Id, state: ImportJobStateSchema });
export type ImportAccepted = Static<typeof ImportAccepted>;

export const ImportJobView = Type.Object({
  id: Id,
  kind: ImportKindSchema,
  fileName: Type.String(),
  state: ImportJobStateSchema,
  processed: Type.Integer({ description: 'Rows done in the current state' }),
  total: Type.Integer({ description: 'Data rows in the file (rows read so far while queued)' }),
  imported: Type.Union([Type.Integer(), Type.Null()]),
  created: Type.Union([Type.Integer(), Type.Null()]),
  updated: Type.Union([Type.Integer(), Type.Null()]),
  unchanged: Type.Union([Type.Integer(), Type.Null()]),
  problemCount: Type.Integer(),
  problems: Type.Optional(Type.Array(ImportProblem)),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type ImportJobView = Static<typeof ImportJobView>;
