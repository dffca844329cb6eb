/**
 * An `AuthStateStore` in memory: for tests and local experiments. Nothing
 * survives a restart, so a number linked with it must be linked again.
 */
import type { AuthStateStore } from './provider.js';

export interface MemoryAuthStateStore extends AuthStateStore {
  /** Number of stored keys, for assertions. */
  size(): number;
}

export function createMemoryAuthStateStore(): MemoryAuthStateStore {
  let creds: string | null = null;
  const keys = new Map<string, string>();
  const slot = (category: string, id: string) => `${category}\u0000${id}`;

  return {
    async loadCreds() {
      return creds;
    },
    async saveCreds(serialised) {
      creds = serialised;
    },
    async getKeys(category, ids) {
      const out: Record<string, string> = {};
      for (const id of ids) {
        const value = keys.get(slot(category, id));
        if (value !== undefined) out[id] = value;
      }
      return out;
    },
    async setKeys(data) {
      for (const [category, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries)) {
          if (value === null) keys.delete(slot(category, id));
          else keys.set(slot(category, id), value);
        }
      }
    },
    async clear() {
      creds = null;
      keys.clear();
    },
    size() {
      return keys.size;
    },
  };
}
