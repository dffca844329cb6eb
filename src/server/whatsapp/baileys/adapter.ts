/**
 * A `ProviderSession` on top of a Baileys socket.
 *
 * The session translates; it does not decide. After a close it reports the
 * classified reason and the state it implies, and the number manager (with
 * `reconnect-policy.ts`) decides whether to call `start()` again or
 * `logout()` to wipe the keys. Nothing runs at import time.
 */
import {
  downloadMediaMessage,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  makeCacheableSignalKeyStore,
  makeWASocket,
  type BaileysEventMap,
  type UserFacingSocketConfig,
  type WAMessage,
  type WASocket,
  type WAPresence,
} from 'baileys';
import type { Logger } from 'pino';
import { createListenerSet } from '../listeners.js';
import {
  ProviderError,
  type AuthStateStore,
  type ConnectionState,
  type ConnectionUpdate,
  type ContactUpdate,
  type CustomerPresence,
  type CustomerRef,
  type DisconnectInfo,
  type InboundMessage,
  type LidMapping,
  type MessageBatchInfo,
  type PresenceKind,
  type ProviderSession,
  type Receipt,
  type WhatsAppCheck,
} from '../provider.js';
import { OutboundValidationError, toBaileysSend } from './outbound.js';
import { loadAuthState, saveCreds, type LoadedAuthState } from './auth-state.js';
import { contactUpdatesFrom, lidMappingFrom } from './contacts.js';
import { classifyDisconnect } from './disconnect.js';
import { engineLogger } from './engine-log.js';
import { jidForCustomer, jidForPhone, lidFromJid, phoneFromJid, type SelfIds } from './jid.js';
import { decodeMediaHandle } from './media-handle.js';
import { presencesFrom } from './presence.js';
import { receiptsFromMessageUpdates, receiptsFromUserReceipts } from './receipts.js';
import { translateMessages } from './translate.js';

/** The socket surface we use; tests pass a fake. */
export type SocketLike = Pick<
  WASocket,
  | 'ev'
  | 'end'
  | 'logout'
  | 'requestPairingCode'
  | 'sendMessage'
  | 'readMessages'
  | 'sendPresenceUpdate'
  | 'onWhatsApp'
  | 'presenceSubscribe'
  | 'updateMediaMessage'
  | 'signalRepository'
  | 'user'
>;

export type MakeSocket = (config: UserFacingSocketConfig) => SocketLike;

export interface BaileysSessionOptions {
  auth: AuthStateStore;
  logger: Logger;
  /** Level for Baileys' own logs; it is chatty, so `warn` unless debugging. */
  engineLogLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Defaults to Baileys' own (WhatsApp Web); the local protocol simulator sets its own. */
  waWebSocketUrl?: string | URL;
  /** How the linked device is named on the phone: [platform, browser, version]. */
  browser?: [string, string, string];
  /** Ask the phone for the full history on first link (slow, large). */
  syncFullHistory?: boolean;
  /** Skip decrypting groups, status, broadcast lists and newsletters: we never show them. */
  ignoreNonCustomerChats?: boolean;
  /** Pin the WhatsApp Web version; defaults to the one Baileys ships with. */
  version?: [number, number, number];
  /** How long `requestPairingCode` waits for the socket to be ready. */
  pairingReadyTimeoutMs?: number;
  /** Replaces `makeWASocket` (tests). */
  makeSocket?: MakeSocket;
  now?: () => number;
}

const PRESENCE: Record<PresenceKind, WAPresence> = { typing: 'composing', recording: 'recording', paused: 'paused' };

/**
 * Baileys' `onWhatsApp` lists only the numbers WhatsApp has an account for, each
 * under the JID WhatsApp answered with. A phone asked about is "not on WhatsApp"
 * only when every answer matched a phone asked: WhatsApp may answer with a
 * differently written number (e.g. a mobile prefix it adds or drops), and then
 * the phones it did not match stay unknown rather than being skipped wrongly.
 * No answer at all (`undefined`) tells nothing.
 */
export function whatsAppChecksFrom(
  asked: readonly string[],
  found: ReadonlyArray<{ jid: string; exists: unknown }> | undefined,
): WhatsAppCheck[] {
  if (!found) return [];
  const present = new Set<string>();
  let unmatched = false;
  for (const f of found) {
    if (!f.exists) continue;
    const phone = phoneFromJid(f.jid);
    if (phone !== null && asked.includes(phone)) present.add(phone);
    else unmatched = true;
  }
  return asked.flatMap((phone): WhatsAppCheck[] =>
    present.has(phone) ? [{ phone, onWhatsApp: true }] : unmatched ? [] : [{ phone, onWhatsApp: false }],
  );
}

