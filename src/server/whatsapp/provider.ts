/**
 * The provider boundary: our own types for a linked WhatsApp number.
 *
 * Everything the rest of the server knows about WhatsApp goes through these
 * types. Nothing from Baileys may appear here, so that Meta's Cloud API can be
 * added later as a second implementation of `ProviderSession`.
 */

export type { MessageStatus, ReceiptStatus } from './message-status.js';
export { statusRank, isForwardMove, nextStatus } from './message-status.js';
import type { ReceiptStatus } from './message-status.js';

// ---------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------

/**
 * Live state of one number, as shown on the dashboard (PRODUCT §2).
 * - `idle`: not started (or stopped on purpose).
 * - `unlinked`: a link attempt ended without a scan (QR expired); nothing to
 *   reconnect to until someone asks for a new QR.
 */
export type ConnectionState =
  'idle' | 'connecting' | 'waiting_for_scan' | 'connected' | 'reconnecting' | 'logged_out' | 'unlinked' | 'failed';

/** Why a connection closed, in our words. See `baileys/disconnect.ts`. */
export type DisconnectClass =
  | 'restart_required'
  | 'logged_out'
  | 'replaced'
  | 'forbidden'
  | 'bad_session'
  | 'qr_timeout'
  | 'multidevice_mismatch'
  | 'transient'
  | 'stopped';

export interface DisconnectInfo {
  class: DisconnectClass;
  /** Provider status code when there was one (Baileys uses HTTP-like codes). */
  code: number | null;
  /** Human-readable, safe to show and to log. Never contains key material. */
  text: string;
}

export interface ConnectionUpdate {
  state: ConnectionState;
  /** Set when the update follows a disconnect. */
  reason?: DisconnectInfo;
  /** Raw QR payload to render while `waiting_for_scan`; rotates every ~20 s. */
  qr?: string;
  /** Pairing code to type on the phone, when linking by code. */
  pairingCode?: string;
  /** Our own account once connected (digits of the phone number, and LID if known). */
  self?: { phone: string | null; lid: string | null; name: string | null };
  /** True on the first connection after a new link (pairing just succeeded). */
  isNewLogin?: boolean;
  at: Date;
}

// ---------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------

/**
 * A customer as seen by one number. WhatsApp addresses people either by phone
 * number or by LID (an opaque per-user id); we key conversations by phone when
 * we can learn it, so one customer maps to one conversation.
 */
export interface CustomerRef {
  /**
   * Stable key of the conversation: the phone digits when known, otherwise
   * `lid:<id>` (the ingest may re-key it once the phone becomes known).
   */
  id: string;
  /** E.164 digits without `+`, e.g. `4915112345678`, or null if only the LID is known. */
  phone: string | null;
  /** LID user part (digits), when known. */
  lid: string | null;
}

/** Why an event was not translated into one of our messages. */
export type IgnoreReason =
  | 'group'
  | 'status_broadcast'
  | 'broadcast_list'
  | 'newsletter'
  | 'bot'
  | 'self_chat'
  | 'unknown_address'
  | 'no_content'
  | 'undecryptable'
  | 'protocol'
  | 'missing_id';

// ---------------------------------------------------------------------------
// Inbound messages
// ---------------------------------------------------------------------------

export type InboundKind =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'voice'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contact'
  | 'reaction'
  | 'edit'
  | 'revoke'
  | 'unsupported';

/**
 * Opaque, serialisable reference the adapter needs to download media later
 * (also after a restart). Store it with the message; treat it as sensitive
 * (it carries the media decryption key).
 */
export type MediaHandle = string;

export interface MediaInfo {
  mimetype: string | null;
  fileName: string | null;
  fileLength: number | null;
  seconds: number | null;
  width: number | null;
  height: number | null;
  /** Video sent as a looping GIF. */
  gif: boolean;
  /** Animated sticker. */
  animated: boolean;
  /** Small inline preview if the sender included one. */
  thumbnailJpeg: Uint8Array | null;
  handle: MediaHandle;
}

