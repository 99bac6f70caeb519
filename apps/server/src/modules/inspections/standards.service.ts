import {
  formatMessage, validateEdition, type CopyEditionBody, type CreateStandardBody, type EditionProblem, type EditionView, type Locale, type StandardKind,
  type StandardNodeData, type StandardNodeView, type StandardView, type UpdateEditionBody, type EditionState, type ScoringMethod,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, can } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, notFound } from '../../platform/errors.js';

type NodeRow = {
  id: number; parent_id: number | null; position: number; kind: string; code: string; title: string; description: string | null; points: number | null;
  method: string | null; floor: number | null; na_allowed: boolean; applies_to: string[]; veto: boolean; evidence_required: boolean; category_code: string | null; unverified: boolean;
};

export const nodeView = (n: NodeRow): StandardNodeView => ({
  id: n.id, parentId: n.parent_id, position: n.position, kind: n.kind as StandardNodeView['kind'], code: n.code, title: n.title, description: n.description,
  points: n.points, method: n.method as ScoringMethod | null, floor: n.floor, naAllowed: n.na_allowed, appliesTo: n.applies_to, veto: n.veto,
  evidenceRequired: n.evidence_required, categoryCode: n.category_code, unverified: n.unverified,
});

/** The node rows of an edition as domain data (keys are ids), for validation and scoring. */
export const nodeData = (rows: readonly NodeRow[]): StandardNodeData[] => rows.map((n) => ({
  key: String(n.id), parentKey: n.parent_id === null ? null : String(n.parent_id), kind: n.kind as StandardNodeData['kind'], code: n.code, title: n.title,
  description: n.description, points: n.points, method: n.method as ScoringMethod | null, floor: n.floor, naAllowed: n.na_allowed, appliesTo: n.applies_to,
  veto: n.veto, evidenceRequired: n.evidence_required, categoryCode: n.category_code, unverified: n.unverified,
}));

const NODE_COLUMNS = ['id', 'parent_id', 'position', 'kind', 'code', 'title', 'description', 'points', 'method', 'floor', 'na_allowed', 'applies_to', 'veto',
  'evidence_required', 'category_code', 'unverified'] as const;

