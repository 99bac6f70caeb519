import type { Transition } from '../workflow.js';

/**
 * The life of a case (问题/案件), after GB/T 30428.5 and the seeds: reported → registered (立案) or
 * rejected (不予立案) → assigned (交办) → rectifying → submitted (整改完成待核查) → closed (销号), or
 * returned (返工) → rectifying … Around it: the unit asks to send a case back (申请退回/改派) and the
 * office decides; deferral of a hard case (挂账) with approval; escalation (督办) of an overdue case,
 * which is recorded on the case without changing its state; reopening a closed case as a relapse
 * (反弹) after a re-check (回头看); merging a duplicate; cancelling.
 */
export const CASE_STATES = [
  'reported',
  'registered',
  'rejected',
  'assigned',
  'rectifying',
  'submitted',
  'returned',
  'return_requested',
  'deferral_requested',
  'deferred',
  'closed',
  'merged',
  'cancelled',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATE_CATEGORY: Record<CaseState, 'open' | 'closed'> = {
  reported: 'open',
  registered: 'open',
  assigned: 'open',
  rectifying: 'open',
  submitted: 'open',
  returned: 'open',
  return_requested: 'open',
  deferral_requested: 'open',
  deferred: 'open',
  rejected: 'closed',
  closed: 'closed',
  merged: 'closed',
  cancelled: 'closed',
};

export const CASE_STATE_LABELS: Record<CaseState, { 'zh-CN': string; en: string }> = {
  reported: { 'zh-CN': '已上报', en: 'Reported' },
  registered: { 'zh-CN': '已立案', en: 'Registered' },
  rejected: { 'zh-CN': '不予立案', en: 'Rejected' },
  assigned: { 'zh-CN': '已交办', en: 'Assigned' },
  rectifying: { 'zh-CN': '整改中', en: 'Rectifying' },
  submitted: { 'zh-CN': '整改完成待核查', en: 'Awaiting verification' },
  returned: { 'zh-CN': '返工', en: 'Returned for rework' },
  return_requested: { 'zh-CN': '申请退回', en: 'Return requested' },
  deferral_requested: { 'zh-CN': '申请挂账', en: 'Deferral requested' },
  deferred: { 'zh-CN': '挂账', en: 'Deferred' },
  closed: { 'zh-CN': '已销号', en: 'Closed' },
  merged: { 'zh-CN': '已合并', en: 'Merged' },
  cancelled: { 'zh-CN': '已撤销', en: 'Cancelled' },
};

export const CASE_EVENTS = [
  'register',
  'reject',
  'assign',
  'accept',
  'submit',
  'verify_pass',
  'verify_fail',
  'resume',
  'request_return',
  'approve_return',
  'deny_return',
  'request_deferral',
  'approve_deferral',
  'deny_deferral',
  'end_deferral',
  'escalate',
  'relapse',
  'merge',
  'cancel',
] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

/** Who fires an event: the office, the responsible unit, or an inspector (the office may verify too). */
export type CaseActorRole = 'office' | 'unit' | 'inspector';

const OPEN_BEFORE_CLOSE: CaseState[] = ['reported', 'registered', 'assigned', 'rectifying', 'returned', 'return_requested', 'deferral_requested', 'deferred', 'submitted'];
/** The open states (CASE_STATE_CATEGORY 'open'), in the order of CASE_STATES: the partial indexes and the map's dictionary use this list. */
export const CASE_OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => CASE_STATE_CATEGORY[s] === 'open');
/** States in which the deadline runs and an overdue case may be escalated (督办). */
export const CASE_TIMED_STATES: readonly CaseState[] = ['assigned', 'rectifying', 'returned', 'return_requested', 'deferral_requested'];

export const CASE_TRANSITIONS: readonly Transition<CaseState, CaseEvent, CaseActorRole>[] = [
  { from: 'reported', event: 'register', to: 'registered', roles: ['office'] },
  { from: 'reported', event: 'reject', to: 'rejected', roles: ['office'] },
  { from: 'registered', event: 'assign', to: 'assigned', roles: ['office'] },
  { from: 'assigned', event: 'accept', to: 'rectifying', roles: ['unit'] },
  { from: 'assigned', event: 'submit', to: 'submitted', roles: ['unit'] },
  { from: 'rectifying', event: 'submit', to: 'submitted', roles: ['unit'] },
  { from: 'returned', event: 'resume', to: 'rectifying', roles: ['unit'] },
  { from: 'returned', event: 'submit', to: 'submitted', roles: ['unit'] },
  { from: 'submitted', event: 'verify_pass', to: 'closed', roles: ['inspector', 'office'] },
  { from: 'submitted', event: 'verify_fail', to: 'returned', roles: ['inspector', 'office'] },
  { from: 'assigned', event: 'request_return', to: 'return_requested', roles: ['unit'] },
  { from: 'rectifying', event: 'request_return', to: 'return_requested', roles: ['unit'] },
  // Approved: back to the office to assign again (改派) — to another unit, or the same one.
  { from: 'return_requested', event: 'approve_return', to: 'registered', roles: ['office'] },
  { from: 'return_requested', event: 'deny_return', to: 'rectifying', roles: ['office'] },
  { from: 'rectifying', event: 'request_deferral', to: 'deferral_requested', roles: ['unit'] },
  { from: 'deferral_requested', event: 'approve_deferral', to: 'deferred', roles: ['office'] },
  { from: 'deferral_requested', event: 'deny_deferral', to: 'rectifying', roles: ['office'] },
  { from: 'deferred', event: 'end_deferral', to: 'rectifying', roles: ['office'] },
  // 督办: recorded on the case (and counted for assessment), the state stays.
  ...CASE_TIMED_STATES.map((s) => ({ from: s, event: 'escalate' as const, to: s, roles: ['office' as const] })),
  { from: 'closed', event: 'relapse', to: 'assigned', roles: ['inspector', 'office'] },
  ...OPEN_BEFORE_CLOSE.map((s) => ({ from: s, event: 'merge' as const, to: 'merged' as const, roles: ['office' as const] })),
  ...OPEN_BEFORE_CLOSE.map((s) => ({ from: s, event: 'cancel' as const, to: 'cancelled' as const, roles: ['office' as const] })),
];

/** Terminal states: nothing leaves them (a closed case may still relapse, so it is not terminal). */
export const CASE_TERMINAL_STATES: readonly CaseState[] = ['rejected', 'merged', 'cancelled'];
