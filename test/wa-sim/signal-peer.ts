/**
 * Signal devices played by the simulator: each customer's phone and the business account's own phone
 * (device 0). Built on the same npm `libsignal` package Baileys uses, so sessions interoperate.
 *
 * Wire facts:
 * - Keys travel as 32-byte Curve25519 publics; libsignal wants the 33-byte form with the 0x05 type prefix.
 * - Plaintext is `proto.Message` bytes padded with 1..16 bytes of value n (`writeRandomPadMax16`).
 * - `enc type="pkmsg"` = PreKeyWhisperMessage (libsignal type 3), `type="msg"` = WhisperMessage (type 1).
 */
import { proto } from 'baileys';
import { keyhelper, ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord } from 'libsignal';
import type { PreKeyBundle, SignalKeyPair, SignalStorage } from 'libsignal';

export const withKeyPrefix = (key: Uint8Array): Buffer => (key.length === 33 ? Buffer.from(key) : Buffer.concat([Buffer.from([5]), key]));
export const withoutKeyPrefix = (key: Uint8Array): Buffer => (key.length === 33 ? Buffer.from(key.subarray(1)) : Buffer.from(key));

/** A key bundle as it travels in `iq xmlns=encrypt` (32-byte keys). */
export interface WireBundle {
  registrationId: number;
  identity: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  preKey?: { keyId: number; publicKey: Buffer };
}

export const wireBundleToLibsignal = (bundle: WireBundle): PreKeyBundle => ({
  registrationId: bundle.registrationId,
  identityKey: withKeyPrefix(bundle.identity),
  signedPreKey: {
    keyId: bundle.signedPreKey.keyId,
    publicKey: withKeyPrefix(bundle.signedPreKey.publicKey),
    signature: bundle.signedPreKey.signature,
  },
  ...(bundle.preKey ? { preKey: { keyId: bundle.preKey.keyId, publicKey: withKeyPrefix(bundle.preKey.publicKey) } } : {}),
});

export const padMessage = (message: proto.IMessage): Buffer => {
  const bytes = proto.Message.encode(message).finish();
  const padLength = (Math.floor(Math.random() * 16) & 0x0f) + 1;
  return Buffer.concat([bytes, Buffer.alloc(padLength, padLength)]);
};

export const unpadMessage = (data: Uint8Array): proto.Message => {
  const padLength = data[data.length - 1] ?? 0;
  if (padLength === 0 || padLength > data.length) throw new Error('bad message padding');
  return proto.Message.decode(data.subarray(0, data.length - padLength));
};

/** One simulated Signal device with an in-memory store. Sessions are keyed by the remote's canonical jid. */
export class SimDevice {
  readonly identity: SignalKeyPair = keyhelper.generateIdentityKeyPair();
  readonly registrationId = keyhelper.generateRegistrationId();
  readonly signedPreKey = keyhelper.generateSignedPreKey(this.identity, 1);
  private readonly preKeys = new Map<number, SignalKeyPair>();
  private nextPreKeyId = 1;
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly storage: SignalStorage;

  constructor(readonly jid: string) {
    this.storage = {
      loadSession: async (id) => this.sessions.get(id),
      storeSession: async (id, record) => {
        this.sessions.set(id, record);
      },
      isTrustedIdentity: () => true,
      loadPreKey: async (id) => this.preKeys.get(Number(id)),
      removePreKey: (id) => {
        this.preKeys.delete(Number(id));
      },
      loadSignedPreKey: () => this.signedPreKey.keyPair,
      getOurRegistrationId: () => this.registrationId,
      getOurIdentity: () => this.identity,
    };
  }

  /** 32-byte identity public key, as WhatsApp sends it */
  get identityPublic(): Buffer {
    return withoutKeyPrefix(this.identity.pubKey);
  }

  /** The bundle the server hands out for this device; each call offers a fresh one-time pre-key. */
  takeBundle(): WireBundle {
    const keyId = this.nextPreKeyId++;
    const preKey = keyhelper.generatePreKey(keyId);
    this.preKeys.set(keyId, preKey.keyPair);
    return {
      registrationId: this.registrationId,
      identity: this.identityPublic,
      signedPreKey: {
        keyId: this.signedPreKey.keyId,
        publicKey: withoutKeyPrefix(this.signedPreKey.keyPair.pubKey),
        signature: this.signedPreKey.signature,
      },
      preKey: { keyId, publicKey: withoutKeyPrefix(preKey.keyPair.pubKey) },
    };
  }

  private address(remote: string): ProtocolAddress {
    // libsignal forbids '.' in names; the session map key is what matters here
    return new ProtocolAddress(remote.replace(/\./g, '_'), 0);
  }

  hasSession(remote: string): boolean {
    return this.sessions.get(this.address(remote).toString())?.haveOpenSession() ?? false;
  }

  /** Encrypts for `remote`, building a session from `bundle()` first when there is none. */
  async encrypt(
    remote: string,
    plaintext: Buffer,
    bundle: () => WireBundle | undefined,
  ): Promise<{ type: 'pkmsg' | 'msg'; ciphertext: Buffer }> {
    const address = this.address(remote);
    if (!this.hasSession(remote)) {
      const wire = bundle();
      if (!wire) throw new Error(`no pre-key bundle available for ${remote}`);
      await new SessionBuilder(this.storage, address).initOutgoing(wireBundleToLibsignal(wire));
    }
    const { type, body } = await new SessionCipher(this.storage, address).encrypt(plaintext);
    return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') };
  }

  async decrypt(remote: string, type: string, ciphertext: Uint8Array): Promise<Buffer> {
    const cipher = new SessionCipher(this.storage, this.address(remote));
    if (type === 'pkmsg') return cipher.decryptPreKeyWhisperMessage(Buffer.from(ciphertext));
    if (type === 'msg') return cipher.decryptWhisperMessage(Buffer.from(ciphertext));
    throw new Error(`unsupported enc type ${type}`);
  }
}
