/**
 * Minimal typings for the untyped packages the simulator uses (they ship with Baileys as dependencies,
 * without their own declarations). Only what the simulator touches is declared.
 */
declare module 'ws' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage } from 'node:http';

  export class WebSocket extends EventEmitter {
    static readonly OPEN: number;
    readonly readyState: number;
    send(data: Uint8Array, cb?: (err?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: { host?: string; port?: number; server?: unknown });
    address(): { port: number; address: string } | string;
    close(cb?: (err?: Error) => void): void;
    clients: Set<WebSocket>;
    on(event: 'connection', listener: (socket: WebSocket, request: IncomingMessage) => void): this;
    on(event: 'listening', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
  }
}

declare module 'libsignal' {
  export interface SignalKeyPair {
    pubKey: Buffer;
    privKey: Buffer;
  }
  export interface PreKeyBundle {
    identityKey: Buffer;
    registrationId: number;
    preKey?: { keyId: number; publicKey: Buffer };
    signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  }
  export interface SignalStorage {
    loadSession(id: string): Promise<SessionRecord | undefined>;
    storeSession(id: string, record: SessionRecord): Promise<void>;
    isTrustedIdentity(id: string, identityKey: Buffer, direction?: number): Promise<boolean> | boolean;
    loadPreKey(id: number | string): Promise<SignalKeyPair | undefined>;
    removePreKey(id: number): Promise<void> | void;
    loadSignedPreKey(id: number | string): Promise<SignalKeyPair | undefined> | SignalKeyPair | undefined;
    getOurRegistrationId(): Promise<number> | number;
    getOurIdentity(): Promise<SignalKeyPair> | SignalKeyPair;
  }
  export class ProtocolAddress {
    constructor(id: string, deviceId: number);
    id: string;
    deviceId: number;
    toString(): string;
  }
  export class SessionRecord {
    static deserialize(data: unknown): SessionRecord;
    serialize(): unknown;
    haveOpenSession(): boolean;
  }
  export class SessionBuilder {
    constructor(storage: SignalStorage, address: ProtocolAddress);
    initOutgoing(bundle: PreKeyBundle): Promise<void>;
  }
  export class SessionCipher {
    constructor(storage: SignalStorage, address: ProtocolAddress);
    encrypt(data: Buffer): Promise<{ type: number; body: string; registrationId: number }>;
    decryptPreKeyWhisperMessage(data: Buffer): Promise<Buffer>;
    decryptWhisperMessage(data: Buffer): Promise<Buffer>;
  }
  export const keyhelper: {
    generateIdentityKeyPair(): SignalKeyPair;
    generateRegistrationId(): number;
    generateSignedPreKey(identity: SignalKeyPair, keyId: number): { keyId: number; keyPair: SignalKeyPair; signature: Buffer };
    generatePreKey(keyId: number): { keyId: number; keyPair: SignalKeyPair };
  };
  export const curve: {
    generateKeyPair(): SignalKeyPair;
    calculateSignature(privKey: Buffer, message: Buffer): Buffer;
  };
}
