/**
 * WebSocket listener and per-connection Noise transport. Everything after the handshake is handed to
 * the world (world.ts) as decoded binary nodes; this file knows nothing about stanza meaning.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';

import { decodeBinaryNode, encodeBinaryNode, proto } from 'baileys';
import type { BinaryNode } from 'baileys';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

import type { ServerIdentity } from './cert.js';
import { encodeFrame, FrameReader, ServerNoise } from './frames.js';

export interface ConnectionHandlers {
  /** handshake finished: `payload` is the ClientPayload (registration when it has devicePairingData, login otherwise) */
  onOpen(conn: SimConnection): void;
  onNode(conn: SimConnection, node: BinaryNode): Promise<void> | void;
  onClose(conn: SimConnection): void;
}

let connectionCounter = 0;

export class SimConnection extends EventEmitter {
  readonly id = ++connectionCounter;
  private readonly reader = new FrameReader();
  private readonly noise: ServerNoise;
  private phase: 'hello' | 'finish' | 'open' | 'closed' = 'hello';
  private queue: Promise<void> = Promise.resolve();
  payload: proto.ClientPayload | undefined;
  clientStaticPublic: Buffer | undefined;
  /** set by the world once it knows who is on the other end */
  tag: Record<string, unknown> = {};

  constructor(
    private readonly ws: WebSocket,
    private readonly identity: ServerIdentity,
    private readonly handlers: ConnectionHandlers,
    private readonly log: (msg: string, data?: unknown) => void,
  ) {
    super();
    this.noise = new ServerNoise(identity.serverStatic);
    ws.on('message', (data: Buffer) => this.onData(data));
    ws.on('close', () => this.markClosed());
    ws.on('error', () => this.markClosed());
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  private markClosed(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.handlers.onClose(this);
    this.emit('close');
  }

  private onData(data: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(data);
    } catch (err) {
      this.log('bad framing, closing', err);
      this.ws.terminate();
      return;
    }
    for (const frame of frames) this.onFrame(frame);
  }

  private onFrame(frame: Buffer): void {
    try {
      if (this.phase === 'hello') {
        this.sendRaw(this.noise.serverHello(frame, this.identity.certChain));
        this.phase = 'finish';
        return;
      }
      if (this.phase === 'finish') {
        const { clientStaticPublic, payload } = this.noise.clientFinish(frame);
        this.clientStaticPublic = clientStaticPublic;
        this.payload = payload;
        this.phase = 'open';
        this.handlers.onOpen(this);
        return;
      }
      if (this.phase === 'open') {
        // decrypt synchronously (counters are ordered); decode + handle in arrival order
        const plain = this.noise.decrypt(frame);
        this.queue = this.queue
          .then(async () => {
            const node = await decodeBinaryNode(plain);
            await this.handlers.onNode(this, node);
          })
          .catch((err) => this.log('error handling node', err));
      }
    } catch (err) {
      this.log('handshake/transport failure, closing', err);
      this.ws.terminate();
    }
  }

  private sendRaw(payload: Uint8Array): void {
    if (this.ws.readyState !== 1) return;
    this.ws.send(encodeFrame(payload));
  }

  send(node: BinaryNode): void {
    if (this.phase !== 'open') return;
    this.sendRaw(this.noise.encrypt(encodeBinaryNode(node)));
  }

  /** graceful close (what the server does after a stream error) */
  close(): void {
    if (this.phase === 'closed') return;
    this.ws.close();
  }

  /** abrupt TCP drop */
  terminate(): void {
    this.ws.terminate();
  }
}

export interface SimSocketServer {
  url: string;
  port: number;
  connections: Set<SimConnection>;
  close(): Promise<void>;
}

export async function startSocketServer(
  identity: ServerIdentity,
  handlers: ConnectionHandlers,
  options: { port?: number; host?: string; log: (msg: string, data?: unknown) => void },
): Promise<SimSocketServer> {
  const host = options.host ?? '127.0.0.1';
  const wss = new WebSocketServer({ host, port: options.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    wss.on('listening', () => resolve());
    wss.on('error', reject);
  });
  const connections = new Set<SimConnection>();
  wss.on('connection', (socket) => {
    const conn = new SimConnection(socket, identity, handlers, options.log);
    connections.add(conn);
    conn.on('close', () => connections.delete(conn));
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://${host}:${port}/ws/chat`,
    port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => resolve());
      }),
  };
}
