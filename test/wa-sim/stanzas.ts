/**
 * Builders for the stanzas the simulated server sends. Shapes follow what Baileys parses
 * (lib/Socket/*.js, lib/Utils/signal.js, lib/WAUSync/**); comments note the parts Baileys relies on.
 */
import { randomBytes } from 'node:crypto';

import type { BinaryNode } from 'baileys';

import type { WireBundle } from './signal-peer.js';

export const SERVER_JID = 's.whatsapp.net';

export const nowSeconds = (): string => Math.floor(Date.now() / 1000).toString();

/** WhatsApp-style message id: 3EB0 + 18 hex chars */
export const newMessageId = (): string => `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;

export const newStanzaId = (): string => randomBytes(6).toString('hex');

export const node = (tag: string, attrs: Record<string, string | undefined> = {}, content?: BinaryNode['content']): BinaryNode => {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) clean[key] = value;
  return content === undefined ? { tag, attrs: clean } : { tag, attrs: clean, content };
};

export const children = (parent: BinaryNode | undefined): BinaryNode[] => (Array.isArray(parent?.content) ? parent.content : []);

export const child = (parent: BinaryNode | undefined, tag: string): BinaryNode | undefined => children(parent).find((c) => c.tag === tag);

export const bytes = (n: BinaryNode | undefined): Buffer | undefined => {
  const content = n?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return undefined;
};

export const uintBE = (value: number, length: number): Buffer => {
  const out = Buffer.alloc(length);
  out.writeUIntBE(value, 0, length);
  return out;
};

export const readUintBE = (data: Buffer | undefined): number => (data && data.length ? data.readUIntBE(0, data.length) : 0);

/** `<iq type="result" id=… from="s.whatsapp.net">` — Baileys matches replies on the id only */
export const iqResult = (request: BinaryNode, content?: BinaryNode[]): BinaryNode =>
  node('iq', { type: 'result', id: request.attrs.id, from: SERVER_JID }, content);

/** Error replies: Baileys' assertNodeErrorFree throws on an `<error code text>` child */
export const iqError = (request: BinaryNode, code: number, text: string): BinaryNode =>
  node('iq', { type: 'error', id: request.attrs.id, from: SERVER_JID }, [node('error', { code: String(code), text })]);

/** One `<user>` of a key-bundle answer (parseAndInjectE2ESessions in lib/Utils/signal.js) */
export const bundleUserNode = (jid: string, bundle: WireBundle): BinaryNode =>
  node('user', { jid }, [
    node('registration', {}, uintBE(bundle.registrationId, 4)),
    node('type', {}, Buffer.from([5])),
    node('identity', {}, bundle.identity),
    node('skey', {}, [
      node('id', {}, uintBE(bundle.signedPreKey.keyId, 3)),
      node('value', {}, bundle.signedPreKey.publicKey),
      node('signature', {}, bundle.signedPreKey.signature),
    ]),
    ...(bundle.preKey
      ? [node('key', {}, [node('id', {}, uintBE(bundle.preKey.keyId, 3)), node('value', {}, bundle.preKey.publicKey)])]
      : []),
  ]);

/** `<stream:error code=…>` — Baileys maps `code` (or a `conflict` child → 440) to DisconnectReason */
export const streamError = (code?: number, reason?: BinaryNode): BinaryNode =>
  node('stream:error', code === undefined ? {} : { code: String(code) }, reason ? [reason] : undefined);
