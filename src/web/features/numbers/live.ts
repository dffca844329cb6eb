import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { DomainEvent } from '../../../contracts/events';
import { API_BASE } from '../../api/client';
import { applyStatus, numberKeys } from './api';

export type LiveState = 'connecting' | 'live' | 'offline';

const PING_MS = 25_000;
const MAX_RETRY_MS = 15_000;

function eventsUrl(workspaceId: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}${API_BASE}/workspaces/${encodeURIComponent(workspaceId)}/events`;
}

/**
 * The workspace's live event stream (WebSocket, session cookie). Reconnects with
 * backoff; `onReady` runs on every (re)connection, since events missed while the
 * socket was down are not replayed and the caller must refetch.
 */
export function useWorkspaceEvents(
  workspaceId: string,
  handlers: { onEvent: (event: DomainEvent) => void; onReady?: (reconnected: boolean) => void },
): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });

  useEffect(() => {
    let socket: WebSocket | null = null;
    let retryMs = 500;
    let retryTimer: number | undefined;
    let pingTimer: number | undefined;
    let stopped = false;
    let connectedBefore = false;

    const connect = () => {
      if (stopped) return;
      setState((s) => (s === 'live' ? s : 'connecting'));
      const ws = new WebSocket(eventsUrl(workspaceId));
      socket = ws;
      ws.onmessage = (m) => {
        let data: { type?: string; payload?: unknown };
        try {
          data = JSON.parse(String(m.data)) as typeof data;
        } catch {
          return;
        }
        if (data.type === 'ready') {
          retryMs = 500;
          setState('live');
          latest.current.onReady?.(connectedBefore);
          connectedBefore = true;
          return;
        }
        if (data.type === 'pong' || !data.payload) return;
        latest.current.onEvent(data as unknown as DomainEvent);
      };
      ws.onopen = () => {
        window.clearInterval(pingTimer);
        pingTimer = window.setInterval(() => {
          if (ws.readyState === WebSocket.OPEN) ws.send('ping');
        }, PING_MS);
      };
      ws.onclose = () => {
        window.clearInterval(pingTimer);
        if (socket !== ws || stopped) return;
        setState('offline');
        retryTimer = window.setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      };
    };
    connect();

    return () => {
      stopped = true;
      window.clearTimeout(retryTimer);
      window.clearInterval(pingTimer);
      const ws = socket;
      socket = null;
      ws?.close(1000);
    };
  }, [workspaceId]);

  return state;
}

/** Keeps the cached numbers of a workspace in step with `number.*` events. */
export function useLiveNumbers(workspaceId: string): LiveState {
  const qc = useQueryClient();
  return useWorkspaceEvents(workspaceId, {
    onEvent: (event) => {
      switch (event.type) {
        case 'number.status': {
          const known = applyStatus(qc, workspaceId, event.payload);
          // A state change can bring a phone number or link time with it: fetch the rest quietly.
          if (!known || event.payload.state === 'connected') void qc.invalidateQueries({ queryKey: numberKeys.all(workspaceId) });
          break;
        }
        case 'number.updated':
        case 'number.deleted':
          void qc.invalidateQueries({ queryKey: numberKeys.all(workspaceId) });
          break;
        default:
          break;
      }
    },
    onReady: (reconnected) => {
      if (reconnected) void qc.invalidateQueries({ queryKey: numberKeys.all(workspaceId) });
    },
  });
}
