/**
 * Test harness: drives a real Baileys socket against a wa-sim instance with an in-memory auth state,
 * the way a Baileys consumer does (new socket on restartRequired).
 */
import { Boom } from '@hapi/boom';
import makeWASocket, { BufferJSON, initAuthCreds } from 'baileys';
import type {
  AuthenticationCreds,
  ConnectionState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
  UserFacingSocketConfig,
  WAMessage,
  WAMessageUpdate,
  WASocket,
} from 'baileys';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';

import { trustSimulatorRoot } from './cert.js';
import { createWaSim } from './index.js';
import type { WaSim } from './index.js';

export interface MemoryAuth {
  creds: AuthenticationCreds;
  keys: SignalKeyStore;
  data: Map<string, unknown>;
}

export function memoryAuthState(): MemoryAuth {
  const creds = initAuthCreds();
  const data = new Map<string, unknown>();
  const keys: SignalKeyStore = {
    get: <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const value = data.get(`${type}-${id}`);
        if (value !== undefined) out[id] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    set: (set: SignalDataSet) => {
      for (const [type, entries] of Object.entries(set)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) data.delete(`${type}-${id}`);
          else data.set(`${type}-${id}`, value);
        }
      }
    },
  };
  return { creds, keys, data };
}

/** round-trips creds through JSON like a persisted store would */
export const persistCreds = (creds: AuthenticationCreds): AuthenticationCreds =>
  JSON.parse(JSON.stringify(creds, BufferJSON.replacer), BufferJSON.reviver) as AuthenticationCreds;

export interface Client {
  sock: WASocket;
  auth: MemoryAuth;
  updates: Partial<ConnectionState>[];
  waitFor(predicate: (u: Partial<ConnectionState>) => boolean, timeoutMs?: number): Promise<Partial<ConnectionState>>;
  closed: Promise<{ statusCode: number | undefined; error: Error | undefined }>;
}

export const logger = pino({ level: process.env.WA_SIM_BAILEYS_LOG ?? 'silent' });

export function connectClient(sim: WaSim, auth: MemoryAuth, extra: Partial<UserFacingSocketConfig> = {}): Client {
  const sock = makeWASocket({
    waWebSocketUrl: sim.url,
    auth: { creds: auth.creds, keys: auth.keys },
    logger,
    connectTimeoutMs: 10_000,
    defaultQueryTimeoutMs: 10_000,
    // no history sync: otherwise Baileys buffers events for 20 s waiting for a history notification after first login
    shouldSyncHistoryMessage: () => false,
    ...extra,
  });
  sock.ev.on('creds.update', (update) => Object.assign(auth.creds, update));
  const updates: Partial<ConnectionState>[] = [];
  const waiters = new Set<(u: Partial<ConnectionState>) => void>();
  let resolveClosed!: (v: { statusCode: number | undefined; error: Error | undefined }) => void;
  const closed = new Promise<{ statusCode: number | undefined; error: Error | undefined }>((r) => (resolveClosed = r));
  sock.ev.on('connection.update', (update) => {
    updates.push(update);
    for (const waiter of [...waiters]) waiter(update);
    if (update.connection === 'close') {
      const error = update.lastDisconnect?.error as Error | undefined;
      resolveClosed({ statusCode: (error as Boom | undefined)?.output?.statusCode, error });
    }
  });
  const waitFor = (predicate: (u: Partial<ConnectionState>) => boolean, timeoutMs = 15_000): Promise<Partial<ConnectionState>> => {
    const seen = updates.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out; updates: ${JSON.stringify(updates.map((u) => ({ ...u, qr: u.qr ? 'qr' : undefined })))}`));
      }, timeoutMs);
      const check = (u: Partial<ConnectionState>): void => {
        if (predicate(u)) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(u);
        }
      };
      waiters.add(check);
    });
  };
  return { sock, auth, updates, waitFor, closed };
}

/** QR → scan → 515 → reconnect with saved creds → open. Returns the logged-in client. */
export async function linkAndLogin(
  sim: WaSim,
  business: { phone: string; pushName?: string },
  extra: Partial<UserFacingSocketConfig> = {},
): Promise<{ client: Client; auth: MemoryAuth }> {
  const auth = memoryAuthState();
  const first = connectClient(sim, auth, extra);
  const { qr } = await first.waitFor((u) => !!u.qr);
  await sim.scanQr(qr!, business);
  const { statusCode } = await first.closed;
  if (statusCode !== 515) throw new Error(`expected restartRequired (515), got ${statusCode}`);
  const client = connectClient(sim, auth, extra);
  await client.waitFor((u) => u.connection === 'open');
  return { client, auth };
}

export const useSimRoot = (sim: WaSim): (() => void) => trustSimulatorRoot(sim.rootPublicKey);

export const endClient = (client: Client | undefined): void => {
  try {
    client?.sock.end(undefined);
  } catch {
    // already closed
  }
};

/**
 * Gives each test of the calling file a fresh simulator with `business` linked and
 * logged in through a real Baileys client, and ends both after it. `extra` is the
 * socket config, made from the simulator when it needs it (its media certificate).
 */
export function useLinkedClient(
  business: { phone: string; pushName?: string },
  extra: (sim: WaSim) => Partial<UserFacingSocketConfig> = () => ({}),
): { readonly sim: WaSim; readonly client: Client } {
  let sim: WaSim | undefined;
  let client: Client | undefined;
  let restoreRoot = (): void => {};
  beforeEach(async () => {
    sim = await createWaSim();
    restoreRoot = useSimRoot(sim);
    ({ client } = await linkAndLogin(sim, business, extra(sim)));
  });
  afterEach(async () => {
    endClient(client);
    client = undefined;
    restoreRoot();
    await sim?.close();
    sim = undefined;
  });
  return {
    get sim() {
      if (!sim) throw new Error('the simulator exists only inside a test');
      return sim;
    },
    get client() {
      if (!client) throw new Error('the linked client exists only inside a test');
      return client;
    },
  };
}

/** The first `messages.upsert` message that matches, within `timeoutMs`. */
export const nextUpsert = (client: Client, match: (m: WAMessage) => boolean, timeoutMs = 10_000): Promise<WAMessage> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching messages.upsert')), timeoutMs);
    const listener = ({ messages }: { messages: WAMessage[] }): void => {
      const found = messages.find(match);
      if (found) {
        clearTimeout(timer);
        client.sock.ev.off('messages.upsert', listener);
        resolve(found);
      }
    };
    client.sock.ev.on('messages.upsert', listener);
  });

/** The `messages.update` that gives message `id` the receipt `status`, within `timeoutMs`. */
export const nextStatus = (client: Client, id: string, status: number, timeoutMs = 10_000): Promise<WAMessageUpdate> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no messages.update with status ${status}`)), timeoutMs);
    const listener = (updates: WAMessageUpdate[]): void => {
      const found = updates.find((u) => u.key.id === id && u.update.status === status);
      if (found) {
        clearTimeout(timer);
        client.sock.ev.off('messages.update', listener);
        resolve(found);
      }
    };
    client.sock.ev.on('messages.update', listener);
  });
