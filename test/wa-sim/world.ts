/**
 * The simulated WhatsApp world: one server, business accounts (a phone + linked companions) and customers.
 * Handles every stanza a linked Baileys companion sends and produces what WhatsApp's server would.
 *
 * Protocol facts that matter (baileys@7.0.0-rc14):
 * - Registration vs login is decided by the ClientPayload in the Noise clientFinish: registration carries
 *   `devicePairingData` (companion identity, signed pre-key, registration id); login carries `username` + `device`.
 * - Registration: server sends `<iq type=set xmlns=md><pair-device><ref>…</ref>…</pair-device></iq>`; each ref
 *   becomes one QR. Pairing ends with `<stream:error code="515"/>` (restart required).
 * - Login: server sends `<success t lid …/>`. Baileys then asks `iq xmlns=encrypt <count/>`, uploads pre-keys
 *   (`iq xmlns=encrypt type=set` with registration/type/identity/list/skey), sends `iq xmlns=passive <active/>`,
 *   `iq xmlns=encrypt <digest/>`, and only then reports `connection: 'open'`. Events are buffered until the
 *   server sends `<ib><offline count=…/></ib>` (end of offline delivery).
 * - rc14 only fetches Signal sessions for LID addresses (assertSessions maps PN → LID and drops unmapped PNs),
 *   so every simulated user has a LID and usync answers include `<lid val=…/>`.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';

import { jidDecode, proto } from 'baileys';
import type { BinaryNode } from 'baileys';

import { buildPairSuccess, parsePairDeviceSign, parseQr } from './pairing.js';
import type { SimConnection } from './server.js';
import { padMessage, SimDevice, unpadMessage, withoutKeyPrefix } from './signal-peer.js';
import type { WireBundle } from './signal-peer.js';
import {
  bundleUserNode,
  bytes,
  child,
  children,
  iqResult,
  newMessageId,
  newStanzaId,
  node,
  nowSeconds,
  readUintBE,
  SERVER_JID,
  streamError,
} from './stanzas.js';

export interface Companion {
  business: Business;
  deviceId: number;
  keyIndex: number;
  /** `phone:device@s.whatsapp.net` */
  jid: string;
  lid: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  registrationId: number;
  /** what the companion uploaded with `iq xmlns=encrypt type=set` */
  uploaded?: { registrationId: number; identity: Buffer; signedPreKey: WireBundle['signedPreKey']; preKeys: Map<number, Buffer> };
  removed: boolean;
  conn?: SimConnection | undefined;
  /** stanzas waiting for the companion to come online (delivered with offline="…" before `ib offline`) */
  pending: BinaryNode[];
  /** ids of messages this companion sent, to route receipts back */
  deviceSignature?: Uint8Array | null | undefined;
}

export interface Business {
  phone: string;
  name: string;
  jid: string;
  lidUser: string;
  lid: string;
  /** the business's own phone (device 0); its identity key doubles as the ADV account key */
  phoneDevice: SimDevice;
  companions: Map<number, Companion>;
  nextDeviceId: number;
  /** what the phone decrypted from companion fan-out (device-sent copies) */
  phoneInbox: ReceivedMessage[];
}

export interface ReceivedMessage {
  id: string;
  /** companion device jid that sent it */
  from: string;
  /** chat jid the stanza was addressed to */
  to: string;
  type: string;
  message: proto.IMessage;
  text: string | undefined;
  at: Date;
}

export interface Customer {
  phone: string;
  pushName: string;
  jid: string;
  lidUser: string;
  lid: string;
  device: SimDevice;
  /** messages the business sent to this customer, decrypted */
  inbox: ReceivedMessage[];
  /** receipts the business sent for this customer's messages: id → receipt types ('delivery', 'read', …) */
  receiptsFromBusiness: Map<string, string[]>;
  /** what this customer sent, by id (for quoting and reacting) */
  sent: Map<string, proto.IMessage>;
  /** chat states the business sent to this customer, in order ('composing', 'recording', 'paused') */
  chatStatesFromBusiness: ChatState[];
}

/** What a phone shows of the other side of a chat: typing, recording a voice note, or stopped. */
export type ChatState = 'composing' | 'recording' | 'paused';

export interface SentByCustomer {
  id: string;
  customer: string;
  business: string;
  devices: number;
}

