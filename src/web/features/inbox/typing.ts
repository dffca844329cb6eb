import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { DomainEventMap } from '../../../contracts/events';
import { api } from '../../api/client';

/**
 * Who is typing where, fed by `conversation.typing` events (live.ts) and read
 * by the conversation view. Nothing is stored on the server: an entry ends on
 * `stopped`, on the customer's next message, or on its own after the time the
 * event gave it, so a missed event never leaves "typing…" on screen.
 */
export interface Typer {
  /** `customer`, or the teammate's user id. */
  key: string;
  by: 'agent' | 'customer';
  name: string | null;
  state: 'typing' | 'recording';
  until: number;
}

const byConversation = new Map<string, Typer[]>();
const listeners = new Set<() => void>();
let expiryTimer: ReturnType<typeof setTimeout> | undefined;

function changed(): void {
  for (const l of listeners) l();
  scheduleExpiry();
}

/** One timer for the earliest expiry of all entries. */
function scheduleExpiry(): void {
  clearTimeout(expiryTimer);
  let next = Infinity;
  for (const list of byConversation.values()) for (const t of list) next = Math.min(next, t.until);
  if (next === Infinity) return;
  expiryTimer = setTimeout(
    () => {
      const now = Date.now();
      let any = false;
      for (const [id, list] of byConversation) {
        const kept = list.filter((t) => t.until > now);
        if (kept.length !== list.length) {
          any = true;
          if (kept.length) byConversation.set(id, kept);
          else byConversation.delete(id);
        }
      }
      if (any) changed();
      else scheduleExpiry();
    },
    Math.max(0, next - Date.now()),
  );
}

export const typingStore = {
  apply(e: DomainEventMap['conversation.typing']): void {
    const key = e.by === 'customer' ? 'customer' : (e.userId ?? 'agent');
    const others = (byConversation.get(e.conversationId) ?? []).filter((t) => t.key !== key);
    const next =
      e.state === 'stopped' ? others : [...others, { key, by: e.by, name: e.name, state: e.state, until: Date.now() + e.expiresInMs }];
    if (next.length) byConversation.set(e.conversationId, next);
    else byConversation.delete(e.conversationId);
    changed();
  },
  /** The customer's message arrived: they are done typing it. */
  customerSent(conversationId: string): void {
    const list = byConversation.get(conversationId);
    if (!list?.some((t) => t.key === 'customer')) return;
    typingStore.apply({ conversationId, by: 'customer', userId: null, name: null, state: 'stopped', expiresInMs: 0 });
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get(conversationId: string): readonly Typer[] {
    return byConversation.get(conversationId) ?? EMPTY;
  },
};
const EMPTY: readonly Typer[] = [];

/** Everyone typing in a conversation except me. */
export function useTypers(conversationId: string, meId: string): Typer[] {
  const list = useSyncExternalStore(typingStore.subscribe, () => typingStore.get(conversationId));
  return list.filter((t) => t.key !== meId);
}

/** "Alice is typing…", "Alice and Bob are typing…", "Customer is recording audio…". */
export function typingText(typers: readonly Typer[], customerName: string): string | null {
  if (typers.length === 0) return null;
  const names = typers.map((t) => (t.by === 'customer' ? customerName : (t.name ?? 'A teammate')));
  const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  if (typers.length === 1 && typers[0]!.state === 'recording') return `${who} is recording audio…`;
  return `${who} ${names.length === 1 ? 'is' : 'are'} typing…`;
}

/** How often a teammate's ongoing typing is repeated (the server shows it for longer than this). */
const REPEAT_MS = 3_000;

/**
 * The composer's side: says "typing" (at most every few seconds) while text
 * changes, and "stopped" on send, blur, an emptied box, another conversation or
 * mode, or leaving the page. Opening the conversation says "viewing", so
 * WhatsApp reports the customer's typing. Failures are ignored: typing is a hint.
 */
export function useTypingSignal(workspaceId: string, conversationId: string, mode: 'reply' | 'note') {
  const lastSent = useRef(0);
  const url = `/workspaces/${encodeURIComponent(workspaceId)}/conversations/${encodeURIComponent(conversationId)}/typing`;
  const post = (to: string, body: { state: 'typing' | 'stopped' | 'viewing'; mode?: 'reply' | 'note' }) =>
    void api<void>(to, { method: 'POST', body }).catch(() => undefined);
  const stop = () => {
    if (lastSent.current === 0) return;
    lastSent.current = 0;
    post(url, { state: 'stopped', mode });
  };

  useEffect(() => post(url, { state: 'viewing' }), [url]);
  // Another conversation or mode, or leaving: stop what this one started (its own address).
  useEffect(
    () => () => {
      if (lastSent.current === 0) return;
      lastSent.current = 0;
      post(url, { state: 'stopped', mode });
    },
    [url, mode],
  );

  return {
    changed(text: string): void {
      if (!text.trim()) return stop();
      const now = Date.now();
      if (now - lastSent.current < REPEAT_MS) return;
      lastSent.current = now;
      post(url, { state: 'typing', mode });
    },
    stopped: stop,
  };
}
