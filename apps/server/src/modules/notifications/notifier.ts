import type { Executor } from '../../platform/database.js';
import type { RenderedMessage } from './messages.js';

/**
 * Where messages go. An outbox row (written in the transaction of the change it announces) is
 * turned into one `OutgoingMessage`; channels carry it to their targets:
 * - the in-app inbox (`inboxChannel`): `notification` rows, written by the dispatcher in the same
 *   transaction that marks the outbox row dispatched, so each user gets it once;
 * - webhooks (`webhook.ts`): WeCom and DingTalk group robots, an SMS gateway, a generic JSON POST,
 *   sent after commit from `notification_delivery` rows, with retries.
 */
export interface OutgoingMessage extends RenderedMessage {
  tenantId: number;
  outboxId: number;
  topic: string;
  caseId: number | null;
  number: string | null;
  /** The outbox payload as written by the cases service. */
  payload: Record<string, unknown>;
}

export interface Channel<Target> {
  kind: string;
  /** Delivers the message or throws (the error's message is kept as the delivery's last_error). */
  send(msg: OutgoingMessage, target: Target): Promise<void>;
}

/** Users to put the message in the inbox of. */
export interface InboxTarget {
  userIds: readonly number[];
  at: Date;
}

/** What a notification row keeps to show itself in either language (see NotificationView.title). */
export interface NotificationParams {
  title: string;
  zh: string;
  en: string;
  number: string | null;
}

/**
 * The in-app inbox, inside the caller's transaction. The unique key (tenant, outbox row, user)
 * makes a second dispatch of the same outbox row a no-op.
 */
export function inboxChannel(tx: Executor): Channel<InboxTarget> {
  return {
    kind: 'inbox',
    async send(msg, target) {
      const userIds = [...new Set(target.userIds)];
      if (!userIds.length) return;
      const params: NotificationParams = { title: msg.title, zh: msg.zh, en: msg.en, number: msg.number };
      await tx.insertInto('notification')
        .values(userIds.map((userId) => ({
          tenant_id: msg.tenantId, user_id: userId, outbox_id: msg.outboxId, topic: msg.topic, case_id: msg.caseId,
          params: JSON.stringify(params), created_at: target.at,
        })))
        .onConflict((oc) => oc.columns(['tenant_id', 'outbox_id', 'user_id']).doNothing())
        .execute();
    },
  };
}
