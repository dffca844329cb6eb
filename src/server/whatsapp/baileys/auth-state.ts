/**
 * Bridges our provider-neutral `AuthStateStore` (opaque strings) to the auth
 * state Baileys wants. Serialisation lives here because only Baileys knows
 * its values contain Buffers and protobuf objects.
 */
import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from 'baileys';
import type { AuthStateStore } from '../provider.js';

export function serialise(value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer);
}

export function deserialise<T>(text: string): T {
  return JSON.parse(text, BufferJSON.reviver) as T;
}

/** The raw key store over our store. Wrap it in Baileys' cache before use. */
export function signalKeyStoreOver(store: AuthStateStore): SignalKeyStore {
  return {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const raw = await store.getKeys(type, ids);
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const text = raw[id];
        if (text === undefined) continue;
        let value: unknown = deserialise(text);
        // Baileys expects a protobuf object here, not the plain JSON shape.
        if (type === 'app-state-sync-key' && value) {
          value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
        }
        out[id] = value as SignalDataTypeMap[T];
      }
      return out;
    },
    async set(data: SignalDataSet) {
      const batch: Record<string, Record<string, string | null>> = {};
      for (const [category, entries] of Object.entries(data)) {
        if (!entries) continue;
        const target: Record<string, string | null> = {};
        for (const [id, value] of Object.entries(entries)) {
          target[id] = value === null || value === undefined ? null : serialise(value);
        }
        batch[category] = target;
      }
      await store.setKeys(batch);
    },
  };
}

export interface LoadedAuthState {
  creds: AuthenticationCreds;
  keys: SignalKeyStore;
  /** True when no credentials were stored: the number still has to be linked. */
  fresh: boolean;
}

export async function loadAuthState(store: AuthStateStore): Promise<LoadedAuthState> {
  const text = await store.loadCreds();
  const creds = text ? deserialise<AuthenticationCreds>(text) : initAuthCreds();
  return { creds, keys: signalKeyStoreOver(store), fresh: !text };
}

export async function saveCreds(store: AuthStateStore, creds: AuthenticationState['creds']): Promise<void> {
  await store.saveCreds(serialise(creds));
}
