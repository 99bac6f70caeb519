import { cityTime } from './time';
import type { TFunction } from 'i18next';
import {
  CASE_EVENTS,
  CASE_SOURCE_LABELS,
  CASE_STATE_LABELS,
  CASE_TIMED_STATES,
  ROUTING_STEPS,
  type CaseSource,
  type CaseState,
  type DeadlineClass,
  type Locale,
  type RoutingStep,
} from '@cc/domain';
import { ApiError } from '../api/client';

export const stateLabel = (s: CaseState | string, lang: Locale): string => CASE_STATE_LABELS[s as CaseState]?.[lang] ?? s;
export const sourceLabel = (s: CaseSource | string, lang: Locale): string => CASE_SOURCE_LABELS[s as CaseSource]?.[lang] ?? s;

/** Tag colours by state: waiting (gold), with the unit (blues), to verify (purple), back (volcano), done (green/grey). */
export const STATE_COLOR: Record<CaseState, string> = {
  reported: 'gold',
  registered: 'cyan',
  assigned: 'blue',
  rectifying: 'geekblue',
  submitted: 'purple',
  returned: 'volcano',
  return_requested: 'orange',
  deferral_requested: 'orange',
  deferred: 'magenta',
  closed: 'green',
  rejected: 'default',
  merged: 'default',
  cancelled: 'default',
};

/** Events of the timeline: the workflow's, plus the report itself and hiding a public report. */
export const TIMELINE_EVENTS = ['report', ...CASE_EVENTS, 'hide', 'unhide'] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];
export const isTimelineEvent = (e: string): e is TimelineEvent => (TIMELINE_EVENTS as readonly string[]).includes(e);

export function eventLabel(event: string, t: TFunction): string {
  return isTimelineEvent(event) ? t(`cases.events.${event}`) : event;
}

const ACTOR_ROLES = ['office', 'unit', 'inspector', 'system', 'reporter'] as const;
export function actorRoleLabel(role: string, t: TFunction): string {
  return (ACTOR_ROLES as readonly string[]).includes(role) ? t(`cases.actorRoles.${role as (typeof ACTOR_ROLES)[number]}`) : role;
}

/** "4 个工作小时" — a deadline's length in its class. */
export function deadlineAmount(amount: number, cls: DeadlineClass, t: TFunction): string {
  return t(`cases.cls.${cls}`, { count: amount });
}

/** A short date and time on the city's clock: "3月12日 15:00" (with the year when it is not this year). */
export function shortDateTime(iso: string | null | undefined, t: TFunction): string {
  if (!iso) return '';
  const d = cityTime(iso);
  if (!d.isValid()) return iso;
  return d.format(d.year() === cityTime().year() ? t('cases.dateFormat') : t('cases.dateFormatYear'));
}

export interface DeadlineInfo {
  text: string;
  tone: 'danger' | 'warning' | 'secondary' | undefined;
}

/**
 * The deadline as people read it in the ledger: "剩 3 小时", "超期 2 天"; only while the clock runs
 * (assigned … return requested). Otherwise the date itself, or 挂账 while deferred.
 */
export function deadlineInfo(
  c: { state: CaseState; deadline: { at: string | null; paused: boolean } },
  t: TFunction,
  now = Date.now(),
): DeadlineInfo {
  if (c.deadline.paused) return { text: t('cases.deadline.paused'), tone: 'secondary' };
  if (!c.deadline.at) return { text: t('common.none'), tone: 'secondary' };
  if (!(CASE_TIMED_STATES as readonly string[]).includes(c.state)) {
    return { text: shortDateTime(c.deadline.at, t), tone: 'secondary' };
  }
  const ms = Date.parse(c.deadline.at) - now;
  const abs = Math.abs(ms);
  const minutes = Math.max(1, Math.floor(abs / 60_000));
  const hours = Math.floor(abs / 3_600_000);
  const days = Math.floor(abs / 86_400_000);
  const [unit, count] = days >= 1 ? (['days', days] as const) : hours >= 1 ? (['hours', hours] as const) : (['minutes', minutes] as const);
  if (ms < 0) return { text: t(`cases.deadline.over_${unit}`, { count }), tone: 'danger' };
  return { text: t(`cases.deadline.left_${unit}`, { count }), tone: ms < 4 * 3_600_000 ? 'warning' : undefined };
}

/**
 * Field problems as the form knows them: the case service names nested fields with slashes
 * (`photos/0/fileId`), the validator with dots; the form has one field per top-level name.
 */
export function normaliseFieldErrors(err: unknown): unknown {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return err;
  const details = (err.details as unknown[]).map((d) =>
    typeof d === 'object' && d !== null && typeof (d as { field?: unknown }).field === 'string'
      ? { ...d, field: (d as { field: string }).field.split(/[./]/)[0] }
      : d,
  );
  return new ApiError(err.status, err.code, err.message, details);
}

/** What the unit was found by: 所在社区, 门前责任 … or 创建办指定. */
export function routingLabel(routedBy: string | null, t: TFunction): string | null {
  if (!routedBy) return null;
  if (routedBy === 'office') return t('cases.routedByOffice');
  return (ROUTING_STEPS as readonly string[]).includes(routedBy) ? t(`map.steps.${routedBy as RoutingStep}`) : routedBy;
}

/**
 * "Someone else acted first" in the server's words; the server names the case's state by its code
 * (…当前状态：rectifying…), which we put in the user's language.
 */
export function conflictMessage(err: unknown, t: TFunction, lang: Locale): string {
  if (!(err instanceof ApiError) || !err.message) return t('errors.conflict');
  const state = (err.details as { state?: unknown } | null)?.state;
  return typeof state === 'string' && state in CASE_STATE_LABELS ? err.message.split(state).join(stateLabel(state, lang)) : err.message;
}
