/**
 * Carries domain events between server processes that share one PostgreSQL
 * (PRODUCT §13), with LISTEN/NOTIFY: every event published in this process is
 * sent with NOTIFY on one channel, and every notification from another process
 * is delivered to this process's local subscribers (`bus.deliverLocal`). Each
 * message carries the sender's process id, so a process skips its own.
 *
 * Delivery is best effort, like the WebSocket it feeds: while the listening
 * connection is down (it reconnects with backoff) events from others are
 * missed, and clients refetch on reconnect. Payloads are small by design
 * (ids and summaries); one over PostgreSQL's 8000-byte limit is dropped with a
 * warning rather than sent cut.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DomainEvent } from '../../contracts/events.js';
import type { EventBus } from './bus.js';

export const DEFAULT_EVENTS_CHANNEL = 'wasphere_events';
const MAX_PAYLOAD_BYTES = 7900;

interface Envelope {
  p: string;
  e: DomainEvent;
}

function isEvent(value: unknown): value is DomainEvent {
  const e = value as Partial<DomainEvent> | null;
  return (
    !!e && typeof e.type === 'string' && typeof e.workspaceId === 'string' && typeof e.at === 'string' && typeof e.payload === 'object'
  );
}

export function createPgBridge(deps: { connectionString: string; logger: Logger; channel?: string; processId?: string }) {
  const log = deps.logger.child({ component: 'pg-bridge' });
  const channel = deps.channel ?? DEFAULT_EVENTS_CHANNEL;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error('event channel must be a plain lower-case identifier');
  const processId = deps.processId ?? randomBytes(8).toString('hex');
  const notifier = new pg.Pool({ connectionString: deps.connectionString, max: 1 });
  notifier.on('error', () => undefined);
  let listener: pg.Client | null = null;
  let bus: EventBus | null = null;
  let unsubscribe: (() => void) | null = null;
  let running = false;
  let retryMs = 500;
  let retryTimer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  // Events this bridge delivered from elsewhere: never sent back out.
  const fromElsewhere = new WeakSet<object>();

  function onNotification(message: pg.Notification): void {
    if (message.channel !== channel || !message.payload || !bus) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message.payload) as Envelope;
    } catch {
      return;
    }
    if (envelope.p === processId || !isEvent(envelope.e)) return;
    fromElsewhere.add(envelope.e);
    bus.deliverLocal(envelope.e);
  }

  async function connect(): Promise<void> {
    const client = new pg.Client({ connectionString: deps.connectionString });
    client.on('notification', onNotification);
    client.on('error', (error) => {
      log.warn({ err: error }, 'event listener connection failed; reconnecting');
      reconnect(client);
    });
    client.on('end', () => reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    listener = client;
    retryMs = 500;
  }

  function reconnect(client: pg.Client): void {
    if (listener !== client && listener !== null) return;
    listener = null;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (!running || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!running) return;
      connect().catch((error: unknown) => {
        log.warn({ err: error }, 'event listener could not reconnect');
        retryMs = Math.min(retryMs * 2, 30_000);
        reconnect(new pg.Client());
      });
    }, retryMs);
    retryTimer.unref();
  }

  function forward(event: DomainEvent): void {
    if (!running || fromElsewhere.has(event)) return;
    const payload = JSON.stringify({ p: processId, e: event } satisfies Envelope);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      log.warn({ type: event.type, bytes: Buffer.byteLength(payload) }, 'event too large for NOTIFY; not sent to other processes');
      return;
    }
    // One at a time, so other processes see this process's events in order.
    chain = chain
      .then(() => notifier.query('SELECT pg_notify($1, $2)', [channel, payload]))
      .then(() => undefined)
      .catch((error: unknown) => log.warn({ err: error }, 'NOTIFY failed'));
  }

  return {
    processId,
    channel,
    /** Listens for other processes' events and sends this process's own. */
    async start(target: EventBus): Promise<void> {
      if (running) return;
      running = true;
      bus = target;
      await connect();
      unsubscribe = target.subscribe('*', forward);
    },
    async stop(): Promise<void> {
      running = false;
      unsubscribe?.();
      unsubscribe = null;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      await chain;
      const client = listener;
      listener = null;
      if (client) {
        client.removeAllListeners('end');
        await client.end().catch(() => undefined);
      }
      await notifier.end().catch(() => undefined);
    },
  };
}

export type PgBridge = ReturnType<typeof createPgBridge>;