export function createStandardsService(deps: { db: DB; clock: Clock }) {
  const { db, clock } = deps;

  async function nodesOf(ex: Executor, tenantId: number, editionId: number): Promise<NodeRow[]> {
    return ex.selectFrom('standard_node').select(NODE_COLUMNS).where('tenant_id', '=', tenantId).where('edition_id', '=', editionId).orderBy('position').execute();
  }

  async function knownCategories(ex: Executor, tenantId: number): Promise<Set<string>> {
    const rows = await ex.selectFrom('case_category').select('code').where('tenant_id', '=', tenantId).execute();
    return new Set(rows.map((r) => r.code));
  }

  const problemViews = (problems: EditionProblem[], locale: Locale) =>
    problems.map((p) => ({ nodeCode: p.code, problem: p.problem, message: formatMessage(p.problem, locale, p.params) }));

  async function editionRow(ex: Executor, tenantId: number, id: number) {
    const row = await ex.selectFrom('standard_edition as e').innerJoin('standard as s', (j) => j.onRef('s.tenant_id', '=', 'e.tenant_id').onRef('s.id', '=', 'e.standard_id'))
      .select(['e.id', 'e.standard_id', 'e.label', 'e.state', 'e.max_score', 'e.note', 'e.based_on_id', 'e.published_at', 'e.version',
        's.code as s_code', 's.name as s_name', 's.kind as s_kind'])
      .where('e.tenant_id', '=', tenantId).where('e.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('edition');
    return row;
  }

  async function edition(actor: Actor, id: number, locale: Locale, ex: Executor = db): Promise<EditionView> {
    const e = await editionRow(ex, actor.tenantId, id);
    const rows = await nodesOf(ex, actor.tenantId, id);
    const problems = e.state === 'draft' ? validateEdition(nodeData(rows), { maxScore: e.max_score, knownCategories: await knownCategories(ex, actor.tenantId) }) : [];
    const manage = can(actor, 'standard.manage');
    return {
      id: e.id, standardId: e.standard_id, label: e.label, state: e.state as EditionState, maxScore: e.max_score, basedOnId: e.based_on_id,
      publishedAt: e.published_at ? new Date(e.published_at).toISOString() : null, itemCount: rows.filter((r) => r.kind === 'item').length, version: e.version,
      standard: { id: e.standard_id, code: e.s_code, name: e.s_name, kind: e.s_kind as StandardKind }, note: e.note,
      nodes: rows.map(nodeView), problems: problemViews(problems, locale),
      actions: actionsFor({
        edit: manage && e.state === 'draft', publish: manage && e.state === 'draft' && problems.length === 0, copy: manage,
        retire: manage && e.state === 'published', export: true,
      }),
    };
  }

  async function list(actor: Actor): Promise<StandardView[]> {
    const standards = await db.selectFrom('standard').selectAll().where('tenant_id', '=', actor.tenantId).orderBy('builtin', 'desc').orderBy('id').execute();
    const editions = await db.selectFrom('standard_edition as e')
      .select(['e.id', 'e.standard_id', 'e.label', 'e.state', 'e.max_score', 'e.based_on_id', 'e.published_at', 'e.version',
        (eb) => eb.selectFrom('standard_node as n').select((x) => x.fn.countAll<number>().as('c')).whereRef('n.tenant_id', '=', 'e.tenant_id').whereRef('n.edition_id', '=', 'e.id').where('n.kind', '=', 'item').as('items')])
      .where('e.tenant_id', '=', actor.tenantId).orderBy('e.id').execute();
    const manage = can(actor, 'standard.manage');
    return standards.map((s) => ({
      id: s.id, code: s.code, name: s.name, kind: s.kind as StandardKind, description: s.description, builtin: s.builtin,
      editions: editions.filter((e) => e.standard_id === s.id).map((e) => ({
        id: e.id, standardId: e.standard_id, label: e.label, state: e.state as EditionState, maxScore: e.max_score, basedOnId: e.based_on_id,
        publishedAt: e.published_at ? new Date(e.published_at).toISOString() : null, itemCount: Number(e.items ?? 0), version: e.version,
      })),
      actions: actionsFor({ copy: manage }),
    }));
  }

  async function addEditionEvent(tx: Executor, tenantId: number, editionId: number, event: string, from: string | null, to: string, actor: Actor, note: string | null = null) {
    await tx.insertInto('standard_edition_event').values({ tenant_id: tenantId, edition_id: editionId, event, from_state: from, to_state: to, actor_user_id: actor.userId, note, at: clock.now() }).execute();
  }

  /** Replace a draft's nodes with a tree given in display order (keys are the client's). */
  async function writeNodes(tx: Executor, tenantId: number, editionId: number, nodes: readonly StandardNodeData[]) {
    await tx.deleteFrom('standard_node').where('tenant_id', '=', tenantId).where('edition_id', '=', editionId).execute();
    const keys = new Set<string>();
    const ids = new Map<string, number>();
    for (const [i, n] of nodes.entries()) {
      if (keys.has(n.key)) throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: `nodes/${i}/key`, problem: 'EDITION_DUPLICATE_CODE', params: { code: n.key } }]);
      keys.add(n.key);
      if (n.parentKey !== null && !ids.has(n.parentKey)) {
        throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: `nodes/${i}/parentKey`, problem: 'EDITION_BAD_PARENT', params: { code: n.code, kind: n.kind } }]);
      }
      const r = await tx.insertInto('standard_node').values({
        tenant_id: tenantId, edition_id: editionId, parent_id: n.parentKey === null ? null : ids.get(n.parentKey)!, position: i + 1, kind: n.kind, code: n.code,
        title: n.title.trim(), description: n.description?.trim() || null, points: n.points, method: n.kind === 'item' ? n.method ?? null : null,
        floor: n.kind === 'item' ? n.floor ?? null : null, na_allowed: n.naAllowed ?? false, applies_to: n.appliesTo ?? [], veto: n.veto ?? false,
        evidence_required: n.evidenceRequired ?? false, category_code: n.categoryCode ?? null, unverified: n.unverified ?? false,
      }).returning('id').executeTakeFirstOrThrow().catch((e: unknown) => {
        if ((e as { code?: string }).code === '23505') throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: `nodes/${i}/code`, problem: 'EDITION_DUPLICATE_CODE', params: { code: n.code } }]);
        throw e;
      });
      ids.set(n.key, r.id);
    }
  }

  /** A new standard with a draft edition; `nodes` (an Excel import) fill its tree in the same transaction. */
  async function create(actor: Actor, body: CreateStandardBody, ctx: AuditContext, locale: Locale, nodes?: readonly StandardNodeData[]): Promise<EditionView> {
    return db.transaction().execute(async (tx) => {
      const dup = await tx.selectFrom('standard').select('id').where('tenant_id', '=', actor.tenantId).where('code', '=', body.code).executeTakeFirst();
      if (dup) throw new AppError(409, 'DUPLICATE', { field: 'code', value: body.code });
      const now = clock.now();
      const s = await tx.insertInto('standard').values({ tenant_id: actor.tenantId, code: body.code, name: body.name.trim(), kind: body.kind, description: body.description?.trim() || null, updated_at: now })
        .returning('id').executeTakeFirstOrThrow();
      const e = await tx.insertInto('standard_edition').values({ tenant_id: actor.tenantId, standard_id: s.id, label: body.label.trim(), max_score: body.maxScore ?? null, note: null, based_on_id: null, published_at: null, published_by: null, updated_at: now })
        .returning('id').executeTakeFirstOrThrow();
      await addEditionEvent(tx, actor.tenantId, e.id, 'create', null, 'draft', actor);
      if (nodes) await writeNodes(tx, actor.tenantId, e.id, nodes);
      await recordAudit(tx, ctx, { action: 'standard.created', entityType: 'standard', entityId: s.id, after: body });
      return edition(actor, e.id, locale, tx);
    });
  }

  async function update(actor: Actor, id: number, body: UpdateEditionBody, ctx: AuditContext, locale: Locale): Promise<EditionView> {
    return db.transaction().execute(async (tx) => {
      const e = await editionRow(tx, actor.tenantId, id);
      if (e.state !== 'draft') throw new AppError(409, 'EDITION_NOT_DRAFT');
      const n = await tx.updateTable('standard_edition').set({
        ...(body.label !== undefined ? { label: body.label.trim() } : {}), ...(body.maxScore !== undefined ? { max_score: body.maxScore } : {}),
        ...(body.note !== undefined ? { note: body.note?.trim() || null } : {}), updated_at: clock.now(), version: e.version + 1,
      }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('version', '=', body.version).executeTakeFirst();
      if (Number(n.numUpdatedRows) === 0) throw new AppError(409, 'CONFLICT');
      if (body.nodes) await writeNodes(tx, actor.tenantId, id, body.nodes);
      await recordAudit(tx, ctx, { action: 'edition.updated', entityType: 'edition', entityId: id, after: { label: body.label, maxScore: body.maxScore, nodes: body.nodes?.length } });
      return edition(actor, id, locale, tx);
    });
  }

  async function copy(actor: Actor, id: number, body: CopyEditionBody, ctx: AuditContext, locale: Locale): Promise<EditionView> {
    return db.transaction().execute(async (tx) => {
      const e = await editionRow(tx, actor.tenantId, id);
      const dup = await tx.selectFrom('standard_edition').select('id').where('tenant_id', '=', actor.tenantId).where('standard_id', '=', e.standard_id).where('label', '=', body.label.trim()).executeTakeFirst();
      if (dup) throw new AppError(409, 'DUPLICATE', { field: 'label', value: body.label });
      const now = clock.now();
      const c = await tx.insertInto('standard_edition').values({ tenant_id: actor.tenantId, standard_id: e.standard_id, label: body.label.trim(), max_score: e.max_score, note: e.note, based_on_id: e.id, published_at: null, published_by: null, updated_at: now })
        .returning('id').executeTakeFirstOrThrow();
      const rows = await nodesOf(tx, actor.tenantId, id);
      await writeNodes(tx, actor.tenantId, c.id, nodeData(rows));
      await addEditionEvent(tx, actor.tenantId, c.id, 'copy', null, 'draft', actor, `${e.label} → ${body.label}`);
      await recordAudit(tx, ctx, { action: 'edition.copied', entityType: 'edition', entityId: c.id, after: { from: id, label: body.label } });
      return edition(actor, c.id, locale, tx);
    });
  }

  async function setState(actor: Actor, id: number, version: number, to: 'published' | 'retired', ctx: AuditContext, locale: Locale): Promise<EditionView> {
    return db.transaction().execute(async (tx) => {
      const e = await editionRow(tx, actor.tenantId, id);
      if (e.version !== version) throw new AppError(409, 'CONFLICT');
      if (to === 'published') {
        if (e.state !== 'draft') throw new AppError(409, 'TRANSITION_NOT_ALLOWED');
        const problems = validateEdition(nodeData(await nodesOf(tx, actor.tenantId, id)), { maxScore: e.max_score, knownCategories: await knownCategories(tx, actor.tenantId) });
        if (problems.length) {
          throw new AppError(422, 'EDITION_INVALID', { count: problems.length }, problems.map((p) => ({ field: p.code ? `nodes/${p.code}` : 'edition', problem: p.problem, params: p.params })));
        }
      } else if (e.state !== 'published') throw new AppError(409, 'TRANSITION_NOT_ALLOWED');
      const now = clock.now();
      await tx.updateTable('standard_edition').set({ state: to, updated_at: now, version: e.version + 1, ...(to === 'published' ? { published_at: now, published_by: actor.userId } : {}) })
        .where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
      await addEditionEvent(tx, actor.tenantId, id, to === 'published' ? 'publish' : 'retire', e.state, to, actor);
      await recordAudit(tx, ctx, { action: `edition.${to}`, entityType: 'edition', entityId: id, before: { state: e.state }, after: { state: to } });
      return edition(actor, id, locale, tx);
    });
  }

  return {
    list, edition, create, update, copy, nodesOf,
    publish: (actor: Actor, id: number, version: number, ctx: AuditContext, locale: Locale) => setState(actor, id, version, 'published', ctx, locale),
    retire: (actor: Actor, id: number, version: number, ctx: AuditContext, locale: Locale) => setState(actor, id, version, 'retired', ctx, locale),
    editionRow,
  };
}
export type StandardsService = ReturnType<typeof createStandardsService>;