type Owner = { kind: 'customer'; customer: Customer } | { kind: 'business'; business: Business };

const randomDigits = (n: number): string => {
  let out = String(1 + Math.floor(Math.random() * 9));
  while (out.length < n) out += String(Math.floor(Math.random() * 10));
  return out;
};

const textOf = (message: proto.IMessage): string | undefined =>
  message.conversation ??
  message.extendedTextMessage?.text ??
  message.imageMessage?.caption ??
  message.documentMessage?.caption ??
  message.reactionMessage?.text ??
  undefined;

/** Customers (by phone) whose presence a connection subscribed to. */
function subscriptionsOf(conn: SimConnection): Set<string> {
  let set = conn.tag.presenceSubscriptions as Set<string> | undefined;
  if (!set) conn.tag.presenceSubscriptions = set = new Set();
  return set;
}

export class World extends EventEmitter {
  readonly businesses = new Map<string, Business>();
  readonly customers = new Map<string, Customer>();
  /** user part (PN or LID) → owner */
  private readonly users = new Map<string, Owner>();
  /** pair-device refs handed to registering connections */
  private readonly refs = new Map<string, SimConnection>();
  /** message id → companion that sent it (to route receipts) */
  private readonly outboundSender = new Map<string, Companion>();
  /** answer hooks for iqs the server itself sent (pair-success) */
  private readonly awaitingReply = new Map<string, (reply: BinaryNode) => void>();
  /** when false, outbound messages wait for ackOutbound() */
  autoAck = true;
  private readonly pendingAcks = new Map<string, { conn: SimConnection; to: string }>();
  /** outbound message ids the server has acked */
  readonly ackedOutbound = new Set<string>();
  /** hosts for `media_conn`, set when the media server runs */
  mediaHost: string | undefined;
  /** optional stanza tap for debugging and tests */
  readonly trace: { dir: 'in' | 'out'; conn: number; node: BinaryNode }[] = [];
  traceEnabled = false;

  constructor(private readonly log: (msg: string, data?: unknown) => void) {
    super();
  }

  // ---------------------------------------------------------------- people

  createCustomer(input: { phone: string; pushName?: string }): Customer {
    const phone = input.phone.replace(/[^0-9]/g, '');
    const existing = this.customers.get(phone);
    if (existing) return existing;
    const lidUser = randomDigits(15);
    const customer: Customer = {
      phone,
      pushName: input.pushName ?? `Customer ${phone.slice(-4)}`,
      jid: `${phone}@s.whatsapp.net`,
      lidUser,
      lid: `${lidUser}@lid`,
      device: new SimDevice(`${phone}@s.whatsapp.net`),
      inbox: [],
      receiptsFromBusiness: new Map(),
      sent: new Map(),
      chatStatesFromBusiness: [],
    };
    this.customers.set(phone, customer);
    this.users.set(phone, { kind: 'customer', customer });
    this.users.set(lidUser, { kind: 'customer', customer });
    return customer;
  }

  getCustomer(phone: string): Customer {
    const customer = this.customers.get(phone.replace(/[^0-9]/g, ''));
    if (!customer) throw new Error(`unknown customer ${phone}`);
    return customer;
  }

  private ensureBusiness(phone: string, name: string | undefined): Business {
    const clean = phone.replace(/[^0-9]/g, '');
    const existing = this.businesses.get(clean);
    if (existing) return existing;
    const lidUser = randomDigits(15);
    const business: Business = {
      phone: clean,
      name: name ?? 'WaSphere Business',
      jid: `${clean}@s.whatsapp.net`,
      lidUser,
      lid: `${lidUser}@lid`,
      phoneDevice: new SimDevice(`${clean}@s.whatsapp.net`),
      companions: new Map(),
      nextDeviceId: 2,
      phoneInbox: [],
    };
    this.businesses.set(clean, business);
    this.users.set(clean, { kind: 'business', business });
    this.users.set(lidUser, { kind: 'business', business });
    return business;
  }

  getBusiness(phone?: string): Business {
    if (phone) {
      const business = this.businesses.get(phone.replace(/[^0-9]/g, ''));
      if (!business) throw new Error(`unknown business ${phone}`);
      return business;
    }
    const first = this.businesses.values().next().value;
    if (!first) throw new Error('no business account linked yet');
    return first;
  }