export interface LocationInfo {
  lat: number;
  lng: number;
  name: string | null;
  address: string | null;
  /** Live location share (a snapshot of the first position). */
  live: boolean;
}

export interface ContactCard {
  displayName: string | null;
  vcard: string | null;
}

export interface QuotedRef {
  providerMessageId: string;
  /** Text of the quoted message as the sender's app had it, for display only. */
  text: string | null;
}

export interface InboundMessage {
  providerMessageId: string;
  chat: CustomerRef;
  /** Sent by our own account (from this server or from the phone). */
  fromMe: boolean;
  /** Sender's clock, ms since epoch. */
  timestamp: number;
  pushName: string | null;
  kind: InboundKind;
  /** Body for text; caption for media. */
  text: string | null;
  media: MediaInfo | null;
  location: LocationInfo | null;
  contacts: ContactCard[];
  quoted: QuotedRef | null;
  /** `emoji === ''` means the reaction was removed. */
  reaction: { targetId: string; emoji: string } | null;
  edit: { targetId: string; newText: string | null } | null;
  revoke: { targetId: string } | null;
  /** Provider name of the content we do not model, for `kind: 'unsupported'`. */
  unsupportedType: string | null;
  isViewOnce: boolean;
  isEphemeral: boolean;
  isForwarded: boolean;
}

export interface MessageBatchInfo {
  /** Messages from a history sync after linking, not live traffic. */
  isHistory: boolean;
  /**
   * Live batches: `notify` for messages that just arrived, `append` for messages
   * caught up after being offline and for echoes of our own sends.
   */
  upsertType?: 'notify' | 'append';
}

// ---------------------------------------------------------------------------
// Receipts and contacts
// ---------------------------------------------------------------------------

export interface Receipt {
  providerMessageId: string;
  chat: CustomerRef;
  /**
   * True when the receipt is about a message we sent (delivered/read by the
   * customer). False when it is about a customer's message that our own
   * account read on another device (the phone).
   */
  fromMe: boolean;
  status: ReceiptStatus;
  at: Date;
  /** Why the send failed, for `status: 'failed'`. */
  error?: string;
}

export interface ContactUpdate {
  /** E.164 digits; null when WhatsApp only gave us a LID for now. */
  phone: string | null;
  lid?: string;
  /** Name the customer set on WhatsApp themselves (Baileys calls it `notify`). */
  pushName?: string;
  /** Name saved in the linked phone's address book (Baileys: `name`). */
  savedName?: string;
  /** Verified business name, for business accounts. */
  verifiedName?: string;
}

/** A LID ↔ phone pair learnt from the provider. */
export interface LidMapping {
  lid: string;
  phone: string;
}

// ---------------------------------------------------------------------------
// Outbound
// ---------------------------------------------------------------------------

export type OutboundMediaKind = 'image' | 'video' | 'audio' | 'voice' | 'document' | 'sticker';

export interface OutboundMedia {
  kind: OutboundMediaKind;
  mimetype: string;
  fileName?: string;
  /** File contents, or a path on the server's disk. */
  data: Buffer | { path: string };
  caption?: string;
  /** Voice notes and audio: duration, if known. */
  seconds?: number;
}

export interface OutboundQuote {
  providerMessageId: string;
  /** Whether the quoted message was ours. */
  fromMe: boolean;
  /** Text of the quoted message, shown in the customer's bubble. */
  text?: string;
}

export interface OutboundMessage {
  /** E.164 digits (with or without `+`). */
  to: string;
  text?: string;
  media?: OutboundMedia;
  quotedProviderMessageId?: string;
  /** Richer quote; preferred over `quotedProviderMessageId` when given. */
  quoted?: OutboundQuote;
}

export interface SendResult {
  providerMessageId: string;
  at: Date;
}

export type PresenceKind = 'typing' | 'recording' | 'paused';

/** WhatsApp's answer for one phone: whether an account exists for it. */
export interface WhatsAppCheck {
  /** E.164 digits, as asked. */
  phone: string;
  onWhatsApp: boolean;
}

