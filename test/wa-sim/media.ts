/**
 * Media: an HTTPS upload/download endpoint on loopback plus WhatsApp's media encryption.
 *
 * Protocol facts:
 * - Baileys asks `iq xmlns=w:m <media_conn/>` and uploads to `https://${host}${/mms/<type>}/<fileEncSha256 b64url>?auth=…&token=…`
 *   (lib/Utils/messages-media.js getWAUploadToServer). It always builds `https://`, so the host must speak TLS:
 *   the simulator serves a self-signed certificate (generated with the `openssl` CLI) and returns
 *   `host = 127.0.0.1:<port>`. Uploads go through Node's https.request with `config.fetchAgent`
 *   (pass `new https.Agent({ ca: sim.media.certificate })`); downloads go through global fetch (undici), which
 *   takes `options.dispatcher` — see `undiciAgentTrusting()`.
 * - The upload answer is JSON `{ url, direct_path }`; messages carry `directPath`, downloads use `https://${host}${directPath}`.
 * - Encryption: HKDF-SHA256(mediaKey, 112 bytes, info "WhatsApp <Type> Keys") → iv[0..16) cipherKey[16..48) macKey[48..80);
 *   file = AES-256-CBC(plaintext) ‖ first 10 bytes of HMAC-SHA256(macKey, iv ‖ ciphertext).
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { getMediaKeys } from 'baileys';
import type { MediaType } from 'baileys';

let cachedTls: { key: Buffer; cert: Buffer } | undefined;

/** A self-signed certificate for 127.0.0.1, made once per process with the openssl CLI. */
export function loopbackCertificate(): { key: Buffer; cert: Buffer } {
  if (cachedTls) return cachedTls;
  const dir = mkdtempSync(join(tmpdir(), 'wa-sim-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '30',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    cachedTls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    return cachedTls;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface EncryptedMedia {
  mediaKey: Buffer;
  file: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
  fileLength: number;
}

export async function encryptMedia(plaintext: Buffer, type: MediaType): Promise<EncryptedMedia> {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = await getMediaKeys(mediaKey, type);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const enc = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const mac = createHmac('sha256', macKey!).update(iv).update(enc).digest().subarray(0, 10);
  const file = Buffer.concat([enc, mac]);
  return {
    mediaKey,
    file,
    fileSha256: createHash('sha256').update(plaintext).digest(),
    fileEncSha256: createHash('sha256').update(file).digest(),
    fileLength: plaintext.length,
  };
}

export async function decryptMedia(file: Buffer, mediaKey: Uint8Array, type: MediaType): Promise<Buffer> {
  const { iv, cipherKey, macKey } = await getMediaKeys(Buffer.from(mediaKey), type);
  const enc = file.subarray(0, file.length - 10);
  const mac = createHmac('sha256', macKey!).update(iv).update(enc).digest().subarray(0, 10);
  if (!mac.equals(file.subarray(file.length - 10))) throw new Error('media MAC mismatch');
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  return Buffer.concat([decipher.update(enc), decipher.final()]);
}

export interface MediaServer {
  /** `127.0.0.1:<port>`, what `media_conn` returns as hostname */
  host: string;
  /** PEM certificate to trust (https.Agent `ca`, undici `connect.ca`) */
  certificate: Buffer;
  /** stored encrypted blobs by direct path */
  blobs: Map<string, Buffer>;
  /** stores an encrypted blob and returns its direct path */
  put(file: Buffer, type: string): string;
  get(pathOrUrl: string): Buffer | undefined;
  close(): Promise<void>;
}

const pathOf = (pathOrUrl: string): string => (pathOrUrl.startsWith('https://') ? new URL(pathOrUrl).pathname : pathOrUrl.split('?')[0]!);

export async function startMediaServer(): Promise<MediaServer> {
  const tls = loopbackCertificate();
  const blobs = new Map<string, Buffer>();
  const put = (file: Buffer, type: string): string => {
    const path = `/v/t62.sim-${type}/${randomBytes(12).toString('hex')}.enc`;
    blobs.set(path, file);
    return path;
  };
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (req.method === 'POST' && url.pathname.startsWith('/mms/')) {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const type = url.pathname.split('/')[2] ?? 'file';
        const directPath = put(Buffer.concat(chunks), type);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ url: `https://${host}${directPath}?ccb=sim`, direct_path: `${directPath}?ccb=sim` }));
      });
      return;
    }
    const blob = req.method === 'GET' ? blobs.get(url.pathname) : undefined;
    if (!blob) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) });
    res.end(blob);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    certificate: tls.cert,
    blobs,
    put,
    get: (pathOrUrl) => blobs.get(pathOf(pathOrUrl)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An undici Agent (the dispatcher type global fetch accepts) that trusts `ca`. Node 20 bundles undici without
 * exporting it; after one fetch the global dispatcher exists and its constructor is undici's Agent.
 * Test/demo processes only.
 */
export async function undiciAgentTrusting(ca: Buffer): Promise<unknown> {
  const key = Symbol.for('undici.globalDispatcher.1');
  const holder = globalThis as unknown as Record<symbol, { constructor: new (opts: unknown) => unknown } | undefined>;
  if (!holder[key]) await fetch('http://127.0.0.1:9/').catch(() => undefined);
  const current = holder[key];
  if (!current) throw new Error('could not reach the undici global dispatcher');
  return new current.constructor({ connect: { ca } });
}
