/**
 * "Customer phones": a small web page on its own loopback port that plays the
 * phones around a WaSphere demo on top of a wa-sim peer. A person scans the
 * dashboard's QR with the business phone (pasting the QR text, or picking one of
 * the links the dashboard is showing), then chats as several customers: text and
 * images out, the business's replies in, and delivered / read ticks back.
 *
 * Demo tool only. Everything it shows is rendered as text on the page.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import type { WaSim } from '../index.js';
import type { ReceivedMessage } from '../world.js';

export interface PendingLink {
  /** Which dashboard number shows this QR. */
  label: string;
  qr: string;
}

export interface PhonesOptions {
  port?: number;
  host?: string;
  /** QR codes the dashboard is showing right now (the demo reads them from WaSphere). */
  pendingLinks?: () => Promise<PendingLink[]>;
  /** URL of the dashboard, for the page's header link. */
  dashboardUrl?: string;
}

export interface PhonesServer {
  url: string;
  close(): Promise<void>;
}

interface Line {
  id: string;
  fromCustomer: boolean;
  kind: 'text' | 'image' | 'document' | 'other';
  text: string | null;
  at: number;
  business: string;
  /** data: URL of a small image, when there is one */
  image?: string;
}

const MAX_BODY = 8 * 1024 * 1024;
const PAGE_DIR = import.meta.dirname;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object') throw new HttpError(400, 'JSON object expected');
  return parsed as Record<string, unknown>;
}

const str = (body: Record<string, unknown>, key: string, fallback?: string): string => {
  const v = body[key];
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (fallback !== undefined) return fallback;
  throw new HttpError(400, `"${key}" is required`);
};

const digits = (s: string) => s.replace(/\D/g, '');

function describe(message: ReceivedMessage['message']): Pick<Line, 'kind' | 'text'> {
  if (message.conversation) return { kind: 'text', text: message.conversation };
  if (message.extendedTextMessage?.text) return { kind: 'text', text: message.extendedTextMessage.text };
  if (message.imageMessage) return { kind: 'image', text: message.imageMessage.caption ?? null };
  if (message.documentMessage)
    return { kind: 'document', text: message.documentMessage.fileName ?? message.documentMessage.caption ?? null };
  if (message.reactionMessage) return { kind: 'other', text: `reacted ${message.reactionMessage.text ?? ''}` };
  return { kind: 'other', text: '(a message this page does not show)' };
}

