import type {
  AuthStateStore,
  ConnectionState,
  ConnectionUpdate,
  ContactUpdate,
  CustomerPresence,
  CustomerRef,
  DisconnectClass,
  InboundMessage,
  LidMapping,
  MessageBatchInfo,
  OutboundMessage,
  PresenceKind,
  ProviderSession,
  WhatsAppCheck,
  Receipt,
  SendResult,
} from '../../src/server/whatsapp/provider.js';
import { ProviderError } from '../../src/server/whatsapp/provider.js';
import type { NumberRef } from '../../src/server/whatsapp/manager.js';

type Fn<A extends unknown[]> = (...args: A) => void | Promise<void>;

function listeners<A extends unknown[]>() {
  const set = new Set<Fn<A>>();
  return {
    add(fn: Fn<A>) {
      set.add(fn);
      return () => void set.delete(fn);
    },
    async emit(...args: A) {
      for (const fn of [...set]) await fn(...args);
    },
    get size() {
      return set.size;
    },
  };
}

export interface FakeSessionBehaviour {
  /** What `start()` does after recording the call: e.g. show a QR, or connect. */
  onStart?: (session: FakeSession) => void | Promise<void>;
  /** Replaces the default successful send. */
  send?: (message: OutboundMessage, session: FakeSession) => Promise<SendResult>;
  /** Phones that have no WhatsApp account (every other phone has one). */
  notOnWhatsApp?: ReadonlySet<string>;
}

/**
 * A `ProviderSession` driven by the test: it records calls and emits whatever
 * the test tells it to, awaiting listeners one at a time like the real adapter.
 */
export class FakeSession implements ProviderSession {
  starts = 0;
  stops = 0;
  logouts = 0;
  pairingRequests: string[] = [];
  sent: OutboundMessage[] = [];
  /** Every `checkOnWhatsApp` question, as asked. */
  checks: string[][] = [];
  /** Every `markRead` call, in order: the refs it was given. */
  reads: Array<Array<{ chat: CustomerRef; providerMessageId: string }>> = [];
  /** Every `sendPresence` / `subscribePresence` call, in order. */
  presences: Array<{ to: CustomerRef | string; presence: PresenceKind | 'subscribe' }> = [];
  private current: ConnectionState = 'idle';
  private sendSeq = 0;
  private readonly connection = listeners<[ConnectionUpdate]>();
  private readonly messages = listeners<[InboundMessage[], MessageBatchInfo]>();
  private readonly receipts = listeners<[Receipt[]]>();
  private readonly contacts = listeners<[ContactUpdate[]]>();
  private readonly lids = listeners<[LidMapping[]]>();
  private readonly creds = listeners<[]>();
  private readonly customerPresence = listeners<[CustomerPresence]>();

