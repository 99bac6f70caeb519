import {
  DEFAULT_CASE_SETTINGS, SHIPPED_CALENDARS, makeCalendar,
  type CaseSettings, type CategoryView, type CreateCategoryBody, type HolidayCalendarYear, type HolidayYearBody, type HolidayYearView,
  type UpdateCategoryBody, type WorkCalendar, type DeadlineClass, type RoutingStep,
} from '@cc/domain';
import type { Actor } from '../../platform/actor.js';
import { recordAudit, type AuditContext } from '../../platform/audit.js';
import type { DB, Executor } from '../../platform/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { CaseCategoryTable } from '../../db/schema.js';
import { sql, type RawBuilder, type Selectable } from 'kysely';

export type CategoryRow = Selectable<CaseCategoryTable>;
type CategoryWithRule = CategoryRow & { steps: string[] | null };

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function categoryView(r: CategoryWithRule): CategoryView {
  return {
    id: r.id, code: r.code, kind: r.kind as CategoryView['kind'], majorCode: r.major_code, majorName: r.major_name, name: r.name, nameEn: r.name_en,
    registration: r.registration, closing: r.closing, deadline: { amount: Number(r.deadline_amount), cls: r.deadline_class as DeadlineClass },
    routing: (r.steps as RoutingStep[] | null) ?? null, severity: r.severity, active: r.active, version: r.version,
  };
}

interface CategoryJson { id: number; code: string; active: boolean; deadline_amount: number | string; deadline_class: string }
interface YearJson { year: number; holidays: unknown; workdays: unknown }
export interface IntakeContextJson { category: CategoryJson | null; settings: unknown; years: YearJson[]; region_path: string | null }

/** The city's own calendar years over the shipped ones. */
function mergeYears(rows: readonly YearJson[]): HolidayCalendarYear[] {
  const own = new Map(rows.map((r) => [r.year, {
    year: r.year,
    holidays: (r.holidays as { date: string; name: string }[]).map((h) => [h.date, h.name] as const),
    workdays: (r.workdays as { date: string; name: string }[]).map((h) => [h.date, h.name] as const),
  }]));
  return [...SHIPPED_CALENDARS.filter((y) => !own.has(y.year)), ...own.values()];
}

const calendarOf = (years: HolidayCalendarYear[], s: CaseSettings): WorkCalendar =>
  makeCalendar(years, s.officeHours.map((h) => [toMinutes(h.start), toMinutes(h.end)] as const));

/**
 * What a city's case work is configured with: its categories (大类/小类), its holiday calendars and
 * office hours, and its case settings (tenant.settings.cases).
 */
