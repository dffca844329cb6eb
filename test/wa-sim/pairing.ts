/**
 * The phone's side of QR linking.
 *
 * QR text (Baileys buildPairingQRData): `https://wa.me/settings/linked_devices#ref,noiseKeyB64,identityKeyB64,advSecretB64,platformId`.
 * The phone answers through the server with `pair-success`, carrying `ADVSignedDeviceIdentityHMAC`:
 * - details = ADVSignedDeviceIdentity{ details: ADVDeviceIdentity{rawId,timestamp,keyIndex}, accountSignatureKey,
 *   accountSignature = sign(accountKey, 0x06 0x00 ‖ ADVDeviceIdentity ‖ companionIdentityKey) }
 * - hmac = HMAC-SHA256(advSecret, details)
 * Baileys verifies both (configureSuccessfulPairing), adds its device signature and replies with `pair-device-sign`.
 */
import { Curve, hmacSign, proto, WA_ADV_ACCOUNT_SIG_PREFIX } from 'baileys';
import type { BinaryNode } from 'baileys';

import { newStanzaId, node, SERVER_JID } from './stanzas.js';

export interface ParsedQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
  platformId: string | undefined;
}

export function parseQr(qr: string): ParsedQr {
  const data = qr.includes('#') ? qr.slice(qr.indexOf('#') + 1) : qr;
  const [ref, noise, identity, adv, platformId] = data.split(',');
  if (!ref || !noise || !identity || !adv) throw new Error('not a WhatsApp linking QR');
  return {
    ref,
    noiseKey: Buffer.from(noise, 'base64'),
    identityKey: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
    platformId,
  };
}

export interface PairSuccessInput {
  qr: ParsedQr;
  /** the phone's account identity key pair (32-byte keys) */
  account: { public: Buffer; private: Buffer };
  deviceJid: string;
  deviceLid: string;
  keyIndex: number;
  businessName?: string;
  platform?: string;
}

export function buildPairSuccess(input: PairSuccessInput): BinaryNode {
  const deviceIdentity = proto.ADVDeviceIdentity.encode({
    rawId: Math.floor(Math.random() * 0xffffffff),
    timestamp: Math.floor(Date.now() / 1000),
    keyIndex: input.keyIndex,
  }).finish();
  const accountSignature = Curve.sign(
    input.account.private,
    Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, deviceIdentity, input.qr.identityKey]),
  );
  const signedIdentity = proto.ADVSignedDeviceIdentity.encode({
    details: deviceIdentity,
    accountSignatureKey: input.account.public,
    accountSignature,
  }).finish();
  const hmac = hmacSign(signedIdentity, input.qr.advSecret);
  const identityHmac = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signedIdentity, hmac }).finish();
  return node('iq', { from: SERVER_JID, type: 'set', id: newStanzaId(), xmlns: 'md', t: String(Math.floor(Date.now() / 1000)) }, [
    node('pair-success', {}, [
      node('device-identity', { 'key-index': String(input.keyIndex) }, identityHmac),
      node('platform', { name: input.platform ?? 'smba' }),
      node('device', { jid: input.deviceJid, lid: input.deviceLid }),
      ...(input.businessName ? [node('biz', { name: input.businessName })] : []),
    ]),
  ]);
}

/** The account signature the companion returns in `pair-device-sign`, parsed for the record. */
export function parsePairDeviceSign(reply: BinaryNode): proto.ADVSignedDeviceIdentity | undefined {
  const sign = Array.isArray(reply.content) ? reply.content.find((c) => c.tag === 'pair-device-sign') : undefined;
  const identity = Array.isArray(sign?.content) ? sign.content.find((c) => c.tag === 'device-identity') : undefined;
  return identity?.content instanceof Uint8Array ? proto.ADVSignedDeviceIdentity.decode(identity.content) : undefined;
}
