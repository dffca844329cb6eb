/**
 * wa-sim: a local peer that plays WhatsApp's server and the customers' phones for the unmodified Baileys client.
 * Test and demo tool only. See README.md.
 */
import { proto } from 'baileys';

import { makeServerIdentity } from './cert.js';
import { decryptMedia, encryptMedia, startMediaServer, undiciAgentTrusting } from './media.js';
import { startSocketServer } from './server.js';
import type { SimConnection } from './server.js';
import { World } from './world.js';
import type { ChatState, Customer, ReceivedMessage, SentByCustomer } from './world.js';

export { trustSimulatorRoot } from './cert.js';
export { undiciAgentTrusting } from './media.js';
export { runLoad } from './load.js';
export type { LoadOptions, LoadResult } from './load.js';
export { startControlHttp } from './control-http.js';
export type { ControlHttp } from './control-http.js';
export type { ChatState, Customer, ReceivedMessage, SentByCustomer } from './world.js';

export interface WaSimOptions {
  /** WebSocket port on 127.0.0.1 (0/undefined = random) */
  port?: number;
  /** log function for simulator diagnostics; silent by default (WA_SIM_DEBUG=1 logs to stderr) */
  log?: (msg: string, data?: unknown) => void;
  /** ack business messages as soon as they arrive (default true); false → call sim.ack(id) */
  autoAck?: boolean;
}