export function createCaseCatalog({ db }: { db: DB }) {
  async function settings(ex: Executor, tenantId: number): Promise<CaseSettings> {
    const t = await ex.selectFrom('tenant').select('settings').where('id', '=', tenantId).executeTakeFirstOrThrow();
    return { ...DEFAULT_CASE_SETTINGS, ...((t.settings as { cases?: Partial<CaseSettings> }).cases ?? {}) };
  }

  async function yearRows(ex: Executor, tenantId: number): Promise<HolidayCalendarYear[]> {
    const rows = await ex.selectFrom('holiday_calendar').select(['year', 'holidays', 'workdays']).where('tenant_id', '=', tenantId).execute();
    return mergeYears(rows as YearJson[]);
  }

  async function calendar(ex: Executor, tenantId: number): Promise<WorkCalendar> {
    const [years, s] = await Promise.all([yearRows(ex, tenantId), settings(ex, tenantId)]);
    return calendarOf(years, s);
  }

  /**
   * What an intake needs besides the routing answer — the category, the case settings, the working
   * calendar and the path of the region the case lies in (null outside the city) — as one JSON
   * value: the routing query carries it as an extra column, so the intake reads both in one round
   * trip. `intakeContextOf` reads it back and checks the category like categoryByCode (activeOnly).
   */
  function intakeContextSql(cols: { tenantId: RawBuilder<number>; category: RawBuilder<string>; regionId: RawBuilder<number | null> }): RawBuilder<IntakeContextJson> {
    const { tenantId, category, regionId } = cols;
    return sql<IntakeContextJson>`json_build_object(
      'category', (select json_build_object('id', id, 'code', code, 'active', active, 'deadline_amount', deadline_amount, 'deadline_class', deadline_class)
                     from case_category where tenant_id = ${tenantId} and code = ${category}),
      'settings', (select settings from tenant where id = ${tenantId}),
      'years', (select coalesce(json_agg(json_build_object('year', year, 'holidays', holidays, 'workdays', workdays)), '[]'::json)
                  from holiday_calendar where tenant_id = ${tenantId}),
      'region_path', (select path from region where tenant_id = ${tenantId} and id = ${regionId}))`;
  }

  function intakeContextOf(row: IntakeContextJson, code: string) {
    const c = row.category;
    if (!c || !c.active) throw new AppError(422, 'CASE_UNKNOWN_CATEGORY', { code }, [{ field: 'categoryCode', problem: 'CASE_UNKNOWN_CATEGORY', params: { code } }]);
    const s = { ...DEFAULT_CASE_SETTINGS, ...((row.settings as { cases?: Partial<CaseSettings> } | null)?.cases ?? {}) };
    return {
      category: { id: Number(c.id), code: c.code, deadlineAmount: Number(c.deadline_amount), deadlineClass: c.deadline_class as DeadlineClass },
      settings: s,
      calendar: calendarOf(mergeYears(row.years), s),
      regionPath: row.region_path,
    };
  }

  return {
    settings: (tenantId: number, ex: Executor = db) => settings(ex, tenantId),
    calendar: (tenantId: number, ex: Executor = db) => calendar(ex, tenantId),
    intakeContextSql,
    intakeContextOf,

    async updateSettings(actor: Actor, next: CaseSettings, ctx: AuditContext): Promise<CaseSettings> {
      const hours = next.officeHours.map((h) => [toMinutes(h.start), toMinutes(h.end)] as const);
      hours.forEach(([a, b], i) => {
        if (b <= a || (i > 0 && a < hours[i - 1]![1])) {
          throw new AppError(422, 'VALIDATION_FAILED', {}, [{ field: `officeHours/${i}`, problem: 'OFFICE_HOURS_ORDER', params: {} }]);
        }
      });
      return db.transaction().execute(async (tx) => {
        const t = await tx.selectFrom('tenant').select('settings').where('id', '=', actor.tenantId).forUpdate().executeTakeFirstOrThrow();
        const before = (t.settings as { cases?: CaseSettings }).cases ?? DEFAULT_CASE_SETTINGS;
        await tx.updateTable('tenant').set({ settings: JSON.stringify({ ...(t.settings as object), cases: next }) }).where('id', '=', actor.tenantId).execute();
        await recordAudit(tx, ctx, { action: 'case_settings.updated', entityType: 'tenant', entityId: actor.tenantId, before, after: next });
        return next;
      });
    },

    async listCategories(tenantId: number, opts: { activeOnly?: boolean } = {}): Promise<CategoryView[]> {
      let q = withRule(db, tenantId);
      if (opts.activeOnly) q = q.where('c.active', '=', true);
      return (await q.orderBy('c.sort').orderBy('c.code').execute()).map(categoryView);
    },

    async categoryByCode(ex: Executor, tenantId: number, code: string, opts: { activeOnly: boolean }): Promise<CategoryRow> {
      const row = await ex.selectFrom('case_category').selectAll().where('tenant_id', '=', tenantId).where('code', '=', code).executeTakeFirst();
      if (!row || (opts.activeOnly && !row.active)) throw new AppError(422, 'CASE_UNKNOWN_CATEGORY', { code }, [{ field: 'categoryCode', problem: 'CASE_UNKNOWN_CATEGORY', params: { code } }]);
      return row;
    },

    async createCategory(actor: Actor, b: CreateCategoryBody, ctx: AuditContext): Promise<CategoryView> {
      return db.transaction().execute(async (tx) => {
        const exists = await tx.selectFrom('case_category').select('id').where('tenant_id', '=', actor.tenantId).where('code', '=', b.code).executeTakeFirst();
        if (exists) throw new AppError(409, 'DUPLICATE', { field: 'code', value: b.code });
        const max = await tx.selectFrom('case_category').select((eb) => eb.fn.max('sort').as('m')).where('tenant_id', '=', actor.tenantId).executeTakeFirst();
        const row = await tx.insertInto('case_category').values({
          tenant_id: actor.tenantId, code: b.code, kind: b.kind, major_code: b.majorCode, major_name: b.majorName, name: b.name, name_en: b.nameEn,
          registration: b.registration, closing: b.closing, deadline_amount: b.deadline.amount, deadline_class: b.deadline.cls,
          severity: b.severity, active: b.active, sort: Number(max?.m ?? 0) + 1,
        }).returningAll().executeTakeFirstOrThrow();
        await setRule(tx, actor.tenantId, b.code, b.routing);
        const view = categoryView({ ...row, steps: b.routing });
        await recordAudit(tx, ctx, { action: 'category.created', entityType: 'category', entityId: row.id, after: view });
        return view;
      });
    },

    async updateCategory(actor: Actor, id: number, b: UpdateCategoryBody, ctx: AuditContext): Promise<CategoryView> {
      return db.transaction().execute(async (tx) => {
        const before = await withRule(tx, actor.tenantId).where('c.id', '=', id).forUpdate('c').executeTakeFirst();
        if (!before) throw notFound('category');
        if (before.version !== b.version) throw new AppError(409, 'CONFLICT');
        const row = await tx.updateTable('case_category').set({
          ...(b.kind !== undefined && { kind: b.kind }),
          ...(b.majorCode !== undefined && { major_code: b.majorCode }),
          ...(b.majorName !== undefined && { major_name: b.majorName }),
          ...(b.name !== undefined && { name: b.name }),
          ...(b.nameEn !== undefined && { name_en: b.nameEn }),
          ...(b.registration !== undefined && { registration: b.registration }),
          ...(b.closing !== undefined && { closing: b.closing }),
          ...(b.deadline !== undefined && { deadline_amount: b.deadline.amount, deadline_class: b.deadline.cls }),
          ...(b.severity !== undefined && { severity: b.severity }),
          ...(b.active !== undefined && { active: b.active }),
          version: before.version + 1,
        }).where('tenant_id', '=', actor.tenantId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        if (b.routing !== undefined) await setRule(tx, actor.tenantId, row.code, b.routing);
        const after = categoryView({ ...row, steps: b.routing !== undefined ? b.routing : before.steps });
        await recordAudit(tx, ctx, { action: 'category.updated', entityType: 'category', entityId: id, before: categoryView(before), after });
        return after;
      });
    },

    async holidayYears(tenantId: number): Promise<HolidayYearView[]> {
      const rows = await db.selectFrom('holiday_calendar').select('year').where('tenant_id', '=', tenantId).execute();
      const own = new Set(rows.map((r) => r.year));
      const years = await yearRows(db, tenantId);
      return years.sort((a, b) => a.year - b.year).map((y) => ({
        year: y.year, source: own.has(y.year) ? 'city' as const : 'shipped' as const,
        holidays: y.holidays.map(([date, name]) => ({ date, name })), workdays: y.workdays.map(([date, name]) => ({ date, name })),
      }));
    },

    async putHolidayYear(actor: Actor, year: number, b: HolidayYearBody, ctx: AuditContext): Promise<HolidayYearView> {
      const problems: { field: string; problem: 'CALENDAR_DATE_OUTSIDE_YEAR' | 'CALENDAR_DATE_TWICE'; params: Record<string, string | number> }[] = [];
      const seen = new Set<string>();
      (['holidays', 'workdays'] as const).forEach((k) => b[k].forEach((d, i) => {
        if (!d.date.startsWith(`${year}-`)) problems.push({ field: `${k}/${i}/date`, problem: 'CALENDAR_DATE_OUTSIDE_YEAR', params: { date: d.date, year } });
        if (k === 'workdays' && seen.has(d.date)) problems.push({ field: `${k}/${i}/date`, problem: 'CALENDAR_DATE_TWICE', params: { date: d.date } });
        if (k === 'holidays') seen.add(d.date);
      }));
      if (problems.length) throw new AppError(422, 'VALIDATION_FAILED', {}, problems);
      const sortByDate = (xs: { date: string; name: string }[]) => [...new Map(xs.map((x) => [x.date, x])).values()].sort((x, y) => x.date.localeCompare(y.date));
      const holidays = sortByDate(b.holidays);
      const workdays = sortByDate(b.workdays);
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('holiday_calendar').values({
          tenant_id: actor.tenantId, year, holidays: JSON.stringify(holidays), workdays: JSON.stringify(workdays), updated_by: actor.userId,
        }).onConflict((oc) => oc.columns(['tenant_id', 'year']).doUpdateSet({
          holidays: JSON.stringify(holidays), workdays: JSON.stringify(workdays), updated_by: actor.userId, updated_at: new Date(),
        })).execute();
        await recordAudit(tx, ctx, { action: 'holiday_calendar.saved', entityType: 'holiday_calendar', entityId: year, after: { holidays, workdays } });
      });
      return { year, source: 'city', holidays, workdays };
    },
  };
}

function withRule(ex: Executor, tenantId: number) {
  return ex.selectFrom('case_category as c')
    .leftJoin('routing_rule as r', (j) => j.onRef('r.tenant_id', '=', 'c.tenant_id').onRef('r.category_code', '=', 'c.code'))
    .selectAll('c').select('r.steps').where('c.tenant_id', '=', tenantId);
}

/** A category's routing is the responsibility map's routing rule for its code (null = the city default). */
async function setRule(tx: Executor, tenantId: number, code: string, steps: readonly string[] | null): Promise<void> {
  if (steps === null) {
    await tx.deleteFrom('routing_rule').where('tenant_id', '=', tenantId).where('category_code', '=', code).execute();
    return;
  }
  await tx.insertInto('routing_rule').values({ tenant_id: tenantId, category_code: code, steps: [...steps] })
    .onConflict((oc) => oc.constraint('routing_rule_category_uq').doUpdateSet({ steps: [...steps] })).execute();
}

export type CaseCatalog = ReturnType<typeof createCaseCatalog>;