/**
 * A customer's chat state as WhatsApp reports it: typing or recording a voice
 * note, stopped (`paused`), or their online status. Reported only for chats
 * whose presence the session subscribed to (`subscribePresence`).
 */
export interface CustomerPresence {
  chat: CustomerRef;
  presence: PresenceKind | 'available' | 'unavailable';
}

// ---------------------------------------------------------------------------
// Auth state
// ---------------------------------------------------------------------------

/**
 * Where a session's credentials and signal keys live. Values are opaque
 * strings produced by the adapter; the store only persists them (and should
 * encrypt them at rest). Implemented on the database by the number manager.
 */
export interface AuthStateStore {
  /** The serialised credentials, or null for a number never linked. */
  loadCreds(): Promise<string | null>;
  saveCreds(serialised: string): Promise<void>;
  /** Values for the ids that exist; missing ids are simply absent. */
  getKeys(category: string, ids: readonly string[]): Promise<Record<string, string>>;
  /**
   * Apply one batch of writes; `null` deletes. A batch should be applied
   * atomically (one transaction): the engine sends related keys together.
   */
  setKeys(data: Record<string, Record<string, string | null>>): Promise<void>;
  /** Forget everything (logout, delete session). */
  clear(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------

export type Unsubscribe = () => void;
/** Listeners may be async; the session awaits them one event at a time, in order. */
export type Listener<T> = (value: T) => void | Promise<void>;

export interface ProviderSession {
  /** Open the connection. Resolves once the attempt has started, not when connected. */
  start(): Promise<void>;
  /** Close the connection, keeping the link (a later start() reconnects). */
  stop(): Promise<void>;
  /** Unlink the number from WhatsApp and clear the auth state. */
  logout(): Promise<void>;
  /** Link by code instead of QR: returns the code the owner types on the phone. */
  requestPairingCode(phone: string): Promise<string>;
  send(message: OutboundMessage): Promise<SendResult>;
  downloadMedia(handle: MediaHandle): Promise<Buffer>;
  /** Send read receipts for customer messages. */
  markRead(refs: ReadonlyArray<{ chat: CustomerRef; providerMessageId: string }>): Promise<void>;
  sendPresence(to: CustomerRef | string, presence: PresenceKind): Promise<void>;
  /**
   * Asks WhatsApp which of these phone numbers (E.164 digits) have an account, in
   * one query. Phones WhatsApp answered for are in the result; a phone it did not
   * answer for clearly is left out (unknown), never guessed. Callers batch and
   * pace these questions: each one goes out from this number.
   */
  checkOnWhatsApp(phones: readonly string[]): Promise<WhatsAppCheck[]>;
  /** Ask WhatsApp to report this customer's presence (typing…) to us, as an open chat on WhatsApp Web does. */
  subscribePresence(to: CustomerRef | string): Promise<void>;
  /** Current state (last one emitted). */
  readonly state: ConnectionState;

  onConnection(listener: Listener<ConnectionUpdate>): Unsubscribe;
  onMessages(listener: (batch: InboundMessage[], info: MessageBatchInfo) => void | Promise<void>): Unsubscribe;
  onReceipts(listener: Listener<Receipt[]>): Unsubscribe;
  onContacts(listener: Listener<ContactUpdate[]>): Unsubscribe;
  onLidMappings(listener: Listener<LidMapping[]>): Unsubscribe;
  onPresence(listener: Listener<CustomerPresence>): Unsubscribe;
  /** Fired after new credentials were saved to the store (e.g. for an activity entry on link). */
  onCredsChanged(listener: Listener<void>): Unsubscribe;
}

/** A kind of number (Baileys today, Cloud API later). */
export interface WhatsAppProvider<Options> {
  readonly kind: 'baileys' | 'cloud_api';
  createSession(options: Options): ProviderSession;
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

export type ProviderErrorCode = 'not_connected' | 'invalid_message' | 'send_failed' | 'media_unavailable' | 'pairing_failed';

/** Failure of a session operation, with a stable code the send queue can show and retry on. */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
