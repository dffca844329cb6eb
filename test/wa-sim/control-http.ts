/**
 * Loopback HTTP JSON API over the same controls as the in-process API (for demo mode and browser tests).
 *
 *   GET  /state                                   simulator URL, root key, media host/cert, businesses, customers
 *   POST /customers                {phone, pushName}
 *   POST /scan                     {qr, phone, pushName}
 *   POST /customers/:phone/text    {text, business?}
 *   POST /customers/:phone/image   {base64, mimetype?, caption?}
 *   POST /customers/:phone/document {base64, mimetype, fileName, caption?}
 *   POST /customers/:phone/reply   {quotedId, text}
 *   POST /customers/:phone/reaction {messageId, emoji}
 *   GET  /customers/:phone/messages               what the business sent this customer (decrypted)
 *   GET  /customers/:phone/receipts/:id           receipts the business sent for a customer message
 *   POST /customers/:phone/deliver {messageId}    customer phone confirms delivery
 *   POST /customers/:phone/read    {messageId}    customer phone reads
 *   POST /customers/:phone/chatstate {state}      customer phone shows composing | recording | paused ({reached})
 *   POST /messages/:id/ack         {error?}       server ack for a business message (when created with autoAck: false)
 *   POST /faults/drop | /faults/stream-error {code} | /faults/logout | /faults/replaced   (optional {business})
 *   POST /load                     {customers, messagesPerCustomer, ratePerSecond}
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { proto } from 'baileys';

import type { WaSim } from './index.js';
import { runLoad } from './load.js';
import type { ReceivedMessage } from './world.js';

export interface ControlHttp {
  url: string;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

const readJson = async (req: IncomingMessage): Promise<Json> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Json) : {};
};

const str = (body: Json, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string' || !value) throw Object.assign(new Error(`"${key}" is required`), { status: 400 });
  return value;
};

const optStr = (body: Json, key: string): string | undefined => (typeof body[key] === 'string' ? (body[key] as string) : undefined);

const messageJson = (m: ReceivedMessage): Json => ({
  id: m.id,
  from: m.from,
  to: m.to,
  type: m.type,
  text: m.text,
  at: m.at.toISOString(),
  message: proto.Message.fromObject(m.message).toJSON(),
});

export async function startControlHttp(sim: WaSim, options: { port?: number } = {}): Promise<ControlHttp> {
  const route = async (method: string, path: string[], body: Json): Promise<unknown> => {
    const [a, b, c, d] = path;
    const business = optStr(body, 'business');
    if (method === 'GET' && a === 'state') {
      const world = sim.world;
      return {
        url: sim.url,
        rootPublicKey: sim.rootPublicKey.toString('base64'),
        media: { host: sim.media.host, certificate: sim.media.certificate.toString('utf8') },
        businesses: [...world.businesses.values()].map((biz) => ({
          phone: biz.phone,
          name: biz.name,
          jid: biz.jid,
          lid: biz.lid,
          companions: [...biz.companions.values()].map((comp) => ({
            deviceId: comp.deviceId,
            jid: comp.jid,
            online: !!comp.conn?.isOpen,
            removed: comp.removed,
          })),
        })),
        customers: [...world.customers.values()].map((cust) => ({
          phone: cust.phone,
          pushName: cust.pushName,
          jid: cust.jid,
          lid: cust.lid,
        })),
      };
    }
    if (method === 'POST' && a === 'customers' && !b) {
      const customer = sim.createCustomer({ phone: str(body, 'phone'), pushName: optStr(body, 'pushName') });
      return { phone: customer.phone, pushName: customer.pushName, jid: customer.jid, lid: customer.lid };
    }
    if (method === 'POST' && a === 'scan')
      return sim.scanQr(str(body, 'qr'), { phone: str(body, 'phone'), pushName: optStr(body, 'pushName') });
    if (a === 'customers' && b) {
      const opts = business ? { business } : {};
      if (method === 'GET' && c === 'messages') return sim.receivedBy(b).map(messageJson);
      if (method === 'GET' && c === 'receipts' && d) return sim.receiptsFor(b, d);
      if (method === 'POST') {
        switch (c) {
          case 'text':
            return sim.sendText(b, str(body, 'text'), opts);
          case 'image':
            return sim.sendImage(
              b,
              { data: Buffer.from(str(body, 'base64'), 'base64'), mimetype: optStr(body, 'mimetype'), caption: optStr(body, 'caption') },
              opts,
            );
          case 'document':
            return sim.sendDocument(
              b,
              {
                data: Buffer.from(str(body, 'base64'), 'base64'),
                mimetype: str(body, 'mimetype'),
                fileName: str(body, 'fileName'),
                caption: optStr(body, 'caption'),
              },
              opts,
            );
          case 'reply':
            return sim.sendReply(b, str(body, 'quotedId'), str(body, 'text'), opts);
          case 'reaction':
            return sim.sendReaction(b, str(body, 'messageId'), typeof body.emoji === 'string' ? body.emoji : '', opts);
          case 'deliver':
            sim.deliver(b, str(body, 'messageId'));
            return { ok: true };
          case 'read':
            sim.read(b, str(body, 'messageId'));
            return { ok: true };
          case 'chatstate': {
            const state = str(body, 'state');
            if (state !== 'composing' && state !== 'recording' && state !== 'paused') {
              throw Object.assign(new Error('"state" is composing, recording or paused'), { status: 400 });
            }
            return { reached: sim.sendChatState(b, state, opts) };
          }
        }
      }
    }
    if (method === 'POST' && a === 'messages' && b && c === 'ack') {
      sim.ack(b, body.error === undefined ? {} : { error: Number(body.error) });
      return { ok: true };
    }
    if (method === 'POST' && a === 'faults') {
      switch (b) {
        case 'drop':
          sim.drop(business);
          return { ok: true };
        case 'stream-error':
          sim.streamError(Number(body.code ?? 500), business);
          return { ok: true };
        case 'logout':
          sim.logoutDevice(business);
          return { ok: true };
        case 'replaced':
          sim.replaced(business);
          return { ok: true };
      }
    }
    if (method === 'POST' && a === 'load') {
      const result = await runLoad(sim, {
        customers: Number(body.customers ?? 1),
        messagesPerCustomer: Number(body.messagesPerCustomer ?? 1),
        ratePerSecond: Number(body.ratePerSecond ?? 0),
        ...(business ? { business } : {}),
      });
      return { sent: result.sent.length, durationMs: result.durationMs, ids: result.sent.map((s) => s.id) };
    }
    throw Object.assign(new Error(`no route ${method} /${path.join('/')}`), { status: 404 });
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    readJson(req)
      .then((body) => route(req.method ?? 'GET', path, body))
      .then((result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result ?? null));
      })
      .catch((err: Error & { status?: number }) => {
        res.writeHead(err.status ?? 500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: err.message }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