export async function startPhones(sim: WaSim, options: PhonesOptions = {}): Promise<PhonesServer> {
  const world = sim.world;
  /** What each customer sent from this page, in order (the peer keeps only the protos). */
  const sentBy = new Map<string, Line[]>();
  /** Receipts each customer's phone sent for the business's messages. */
  const ourReceipts = new Map<string, Set<string>>();
  const imageCache = new Map<string, string>();
  let autoDeliver = true;
  let nextPhone = 447700900100;

  const markReceipt = (customer: string, id: string, type: 'delivery' | 'read') => {
    const key = `${customer}/${id}`;
    const set = ourReceipts.get(key) ?? new Set<string>();
    if (type === 'read') set.add('delivery');
    set.add(type);
    ourReceipts.set(key, set);
  };

  // A phone that is on the network confirms delivery by itself, like a real one. A short pause
  // keeps the receipt out of the client's ~100 ms buffer of its own send.
  const onCustomerMessage = (customer: { phone: string }, m: ReceivedMessage) => {
    if (!autoDeliver) return;
    setTimeout(() => {
      try {
        sim.deliver(customer.phone, m.id);
        markReceipt(customer.phone, m.id, 'delivery');
      } catch {
        // the business went away in between
      }
    }, 400);
  };
  world.on('customer-message', onCustomerMessage);

  const businessName = (jidOrPhone: string) => {
    const phone = digits(jidOrPhone.split('@')[0]!.split(':')[0]!);
    return world.businesses.get(phone)?.name ?? phone;
  };

  const imageOf = async (m: ReceivedMessage): Promise<string | undefined> => {
    if (!m.message.imageMessage) return undefined;
    const cached = imageCache.get(m.id);
    if (cached) return cached;
    try {
      const data = await sim.downloadMedia(m.message);
      const url = `data:${m.message.imageMessage.mimetype ?? 'image/jpeg'};base64,${data.toString('base64')}`;
      imageCache.set(m.id, url);
      return url;
    } catch {
      return undefined;
    }
  };

  async function chat(phone: string) {
    const customer = world.getCustomer(phone);
    const mine = (sentBy.get(customer.phone) ?? []).map((line) => {
      const receipts = customer.receiptsFromBusiness.get(line.id) ?? [];
      return { ...line, ticks: receipts.includes('read') ? 'read' : receipts.length ? 'delivered' : 'sent' };
    });
    const theirs = await Promise.all(
      customer.inbox.map(async (m) => {
        const receipts = ourReceipts.get(`${customer.phone}/${m.id}`) ?? new Set<string>();
        const image = await imageOf(m);
        return {
          id: m.id,
          fromCustomer: false,
          ...describe(m.message),
          at: m.at.getTime(),
          business: businessName(m.from),
          ...(image ? { image } : {}),
          ticks: receipts.has('read') ? 'read' : receipts.has('delivery') ? 'delivered' : 'received',
        };
      }),
    );
    return [...mine, ...theirs].sort((a, b) => a.at - b.at);
  }

  async function state() {
    const links = options.pendingLinks ? await options.pendingLinks().catch(() => []) : [];
    return {
      dashboardUrl: options.dashboardUrl ?? null,
      autoDeliver,
      links,
      businesses: [...world.businesses.values()].map((b) => ({
        phone: b.phone,
        name: b.name,
        online: [...b.companions.values()].some((c) => !c.removed && !!c.conn?.isOpen),
      })),
      customers: [...world.customers.values()].map((c) => ({
        phone: c.phone,
        name: c.pushName,
        unread: c.inbox.filter((m) => !ourReceipts.get(`${c.phone}/${m.id}`)?.has('read')).length,
      })),
    };
  }

  async function route(method: string, parts: string[], req: IncomingMessage): Promise<unknown> {
    const [a, b, c] = parts;
    if (method === 'GET' && a === 'state') return state();
    const body = method === 'POST' ? await readJson(req) : {};
    if (method === 'POST' && a === 'settings') {
      autoDeliver = body.autoDeliver === true;
      return { autoDeliver };
    }
    if (method === 'POST' && a === 'scan') {
      const phone = digits(str(body, 'phone'));
      if (phone.length < 8) throw new HttpError(400, 'Type the business phone number with its country code.');
      try {
        return await sim.scanQr(str(body, 'qr'), { phone, pushName: str(body, 'name', 'Demo shop') });
      } catch (error) {
        throw new HttpError(409, error instanceof Error ? error.message : 'scan failed');
      }
    }
    if (method === 'POST' && a === 'customers' && !b) {
      let phone = digits(str(body, 'phone', ''));
      if (!phone) {
        while (world.customers.has(String(nextPhone))) nextPhone++;
        phone = String(nextPhone++);
      }
      if (phone.length < 8) throw new HttpError(400, 'A phone number needs its country code.');
      const customer = sim.createCustomer({ phone, pushName: str(body, 'name', `Customer ${phone.slice(-4)}`) });
      return { phone: customer.phone, name: customer.pushName };
    }
    if (a === 'customers' && b) {
      if (!world.customers.has(digits(b))) throw new HttpError(404, 'no such customer');
      const customer = world.getCustomer(b);
      if (method === 'GET' && c === 'chat') return chat(b);
      const business = typeof body.business === 'string' && body.business ? { business: digits(body.business) } : {};
      if (method === 'POST' && (c === 'text' || c === 'image')) {
        if (world.businesses.size === 0) throw new HttpError(409, 'Link a WhatsApp number in the dashboard first (scan its QR here).');
        let sent;
        let line: Omit<Line, 'id' | 'at' | 'business'>;
        try {
          if (c === 'text') {
            const text = str(body, 'text');
            sent = await sim.sendText(customer.phone, text, business);
            line = { fromCustomer: true, kind: 'text', text };
          } else {
            const data = Buffer.from(str(body, 'base64'), 'base64');
            const mimetype = str(body, 'mimetype', 'image/png');
            if (!/^image\/(png|jpeg|webp|gif)$/.test(mimetype)) throw new HttpError(400, 'PNG, JPEG, WebP or GIF only');
            const caption = typeof body.caption === 'string' && body.caption.trim() ? body.caption.trim() : undefined;
            sent = await sim.sendImage(customer.phone, { data, mimetype, ...(caption ? { caption } : {}) }, business);
            line = {
              fromCustomer: true,
              kind: 'image',
              text: caption ?? null,
              image: `data:${mimetype};base64,${data.toString('base64')}`,
            };
          }
        } catch (error) {
          if (error instanceof HttpError) throw error;
          throw new HttpError(409, error instanceof Error ? error.message : 'send failed');
        }
        const list = sentBy.get(customer.phone) ?? [];
        list.push({ ...line, id: sent.id, at: Date.now(), business: businessName(sent.business) });
        sentBy.set(customer.phone, list);
        return { id: sent.id };
      }
      if (method === 'POST' && c === 'receipt') {
        const type = body.type === 'read' ? 'read' : 'delivery';
        const ids = Array.isArray(body.ids) ? body.ids.filter((x): x is string => typeof x === 'string') : [str(body, 'messageId')];
        for (const id of ids) {
          if (type === 'read') sim.read(customer.phone, id);
          else sim.deliver(customer.phone, id);
          markReceipt(customer.phone, id, type);
        }
        return { ok: true };
      }
    }
    throw new HttpError(404, `no route ${method} /api/${parts.join('/')}`);
  }

  const files: Record<string, { type: string; file: string }> = {
    '/': { type: 'text/html; charset=utf-8', file: 'index.html' },
    '/phones.js': { type: 'text/javascript; charset=utf-8', file: 'phones.js' },
    '/phones.css': { type: 'text/css; charset=utf-8', file: 'phones.css' },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = {
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    };
    const asset = files[url.pathname];
    if (req.method === 'GET' && asset) {
      fs.readFile(path.join(PAGE_DIR, asset.file), (error, data) => {
        if (error) {
          res.writeHead(500, headers).end('missing page file');
          return;
        }
        res.writeHead(200, { ...headers, 'content-type': asset.type, 'cache-control': 'no-store' }).end(data);
      });
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const parts = url.pathname.slice('/api/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    route(req.method ?? 'GET', parts, req)
      .then((result) => res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(result ?? null)))
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : error instanceof SyntaxError ? 400 : 500;
        const message = error instanceof Error ? error.message : 'failed';
        res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ error: message }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        world.off('customer-message', onCustomerMessage);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
