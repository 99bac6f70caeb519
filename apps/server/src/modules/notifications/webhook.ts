import { createHmac } from 'node:crypto';
import type { WEBHOOK_KINDS } from '@cc/domain';
import type { Channel, OutgoingMessage } from './notifier.js';

export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** One webhook endpoint, and for SMS the phone number the message goes to. */
export interface WebhookTarget {
  kind: WebhookKind;
  url: string;
  secret: string | null;
  /** SMS: the phone number; other kinds: ''. */
  recipient: string;
  /** The notification_delivery row, sent to generic endpoints as `X-CC-Delivery-Id` (the same on every retry). */
  deliveryId?: number;
}

export interface WebhookDeps {
  fetch?: typeof fetch;
  /** The time DingTalk signatures are made for. */
  now?: () => Date;
  timeoutMs?: number;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * DingTalk robot signature (加签): HMAC-SHA256 keyed with the secret over
 * `timestamp + "\n" + secret`, Base64 — not yet URL-encoded.
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The robot URL with `&timestamp=…&sign=…` (the sign URL-encoded), as DingTalk documents it. */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const sep = url.includes('?') ? '&' : '?';
  return `${url}${sep}timestamp=${timestampMs}&sign=${encodeURIComponent(dingtalkSign(secret, timestampMs))}`;
}

/** `X-CC-Signature` of the generic webhook: `sha256=` + hex HMAC-SHA256 of the raw body, keyed with the secret. */
export function genericSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Markdown for the group robots: the 【tag】 in bold, then the text. */
export function markdownOf(msg: Pick<OutgoingMessage, 'zh'>): string {
  return msg.zh.replace(/^(【[^】]*】)/, '**$1**');
}

/** The outbox payload as sent to generic endpoints (without the rendered notice kept for delivery). */
function publicPayload(payload: Record<string, unknown>): Record<string, unknown> {
  const { notice: _notice, ...rest } = payload;
  return rest;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The HTTP request a message becomes for one endpoint (pure; the channel sends it). */
export function buildWebhookRequest(msg: OutgoingMessage, target: WebhookTarget, now: Date): WebhookRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  switch (target.kind) {
    case 'wecom':
      return { url: target.url, headers, body: JSON.stringify({ msgtype: 'markdown', markdown: { content: markdownOf(msg) } }) };
    case 'dingtalk': {
      const url = target.secret ? dingtalkSignedUrl(target.url, target.secret, now.getTime()) : target.url;
      return { url, headers, body: JSON.stringify({ msgtype: 'markdown', markdown: { title: msg.title, text: markdownOf(msg) } }) };
    }
    case 'sms':
      if (target.secret) headers.authorization = `Bearer ${target.secret}`;
      return { url: target.url, headers, body: JSON.stringify({ phone: target.recipient, text: msg.zh }) };
    case 'generic': {
      const body = JSON.stringify({ topic: msg.topic, caseId: msg.caseId, number: msg.number, text: msg.zh, payload: publicPayload(msg.payload) });
      if (target.secret) headers['x-cc-signature'] = genericSignature(target.secret, body);
      if (target.deliveryId !== undefined) headers['x-cc-delivery-id'] = String(target.deliveryId);
      return { url: target.url, headers, body };
    }
  }
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return 'timeout';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${err.message}: ${cause.code ?? cause.message ?? ''}` : err.message;
}

/**
 * Webhooks: POST JSON with a 10 s timeout. A non-2xx answer fails; so does, for the WeCom and
 * DingTalk robots (which answer 200 to everything), a JSON body whose `errcode` is not 0.
 */
export function webhookChannel(deps: WebhookDeps = {}): Channel<WebhookTarget> {
  const doFetch = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return {
    kind: 'webhook',
    async send(msg, target) {
      const req = buildWebhookRequest(msg, target, now());
      let res: Response;
      let text: string;
      try {
        res = await doFetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
        text = await res.text();
      } catch (err) {
        throw new Error(clip(describe(err)));
      }
      if (res.status < 200 || res.status > 299) throw new Error(clip(`HTTP ${res.status}${text ? `: ${text}` : ''}`));
      if (target.kind === 'wecom' || target.kind === 'dingtalk') {
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
        if (json && typeof json === 'object' && 'errcode' in json) {
          const { errcode, errmsg } = json as { errcode: unknown; errmsg?: unknown };
          if (Number(errcode) !== 0) throw new Error(clip(`errcode ${String(errcode)}${errmsg ? `: ${String(errmsg)}` : ''}`));
        }
      }
    },
  };
}
