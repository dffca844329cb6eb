/**
 * A tiny ordered listener set. Sessions await each listener in turn so the
 * ingest sees a message before its receipt; a failing listener is reported
 * and does not stop the others.
 */
export interface ListenerSet<Args extends unknown[]> {
  add(listener: (...args: Args) => void | Promise<void>): () => void;
  emit(...args: Args): Promise<void>;
  readonly size: number;
}

export function createListenerSet<Args extends unknown[]>(onError: (error: unknown) => void): ListenerSet<Args> {
  const listeners = new Set<(...args: Args) => void | Promise<void>>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async emit(...args) {
      for (const listener of [...listeners]) {
        try {
          await listener(...args);
        } catch (error) {
          onError(error);
        }
      }
    },
    get size() {
      return listeners.size;
    },
  };
}
