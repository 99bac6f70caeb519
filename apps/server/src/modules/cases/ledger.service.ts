import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { sql, type SqlBool } from 'kysely';
import { loadExcelJS } from '../../platform/exceljs.js';
import {
  localDate, CASE_OPEN_STATES, CASE_SOURCE_LABELS, CASE_STATE_LABELS, CASE_STATES, CASE_TIMED_STATES, DEADLINE_CLASSES,
  type CaseListQuery, type CaseSource, type CaseState, type CaseStats, type HotSpot, type RecheckResultBody, type RecheckView,
} from '@cc/domain';
import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../../platform/actor.js';
import { actionsFor, can } from '../../platform/access.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { FileStore } from '../../platform/files.js';
import { startOfDay, type CasesService } from './cases.service.js';
import { DEFAULT_MAP_SETTINGS } from '../responsibility/settings.service.js';

const TIMED = [...CASE_TIMED_STATES];
const DEADLINE_UNITS: Record<(typeof DEADLINE_CLASSES)[number], string> = {
  emergency_hours: '小时（紧急）', working_hours: '个工作小时', working_days: '个工作日', calendar_days: '个自然日',
};
/** Rows per keyset page of an export (tests lower it to cross pages with a few rows). */
export const exportTuning = { pageSize: 1000 };
/** A running export whose row has not moved for this long has lost its process. */
const EXPORT_STALE_MS = 2 * 60_000;

export interface ExportJobView {
  id: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  processed: number;
  total: number;
  error: string | null;
}

/**
 * The office's view over the cases: re-checks (回头看), per-unit statistics, relapse hot spots
 * and Excel exports of the filtered ledger. All of it within the reader's scope.
 */