  /** the companion currently linked for a business (the newest one not removed) */
  activeCompanion(business: Business): Companion | undefined {
    return [...business.companions.values()].filter((c) => !c.removed).at(-1);
  }

  // ---------------------------------------------------------------- connection lifecycle

  send(conn: SimConnection, stanza: BinaryNode): void {
    if (this.traceEnabled) this.trace.push({ dir: 'out', conn: conn.id, node: stanza });
    conn.send(stanza);
  }

  onOpen(conn: SimConnection): void {
    const payload = conn.payload;
    if (!payload) return;
    if (payload.devicePairingData) {
      // registration: hand out refs; each becomes a QR on the client
      const refs = Array.from({ length: 6 }, () => `2@${randomBytes(24).toString('base64')}`);
      for (const ref of refs) this.refs.set(ref, conn);
      conn.tag.refs = refs;
      conn.tag.registration = payload.devicePairingData;
      this.send(
        conn,
        node('iq', { from: SERVER_JID, type: 'set', id: newStanzaId(), xmlns: 'md' }, [
          node(
            'pair-device',
            {},
            refs.map((ref) => node('ref', {}, Buffer.from(ref, 'utf8'))),
          ),
        ]),
      );
      this.emit('registration', conn);
      return;
    }
    // login
    const phone = String(payload.username ?? '');
    const deviceId = Number(payload.device ?? 0);
    const business = this.businesses.get(phone);
    const companion = business?.companions.get(deviceId);
    if (!business || !companion || companion.removed || !conn.clientStaticPublic?.equals(companion.noiseKey)) {
      // unknown or unlinked device: Baileys maps failure reason 401 to DisconnectReason.loggedOut
      this.send(conn, node('failure', { reason: '401', location: 'sim' }));
      setTimeout(() => conn.close(), 50);
      return;
    }
    if (companion.conn && companion.conn !== conn && companion.conn.isOpen) {
      // another session of the same device: the old one is replaced (Baileys: 440 connectionReplaced)
      const old = companion.conn;
      this.send(old, streamError(undefined, node('conflict', { type: 'replaced' })));
      setTimeout(() => old.close(), 20);
    }
    companion.conn = conn;
    conn.tag.companion = companion;
    this.send(
      conn,
      node('success', {
        t: nowSeconds(),
        props: '1',
        abprops: '1',
        location: 'sim',
        creation: nowSeconds(),
        lid: companion.lid,
        display_name: business.name,
      }),
    );
    this.emit('login', companion);
  }

  onClose(conn: SimConnection): void {
    const companion = conn.tag.companion as Companion | undefined;
    if (companion?.conn === conn) companion.conn = undefined;
    for (const ref of (conn.tag.refs as string[] | undefined) ?? []) this.refs.delete(ref);
    this.emit('disconnect', conn);
  }

  async onNode(conn: SimConnection, stanza: BinaryNode): Promise<void> {
    if (this.traceEnabled) this.trace.push({ dir: 'in', conn: conn.id, node: stanza });
    this.emit('stanza', conn, stanza);
    switch (stanza.tag) {
      case 'iq':
        return this.onIq(conn, stanza);
      case 'message':
        return this.onMessage(conn, stanza);
      case 'receipt':
        return this.onReceipt(conn, stanza);
      case 'ack':
        this.emit('ack', stanza);
        return;
      case 'presence':
        return this.onPresence(conn, stanza);
      case 'chatstate':
        return this.onChatState(stanza);
      default:
        // ib (unified_session, offline_batch): nothing to answer
        return;
    }
  }

  // ---------------------------------------------------------------- iq

