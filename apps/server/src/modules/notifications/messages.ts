/**
 * What each outbox topic says, and to whom. The users read Chinese; an English text is rendered
 * beside it (stored with the notification) for those who chose English. Times are Asia/Shanghai
 * (UTC+8 all year, no daylight saving).
 *
 * Audiences:
 * - `unit`: the staff of the unit the message is about (payload.unitId) — see dispatcher.ts for who that is;
 * - `office`: holders of `case.manage` (the campaign office, administrators);
 * - `inspectors`: holders of `case.verify` (inspectors, and the office, which may verify too);
 * - `reporter`: whoever reported the case (the user in `reported_by`; a citizen by SMS through `reporter_phone`);
 * - `merged_reporters`: the reporters of both cases of a merge.
 */

export type Audience = 'unit' | 'office' | 'inspectors' | 'reporter' | 'merged_reporters';

/** What the renderer knows about the case and the event (read by the dispatcher). */
export interface MessageContext {
  topic: string;
  payload: Record<string, unknown>;
  number: string;
  category: { zh: string; en: string };
  description: string;
  address: string | null;
  /** Name of the unit the message is about (payload.unitId), if any. */
  unitName: string | null;
  /** The note of the event (reason for a rejection, a rework, a request…), if any. */
  note: string | null;
  /** Number of the case this one was merged into. */
  intoNumber: string | null;
}

export interface RenderedMessage {
  /** Short heading, e.g. '【交办】202603120001' (DingTalk's title, the markdown heading). */
  title: string;
  /** The full text in Chinese: the inbox title, the robot message, the SMS. */
  zh: string;
  /** The same in English. */
  en: string;
}

interface TopicSpec {
  audience: (payload: Record<string, unknown>) => Audience[];
  tag: { zh: string; en: string };
  render: (c: MessageContext) => { zh: string; en: string };
}

/** States in which a unit is working on the case (it has been assigned to it). */
const UNIT_STATES = ['assigned', 'rectifying', 'submitted', 'returned', 'return_requested', 'deferral_requested', 'deferred'];
const withUnitIfAssigned = (base: Audience[]) => (p: Record<string, unknown>): Audience[] =>
  UNIT_STATES.includes(String(p.from ?? '')) ? [...base, 'unit'] : base;
const fixed = (a: Audience[]) => () => a;

// ---- formatting ----

const OFFSET_MS = 8 * 3_600_000;
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function local(v: unknown): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const t = v instanceof Date ? v.getTime() : Date.parse(String(v));
  return Number.isNaN(t) ? null : new Date(t + OFFSET_MS);
}
const pad = (n: number) => String(n).padStart(2, '0');

/** '3月17日 18:00' (Asia/Shanghai). */
export function zhTime(v: unknown): string | null {
  const d = local(v);
  return d ? `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : null;
}

/** '17 Mar 18:00' (Asia/Shanghai). */
export function enTime(v: unknown): string | null {
  const d = local(v);
  return d ? `${d.getUTCDate()} ${MONTHS_EN[d.getUTCMonth()]} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : null;
}

const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** '问题 202603120001（病媒生物孳生地）' */
const zhCase = (c: MessageContext) => `问题 ${c.number}（${c.category.zh}）`;
const enCase = (c: MessageContext) => `case ${c.number} (${c.category.en})`;
const zhUnit = (c: MessageContext) => c.unitName ?? '责任单位';
const enUnit = (c: MessageContext) => c.unitName ?? 'the responsible unit';
const zhReason = (c: MessageContext) => (c.note ? `理由：${c.note}` : '');
const enReason = (c: MessageContext) => (c.note ? ` Reason: ${c.note}` : '');
const zhDeadline = (c: MessageContext) => zhTime(c.payload.deadlineAt);
const enDeadline = (c: MessageContext) => enTime(c.payload.deadlineAt);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function assigned(c: MessageContext, zhLead: string, enLead: string) {
  const doc = str(c.payload.document);
  const dz = zhDeadline(c);
  const de = enDeadline(c);
  return {
    zh: `${zhLead}已交办给 ${zhUnit(c)}，${dz ? `请于 ${dz} 前整改完毕。` : '请尽快整改。'}${doc ? `交办单：${doc}` : ''}`,
    en: `${enLead} has been assigned to ${enUnit(c)}; ${de ? `rectify it by ${de}.` : 'rectify it soon.'}${doc ? ` Assignment slip: ${doc}` : ''}`,
  };
}

