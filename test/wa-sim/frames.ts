/**
 * Transport framing and the server half of WhatsApp's Noise XX handshake.
 *
 * Wire facts (mirrors lib/Utils/noise-handler.js in Baileys):
 * - Every frame is a 3-byte big-endian length followed by the payload. The client's very first
 *   WebSocket message is prefixed with the intro header `W A 0x06 DICT_VERSION` (or an `ED` routing
 *   header + that intro when the client holds routing info).
 * - Handshake: hash starts as the 32-byte protocol name `Noise_XX_25519_AESGCM_SHA256\0\0\0\0`, then
 *   mixes in the intro header and the client's ephemeral key. AES-GCM uses the running hash as
 *   associated data and a counter IV (big-endian uint32 in bytes 8..11), reset on every key mix.
 * - After the client's `clientFinish`, both sides split HKDF(salt, '') into (client write, client read);
 *   the server encrypts with the client's read key and decrypts with its write key, each direction
 *   with its own counter. Transport payloads are Baileys binary nodes (`encodeBinaryNode`).
 */
import { createHash } from 'node:crypto';

import { aesDecryptGCM, aesEncryptGCM, Curve, hkdf, NOISE_MODE, NOISE_WA_HEADER, proto } from 'baileys';

import { generateKeyPair } from './cert.js';
import type { KeyPair } from './cert.js';

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

const ivFor = (counter: number): Buffer => {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
};

/** Splits the incoming byte stream into frames (3-byte length prefix), stripping the client's intro header once. */
export class FrameReader {
  private buffer = Buffer.alloc(0);
  private sawIntro = false;

  push(chunk: Uint8Array): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : Buffer.from(chunk);
    if (!this.sawIntro) {
      if (this.buffer.length < 4) return [];
      if (this.buffer[0] === 0x45 && this.buffer[1] === 0x44) {
        // 'ED' edge-routing header: 'E','D',0,1, 3-byte length, routing info, then the normal intro
        if (this.buffer.length < 7) return [];
        const routingLength = (this.buffer[4]! << 16) | this.buffer.readUInt16BE(5);
        if (this.buffer.length < 7 + routingLength + NOISE_WA_HEADER.length) return [];
        this.buffer = this.buffer.subarray(7 + routingLength);
      }
      if (this.buffer[0] !== NOISE_WA_HEADER[0] || this.buffer[1] !== NOISE_WA_HEADER[1]) {
        throw new Error('client did not send the WA intro header');
      }
      this.buffer = this.buffer.subarray(NOISE_WA_HEADER.length);
      this.sawIntro = true;
    }
    const frames: Buffer[] = [];
    while (this.buffer.length >= 3) {
      const size = (this.buffer[0]! << 16) | (this.buffer[1]! << 8) | this.buffer[2]!;
      if (this.buffer.length < size + 3) break;
      frames.push(Buffer.from(this.buffer.subarray(3, size + 3)));
      this.buffer = this.buffer.subarray(size + 3);
    }
    return frames;
  }
}

export const encodeFrame = (payload: Uint8Array): Buffer => {
  const frame = Buffer.alloc(3 + payload.byteLength);
  frame[0] = (payload.byteLength >>> 16) & 0xff;
  frame[1] = (payload.byteLength >>> 8) & 0xff;
  frame[2] = payload.byteLength & 0xff;
  frame.set(payload, 3);
  return frame;
};

export interface HandshakeResult {
  clientStaticPublic: Buffer;
  payload: proto.ClientPayload;
}

/** Server side of one connection's Noise session. */
export class ServerNoise {
  private hash: Buffer;
  private salt: Buffer;
  private key: Buffer;
  private counter = 0;
  private ephemeral: KeyPair = generateKeyPair();
  private transport: { encKey: Buffer; decKey: Buffer; readCounter: number; writeCounter: number } | undefined;

  constructor(private readonly serverStatic: KeyPair) {
    const mode = Buffer.from(NOISE_MODE);
    this.hash = mode.byteLength === 32 ? mode : sha256(mode);
    this.salt = this.hash;
    this.key = this.hash;
    this.authenticate(NOISE_WA_HEADER);
  }

  get established(): boolean {
    return this.transport !== undefined;
  }

  private authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(material: Uint8Array): void {
    const out = Buffer.from(hkdf(Buffer.from(material), 64, { salt: this.salt, info: '' }));
    this.salt = out.subarray(0, 32);
    this.key = out.subarray(32);
    this.counter = 0;
  }

  private encryptHandshake(plaintext: Uint8Array): Buffer {
    const result = aesEncryptGCM(plaintext, this.key, ivFor(this.counter++), this.hash);
    this.authenticate(result);
    return result;
  }

  private decryptHandshake(ciphertext: Uint8Array): Buffer {
    const result = aesDecryptGCM(ciphertext, this.key, ivFor(this.counter++), this.hash);
    this.authenticate(ciphertext);
    return result;
  }

  /** clientHello → serverHello (returns the HandshakeMessage bytes to frame and send). */
  serverHello(clientHelloFrame: Uint8Array, certChain: Uint8Array): Buffer {
    const hello = proto.HandshakeMessage.decode(clientHelloFrame);
    const clientEphemeral = hello.clientHello?.ephemeral;
    if (!clientEphemeral || clientEphemeral.length !== 32) throw new Error('clientHello without a 32-byte ephemeral key');
    this.clientEphemeral = Buffer.from(clientEphemeral);
    this.authenticate(this.clientEphemeral);
    this.authenticate(this.ephemeral.public);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, this.clientEphemeral));
    const staticEnc = this.encryptHandshake(this.serverStatic.public);
    this.mixIntoKey(Curve.sharedKey(this.serverStatic.private, this.clientEphemeral));
    const payloadEnc = this.encryptHandshake(certChain);
    return Buffer.from(
      proto.HandshakeMessage.encode({ serverHello: { ephemeral: this.ephemeral.public, static: staticEnc, payload: payloadEnc } }).finish(),
    );
  }

  private clientEphemeral: Buffer | undefined;

  /** clientFinish → the client's static (noise) key and its ClientPayload; switches to transport mode. */
  clientFinish(frame: Uint8Array): HandshakeResult {
    const finish = proto.HandshakeMessage.decode(frame).clientFinish;
    if (!finish?.static || !finish.payload) throw new Error('expected clientFinish');
    const clientStaticPublic = this.decryptHandshake(finish.static);
    this.mixIntoKey(Curve.sharedKey(this.ephemeral.private, clientStaticPublic));
    const payload = proto.ClientPayload.decode(this.decryptHandshake(finish.payload));
    const out = Buffer.from(hkdf(Buffer.alloc(0), 64, { salt: this.salt, info: '' }));
    // client: encKey = first half (write), decKey = second half (read); the server mirrors that
    this.transport = { encKey: out.subarray(32), decKey: out.subarray(0, 32), readCounter: 0, writeCounter: 0 };
    return { clientStaticPublic, payload };
  }

  encrypt(plaintext: Uint8Array): Buffer {
    if (!this.transport) throw new Error('noise transport not ready');
    return aesEncryptGCM(plaintext, this.transport.encKey, ivFor(this.transport.writeCounter++), Buffer.alloc(0));
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    if (!this.transport) throw new Error('noise transport not ready');
    return aesDecryptGCM(ciphertext, this.transport.decKey, ivFor(this.transport.readCounter++), Buffer.alloc(0));
  }
}
