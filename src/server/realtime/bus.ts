import type { DomainEvent, DomainEventMap, DomainEventType } from '../../contracts/events.js';

export type EventHandler = (event: DomainEvent) => void;

/**
 * Publish/subscribe for domain events. Publishers call it only after their
 * transaction committed. This in-process bus serves one server (the SQLite
 * default); with PostgreSQL a bridge forwards events between processes.
 */
export interface EventBus {
  publish<K extends DomainEventType>(workspaceId: string, type: K, payload: DomainEventMap[K]): void;
  /** Every event of one workspace, or of all workspaces with '*'. */
  subscribe(workspaceId: string | '*', handler: EventHandler): () => void;
  /** Delivers an event that arrived from another process to local subscribers only. */
  deliverLocal(event: DomainEvent): void;
}

export function createInProcessBus(options: { now?: () => number; onPublish?: (event: DomainEvent) => void } = {}): EventBus {
  const handlers = new Map<string, Set<EventHandler>>();
  const now = options.now ?? Date.now;

  function deliverLocal(event: DomainEvent): void {
    for (const key of [event.workspaceId, '*']) {
      for (const handler of handlers.get(key) ?? []) {
        try {
          handler(event);
        } catch {
          // One failing subscriber must not stop the others.
        }
      }
    }
  }

  return {
    publish(workspaceId, type, payload) {
      const event = { type, workspaceId, at: new Date(now()).toISOString(), payload } as DomainEvent;
      deliverLocal(event);
      options.onPublish?.(event);
    },
    subscribe(workspaceId, handler) {
      let set = handlers.get(workspaceId);
      if (!set) handlers.set(workspaceId, (set = new Set()));
      set.add(handler);
      return () => set.delete(handler);
    },
    deliverLocal,
  };
}
