/**
 * wa-sim: a local peer that plays WhatsApp's server and the customers' phones for the unmodified Baileys client.
 * Test and demo tool only. See README.md.
 */
import { proto } from 'baileys';

import { makeServerIdentity } from './cert.js';
import { startSocketServer } from './server.js';
import type { SimConnection } from './server.js';
import { World } from './world.js';
import type { Customer, ReceivedMessage, SentByCustomer } from './world.js';

export { trustSimulatorRoot } from './cert.js';
export type { Customer, ReceivedMessage, SentByCustomer } from './world.js';

export interface WaSimOptions {
  /** WebSocket port on 127.0.0.1 (0/undefined = random) */
  port?: number;
  /** log function for simulator diagnostics; silent by default (WA_SIM_DEBUG=1 logs to stderr) */
  log?: (msg: string, data?: unknown) => void;
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
  /** decrypted messages the business sent to this customer */
  receivedBy(customerPhone: string): ReceivedMessage[];
  /** resolves with the next message the business sends to the customer (or one already received matching `match`) */
  waitForMessage(customerPhone: string, match?: (m: ReceivedMessage) => boolean, timeoutMs?: number): Promise<ReceivedMessage>;
  /** receipts the business sent for a customer's message ('delivery', 'read', 'inactive', …) */
  receiptsFor(customerPhone: string, messageId: string): string[];
  waitForReceipt(customerPhone: string, messageId: string, type?: string, timeoutMs?: number): Promise<void>;
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
  const sockets = await startSocketServer(
    identity,
    {
      onOpen: (conn: SimConnection) => world.onOpen(conn),
      onNode: (conn: SimConnection, n) => world.onNode(conn, n),
      onClose: (conn: SimConnection) => world.onClose(conn),
    },
    { port: options.port, log },
  );

  const sim: WaSim = {
    url: sockets.url,
    rootPublicKey: identity.root.public,
    world,
    createCustomer: (input) => world.createCustomer(input),
    scanQr: (qr, input) => world.scanQr(qr, input),
    sendText: (from, text, opts) => world.sendFromCustomer(from, { conversation: text }, { ...opts, type: 'text' }),
    sendMessage: (from, message, opts) => world.sendFromCustomer(from, message, opts),
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
    deliver: (phone, id) => world.sendReceiptFromCustomer(phone, id),
    read: (phone, id) => world.sendReceiptFromCustomer(phone, id, 'read'),
    drop: (business) => world.drop(business),
    streamError: (code, business) => world.streamError(code, business),
    logoutDevice: (business) => world.logoutDevice(business),
    replaced: (business) => world.replaced(business),
    close: async () => {
      await sockets.close();
    },
  };
  return sim;
}