export interface WaSim {
  /** ws:// URL to pass to Baileys as `waWebSocketUrl` */
  url: string;
  /** root public key to install in `WA_CERT_DETAILS.PUBLIC_KEY` (see trustSimulatorRoot) */
  rootPublicKey: Buffer;
  world: World;
  createCustomer(input: { phone: string; pushName?: string }): Customer;
  /** the business phone scans the companion's QR */
  scanQr(qr: string, input: { phone: string; pushName?: string }): Promise<{ jid: string; lid: string; deviceId: number }>;
  sendText(from: string, text: string, options?: { business?: string; id?: string }): Promise<SentByCustomer>;
  /** raw proto.Message from a customer (for anything the helpers don't cover) */
  sendMessage(
    from: string,
    message: proto.IMessage,
    options?: { business?: string; id?: string; type?: string; mediatype?: string },
  ): Promise<SentByCustomer>;
  sendImage(
    from: string,
    image: { data: Buffer; mimetype?: string; caption?: string; width?: number; height?: number },
    options?: { business?: string; id?: string },
  ): Promise<SentByCustomer>;
  sendDocument(
    from: string,
    document: { data: Buffer; mimetype: string; fileName: string; caption?: string },
    options?: { business?: string; id?: string },
  ): Promise<SentByCustomer>;
  /** a text quoting an earlier message of the chat (either side) */
  sendReply(from: string, quotedId: string, text: string, options?: { business?: string; id?: string }): Promise<SentByCustomer>;
  /** reaction to a message of the chat (either side); empty emoji removes the reaction */
  sendReaction(from: string, messageId: string, emoji: string, options?: { business?: string; id?: string }): Promise<SentByCustomer>;
  /** fetches and decrypts the media of a message (what the business uploaded, or what a customer sent) */
  downloadMedia(message: proto.IMessage): Promise<Buffer>;
  /** loopback HTTPS media endpoint; trust `certificate` in the client (fetchAgent for uploads, undici dispatcher for downloads) */
  media: { host: string; certificate: Buffer; fetchDispatcher(): Promise<unknown> };
  /** decrypted messages the business sent to this customer */
  receivedBy(customerPhone: string): ReceivedMessage[];
  /** resolves with the next message the business sends to the customer (or one already received matching `match`) */
  waitForMessage(customerPhone: string, match?: (m: ReceivedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  /** receipts the business sent for a customer's message ('delivery', 'read', 'inactive', …) */
  receiptsFor(customerPhone: string, messageId: string): string[];
  waitForReceipt(customerPhone: string, messageId: string, type?: string, timeoutMs?: number): Promise<void>;
  /**
   * the customer's phone shows them typing / recording / stopped: a `<chatstate>` to the business's
   * connected companions that subscribed to the customer's presence; returns how many it reached
   */
  sendChatState(from: string, state: ChatState, options?: { business?: string }): number;
  /** whether a connected companion of the business subscribed to the customer's presence */
  isSubscribed(customerPhone: string, options?: { business?: string }): boolean;
  /** resolves once a connected companion of the business has subscribed to the customer's presence */
  waitForPresenceSubscription(customerPhone: string, options?: { business?: string; timeoutMs?: number }): Promise<void>;
  /** chat states the business sent to this customer, in order */
  chatStatesFromBusiness(customerPhone: string): ChatState[];
  /** server ack for a business message (automatic unless `autoAck: false`); `error` makes Baileys mark it failed */
  ack(messageId: string, options?: { error?: number }): void;
  /** the customer's phone confirms delivery / read of a business message */
  deliver(customerPhone: string, messageId: string): void;
  read(customerPhone: string, messageId: string): void;
  /** faults */
  drop(business?: string): void;
  streamError(code: number, business?: string): void;
  logoutDevice(business?: string): void;
  replaced(business?: string): void;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Check<T> = (...args: any[]) => T | undefined;

const waitForEvent = <T>(world: World, event: string, check: Check<T>, timeoutMs: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      const value = check(...args);
      if (value !== undefined) {
        clearTimeout(timer);
        world.off(event, listener);
        resolve(value);
      }
    };
    const timer = setTimeout(() => {
      world.off(event, listener);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    world.on(event, listener);
  });

export async function createWaSim(options: WaSimOptions = {}): Promise<WaSim> {
  const log =
    options.log ??
    (process.env.WA_SIM_DEBUG ? (msg: string, data?: unknown) => console.error(`[wa-sim] ${msg}`, data ?? '') : () => undefined);
  const identity = makeServerIdentity();
  const world = new World(log);
  world.autoAck = options.autoAck ?? true;
  const sockets = await startSocketServer(
    identity,
    {
      onOpen: (conn: SimConnection) => world.onOpen(conn),
      onNode: (conn: SimConnection, n) => world.onNode(conn, n),
      onClose: (conn: SimConnection) => world.onClose(conn),
    },
    { port: options.port, log },
  );

  const media = await startMediaServer();
  world.mediaHost = media.host;

  const sendMedia = async (
    from: string,
    kind: 'image' | 'document',
    data: Buffer,
    fields: proto.Message.IImageMessage & proto.Message.IDocumentMessage,
    options: { business?: string; id?: string } = {},
  ): Promise<SentByCustomer> => {
    const encrypted = await encryptMedia(data, kind);
    const directPath = media.put(encrypted.file, kind);
    const common = {
      url: `https://${media.host}${directPath}`,
      directPath,
      mediaKey: encrypted.mediaKey,
      fileSha256: encrypted.fileSha256,
      fileEncSha256: encrypted.fileEncSha256,
      fileLength: encrypted.fileLength,
      mediaKeyTimestamp: Math.floor(Date.now() / 1000),
    };
    const message: proto.IMessage =
      kind === 'image'
        ? {
            imageMessage: {
              ...common,
              mimetype: fields.mimetype ?? 'image/png',
              caption: fields.caption,
              width: fields.width,
              height: fields.height,
            },
          }
        : {
            documentMessage: {
              ...common,
              mimetype: fields.mimetype,
              fileName: fields.fileName,
              title: fields.fileName,
              caption: fields.caption,
            },
          };
    return world.sendFromCustomer(from, message, { ...options, type: 'media', mediatype: kind });
  };

  const sim: WaSim = {
    url: sockets.url,
    rootPublicKey: identity.root.public,
    world,
    createCustomer: (input) => world.createCustomer(input),
    scanQr: (qr, input) => world.scanQr(qr, input),
    sendText: (from, text, opts) => world.sendFromCustomer(from, { conversation: text }, { ...opts, type: 'text' }),
    sendMessage: (from, message, opts) => world.sendFromCustomer(from, message, opts),
    sendImage: (from, image, opts) => sendMedia(from, 'image', image.data, image, opts),
    sendDocument: (from, document, opts) => sendMedia(from, 'document', document.data, document, opts),
    sendReply: (from, quotedId, text, opts) => {
      const customer = world.getCustomer(from);
      const business = world.getBusiness(opts?.business);
      const quoted = world.findChatMessage(from, quotedId);
      if (!quoted) throw new Error(`no message ${quotedId} in the chat of ${from}`);
      return world.sendFromCustomer(
        from,
        {
          extendedTextMessage: {
            text,
            contextInfo: {
              stanzaId: quotedId,
              participant: quoted.fromCustomer ? customer.jid : business.jid,
              quotedMessage: quoted.message,
            },
          },
        },
        { ...opts, type: 'text' },
      );
    },
    sendReaction: (from, messageId, emoji, opts) => {
      const business = world.getBusiness(opts?.business);
      const target = world.findChatMessage(from, messageId);
      if (!target) throw new Error(`no message ${messageId} in the chat of ${from}`);
      // the key is from the reacting phone's perspective: the chat is the business, fromMe = the customer wrote it
      return world.sendFromCustomer(
        from,
        {
          reactionMessage: {
            key: { remoteJid: business.jid, fromMe: target.fromCustomer, id: messageId },
            text: emoji,
            senderTimestampMs: Date.now(),
          },
        },
        { ...opts, type: 'reaction' },
      );
    },
    downloadMedia: async (message) => {
      const content = message.imageMessage ?? message.documentMessage ?? message.videoMessage ?? message.audioMessage;
      const kind = message.imageMessage ? 'image' : message.documentMessage ? 'document' : message.videoMessage ? 'video' : 'audio';
      if (!content?.mediaKey || !(content.directPath || content.url)) throw new Error('not a media message');
      const file = media.get(content.directPath ?? content.url!);
      if (!file) throw new Error(`media not found on the simulator: ${content.directPath ?? content.url}`);
      return decryptMedia(file, content.mediaKey, kind);
    },
    media: { host: media.host, certificate: media.certificate, fetchDispatcher: () => undiciAgentTrusting(media.certificate) },
    receivedBy: (phone) => [...world.getCustomer(phone).inbox],
    waitForMessage: (phone, match = () => true, timeoutMs = 10_000) => {
      const customer = world.getCustomer(phone);
      const already = customer.inbox.find(match);
      if (already) return Promise.resolve(already);
      return waitForEvent(
        world,
        'customer-message',
        (c: Customer, m: ReceivedMessage) => (c === customer && match(m) ? m : undefined),
        timeoutMs,
        `a message to ${phone}`,
      );
    },
    receiptsFor: (phone, id) => [...(world.getCustomer(phone).receiptsFromBusiness.get(id) ?? [])],
    waitForReceipt: async (phone, id, type, timeoutMs = 10_000) => {
      const has = (): boolean => {
        const list = world.getCustomer(phone).receiptsFromBusiness.get(id) ?? [];
        return type ? list.includes(type) : list.length > 0;
      };
      if (has()) return;
      await waitForEvent(world, 'business-receipt', () => (has() ? true : undefined), timeoutMs, `receipt ${id}`);
    },
    sendChatState: (from, state, opts) => world.sendChatState(from, state, opts?.business),
    isSubscribed: (phone, opts) => world.isSubscribed(phone, opts?.business),
    waitForPresenceSubscription: async (phone, opts = {}) => {
      if (world.isSubscribed(phone, opts.business)) return;
      await waitForEvent(
        world,
        'presence-subscribe',
        () => (world.isSubscribed(phone, opts.business) ? true : undefined),
        opts.timeoutMs ?? 10_000,
        `a presence subscription to ${phone}`,
      );
    },
    chatStatesFromBusiness: (phone) => [...world.getCustomer(phone).chatStatesFromBusiness],
    ack: (id, opts) => world.ackOutbound(id, opts),
    deliver: (phone, id) => world.sendReceiptFromCustomer(phone, id),
    read: (phone, id) => world.sendReceiptFromCustomer(phone, id, 'read'),
    drop: (business) => world.drop(business),
    streamError: (code, business) => world.streamError(code, business),
    logoutDevice: (business) => world.logoutDevice(business),
    replaced: (business) => world.replaced(business),
    close: async () => {
      await sockets.close();
      await media.close();
    },
  };
  return sim;
}