  constructor(
    readonly number: NumberRef,
    readonly auth: AuthStateStore,
    private readonly behaviour: FakeSessionBehaviour = {},
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  async start(): Promise<void> {
    this.starts += 1;
    await this.emitState('connecting');
    await this.behaviour.onStart?.(this);
  }
  async stop(): Promise<void> {
    this.stops += 1;
    if (this.current === 'idle') return;
    await this.emitState('idle', { reason: { class: 'stopped', code: null, text: 'Stopped' } });
  }
  async logout(): Promise<void> {
    this.logouts += 1;
    await this.auth.clear();
    await this.emitState('logged_out', { reason: { class: 'logged_out', code: null, text: 'Logged out from the dashboard' } });
  }
  async requestPairingCode(phone: string): Promise<string> {
    this.pairingRequests.push(phone);
    if (!/^\+?\d{8,15}$/.test(phone)) throw new ProviderError('pairing_failed', 'bad phone');
    const code = 'ABCD1234';
    await this.emitState('waiting_for_scan', { pairingCode: code });
    return code;
  }
  async send(message: OutboundMessage): Promise<SendResult> {
    if (this.behaviour.send) return this.behaviour.send(message, this);
    if (this.current !== 'connected') throw new ProviderError('not_connected', `number is ${this.current}`);
    this.sent.push(message);
    this.sendSeq += 1;
    return { providerMessageId: `FAKE${this.number.id.slice(-6)}${this.sendSeq}`, at: new Date(Date.parse('2026-06-01T09:00:00Z')) };
  }
  async downloadMedia(): Promise<Buffer> {
    return Buffer.from('media');
  }
  async markRead(refs: ReadonlyArray<{ chat: CustomerRef; providerMessageId: string }>): Promise<void> {
    if (this.current !== 'connected') throw new ProviderError('not_connected', `number is ${this.current}`);
    this.reads.push([...refs]);
  }
  async sendPresence(to: CustomerRef | string, presence: PresenceKind): Promise<void> {
    this.presences.push({ to, presence });
  }
  async subscribePresence(to: CustomerRef | string): Promise<void> {
    this.presences.push({ to, presence: 'subscribe' });
  }
  async checkOnWhatsApp(phones: readonly string[]): Promise<WhatsAppCheck[]> {
    if (this.current !== 'connected') throw new ProviderError('not_connected', `number is ${this.current}`);
    this.checks.push([...phones]);
    return phones.map((phone) => ({ phone, onWhatsApp: !this.behaviour.notOnWhatsApp?.has(phone) }));
  }

  onConnection = (fn: Fn<[ConnectionUpdate]>) => this.connection.add(fn);
  onMessages = (fn: Fn<[InboundMessage[], MessageBatchInfo]>) => this.messages.add(fn);
  onReceipts = (fn: Fn<[Receipt[]]>) => this.receipts.add(fn);
  onContacts = (fn: Fn<[ContactUpdate[]]>) => this.contacts.add(fn);
  onLidMappings = (fn: Fn<[LidMapping[]]>) => this.lids.add(fn);
  onCredsChanged = (fn: Fn<[]>) => this.creds.add(fn);
  onPresence = (fn: Fn<[CustomerPresence]>) => this.customerPresence.add(fn);

  get listenerCount(): number {
    return this.connection.size;
  }

  // --- driving it ---------------------------------------------------------

  async emitState(state: ConnectionState, extra: Partial<Omit<ConnectionUpdate, 'state' | 'at'>> = {}): Promise<void> {
    this.current = state;
    await this.connection.emit({ state, ...extra, at: new Date() });
  }
  async showQr(qr = `QR-${Math.random().toString(36).slice(2)}`): Promise<void> {
    await this.emitState('waiting_for_scan', { qr });
  }
  async connect(phone = '4915112345678', options: { isNewLogin?: boolean } = {}): Promise<void> {
    await this.auth.saveCreds(JSON.stringify({ me: phone }));
    await this.auth.setKeys({ 'pre-key': { '1': 'k1', '2': 'k2' } });
    await this.emitState('connected', { self: { phone, lid: null, name: 'Shop' }, ...(options.isNewLogin ? { isNewLogin: true } : {}) });
  }
  /** Closes like the adapter does: the state the close implies, with the classified reason. */
  async close(cls: DisconnectClass, code: number | null = null): Promise<void> {
    const implied: ConnectionState =
      cls === 'logged_out'
        ? 'logged_out'
        : cls === 'qr_timeout'
          ? 'unlinked'
          : ['replaced', 'forbidden', 'multidevice_mismatch'].includes(cls)
            ? 'failed'
            : cls === 'stopped'
              ? 'idle'
              : 'reconnecting';
    await this.emitState(implied, { reason: { class: cls, code, text: `closed: ${cls}` } });
  }
  async emitMessages(batch: InboundMessage[], info: MessageBatchInfo): Promise<void> {
    await this.messages.emit(batch, info);
  }
  async emitReceipts(receipts: Receipt[]): Promise<void> {
    await this.receipts.emit(receipts);
  }
  async emitPresence(presence: CustomerPresence): Promise<void> {
    await this.customerPresence.emit(presence);
  }
}

/** A session factory for the number manager that keeps every session it made. */
export function fakeProvider(behaviour: FakeSessionBehaviour | ((number: NumberRef) => FakeSessionBehaviour) = {}) {
  const sessions: FakeSession[] = [];
  return {
    sessions,
    create(number: NumberRef, auth: AuthStateStore): FakeSession {
      const session = new FakeSession(number, auth, typeof behaviour === 'function' ? behaviour(number) : behaviour);
      sessions.push(session);
      return session;
    },
    /** The latest session made for a number. */
    last(numberId: string): FakeSession | undefined {
      return sessions.filter((s) => s.number.id === numberId).at(-1);
    },
    of(numberId: string): FakeSession[] {
      return sessions.filter((s) => s.number.id === numberId);
    },
  };
}
export type FakeProvider = ReturnType<typeof fakeProvider>;