/** State a close leaves the number in, before the owner reacts. */
export function stateAfterClose(info: DisconnectInfo): ConnectionState {
  switch (info.class) {
    case 'stopped':
      return 'idle';
    case 'logged_out':
      return 'logged_out';
    case 'qr_timeout':
      return 'unlinked';
    case 'replaced':
    case 'forbidden':
    case 'multidevice_mismatch':
      return 'failed';
    default:
      return 'reconnecting';
  }
}

export function createBaileysSession(options: BaileysSessionOptions): ProviderSession {
  const log = options.logger;
  const now = options.now ?? Date.now;
  const makeSocket: MakeSocket = options.makeSocket ?? makeWASocket;
  const reportListenerError = (error: unknown) => log.error({ err: error }, 'whatsapp listener failed');

  const connection = createListenerSet<[ConnectionUpdate]>(reportListenerError);
  const messages = createListenerSet<[InboundMessage[], MessageBatchInfo]>(reportListenerError);
  const receipts = createListenerSet<[Receipt[]]>(reportListenerError);
  const contacts = createListenerSet<[ContactUpdate[]]>(reportListenerError);
  const lidMappings = createListenerSet<[LidMapping[]]>(reportListenerError);
  const credsChanged = createListenerSet<[]>(reportListenerError);
  const presences = createListenerSet<[CustomerPresence]>(reportListenerError);

  let sock: SocketLike | null = null;
  let auth: LoadedAuthState | null = null;
  let state: ConnectionState = 'idle';
  let closingOnPurpose = false;
  let everStarted = false;
  let lastQr: string | null = null;
  let readyWaiters: Array<() => void> = [];
  // Learnt LID → phone pairs; the engine's own store is asked for the rest.
  const phoneByLid = new Map<string, string>();

  // Events are handled one batch at a time, in arrival order.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (task: () => Promise<void>) => {
    queue = queue.then(task).catch((error) => log.error({ err: error }, 'whatsapp event handling failed'));
    return queue;
  };

  const setState = async (update: Omit<ConnectionUpdate, 'at'>) => {
    state = update.state;
    await connection.emit({ ...update, at: new Date(now()) });
  };

  const self = (): SelfIds => {
    const me = sock?.user ?? auth?.creds.me;
    return { phone: phoneFromJid(me?.id), lid: lidFromJid(me?.lid) };
  };
  const lookupPhoneForLid = (lid: string) => phoneByLid.get(lid);

  const learn = async (pairs: LidMapping[]) => {
    const fresh = pairs.filter((p) => phoneByLid.get(p.lid) !== p.phone);
    for (const p of fresh) phoneByLid.set(p.lid, p.phone);
    if (fresh.length) await lidMappings.emit(fresh);
  };

  /** Fetch from the engine's mapping store the LIDs we are about to need and do not know. */
  const prefetchLids = async (jids: Array<string | null | undefined>) => {
    const unknown = [...new Set(jids.map(lidFromJid).filter((l): l is string => !!l && !phoneByLid.has(l)))];
    if (!unknown.length || !sock) return;
    try {
      const found = await sock.signalRepository.lidMapping.getPNsForLIDs(unknown.map((l) => `${l}@lid`));
      const pairs = (found ?? []).map(lidMappingFrom).filter((p): p is LidMapping => p !== null);
      await learn(pairs);
    } catch (error) {
      log.warn({ err: error }, 'LID lookup failed');
    }
  };

  const keyJidsNeedingLookup = (msgs: ReadonlyArray<{ key: WAMessage['key'] }>) =>
    msgs.filter((m) => !phoneFromJid(m.key.remoteJidAlt)).map((m) => m.key.remoteJid);

  const emitMessages = async (batch: WAMessage[], info: MessageBatchInfo) => {
    await prefetchLids(keyJidsNeedingLookup(batch));
    const { messages: translated, ignored } = translateMessages(batch, { lookupPhoneForLid, self: self(), now });
    if (ignored.length) log.debug({ ignored: ignored.length, reasons: [...new Set(ignored.map((i) => i.reason))] }, 'messages ignored');
    if (translated.length) await messages.emit(translated, info);
  };

  const onClose = async (error: unknown) => {
    const info = closingOnPurpose ? classifyDisconnect(undefined) : classifyDisconnect(error);
    closingOnPurpose = false;
    sock = null;
    lastQr = null;
    log.info({ reason: info.class, code: info.code }, 'whatsapp connection closed');
    await setState({ state: stateAfterClose(info), reason: info });
  };

  const handle = async (events: Partial<BaileysEventMap>) => {
    const update = events['connection.update'];
    if (update) {
      if (update.qr) {
        lastQr = update.qr;
        for (const ready of readyWaiters.splice(0)) ready();
        await setState({ state: 'waiting_for_scan', qr: update.qr });
      }
      if (update.connection === 'open') {
        const me = self();
        await setState({
          state: 'connected',
          self: { phone: me.phone, lid: me.lid, name: sock?.user?.name ?? sock?.user?.notify ?? null },
          ...(update.isNewLogin ? { isNewLogin: true } : {}),
        });
      } else if (update.connection === 'close') {
        await onClose(update.lastDisconnect?.error);
      }
    }

    if (events['creds.update'] && auth) {
      // Baileys has merged the update into `auth.creds` already; store the whole.
      await saveCreds(options.auth, auth.creds);
      await credsChanged.emit();
    }

    const lidUpdate = events['lid-mapping.update'];
    if (lidUpdate) {
      const pair = lidMappingFrom(lidUpdate);
      if (pair) await learn([pair]);
    }

    const history = events['messaging-history.set'];
    if (history) {
      await learn((history.lidPnMappings ?? []).map(lidMappingFrom).filter((p): p is LidMapping => p !== null));
      const cs = contactUpdatesFrom(history.contacts, { lookupPhoneForLid });
      if (cs.length) await contacts.emit(cs);
      await emitMessages(history.messages, { isHistory: true });
    }

    const upsert = events['messages.upsert'];
    if (upsert) await emitMessages(upsert.messages, { isHistory: false, upsertType: upsert.type });

    const statusUpdates = events['messages.update'];
    if (statusUpdates) {
      await prefetchLids(statusUpdates.filter((u) => u.update.status != null).map((u) => u.key.remoteJid));
      const rs = receiptsFromMessageUpdates(statusUpdates, { lookupPhoneForLid, self: self(), now });
      if (rs.length) await receipts.emit(rs);
    }

    const userReceipts = events['message-receipt.update'];
    if (userReceipts) {
      const rs = receiptsFromUserReceipts(userReceipts, { lookupPhoneForLid, self: self() });
      if (rs.length) await receipts.emit(rs);
    }

    const presence = events['presence.update'];
    if (presence) {
      for (const p of presencesFrom(presence, { lookupPhoneForLid, self: self() })) await presences.emit(p);
    }

    for (const list of [events['contacts.upsert'], events['contacts.update']]) {
      if (!list) continue;
      await learn(
        list
          .map((c) => (c.lid && c.phoneNumber ? lidMappingFrom({ lid: c.lid, pn: c.phoneNumber }) : null))
          .filter((p): p is LidMapping => p !== null),
      );
      const cs = contactUpdatesFrom(list, { lookupPhoneForLid });
      if (cs.length) await contacts.emit(cs);
    }
  };

  const requireSocket = (): SocketLike => {
    if (!sock || state !== 'connected') throw new ProviderError('not_connected', `number is ${state}`);
    return sock;
  };

  const start = async () => {
    if (sock) return;
    auth ??= await loadAuthState(options.auth);
    const engineLog = engineLogger(
      log.child(
        { component: 'baileys' },
        {
          level: options.engineLogLevel ?? 'warn',
          // Belt and braces: the engine should never log these, but if it does they stay out.
          redact: { paths: ['creds', '*.creds', 'keys', '*.keys', '*.privKey', '*.private', '*.mediaKey'], censor: '[redacted]' },
        },
      ),
    );
    const config: UserFacingSocketConfig = {
      auth: { creds: auth.creds, keys: makeCacheableSignalKeyStore(auth.keys, engineLog) },
      logger: engineLog,
      markOnlineOnConnect: false,
      syncFullHistory: options.syncFullHistory ?? false,
      // Retries of our own messages need their content; without a message store we cannot help.
      getMessage: async () => undefined,
      ...(options.waWebSocketUrl ? { waWebSocketUrl: options.waWebSocketUrl } : {}),
      ...(options.browser ? { browser: options.browser } : {}),
      ...(options.version ? { version: options.version } : {}),
      ...(options.ignoreNonCustomerChats !== false
        ? { shouldIgnoreJid: (jid: string) => Boolean(isJidGroup(jid) || isJidBroadcast(jid) || isJidNewsletter(jid)) }
        : {}),
    };
    const wasStarted = everStarted;
    everStarted = true;
    closingOnPurpose = false;
    await setState({ state: wasStarted && state === 'reconnecting' ? 'reconnecting' : 'connecting' });
    const created = makeSocket(config);
    sock = created;
    created.ev.process((events) => {
      // Baileys does not await this handler; the queue keeps order and catches.
      void enqueue(() => handle(events));
    });
  };

  const stop = async () => {
    const current = sock;
    if (!current) return;
    closingOnPurpose = true;
    await current.end(undefined);
    await queue;
    // If the engine did not report the close (listeners already gone), report it ourselves.
    if (sock === current) await enqueue(() => onClose(undefined));
  };

  const session: ProviderSession = {
    get state() {
      return state;
    },

    start,
    stop,

    async logout() {
      const current = sock;
      if (current && state === 'connected') {
        closingOnPurpose = true;
        try {
          await current.logout();
        } catch (error) {
          log.warn({ err: error }, 'logout request failed; clearing keys anyway');
        }
      }
      await stop();
      await queue;
      await options.auth.clear();
      auth = null;
      phoneByLid.clear();
      await setState({ state: 'logged_out', reason: { class: 'logged_out', code: null, text: 'Logged out from the dashboard' } });
    },

    async requestPairingCode(phone: string) {
      const digits = jidForPhone(phone).split('@')[0] ?? '';
      if (!sock) await start();
      const current = sock;
      if (!current) throw new ProviderError('pairing_failed', 'socket did not start');
      if (auth?.creds.registered) throw new ProviderError('pairing_failed', 'number is already linked');
      // The code can be requested once the handshake is done, which the first QR signals.
      if (!lastQr) await waitForReady(options.pairingReadyTimeoutMs ?? 20_000);
      try {
        const code = await current.requestPairingCode(digits);
        await setState({ state: 'waiting_for_scan', pairingCode: code });
        return code;
      } catch (error) {
        throw new ProviderError('pairing_failed', 'could not request a pairing code', { cause: error });
      }
    },

    async send(message) {
      const current = requireSocket();
      let prepared;
      try {
        prepared = toBaileysSend(message);
      } catch (error) {
        const text = error instanceof OutboundValidationError || error instanceof Error ? error.message : 'invalid message';
        throw new ProviderError('invalid_message', text, { cause: error });
      }
      let sent: WAMessage | undefined;
      try {
        sent = await current.sendMessage(prepared.jid, prepared.content, prepared.options);
      } catch (error) {
        throw new ProviderError('send_failed', error instanceof Error ? error.message : 'send failed', { cause: error });
      }
      const id = sent?.key.id;
      if (!id) throw new ProviderError('send_failed', 'WhatsApp returned no message id');
      const seconds = Number(sent?.messageTimestamp ?? 0);
      return { providerMessageId: id, at: new Date(seconds > 0 ? seconds * 1000 : now()) };
    },

    async downloadMedia(handle) {
      let msg: WAMessage;
      try {
        msg = decodeMediaHandle(handle);
      } catch (error) {
        throw new ProviderError('media_unavailable', 'unknown media handle', { cause: error });
      }
      const current = sock;
      try {
        // With a live socket, expired media is re-requested from the phone.
        return await downloadMediaMessage(
          msg,
          'buffer',
          {},
          current ? { reuploadRequest: (m) => current.updateMediaMessage(m), logger: log } : undefined,
        );
      } catch (error) {
        throw new ProviderError('media_unavailable', error instanceof Error ? error.message : 'download failed', {
          cause: error,
        });
      }
    },

    async markRead(refs) {
      if (!refs.length) return;
      const current = requireSocket();
      await current.readMessages(refs.map((r) => ({ remoteJid: jidForCustomer(r.chat), id: r.providerMessageId, fromMe: false })));
    },

    async sendPresence(to: CustomerRef | string, presence: PresenceKind) {
      const current = requireSocket();
      const jid = typeof to === 'string' ? jidForPhone(to) : jidForCustomer(to);
      await current.sendPresenceUpdate(PRESENCE[presence], jid);
    },

    async checkOnWhatsApp(phones) {
      const current = requireSocket();
      const asked = [...new Set(phones.map((p) => p.replace(/\D/g, '')).filter((p) => p.length > 0))];
      if (asked.length === 0) return [];
      let found;
      try {
        found = await current.onWhatsApp(...asked.map((p) => jidForPhone(p)));
      } catch (error) {
        throw new ProviderError('send_failed', error instanceof Error ? error.message : 'WhatsApp did not answer the check', {
          cause: error,
        });
      }
      return whatsAppChecksFrom(asked, found);
    },

    async subscribePresence(to: CustomerRef | string) {
      const current = requireSocket();
      await current.presenceSubscribe(typeof to === 'string' ? jidForPhone(to) : jidForCustomer(to));
    },

    onConnection: (listener) => connection.add(listener),
    onMessages: (listener) => messages.add(listener),
    onReceipts: (listener) => receipts.add(listener),
    onContacts: (listener) => contacts.add(listener),
    onLidMappings: (listener) => lidMappings.add(listener),
    onPresence: (listener) => presences.add(listener),
    onCredsChanged: (listener) => credsChanged.add(() => listener()),
  };

  function waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        readyWaiters = readyWaiters.filter((w) => w !== done);
        reject(new ProviderError('pairing_failed', 'WhatsApp did not get ready for pairing in time'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      readyWaiters.push(done);
    });
  }

  return session;
}
