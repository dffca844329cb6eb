/**
 * What one SLA alert turns into, inside the transaction that wrote its
 * `sla_events` row: a notification per person who must hear about it, and a
 * queued delivery per configured channel (email, webhook). Only the caller whose
 * insert created the event gets here, so none of this can happen twice.
 */
import type { DomainEventMap } from '../../../contracts/events.js';
import type { DbOrTx } from '../../db/database.js';
import { iso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { SlaAlertKind, SlaTarget } from './policy.js';
import { TARGET_LABELS } from './policy.js';
import { alertRecipients, conversationLabel, findPolicy, insertDeliveries, insertNotifications, type DeliveryRow } from './repo.js';

export interface FiredAlert {
  eventId: string;
  workspaceId: string;
  conversationId: string;
  target: SlaTarget;
  kind: SlaAlertKind;
  dueAt: number;
  detectedAt: number;
}

export interface AlertOutcome {
  events: Array<
    | { type: 'sla.alert'; payload: DomainEventMap['sla.alert'] }
    | { type: 'notification.created'; payload: DomainEventMap['notification.created'] }
  >;
  deliveries: number;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest ? `${hours} h ${rest} min` : `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

export async function fanOutAlert(tx: DbOrTx, alert: FiredAlert, assignee: string | null, targetMs: number | null): Promise<AlertOutcome> {
  const who = await conversationLabel(tx, alert.workspaceId, alert.conversationId);
  const customer = who
    ? (who.name ?? who.saved_name ?? who.push_name ?? (who.phone.startsWith('lid:') ? 'A customer' : `+${who.phone}`))
    : 'A customer';
  const what = TARGET_LABELS[alert.target];
  const title = alert.kind === 'breached' ? `SLA breached: ${what}` : `SLA at risk: ${what}`;
  const limit = targetMs !== null ? ` (target ${formatDuration(targetMs)})` : '';
  const body =
    alert.kind === 'breached'
      ? `${customer}${who ? ` on ${who.number_name}` : ''} is past the ${what} target${limit}.`
      : `${customer}${who ? ` on ${who.number_name}` : ''} is close to the ${what} target${limit}.`;

  const userIds = await alertRecipients(tx, alert.workspaceId, assignee);
  const notifications = userIds.map((userId) => ({
    id: newId(alert.detectedAt),
    workspace_id: alert.workspaceId,
    user_id: userId,
    kind: `sla.${alert.kind}`,
    title,
    body,
    conversation_id: alert.conversationId,
    sla_event_id: alert.eventId,
    created_at: alert.detectedAt,
    read_at: null,
  }));
  await insertNotifications(tx, notifications);

  const policy = await findPolicy(tx, alert.workspaceId);
  const payload = JSON.stringify({
    type: 'sla.alert',
    id: alert.eventId,
    workspaceId: alert.workspaceId,
    conversationId: alert.conversationId,
    target: alert.target,
    kind: alert.kind,
    dueAt: iso(alert.dueAt),
    detectedAt: iso(alert.detectedAt),
    title,
    text: body,
  });
  const deliveries: DeliveryRow[] = [];
  const queue = (channel: 'email' | 'webhook', target: string) =>
    deliveries.push({
      id: newId(alert.detectedAt),
      workspace_id: alert.workspaceId,
      sla_event_id: alert.eventId,
      channel,
      target,
      payload,
      status: 'pending',
      attempts: 0,
      next_attempt_at: alert.detectedAt,
      last_error: null,
      response_status: null,
      claimed_by: null,
      claim_expires_at: null,
      created_at: alert.detectedAt,
      delivered_at: null,
    });
  if (policy?.webhook_url) queue('webhook', policy.webhook_url);
  if (policy?.email_to && policy.smtp) {
    for (const address of policy.email_to
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean))
      queue('email', address);
  }
  await insertDeliveries(tx, deliveries);

  return {
    events: [
      {
        type: 'sla.alert',
        payload: {
          alertId: alert.eventId,
          conversationId: alert.conversationId,
          target: alert.target,
          kind: alert.kind,
          dueAt: iso(alert.dueAt),
        },
      },
      ...notifications.map((n) => ({
        type: 'notification.created' as const,
        payload: { notificationId: n.id, userId: n.user_id, kind: n.kind, title: n.title, conversationId: n.conversation_id },
      })),
    ],
    deliveries: deliveries.length,
  };
}
