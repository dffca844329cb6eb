/**
 * The wa-sim peer as WaSphere's WhatsApp network, for browser tests, the demo and
 * the bench: starts the peer, makes the Baileys in this process trust the peer's
 * root key (WA_CERT_DETAILS.PUBLIC_KEY — only ever in test/demo processes), and
 * gives the environment that points WaSphere at it.
 */
import { createWaSim, trustSimulatorRoot, type WaSim } from '../wa-sim/index.js';
import { startTestServer, type TestServer } from './server.js';

export interface WaPeer {
  sim: WaSim;
  /** Environment for `loadConfig`: WASPHERE_WA_WEBSOCKET_URL → the peer. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startWaPeer(options: { port?: number; autoAck?: boolean } = {}): Promise<WaPeer> {
  const sim = await createWaSim({
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.autoAck !== undefined ? { autoAck: options.autoAck } : {}),
  });
  const restoreRoot = trustSimulatorRoot(sim.rootPublicKey);
  return {
    sim,
    env: { WASPHERE_WA_WEBSOCKET_URL: sim.url },
    async close() {
      await sim.close();
      restoreRoot();
    },
  };
}

/**
 * A test server whose WhatsApp network is `peer`, with its number manager started as `main`
 * does; closing it closes the peer after the server (sessions end before their network goes).
 */
export async function startServerOnPeer(peer: WaPeer): Promise<TestServer> {
  const server = await startTestServer({ env: peer.env, startNumbers: true });
  return {
    ...server,
    async close() {
      await server.close();
      await peer.close();
    },
  };
}

/**
 * Lets this process's `fetch` (undici) download media from the peer's loopback HTTPS
 * host, whose certificate is self-signed. Baileys downloads customer media with the
 * global fetch, so the demo needs this to show customers' images. Demo/bench only.
 */
export async function trustPeerMediaForFetch(sim: WaSim): Promise<void> {
  const key = Symbol.for('undici.globalDispatcher.1');
  const dispatcher = await sim.media.fetchDispatcher();
  (globalThis as unknown as Record<symbol, unknown>)[key] = dispatcher;
}