  private async onIq(conn: SimConnection, iq: BinaryNode): Promise<void> {
    const { type, xmlns, id } = iq.attrs;
    if (type === 'result' || type === 'error') {
      const hook = id ? this.awaitingReply.get(id) : undefined;
      if (hook && id) {
        this.awaitingReply.delete(id);
        hook(iq);
      }
      return;
    }
    const first = children(iq)[0];
    const companion = conn.tag.companion as Companion | undefined;
    switch (xmlns) {
      case 'encrypt':
        return this.send(conn, this.onEncryptIq(companion, iq, first));
      case 'usync':
        return this.send(conn, this.onUsync(iq));
      case 'passive':
        this.send(conn, iqResult(iq));
        if (first?.tag === 'active' && companion) this.flushOffline(conn, companion);
        return;
      case 'w:m':
        if (first?.tag === 'media_conn') {
          return this.send(
            conn,
            iqResult(iq, [
              node(
                'media_conn',
                { auth: randomBytes(16).toString('base64url'), ttl: '3600', auth_ttl: '21600', max_buckets: '12' },
                this.mediaHost ? [node('host', { hostname: this.mediaHost, maxContentLengthBytes: String(100 * 1024 * 1024) })] : [],
              ),
            ]),
          );
        }
        return this.send(conn, iqResult(iq));
      case 'privacy':
        return this.send(
          conn,
          iqResult(iq, [
            node(
              'privacy',
              {},
              ['last', 'online', 'profile', 'status', 'groupadd', 'calladd', 'messages']
                .map((name) => node('category', { name, value: 'all' }))
                .concat([node('category', { name: 'readreceipts', value: 'all' })]),
            ),
          ]),
        );
      case 'blocklist':
        return this.send(conn, iqResult(iq, [node('list', {})]));
      case 'abt':
        return this.send(conn, iqResult(iq, [node('props', { protocol: '1', hash: 'sim' })]));
      case 'md':
        if (first?.tag === 'remove-companion-device' && companion) {
          // the companion logs itself out
          companion.removed = true;
          this.send(conn, iqResult(iq));
          this.emit('logout', companion);
          return;
        }
        return this.send(conn, iqResult(iq));
      default:
        // w:p ping, w:sync:app:state, w:profile:picture, status, … — an empty result is enough for the simulator
        return this.send(conn, iqResult(iq));
    }
  }

  private onEncryptIq(companion: Companion | undefined, iq: BinaryNode, first: BinaryNode | undefined): BinaryNode {
    if (iq.attrs.type === 'set' && child(iq, 'registration') && companion) {
      // pre-key upload (getNextPreKeysNode): registration(4) type(1) identity(32) list<key<id(3) value(32)>> skey
      const skey = child(iq, 'skey');
      const preKeys = companion.uploaded?.preKeys ?? new Map<number, Buffer>();
      for (const key of children(child(iq, 'list'))) {
        const value = bytes(child(key, 'value'));
        if (value) preKeys.set(readUintBE(bytes(child(key, 'id'))), value);
      }
      companion.uploaded = {
        registrationId: readUintBE(bytes(child(iq, 'registration'))),
        identity: bytes(child(iq, 'identity')) ?? companion.identityKey,
        signedPreKey: {
          keyId: readUintBE(bytes(child(skey, 'id'))),
          publicKey: bytes(child(skey, 'value')) ?? Buffer.alloc(0),
          signature: bytes(child(skey, 'signature')) ?? Buffer.alloc(0),
        },
        preKeys,
      };
      this.emit('prekeys', companion);
      return iqResult(iq);
    }
    if (first?.tag === 'rotate' && companion?.uploaded) {
      const skey = child(first, 'skey');
      companion.uploaded.signedPreKey = {
        keyId: readUintBE(bytes(child(skey, 'id'))),
        publicKey: bytes(child(skey, 'value')) ?? Buffer.alloc(0),
        signature: bytes(child(skey, 'signature')) ?? Buffer.alloc(0),
      };
      return iqResult(iq);
    }
    if (first?.tag === 'count') return iqResult(iq, [node('count', { value: String(companion?.uploaded?.preKeys.size ?? 0) })]);
    if (first?.tag === 'digest') {
      // Baileys only checks that a <digest> child exists
      return iqResult(iq, [
        node('digest', {}, [
          node('type', {}, Buffer.from([5])),
          node('registration', {}, Buffer.alloc(4)),
          node('identity', {}, companion?.identityKey ?? Buffer.alloc(32)),
          node('list', {}, []),
        ]),
      ]);
    }
    if (first?.tag === 'key') {
      // session fetch: one <user jid> per device; answer with bundles (unknown jids are left out)
      const users: BinaryNode[] = [];
      for (const user of children(first)) {
        const jid = user.attrs.jid;
        const bundle = jid ? this.takeBundle(jid) : undefined;
        if (jid && bundle) users.push(bundleUserNode(jid, bundle));
      }
      return iqResult(iq, [node('list', {}, users)]);
    }
    return iqResult(iq);
  }