/** Every topic that produces a message; topics not listed here (case.register, case.accept, case.resume) are silent. */
export const TOPICS: Record<string, TopicSpec> = {
  'case.reported': {
    audience: fixed(['office']),
    tag: { zh: '待立案', en: 'To register' },
    render: (c) => ({
      zh: `新上报${zhCase(c)}待立案：${clip(c.description)}${c.address ? `（地点：${c.address}）` : ''}`,
      en: `New ${enCase(c)} awaits registration: ${clip(c.description)}${c.address ? ` (at ${c.address})` : ''}`,
    }),
  },
  'case.unrouted': {
    audience: fixed(['office']),
    tag: { zh: '待指定责任单位', en: 'No unit found' },
    render: (c) => ({
      zh: `${zhCase(c)}已立案，但没有找到责任单位，请指定责任单位并交办。`,
      en: `${upperFirst(enCase(c))} is registered but no responsible unit was found; choose the unit and assign it.`,
    }),
  },
  'case.assign': {
    audience: fixed(['unit']),
    tag: { zh: '交办', en: 'Assigned' },
    render: (c) => assigned(c, zhCase(c), upperFirst(enCase(c))),
  },
  'case.relapse': {
    audience: fixed(['unit']),
    tag: { zh: '反弹', en: 'Relapse' },
    render: (c) => {
      const a = assigned(c, `${zhCase(c)}经回头看发现反弹，`, `${upperFirst(enCase(c))} relapsed at a re-check and`);
      return { zh: a.zh.replace('已交办给', '已重新交办给'), en: a.en.replace('has been assigned', 'has been assigned again') };
    },
  },
  'case.submit': {
    audience: fixed(['inspectors']),
    tag: { zh: '待核查', en: 'To verify' },
    render: (c) => ({
      zh: `${zhUnit(c)} 已完成${zhCase(c)}的整改，请核查。`,
      en: `${upperFirst(enUnit(c))} has rectified ${enCase(c)}; please verify it.`,
    }),
  },
  'case.verify_fail': {
    audience: fixed(['unit']),
    tag: { zh: '返工', en: 'Rework' },
    render: (c) => {
      const dz = zhDeadline(c);
      const de = enDeadline(c);
      return {
        zh: `${zhCase(c)}核查未通过，请${dz ? `于 ${dz} 前` : ''}重新整改。${c.note ? `原因：${c.note}` : ''}`,
        en: `${upperFirst(enCase(c))} failed verification; rectify it again${de ? ` by ${de}` : ''}.${enReason(c)}`,
      };
    },
  },
  'case.verify_pass': {
    audience: fixed(['unit', 'reporter']),
    tag: { zh: '已销号', en: 'Closed' },
    render: (c) => ({
      zh: `${zhCase(c)}经核查整改到位，已销号。`,
      en: `${upperFirst(enCase(c))} passed verification and is closed.`,
    }),
  },
  'case.escalate': {
    audience: fixed(['unit']),
    tag: { zh: '督办', en: 'Urged' },
    render: (c) => {
      const level = num(c.payload.level) ?? 1;
      const hours = num(c.payload.overdueHours);
      const doc = str(c.payload.document);
      return {
        zh: `${zhCase(c)}已超过整改期限${hours ? ` ${hours} 小时` : ''}，现予第 ${level} 次督办，请 ${zhUnit(c)} 立即整改。${doc ? `督办函：${doc}` : ''}`,
        en: `${upperFirst(enCase(c))} is overdue${hours ? ` by ${hours} hours` : ''}; urging no. ${level}: ${enUnit(c)} must rectify it at once.${doc ? ` Urging letter: ${doc}` : ''}`,
      };
    },
  },
  'case.request_return': {
    audience: fixed(['office']),
    tag: { zh: '申请退回', en: 'Return requested' },
    render: (c) => ({
      zh: `${zhUnit(c)} 申请退回${zhCase(c)}，请审核。${zhReason(c)}`,
      en: `${upperFirst(enUnit(c))} asks to send back ${enCase(c)}; please decide.${enReason(c)}`,
    }),
  },
  'case.request_deferral': {
    audience: fixed(['office']),
    tag: { zh: '申请挂账', en: 'Deferral requested' },
    render: (c) => ({
      zh: `${zhUnit(c)} 申请挂账${zhCase(c)}，请审核。${zhReason(c)}`,
      en: `${upperFirst(enUnit(c))} asks to defer ${enCase(c)}; please decide.${enReason(c)}`,
    }),
  },
  'case.approve_return': {
    audience: fixed(['unit']),
    tag: { zh: '退回已同意', en: 'Return approved' },
    render: (c) => ({
      zh: `${zhCase(c)}的退回申请已同意，创建办将重新交办。`,
      en: `The request to send back ${enCase(c)} was approved; the office will assign it again.`,
    }),
  },
  'case.deny_return': {
    audience: fixed(['unit']),
    tag: { zh: '退回未同意', en: 'Return refused' },
    render: (c) => ({
      zh: `${zhCase(c)}的退回申请未同意，请继续整改${zhDeadline(c) ? `，整改期限 ${zhDeadline(c)}` : ''}。${zhReason(c)}`,
      en: `The request to send back ${enCase(c)} was refused; go on rectifying it${enDeadline(c) ? ` (due ${enDeadline(c)})` : ''}.${enReason(c)}`,
    }),
  },
  'case.approve_deferral': {
    audience: fixed(['unit']),
    tag: { zh: '挂账已同意', en: 'Deferral approved' },
    render: (c) => ({
      zh: `${zhCase(c)}的挂账申请已同意，整改期限暂停计时。`,
      en: `The deferral of ${enCase(c)} was approved; its deadline is paused.`,
    }),
  },
  'case.deny_deferral': {
    audience: fixed(['unit']),
    tag: { zh: '挂账未同意', en: 'Deferral refused' },
    render: (c) => ({
      zh: `${zhCase(c)}的挂账申请未同意，请继续整改${zhDeadline(c) ? `，整改期限 ${zhDeadline(c)}` : ''}。${zhReason(c)}`,
      en: `The deferral of ${enCase(c)} was refused; go on rectifying it${enDeadline(c) ? ` (due ${enDeadline(c)})` : ''}.${enReason(c)}`,
    }),
  },
  'case.end_deferral': {
    audience: fixed(['unit']),
    tag: { zh: '恢复整改', en: 'Deferral ended' },
    render: (c) => ({
      zh: `${zhCase(c)}挂账结束，恢复整改${zhDeadline(c) ? `，请于 ${zhDeadline(c)} 前整改完毕` : ''}。`,
      en: `The deferral of ${enCase(c)} has ended; rectify it${enDeadline(c) ? ` by ${enDeadline(c)}` : ''}.`,
    }),
  },
  'case.reject': {
    audience: fixed(['reporter']),
    tag: { zh: '不予立案', en: 'Not registered' },
    render: (c) => ({
      zh: `您上报的${zhCase(c)}不予立案。${zhReason(c)}`,
      en: `The ${enCase(c)} you reported was not registered.${enReason(c)}`,
    }),
  },
  'case.cancel': {
    audience: withUnitIfAssigned(['reporter']),
    tag: { zh: '撤销', en: 'Cancelled' },
    render: (c) => ({
      zh: `${zhCase(c)}已撤销。${zhReason(c)}`,
      en: `${upperFirst(enCase(c))} was cancelled.${enReason(c)}`,
    }),
  },
  'case.merge': {
    audience: withUnitIfAssigned(['merged_reporters']),
    tag: { zh: '合并', en: 'Merged' },
    render: (c) => ({
      zh: `${zhCase(c)}与问题 ${c.intoNumber ?? ''} 为同一问题，已合并到问题 ${c.intoNumber ?? ''} 办理。`,
      en: `${upperFirst(enCase(c))} is the same as case ${c.intoNumber ?? ''} and has been merged into it.`,
    }),
  },
};

/** Topics a webhook may subscribe to ('*' = all of them). */
export const NOTIFY_TOPICS = Object.keys(TOPICS);

export function audienceOf(topic: string, payload: Record<string, unknown>): Audience[] {
  return TOPICS[topic]?.audience(payload) ?? [];
}

/** The message of a topic, or null when the topic says nothing. */
export function renderMessage(c: MessageContext): RenderedMessage | null {
  const spec = TOPICS[c.topic];
  if (!spec) return null;
  const body = spec.render(c);
  return {
    title: `【${spec.tag.zh}】${c.number}`,
    zh: `【${spec.tag.zh}】${body.zh}`.trim(),
    en: `[${spec.tag.en}] ${body.en}`.trim(),
  };
}

/** A test message for POST /webhooks/:id/test. */
export function testMessage(now: Date): RenderedMessage {
  return {
    title: '【测试】创城消息推送',
    zh: `【测试】这是一条来自创城的测试消息（${zhTime(now)}），收到即表示推送配置正确。`,
    en: `[Test] A test message from Chuangcheng (${enTime(now)}); receiving it means the webhook works.`,
  };
}