export function createLedgerService(deps: { db: DB; clock: Clock; cases: CasesService; files: FileStore; log?: FastifyBaseLogger }) {
  const { db, clock, cases, files } = deps;

  /**
   * Re-checks the actor may see: within the case scope, except that a re-check plan's samples are
   * work for its team — among city-wide staff only the office (inspection.plan) and the team see
   * them (all inspectors when the plan has no team); units still see their own cases' ones.
   */
  function recheckQuery(actor: Actor) {
    const broad = can(actor, 'inspection.plan') || actor.scope !== 'tenant';
    return db.selectFrom('case_recheck as r')
      .innerJoin('case_record as c', (j) => j.onRef('c.tenant_id', '=', 'r.tenant_id').onRef('c.id', '=', 'r.case_id'))
      .innerJoin('case_category as k', (j) => j.onRef('k.tenant_id', '=', 'c.tenant_id').onRef('k.id', '=', 'c.category_id'))
      .leftJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'c.tenant_id').onRef('u.id', '=', 'c.responsible_unit_id'))
      .leftJoin('app_user as cb', (j) => j.onRef('cb.tenant_id', '=', 'r.tenant_id').onRef('cb.id', '=', 'r.checked_by'))
      .leftJoin('inspection_plan as p', (j) => j.onRef('p.tenant_id', '=', 'r.tenant_id').onRef('p.id', '=', 'r.plan_id'))
      .select(['r.id', 'r.case_id', 'r.closed_at', 'r.due_date', 'r.state', 'r.checked_at', 'r.note', 'cb.display_name as checked_by_name',
        'c.number', 'c.address', 'c.lat', 'c.lng', 'c.state as case_state', 'k.name as category_name', 'u.id as unit_id', 'u.name as unit_name',
        'r.plan_id', 'p.name as plan_name'])
      .where('r.tenant_id', '=', actor.tenantId)
      .where((eb) => eb.or([
        sql<SqlBool>`(r.plan_id is not null and ${actor.userId} = any(p.team_user_ids))`,
        eb.and([cases.scopeSql(actor), broad ? sql<SqlBool>`true` : sql<SqlBool>`(r.plan_id is null or cardinality(p.team_user_ids) = 0)`]),
      ]));
  }
  type RecheckRow = Awaited<ReturnType<ReturnType<typeof recheckQuery>['executeTakeFirstOrThrow']>>;

  function recheckView(actor: Actor, r: RecheckRow): RecheckView {
    return {
      id: r.id,
      case: { id: r.case_id, number: r.number, category: r.category_name, address: r.address, unit: r.unit_id ? { id: r.unit_id, name: r.unit_name ?? '' } : null, lat: r.lat, lng: r.lng },
      closedAt: r.closed_at.toISOString(), dueDate: r.due_date, plan: r.plan_id ? { id: r.plan_id, name: r.plan_name ?? '' } : null, state: r.state as RecheckView['state'],
      checkedBy: r.checked_by_name ?? null, checkedAt: r.checked_at?.toISOString() ?? null, note: r.note,
      actions: actionsFor({ record: r.state === 'pending' && can(actor, 'case.verify') }),
    };
  }

  function scoped(actor: Actor, from?: string, to?: string) {
    let q = db.selectFrom('case_record as c')
      .leftJoin('unit as u', (j) => j.onRef('u.tenant_id', '=', 'c.tenant_id').onRef('u.id', '=', 'c.responsible_unit_id'))
      .where('c.tenant_id', '=', actor.tenantId).where(cases.scopeSql(actor)).where('c.state', 'not in', ['merged', 'cancelled', 'rejected']);
    if (from) q = q.where('c.created_at', '>=', startOfDay(from));
    if (to) q = q.where('c.created_at', '<', startOfDay(to, 1));
    return q;
  }

  return {
    async listRechecks(actor: Actor, q: { page?: number; pageSize?: number; state?: RecheckView['state']; planId?: number; overdue?: boolean }) {
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 20;
      let base = recheckQuery(actor);
      if (q.state) base = base.where('r.state', '=', q.state);
      if (q.planId !== undefined) base = base.where('r.plan_id', '=', q.planId);
      if (q.overdue) base = base.where('r.state', '=', 'pending').where('r.due_date', '<', localDate(clock.now()));
      const [rows, total] = await Promise.all([
        base.orderBy('r.due_date').orderBy('r.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map((r) => recheckView(actor, r)), total: Number(total.n), page, pageSize, actions: [] as string[] };
    },

    /** Record a re-check: passed, or the problem is back — then the case reopens as a relapse (反弹). */
    async recordRecheck(actor: Actor, id: number, b: RecheckResultBody, ctx: AuditContext): Promise<RecheckView> {
      const view = await db.transaction().execute(async (tx) => {
        const r = await recheckQuery(actor).where('r.id', '=', id).executeTakeFirst();
        if (!r) throw notFound('recheck');
        const now = clock.now();
        const claimed = await tx.updateTable('case_recheck').set({ state: b.result, checked_by: actor.userId, checked_at: now, note: b.note?.trim() || null })
          .where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('state', '=', 'pending').returning('id').executeTakeFirst();
        if (!claimed) throw new AppError(409, 'RECHECK_DONE');
        if (b.result === 'relapsed') {
          if (!b.note?.trim()) throw new AppError(422, 'CASE_NOTE_REQUIRED', { what: { 'zh-CN': '反弹情况', en: 'what came back' } }, [{ field: 'note', problem: 'CASE_NOTE_REQUIRED', params: { what: { 'zh-CN': '反弹情况', en: 'what came back' } } }]);
          const c = await tx.selectFrom('case_record').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', r.case_id).forUpdate().executeTakeFirstOrThrow();
          await cases.apply(tx, c, 'relapse', { userId: actor.userId, label: actor.displayName, role: 'inspector' }, {
            note: b.note.trim(), deadlineAt: b.deadlineAt, photos: b.photos,
          });
        } else if (b.photos?.length) {
          await cases.attachPhotos(tx, actor.tenantId, r.case_id, null, 'recheck', b.photos, actor.userId);
        }
        await recordAudit(tx, ctx, { action: `recheck.${b.result}`, entityType: 'recheck', entityId: id, after: { caseId: r.case_id, note: b.note ?? null } });
        const after = await recheckQuery(actor).where('r.id', '=', id).executeTakeFirstOrThrow();
        return recheckView(actor, { ...after, state: b.result, checked_by_name: actor.displayName, checked_at: now, note: b.note?.trim() || null });
      });
      // A relapse reassigns the case with a new 交办单: numbered before the answer.
      if (b.result === 'relapsed') await cases.settleDocuments();
      return view;
    },

    /** Per-unit counts and rates over the cases created in the period (GB/T 30428.4 style). */
    async stats(actor: Actor, q: { from?: string; to?: string }): Promise<CaseStats> {
      const now = clock.now();
      const timedOverdue = sql<SqlBool>`(c.state in (${sql.join(TIMED)}) and c.deadline_at < ${now})`;
      const [units, byState, byCategory] = await Promise.all([
        scoped(actor, q.from, q.to).where('c.responsible_unit_id', 'is not', null)
          .select((eb) => [
            'u.id as id', 'u.name as name',
            eb.fn.countAll<number>().filterWhere('c.assigned_at', 'is not', null).as('assigned'),
            eb.fn.countAll<number>().filterWhere('c.state', 'in', CASE_OPEN_STATES).as('open'),
            eb.fn.countAll<number>().filterWhere('c.state', '=', 'closed').as('closed'),
            eb.fn.countAll<number>().filterWhere((w) => w.and([w('c.state', '=', 'closed'), w('c.closed_on_time', '=', true)])).as('closed_on_time'),
            eb.fn.countAll<number>().filterWhere('c.returned_count', '>', 0).as('returned'),
            eb.fn.countAll<number>().filterWhere(timedOverdue).as('overdue'),
            eb.fn.countAll<number>().filterWhere('c.escalation_count', '>', 0).as('escalated'),
            eb.fn.countAll<number>().filterWhere('c.relapse_count', '>', 0).as('relapsed'),
          ])
          .groupBy(['u.id', 'u.name']).orderBy('u.name').execute(),
        scoped(actor, q.from, q.to).select((eb) => ['c.state', eb.fn.countAll<number>().as('n')]).groupBy('c.state').execute(),
        scoped(actor, q.from, q.to).innerJoin('case_category as k', (j) => j.onRef('k.tenant_id', '=', 'c.tenant_id').onRef('k.id', '=', 'c.category_id'))
          .select((eb) => ['k.code', 'k.name', eb.fn.countAll<number>().as('n')]).groupBy(['k.code', 'k.name']).orderBy('n', 'desc').execute(),
      ]);
      const rate = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 10 : null);
      const count = (s: string[]) => byState.filter((x) => s.includes(x.state)).reduce((n, x) => n + Number(x.n), 0);
      const overdueTotal = units.reduce((n, u) => n + Number(u.overdue), 0);
      return {
        from: q.from ?? null, to: q.to ?? null,
        totals: { all: count([...CASE_STATES]), open: count([...CASE_OPEN_STATES]), closed: count(['closed']), overdue: overdueTotal },
        byState: byState.map((x) => ({ state: x.state as CaseState, count: Number(x.n) })),
        byCategory: byCategory.map((x) => ({ code: x.code, name: x.name, count: Number(x.n) })),
        units: units.map((u) => {
          const n = (k: keyof typeof u) => Number(u[k]);
          return {
            unit: { id: u.id!, name: u.name ?? '' }, assigned: n('assigned'), open: n('open'), closed: n('closed'), closedOnTime: n('closed_on_time'),
            returned: n('returned'), overdue: n('overdue'), escalated: n('escalated'), relapsed: n('relapsed'),
            closingRate: rate(n('closed'), n('assigned')), onTimeRate: rate(n('closed_on_time'), n('closed')), reworkRate: rate(n('returned'), n('assigned')),
          };
        }),
      };
    },

    /**
     * Places where closed problems of one category come back: cases grouped by category and a
     * grid cell of `cellM` metres; a group counts the reopenings (反弹) and the cases reported there
     * after an earlier one of the same kind was closed.
     */
    async hotSpots(actor: Actor, q: { from?: string; to?: string; cellM?: number; minRelapses?: number }): Promise<{ items: HotSpot[] }> {
      const cell = q.cellM ?? 100;
      const dLat = cell / 111_320;
      // Cells are square at the city's latitude (its map centre): one row, not a scan of the cases.
      const t = await db.selectFrom('tenant').select(sql<string | null>`settings #>> '{map,mapCenter,lat}'`.as('lat')).where('id', '=', actor.tenantId).executeTakeFirstOrThrow();
      const lat = Number(t.lat ?? DEFAULT_MAP_SETTINGS.mapCenter.lat);
      const dLng = cell / (111_320 * Math.cos((lat * Math.PI) / 180));
      const inner = scoped(actor, q.from, q.to)
        .select((eb) => [
          'c.id', 'c.category_id', 'c.lat', 'c.lng', 'c.relapse_count',
          sql<number>`floor(c.lat / ${dLat})`.as('cy'), sql<number>`floor(c.lng / ${dLng})`.as('cx'),
          sql<boolean>`c.created_at > min(c.closed_at) over (partition by c.category_id, floor(c.lat / ${dLat}), floor(c.lng / ${dLng}))`.as('repeat'),
          eb.val(1).as('one'),
        ]);
      // Grouped by the window's own partition (category id, cell), so one sort serves both; the
      // category's code and name are joined to the 500 groups kept, not to every case.
      const groups = db.selectFrom(inner.as('x'))
        .select((eb) => [
          'x.category_id', eb.fn.avg<number>('x.lat').as('lat'), eb.fn.avg<number>('x.lng').as('lng'), eb.fn.countAll<number>().as('cases'),
          sql<number>`sum(x.relapse_count) + count(*) filter (where x.repeat)`.as('relapses'),
          sql<number[]>`array_agg(x.id order by x.id)`.as('ids'), eb.fn.min<number>('x.id').as('first_id'),
        ])
        .groupBy(['x.category_id', 'x.cy', 'x.cx'])
        .having(sql`sum(x.relapse_count) + count(*) filter (where x.repeat)`, '>=', q.minRelapses ?? 1)
        .orderBy('relapses', 'desc').orderBy('cases', 'desc').orderBy('first_id').limit(500);
      const rows = await db.selectFrom(groups.as('g'))
        .innerJoin('case_category as k', (j) => j.on('k.tenant_id', '=', actor.tenantId).onRef('k.id', '=', 'g.category_id'))
        .select(['k.code', 'k.name', 'g.lat', 'g.lng', 'g.cases', 'g.relapses', 'g.ids'])
        .orderBy('g.relapses', 'desc').orderBy('g.cases', 'desc').orderBy('g.first_id').execute();
      return {
        items: rows.map((r) => ({
          lat: Number(r.lat), lng: Number(r.lng), category: { code: r.code, name: r.name }, relapses: Number(r.relapses), cases: Number(r.cases),
          caseIds: r.ids.slice(0, 50).map(Number),
        })),
      };
    },

    // ---------- exports ----------

    async startExport(actor: Actor, query: CaseListQuery, ctx: AuditContext): Promise<ExportJobView> {
      cases.listFilter(actor, query, clock.now()); // validate the filters now, not in the background
      const job = await db.transaction().execute(async (tx) => {
        const j = await tx.insertInto('export_job').values({ tenant_id: actor.tenantId, kind: 'cases', query: JSON.stringify(query), created_by: actor.userId })
          .returningAll().executeTakeFirstOrThrow();
        await recordAudit(tx, ctx, { action: 'cases.exported', entityType: 'export_job', entityId: j.id, after: query });
        return j;
      });
      void runExport(actor, job.id, query).catch((err) => deps.log?.error({ err }, 'case export failed'));
      return { id: job.id, state: 'queued', processed: 0, total: 0, error: null };
    },

    async exportJob(actor: Actor, id: number): Promise<ExportJobView & { fileId: number | null }> {
      const j = await db.selectFrom('export_job').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', id).where('created_by', '=', actor.userId).executeTakeFirst();
      if (!j) throw notFound('document');
      const stale = (j.state === 'running' || j.state === 'queued') && clock.now().getTime() - new Date(j.updated_at).getTime() > EXPORT_STALE_MS;
      return {
        id: j.id, state: stale ? 'failed' : (j.state as ExportJobView['state']), processed: j.processed, total: j.total,
        error: stale ? 'lost: the app restarted during the export' : j.error, fileId: j.file_id,
      };
    },

    async exportFile(actor: Actor, id: number) {
      const j = await this.exportJob(actor, id);
      if (j.state !== 'done' || !j.fileId) throw notFound('file');
      const f = await db.selectFrom('stored_file').select(['sha256', 'original_name', 'mime']).where('tenant_id', '=', actor.tenantId).where('id', '=', j.fileId).executeTakeFirstOrThrow();
      return f;
    },
  };

  async function runExport(actor: Actor, jobId: number, listQuery: CaseListQuery) {
    const set = (v: { state?: string; processed?: number; total?: number; file_id?: number; error?: string; finished_at?: Date }) =>
      db.updateTable('export_job').set({ ...v, updated_at: new Date() }).where('tenant_id', '=', actor.tenantId).where('id', '=', jobId).execute();
    let out: PassThrough | undefined;
    try {
      const now = clock.now();
      const query = await cases.resolveFilter(actor, listQuery);
      const total = await cases.filteredCases(actor, query, now).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      await set({ state: 'running', total: Number(total.n) });
      // The workbook streams into the file store (hashed into a temporary file); nothing holds the whole file.
      out = new PassThrough();
      const stored = files.putStream(actor.tenantId, out);
      stored.catch(() => undefined); // awaited below; a failure there must not go unhandled meanwhile
      const ExcelJS = await loadExcelJS();
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
      const ws = wb.addWorksheet('问题台账');
      ws.columns = [
        { header: '问题编号', width: 16 }, { header: '来源', width: 12 }, { header: '大类', width: 12 }, { header: '小类', width: 16 },
        { header: '问题描述', width: 40 }, { header: '地址', width: 24 }, { header: '街道', width: 12 }, { header: '社区', width: 12 }, { header: '网格', width: 12 },
        { header: '责任单位', width: 20 }, { header: '状态', width: 14 }, { header: '上报时间', width: 18 }, { header: '交办时间', width: 18 },
        { header: '整改期限', width: 18 }, { header: '时限', width: 14 }, { header: '是否超期', width: 10 }, { header: '督办次数', width: 10 },
        { header: '返工次数', width: 10 }, { header: '反弹次数', width: 10 }, { header: '销号时间', width: 18 }, { header: '按期办结', width: 10 },
        { header: '经度', width: 12 }, { header: '纬度', width: 12 },
      ];
      ws.getRow(1).font = { bold: true };
      ws.getRow(1).commit();
      const fmt = (d: Date | null) => (d ? new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '');
      let processed = 0;
      let lastId = Number.MAX_SAFE_INTEGER;
      for (;;) {
        // Keyset pages, newest first: the page's ids from case_record alone, then their names.
        const ids = cases.filteredCases(actor, query, now).select('c.id').where('c.id', '<', lastId).orderBy('c.id', 'desc').limit(exportTuning.pageSize);
        const rows = await cases.baseQuery(db, actor.tenantId).innerJoin(ids.as('p'), 'p.id', 'c.id').orderBy('c.id', 'desc').execute();
        if (!rows.length) break;
        for (const r of rows) {
          ws.addRow([
            r.number, CASE_SOURCE_LABELS[r.source as CaseSource]['zh-CN'], r.major_name, r.category_name, r.description, r.address ?? '',
            r.street_name ?? '', r.community_name ?? '', r.grid_name ?? '', r.unit_name ?? '', CASE_STATE_LABELS[r.state as CaseState]['zh-CN'],
            fmt(new Date(r.created_at)), fmt(r.assigned_at), fmt(r.deadline_at),
            `${Number(r.deadline_amount)} ${DEADLINE_UNITS[r.deadline_class as keyof typeof DEADLINE_UNITS]}`,
            cases.isOverdue(r, now) ? '是' : '否', r.escalation_count, r.returned_count, r.relapse_count, fmt(r.closed_at),
            r.closed_on_time === null ? '' : r.closed_on_time ? '是' : '否', r.lng, r.lat,
          ]).commit();
        }
        processed += rows.length;
        lastId = rows[rows.length - 1]!.id;
        await set({ processed });
        // Let the file catch up before the next page (ExcelJS buffers rows while its output is full).
        if (out.writableNeedDrain) await once(out, 'drain');
      }
      await ws.commit();
      await wb.commit();
      const { sha256: sha, size } = await stored;
      const name = `问题台账-${new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10)}.xlsx`;
      const file = await db.insertInto('stored_file').values({
        tenant_id: actor.tenantId, sha256: sha, original_name: name, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', size_bytes: size, created_by: actor.userId,
      }).returning('id').executeTakeFirstOrThrow();
      await set({ state: 'done', processed, file_id: file.id, finished_at: new Date() });
    } catch (err) {
      out?.destroy(err instanceof Error ? err : new Error('export failed')); // ends the file store's write; its temporary file goes
      await set({ state: 'failed', error: err instanceof Error ? err.message.slice(0, 500) : 'failed', finished_at: new Date() });
      throw err;
    }
  }
}

export type LedgerService = ReturnType<typeof createLedgerService>;