  private resolveOwner(jid: string): { owner: Owner; device: number } | undefined {
    const decoded = jidDecode(jid);
    if (!decoded?.user) return undefined;
    const owner = this.users.get(decoded.user);
    return owner ? { owner, device: decoded.device ?? 0 } : undefined;
  }

  /** pre-key bundle of the device behind `jid` (customer phone, business phone or a business companion) */
  takeBundle(jid: string): WireBundle | undefined {
    const resolved = this.resolveOwner(jid);
    if (!resolved) return undefined;
    const { owner, device } = resolved;
    if (owner.kind === 'customer') return device === 0 ? owner.customer.device.takeBundle() : undefined;
    if (device === 0) return owner.business.phoneDevice.takeBundle();
    const companion = owner.business.companions.get(device);
    return companion ? this.companionBundle(companion) : undefined;
  }

  private companionBundle(companion: Companion): WireBundle | undefined {
    const uploaded = companion.uploaded;
    if (!uploaded) return undefined;
    const next = uploaded.preKeys.entries().next().value;
    if (next) uploaded.preKeys.delete(next[0]);
    return {
      registrationId: uploaded.registrationId,
      identity: uploaded.identity,
      signedPreKey: uploaded.signedPreKey,
      ...(next ? { preKey: { keyId: next[0], publicKey: next[1] } } : {}),
    };
  }

  private onUsync(iq: BinaryNode): BinaryNode {
    const usync = child(iq, 'usync');
    const protocols = new Set(children(child(usync, 'query')).map((q) => q.tag));
    const list: BinaryNode[] = [];
    for (const user of children(child(usync, 'list'))) {
      let jid = user.attrs.jid;
      const contact = child(user, 'contact');
      if (!jid && contact) {
        const phone = bytes(contact)
          ?.toString('utf8')
          .replace(/[^0-9]/g, '');
        if (phone) jid = `${phone}@s.whatsapp.net`;
      }
      if (!jid) continue;
      const resolved = this.resolveOwner(jid);
      const content: BinaryNode[] = [];
      if (protocols.has('contact')) content.push(node('contact', { type: resolved ? 'in' : 'out' }));
      if (protocols.has('devices')) {
        const devices: BinaryNode[] = [];
        if (resolved) {
          devices.push(node('device', { id: '0' }));
          if (resolved.owner.kind === 'business') {
            for (const companion of resolved.owner.business.companions.values()) {
              if (!companion.removed)
                devices.push(node('device', { id: String(companion.deviceId), 'key-index': String(companion.keyIndex) }));
            }
          }
        }
        content.push(node('devices', {}, [node('device-list', {}, devices), node('key-index-list', { ts: nowSeconds() })]));
      }
      if (protocols.has('lid') && resolved && jidDecode(jid)?.server === 's.whatsapp.net') {
        const lid = resolved.owner.kind === 'customer' ? resolved.owner.customer.lid : resolved.owner.business.lid;
        content.push(node('lid', { val: lid }));
      }
      if (protocols.has('status')) content.push(node('status', { t: nowSeconds() }, Buffer.from('Hey there! I am using WhatsApp.')));
      list.push(node('user', { jid }, content));
    }
    return iqResult(iq, [
      node('usync', { sid: usync?.attrs.sid, mode: usync?.attrs.mode, context: usync?.attrs.context, index: '0', last: 'true' }, [
        node('result', {}, []),
        node('list', {}, list),
      ]),
    ]);
  }

  // ---------------------------------------------------------------- pairing

