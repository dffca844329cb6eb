/**
 * Live events for the dashboard over WebSocket, one connection per open tab,
 * scoped to one workspace.
 *
 * Wire format (server → client), JSON text frames:
 * - first `{"type":"ready","workspaceId","seq"}`;
 * - then each domain event as `{"seq", "type", "workspaceId", "at", "payload"}`.
 * `seq` increases by one per event this server process sends (on any of its
 * connections), so a client sees order and can spot a gap within one connection.
 * There is no replay: after a reconnect (or a gap) the client refetches what it
 * shows. That keeps the server stateless across processes and restarts.
 *
 * The server pings every `pingMs`; a connection that missed a pong is closed.
 * Membership is checked again on every ping, so a removed member stops
 * receiving within one interval. A client too slow to read is disconnected
 * (1013) rather than buffered without bound; it reconnects and refetches.
 */
import type { Logger } from 'pino';
import { SERVER_ONLY_EVENTS, type DomainEvent } from '../../contracts/events.js';
import type { Caller } from '../modules/caller.js';
import type { WorkspaceAccess } from '../modules/workspaces/access.js';
import type { EventBus } from './bus.js';

/** The part of a `ws` WebSocket the hub uses. */
export interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'pong' | 'close', listener: () => void): unknown;
  on(event: 'message', listener: (data: unknown) => void): unknown;
}

const OPEN = 1;

export function createRealtimeHub(deps: {
  bus: EventBus;
  access: Pick<WorkspaceAccess, 'require'>;
  logger: Logger;
  pingMs?: number;
  maxBufferedBytes?: number;
}) {
  const { bus, access } = deps;
  const pingMs = deps.pingMs ?? 30_000;
  const maxBuffered = deps.maxBufferedBytes ?? 1024 * 1024;
  let seq = 0;
  const open = new Set<SocketLike>();

  return {
    /** Members only; a non-member gets not_found like every workspace route. */
    async authorize(caller: Caller, workspaceId: string): Promise<void> {
      await access.require(caller, workspaceId, 'workspace.read');
    },

    attach(socket: SocketLike, caller: Caller, workspaceId: string): void {
      open.add(socket);
      let alive = true;
      const send = (message: unknown) => {
        if (socket.readyState !== OPEN) return;
        if (socket.bufferedAmount > maxBuffered) {
          socket.close(1013, 'too slow; reconnect and refetch');
          return;
        }
        socket.send(JSON.stringify(message));
      };
      const unsubscribe = bus.subscribe(workspaceId, (event: DomainEvent) => {
        if (SERVER_ONLY_EVENTS.has(event.type)) return;
        seq += 1;
        send({ seq, ...event });
      });
      const timer = setInterval(() => {
        if (!alive) {
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
        access.require(caller, workspaceId, 'workspace.read').catch(() => socket.close(4403, 'no longer a member'));
      }, pingMs);
      timer.unref();
      socket.on('pong', () => {
        alive = true;
      });
      socket.on('message', (data) => {
        // Application-level keep-alive for clients that cannot send ping frames (browsers).
        if (String(data) === 'ping') send({ type: 'pong' });
      });
      socket.on('close', () => {
        clearInterval(timer);
        unsubscribe();
        open.delete(socket);
      });
      send({ type: 'ready', workspaceId, seq });
    },

    /** Closes every connection (shutdown); clients reconnect to another process. */
    closeAll(): void {
      for (const socket of open) socket.close(1001, 'server shutting down');
    },

    get connections(): number {
      return open.size;
    },
  };
}

export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
