/**
 * Domain events, published after the change they describe has committed. They
 * feed the live dashboard (WebSocket), and later webhooks and SLA. Payloads carry
 * ids and small summaries; clients refetch details they need.
 */
export interface DomainEventMap {
  'number.status': {
    numberId: string;
    state: string;
    reason: string | null;
    since: string;
    qr?: string | null;
    pairingCode?: string | null;
    /** The linked phone (E.164 with '+'), sent with `connected` so a screen never shows "connected" without it. */
    phone?: string | null;
  };
  'number.updated': { numberId: string };
  'number.deleted': { numberId: string };
  'message.created': { conversationId: string; messageId: string; direction: 'in' | 'out' };
  'message.updated': { conversationId: string; messageId: string };
  'message.status': { conversationId: string; messageId: string; status: string; error: string | null };
  'conversation.updated': { conversationId: string };
  /**
   * Someone is typing in a conversation: a teammate in the composer (`by: 'agent'`, with who) or
   * the customer on WhatsApp (`by: 'customer'`). `typing` holds for `expiresInMs` unless repeated;
   * `stopped` ends it at once. Never stored; a client that misses one lets it expire.
   */
  'conversation.typing': {
    conversationId: string;
    by: 'agent' | 'customer';
    userId: string | null;
    name: string | null;
    state: 'typing' | 'recording' | 'stopped';
    /** How long a `typing`/`recording` shows unless repeated or stopped. */
    expiresInMs: number;
  };
  /**
   * For the process that holds the number, not for browsers (the hub does not forward it): show
   * the customer "typing…" or "paused", or subscribe to the customer's presence (so WhatsApp
   * reports their typing) while a teammate has the conversation open.
   */
  'presence.request': { numberId: string; conversationId: string; action: 'typing' | 'paused' | 'subscribe' };
  'contact.updated': { contactId: string };
  /** SLA clocks moved (badge, countdown); empty `conversationIds` means many: refetch the list. */
  'sla.updated': { conversationIds: string[] };
  /** A conversation reached risk or breach of an SLA target (written once per conversation, target, kind and cycle). */
  'sla.alert': {
    alertId: string;
    conversationId: string;
    target: 'first_response' | 'next_response' | 'resolution';
    kind: 'at_risk' | 'breached';
    dueAt: string;
  };
  /** A notification for one person; other members' dashboards ignore it. */
  'notification.created': { notificationId: string; userId: string; kind: string; title: string; conversationId: string | null };
  /** A campaign's status or recipient counts changed; clients refetch the counts. */
  'campaign.progress': { campaignId: string; status: string; recipientId?: string; recipientStatus?: string };
  /** A campaign paused, by a person or on its own (`auto`), with the reason shown. */
  'campaign.paused': { campaignId: string; reason: string; auto: boolean };
}

export type DomainEventType = keyof DomainEventMap;

/** Event types the WebSocket hub never forwards to browsers (they are for server processes). */
export const SERVER_ONLY_EVENTS: ReadonlySet<DomainEventType> = new Set<DomainEventType>(['presence.request']);

export type DomainEvent = {
  [K in DomainEventType]: { type: K; workspaceId: string; at: string; payload: DomainEventMap[K] };
}[DomainEventType];