  /** The business phone scans a QR shown by a registering companion. Resolves once the companion is told to restart. */
  async scanQr(qr: string, input: { phone: string; pushName?: string }): Promise<{ jid: string; lid: string; deviceId: number }> {
    const parsed = parseQr(qr);
    const conn = this.refs.get(parsed.ref);
    if (!conn || !conn.isOpen) throw new Error('QR ref is not (or no longer) valid');
    if (!conn.clientStaticPublic?.equals(parsed.noiseKey)) throw new Error('QR noise key does not match the registering connection');
    const business = this.ensureBusiness(input.phone, input.pushName);
    const deviceId = business.nextDeviceId++;
    const keyIndex = business.companions.size + 1;
    const companion: Companion = {
      business,
      deviceId,
      keyIndex,
      jid: `${business.phone}:${deviceId}@s.whatsapp.net`,
      lid: `${business.lidUser}:${deviceId}@lid`,
      noiseKey: parsed.noiseKey,
      identityKey: parsed.identityKey,
      registrationId: readUintBE(Buffer.from((conn.tag.registration as proto.ClientPayload.IDevicePairingRegistrationData).eRegid ?? [])),
      removed: false,
      pending: [],
    };
    const pairSuccess = buildPairSuccess({
      qr: parsed,
      account: { public: withoutKeyPrefix(business.phoneDevice.identity.pubKey), private: business.phoneDevice.identity.privKey },
      deviceJid: companion.jid,
      deviceLid: companion.lid,
      keyIndex,
      businessName: business.name,
    });
    const reply = new Promise<BinaryNode>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('companion did not answer pair-success')), 10_000);
      this.awaitingReply.set(pairSuccess.attrs.id!, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    this.send(conn, pairSuccess);
    const answer = await reply;
    if (answer.attrs.type !== 'result') throw new Error('companion rejected pair-success');
    companion.deviceSignature = parsePairDeviceSign(answer)?.deviceSignature;
    business.companions.set(deviceId, companion);
    for (const ref of (conn.tag.refs as string[] | undefined) ?? []) this.refs.delete(ref);
    // pairing done: the server asks the companion to reconnect and log in
    this.send(conn, streamError(515));
    setTimeout(() => conn.close(), 50);
    this.emit('paired', companion);
    return { jid: companion.jid, lid: companion.lid, deviceId };
  }

  private flushOffline(conn: SimConnection, companion: Companion): void {
    const pending = companion.pending.splice(0);
    for (const stanza of pending) this.send(conn, { ...stanza, attrs: { ...stanza.attrs, offline: '1' } });
    this.send(conn, node('ib', {}, [node('offline', { count: String(pending.length) })]));
    this.emit('online', companion);
  }

  /** deliver to a companion now, or queue until it logs in */
  private deliver(companion: Companion, stanza: BinaryNode): void {
    if (companion.conn?.isOpen) this.send(companion.conn, stanza);
    else companion.pending.push(stanza);
  }

  // ---------------------------------------------------------------- customer → business

  /** Encrypts `message` from the customer's phone to every linked companion of the business. */
  async sendFromCustomer(
    customerPhone: string,
    message: proto.IMessage,
    options: { business?: string; id?: string; type?: string; mediatype?: string } = {},
  ): Promise<SentByCustomer> {
    const customer = this.getCustomer(customerPhone);
    const business = this.getBusiness(options.business);
    const id = options.id ?? newMessageId();
    const plaintext = padMessage(message);
    customer.sent.set(id, message);
    const companions = [...business.companions.values()].filter((c) => !c.removed);
    let devices = 0;
    for (const companion of companions) {
      const { type, ciphertext } = await customer.device.encrypt(companion.jid, plaintext, () => this.companionBundle(companion));
      devices++;
      this.deliver(
        companion,
        node(
          'message',
          {
            from: customer.jid,
            type: options.type ?? 'text',
            id,
            t: nowSeconds(),
            notify: customer.pushName,
            sender_lid: customer.lid,
          },
          [node('enc', { v: '2', type, ...(options.mediatype ? { mediatype: options.mediatype } : {}) }, ciphertext)],
        ),
      );
    }
    return { id, customer: customer.phone, business: business.phone, devices };
  }

  // ---------------------------------------------------------------- business → customer

  /** a message from either side of a customer's chat, by id */
  findChatMessage(customerPhone: string, id: string): { message: proto.IMessage; fromCustomer: boolean } | undefined {
    const customer = this.getCustomer(customerPhone);
    const own = customer.sent.get(id);
    if (own) return { message: own, fromCustomer: true };
    const theirs = customer.inbox.find((m) => m.id === id);
    return theirs ? { message: theirs.message, fromCustomer: false } : undefined;
  }

  private async onMessage(conn: SimConnection, stanza: BinaryNode): Promise<void> {
    const companion = conn.tag.companion as Companion | undefined;
    const id = stanza.attrs.id;
    const to = stanza.attrs.to;
    if (!companion || !id || !to) return;
    const targets: { jid: string; enc: BinaryNode }[] = [];
    for (const participant of children(child(stanza, 'participants'))) {
      const enc = child(participant, 'enc');
      if (participant.attrs.jid && enc) targets.push({ jid: participant.attrs.jid, enc });
    }
    const direct = child(stanza, 'enc');
    if (direct) targets.push({ jid: to, enc: direct });
    const delivered: string[] = [];
    for (const { jid, enc } of targets) {
      const resolved = this.resolveOwner(jid);
      const ciphertext = bytes(enc);
      if (!resolved || !ciphertext) continue;
      const device = resolved.owner.kind === 'customer' ? resolved.owner.customer.device : resolved.owner.business.phoneDevice;
      if (resolved.device !== 0) continue; // other companions of the business are not simulated as receivers
      try {
        const plain = await device.decrypt(companion.jid, enc.attrs.type ?? 'msg', ciphertext);
        let message: proto.IMessage = unpadMessage(plain);
        if (message.deviceSentMessage?.message) message = message.deviceSentMessage.message;
        const received: ReceivedMessage = {
          id,
          from: companion.jid,
          to,
          type: stanza.attrs.type ?? 'text',
          message,
          text: textOf(message),
          at: new Date(),
        };
        if (resolved.owner.kind === 'customer') {
          resolved.owner.customer.inbox.push(received);
          delivered.push(resolved.owner.customer.phone);
          this.emit('customer-message', resolved.owner.customer, received);
        } else {
          resolved.owner.business.phoneInbox.push(received);
        }
      } catch (err) {
        this.log(`could not decrypt ${id} for ${jid}`, err);
        this.emit('decrypt-error', { id, jid, err });
      }
    }
    this.outboundSender.set(id, companion);
    this.pendingAcks.set(id, { conn, to });
    if (this.autoAck) this.ackOutbound(id);
    this.emit('outbound', { id, to, delivered });
  }

  /**
   * The server ack for a business message: `<ack class="message" id from=<chat> t/>`. With `error`, Baileys marks
   * the message failed (messages.update status ERROR, messageStubParameters [code]). rc14 emits nothing on a plain ack:
   * the sent message stays PENDING until a receipt arrives.
   */
  ackOutbound(messageId: string, options: { error?: number } = {}): void {
    const pending = this.pendingAcks.get(messageId);
    if (!pending) throw new Error(`no un-acked outbound message ${messageId}`);
    this.pendingAcks.delete(messageId);
    this.send(
      pending.conn,
      node('ack', {
        class: 'message',
        id: messageId,
        from: pending.to,
        t: nowSeconds(),
        ...(options.error ? { error: String(options.error) } : {}),
      }),
    );
    if (!options.error) this.ackedOutbound.add(messageId);
  }

  /** receipts for a business message, as the customer's phone would send them */
  sendReceiptFromCustomer(customerPhone: string, messageId: string, type?: 'read' | 'played'): void {
    const customer = this.getCustomer(customerPhone);
    const companion = this.outboundSender.get(messageId);
    if (!companion) throw new Error(`unknown outbound message ${messageId}`);
    this.deliver(companion, node('receipt', { from: customer.jid, id: messageId, t: nowSeconds(), ...(type ? { type } : {}) }));
  }

  private onReceipt(conn: SimConnection, receipt: BinaryNode): void {
    const { id, to, type } = receipt.attrs;
    if (!id) return;
    // the server acks every receipt
    this.send(conn, node('ack', { class: 'receipt', id, from: to ?? SERVER_JID, ...(type ? { type } : {}) }));
    const ids = [id, ...children(child(receipt, 'list')).map((item) => item.attrs.id ?? '')].filter(Boolean);
    const owner = to ? this.resolveOwner(to) : undefined;
    if (owner?.owner.kind === 'customer') {
      const customer = owner.owner.customer;
      for (const messageId of ids) {
        const list = customer.receiptsFromBusiness.get(messageId) ?? [];
        list.push(type ?? 'delivery');
        customer.receiptsFromBusiness.set(messageId, list);
      }
      this.emit('business-receipt', { customer: customer.phone, ids, type: type ?? 'delivery' });
    }
  }

  // ---------------------------------------------------------------- presence and chat states

  /**
   * `<presence to=… type=subscribe/>`: the companion asks for a contact's presence. WhatsApp
   * forwards a contact's chat states only to sessions that subscribed to them, and forgets the
   * subscription with the session, so it is kept on the connection. Own availability
   * (`<presence type=available|unavailable name/>`) needs no answer.
   */
  private onPresence(conn: SimConnection, stanza: BinaryNode): void {
    const { type, to } = stanza.attrs;
    if (type !== 'subscribe' || !to) return;
    const resolved = this.resolveOwner(to);
    if (resolved?.owner.kind !== 'customer') return;
    subscriptionsOf(conn).add(resolved.owner.customer.phone);
    this.emit('presence-subscribe', { conn, customer: resolved.owner.customer.phone });
  }

  /** whether a live companion of the business has subscribed to the customer's presence */
  isSubscribed(customerPhone: string, businessPhone?: string): boolean {
    const customer = this.getCustomer(customerPhone);
    return this.liveCompanionConnections(businessPhone).some((conn) => subscriptionsOf(conn).has(customer.phone));
  }

  /**
   * The customer's phone reports typing (`composing`), recording a voice note or stopping, the
   * way WhatsApp forwards it: `<chatstate from=PN><composing/></chatstate>` (recording is
   * `<composing media="audio"/>`), only to the business's connected companions that subscribed
   * to this customer, and never queued for an offline one (a chat state is stale at once).
   * Returns how many companions it reached.
   */
  sendChatState(customerPhone: string, state: ChatState, businessPhone?: string): number {
    const customer = this.getCustomer(customerPhone);
    const stateNode = state === 'recording' ? node('composing', { media: 'audio' }) : node(state, {});
    let reached = 0;
    for (const conn of this.liveCompanionConnections(businessPhone)) {
      if (!subscriptionsOf(conn).has(customer.phone)) continue;
      this.send(conn, node('chatstate', { from: customer.jid }, [stateNode]));
      reached++;
    }
    return reached;
  }

  /** `<chatstate to=customer><composing|paused/></chatstate>` from a companion: the customer's phone shows it. */
  private onChatState(stanza: BinaryNode): void {
    const resolved = stanza.attrs.to ? this.resolveOwner(stanza.attrs.to) : undefined;
    const first = children(stanza)[0];
    if (resolved?.owner.kind !== 'customer' || !first) return;
    const state: ChatState = first.tag === 'paused' ? 'paused' : first.attrs.media === 'audio' ? 'recording' : 'composing';
    resolved.owner.customer.chatStatesFromBusiness.push(state);
    this.emit('business-chatstate', { customer: resolved.owner.customer.phone, state });
  }

  // ---------------------------------------------------------------- faults

  private liveCompanionConnections(businessPhone?: string): SimConnection[] {
    const businesses = businessPhone ? [this.getBusiness(businessPhone)] : [...this.businesses.values()];
    return businesses.flatMap((b) => [...b.companions.values()].map((c) => c.conn).filter((c): c is SimConnection => !!c?.isOpen));
  }

  /** abrupt socket drop (Baileys: 428 connectionClosed) */
  drop(businessPhone?: string): void {
    for (const conn of this.liveCompanionConnections(businessPhone)) conn.terminate();
  }

  streamError(code: number, businessPhone?: string): void {
    for (const conn of this.liveCompanionConnections(businessPhone)) {
      this.send(conn, streamError(code));
      setTimeout(() => conn.close(), 50);
    }
  }

  /** the phone removes the linked device: `<stream:error code="401"><conflict type="device_removed"/>` (Baileys: 401 loggedOut) */
  logoutDevice(businessPhone?: string): void {
    const business = this.getBusiness(businessPhone);
    for (const companion of business.companions.values()) {
      if (companion.removed) continue;
      companion.removed = true;
      if (companion.conn?.isOpen) {
        const conn = companion.conn;
        this.send(conn, streamError(401, node('conflict', { type: 'device_removed' })));
        setTimeout(() => conn.close(), 50);
      }
    }
  }

  /** another client took over the session: `<stream:error><conflict type="replaced"/>` (Baileys: 440 connectionReplaced) */
  replaced(businessPhone?: string): void {
    for (const conn of this.liveCompanionConnections(businessPhone)) {
      this.send(conn, streamError(undefined, node('conflict', { type: 'replaced' })));
      setTimeout(() => conn.close(), 50);
    }
  }
}
