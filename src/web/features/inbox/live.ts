import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { DomainEvent } from '../../../contracts/events';
import { API_BASE } from '../../api/client';
import { inboxKeys } from './api';
import { typingStore } from './typing';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 20_000;
/** Many events in a burst (a history sync, a bulk change) become one list refetch. */
const LIST_REFRESH_MS = 250;

/**
 * Keeps the inbox live: listens to the workspace's event stream and refetches
 * what an event touched. Reconnects with growing, jittered delays; the server
 * does not replay missed events, so every reconnection refetches the inbox.
 */
export function useLiveInbox(workspaceId: string): LiveStatus {
  const qc = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    let socket: WebSocket | null = null;
    let stopped = false;
    let attempt = 0;
    let everReady = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let listTimer: ReturnType<typeof setTimeout> | undefined;

    const refreshLists = () => {
      if (listTimer) return;
      listTimer = setTimeout(() => {
        listTimer = undefined;
        void qc.invalidateQueries({ queryKey: inboxKeys.lists(workspaceId) });
      }, LIST_REFRESH_MS);
    };

    const onEvent = (event: DomainEvent) => {
      switch (event.type) {
        case 'conversation.typing':
          typingStore.apply(event.payload);
          break;
        case 'message.created':
          if (event.payload.direction === 'in') typingStore.customerSent(event.payload.conversationId);
          void qc.invalidateQueries({ queryKey: inboxKeys.messages(workspaceId, event.payload.conversationId) });
          refreshLists();
          break;
        case 'message.updated':
        case 'message.status':
          void qc.invalidateQueries({ queryKey: inboxKeys.messages(workspaceId, event.payload.conversationId) });
          refreshLists();
          break;
        case 'conversation.updated':
          void qc.invalidateQueries({ queryKey: inboxKeys.conversation(workspaceId, event.payload.conversationId) });
          void qc.invalidateQueries({ queryKey: inboxKeys.notes(workspaceId, event.payload.conversationId) });
          refreshLists();
          break;
        case 'contact.updated':
        case 'sla.updated':
        case 'sla.alert':
          refreshLists();
          break;
        default:
          break;
      }
    };

    const connect = () => {
      if (stopped) return;
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      const ws = new WebSocket(`${scheme}://${window.location.host}${API_BASE}/workspaces/${encodeURIComponent(workspaceId)}/events`);
      socket = ws;
      ws.onmessage = (message) => {
        let data: { type?: string; payload?: unknown };
        try {
          data = JSON.parse(String(message.data)) as typeof data;
        } catch {
          return;
        }
        if (data.type === 'ready') {
          attempt = 0;
          setStatus('live');
          if (everReady) void qc.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) });
          everReady = true;
        } else if (data.payload) {
          onEvent(data as DomainEvent);
        }
      };
      ws.onclose = () => {
        if (stopped || socket !== ws) return;
        setStatus('reconnecting');
        const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        attempt += 1;
        retryTimer = setTimeout(connect, delay);
      };
    };
    connect();

    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(listTimer);
      socket?.close(1000);
      socket = null;
    };
  }, [qc, workspaceId]);

  return status;
}
