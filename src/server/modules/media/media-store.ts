/**
 * Media files, content-addressed under `<dataDir>/media/<sha256[0:2]>/<sha256>`.
 * Rows in `media` carry the workspace, type and name; the same bytes received
 * twice are stored once on disk. Inbound media is recorded `pending` with the
 * sealed provider handle at ingest, and downloaded later by `downloadPending`,
 * so a slow download never holds up the inbox.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Db } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secrets.js';
import type { EventBus } from '../../realtime/bus.js';
import { ProviderError } from '../../whatsapp/provider.js';

export const DEFAULT_MEDIA_MAX_BYTES = 100 * 1024 * 1024;

export interface NumberRef {
  id: string;
  workspaceId: string;
}

export interface OpenedMedia {
  stream: Readable;
  mimetype: string;
  fileName: string | null;
  size: number;
}

export interface DownloadSummary {
  stored: number;
  failed: number;
  /** True when the downloader said the number is not connected: the rest stay pending for later. */
  stoppedEarly: boolean;
}

export type MediaDownloader = (handle: string) => Promise<Buffer>;

/** How `saveStream` reads an upload: its name, and the checks on its first bytes and size. */
export interface StreamUpload {
  fileName: string | null;
  /** How many leading bytes `inspect` sees. */
  headBytes: number;
  /** Answers the stored type and the size limit from the first bytes, or throws to refuse the file. */
  inspect: (head: Buffer) => { mimetype: string; maxBytes: number };
  /** The error thrown once the stream passes `maxBytes`. */
  tooLarge: () => Error;
}

export interface MediaStore {
  /** Largest file accepted, in bytes. */
  readonly maxBytes: number;
  /** Where the bytes with this hash live. */
  pathOf(sha256: string): string;
  /** Stores bytes (e.g. an upload) and records a `stored` media row. */
  save(
    workspaceId: string,
    bytes: Buffer,
    meta: { mimetype: string; fileName: string | null },
  ): Promise<{ id: string; sha256: string; size: number }>;
  /**
   * Streams an upload to disk (never whole in memory), hashing as it goes, and
   * records a `stored` media row. `inspect` sees the first `headBytes` bytes and
   * answers the stored type and the size limit (or throws to refuse the file);
   * past the limit the write stops with `tooLarge()`. Nothing is left behind on failure.
   */
  saveStream(
    workspaceId: string,
    source: AsyncIterable<Buffer>,
    meta: StreamUpload,
  ): Promise<{ id: string; sha256: string; size: number; mimetype: string }>;
  /** The file of a stored media row, only within its workspace; null when absent. */
  open(workspaceId: string, mediaId: string): Promise<OpenedMedia | null>;
  /** Downloads up to `limit` pending media of one number's messages (oldest first). Used by the number manager. */
  downloadPending(number: NumberRef, downloader: MediaDownloader, limit?: number): Promise<DownloadSummary>;
  /** Same as `downloadPending`. */
  fetchPending(number: NumberRef, downloader: MediaDownloader, limit?: number): Promise<DownloadSummary>;
}

export function createMediaStore(deps: {
  db: Db;
  box: SecretBox;
  clock: Clock;
  dataDir: string;
  bus?: EventBus;
  maxBytes?: number;
}): MediaStore {
  const { db, box, clock } = deps;
  const root = path.join(deps.dataDir, 'media');
  const maxBytes = deps.maxBytes ?? DEFAULT_MEDIA_MAX_BYTES;

  const pathOf = (sha256: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256 hex digest');
    return path.join(root, sha256.slice(0, 2), sha256);
  };

  /** Writes to a temp file then renames, so a reader never sees a half-written file. */
  async function writeContent(bytes: Buffer): Promise<string> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = pathOf(sha256);
    if (fs.existsSync(target)) return sha256;
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.promises.writeFile(temp, bytes, { mode: 0o600 });
      await fs.promises.rename(temp, target);
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
    return sha256;
  }

  async function insertStored(
    workspaceId: string,
    file: { sha256: string; size: number; mimetype: string; fileName: string | null },
  ): Promise<string> {
    const now = clock.now();
    const id = newId(now);
    await db
      .insertInto('media')
      .values({
        id,
        workspace_id: workspaceId,
        sha256: file.sha256,
        mimetype: file.mimetype,
        file_name: file.fileName,
        size: file.size,
        handle: null,
        state: 'stored',
        error: null,
        created_at: now,
      })
      .execute();
    return id;
  }

  async function saveStream(workspaceId: string, source: AsyncIterable<Buffer>, meta: StreamUpload) {
    const tmpDir = path.join(root, 'tmp');
    await fs.promises.mkdir(tmpDir, { recursive: true });
    const temp = path.join(tmpDir, `${randomBytes(8).toString('hex')}.tmp`);
    const out = fs.createWriteStream(temp, { mode: 0o600 });
    const hash = createHash('sha256');
    let checked: { mimetype: string; maxBytes: number } | null = null;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let size = 0;
    const write = async (chunk: Buffer) => {
      size += chunk.length;
      if (size > checked!.maxBytes) throw meta.tooLarge();
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    };
    const flushHead = async () => {
      const head = Buffer.concat(pending, pendingBytes);
      pending = [];
      checked = meta.inspect(head.subarray(0, meta.headBytes));
      if (head.length > 0) await write(head);
    };
    try {
      for await (const chunk of source) {
        if (checked) {
          await write(chunk);
          continue;
        }
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= meta.headBytes) await flushHead();
      }
      if (!checked) await flushHead();
      out.end();
      await finished(out);
      const sha256 = hash.digest('hex');
      const target = pathOf(sha256);
      if (fs.existsSync(target)) {
        await fs.promises.rm(temp, { force: true });
      } else {
        await fs.promises.mkdir(path.dirname(target), { recursive: true });
        await fs.promises.rename(temp, target);
      }
      const { mimetype } = checked!;
      const id = await insertStored(workspaceId, { sha256, size, mimetype, fileName: meta.fileName });
      return { id, sha256, size, mimetype };
    } catch (error) {
      // The file may still be opening: remove it only once the stream has closed, or it would reappear.
      if (!out.closed) {
        const closed = once(out, 'close');
        out.destroy();
        await closed;
      }
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
  }

  async function downloadPending(number: NumberRef, downloader: MediaDownloader, limit = 20): Promise<DownloadSummary> {
    const pending = await db
      .selectFrom('media as md')
      .innerJoin('messages as m', 'm.media_id', 'md.id')
      .select(['md.id', 'md.handle', 'md.mimetype', 'm.id as message_id', 'm.conversation_id'])
      .where('md.workspace_id', '=', number.workspaceId)
      .where('m.workspace_id', '=', number.workspaceId)
      .where('m.number_id', '=', number.id)
      .where('md.state', '=', 'pending')
      .orderBy('md.id')
      .limit(limit)
      .execute();
    const summary: DownloadSummary = { stored: 0, failed: 0, stoppedEarly: false };
    for (const item of pending) {
      let outcome: { state: 'stored'; sha256: string; size: number } | { state: 'failed'; error: string };
      try {
        if (!item.handle) throw new Error('no download handle');
        const bytes = await downloader(box.open(Buffer.from(item.handle)).toString('utf8'));
        outcome =
          bytes.length > maxBytes
            ? { state: 'failed', error: `file larger than ${Math.round(maxBytes / 1024 / 1024)} MB` }
            : { state: 'stored', sha256: await writeContent(bytes), size: bytes.length };
      } catch (error) {
        // Offline: leave the rest pending for the next connection rather than failing them.
        if (error instanceof ProviderError && error.code === 'not_connected') {
          summary.stoppedEarly = true;
          break;
        }
        outcome = { state: 'failed', error: error instanceof Error ? error.message.slice(0, 300) : 'download failed' };
      }
      // The handle carries the media key; it is not needed once the outcome is known.
      await db
        .updateTable('media')
        .set(
          outcome.state === 'stored'
            ? { state: 'stored', sha256: outcome.sha256, size: outcome.size, handle: null, error: null }
            : { state: 'failed', error: outcome.error, handle: null },
        )
        .where('workspace_id', '=', number.workspaceId)
        .where('id', '=', item.id)
        .where('state', '=', 'pending')
        .execute();
      if (outcome.state === 'stored') summary.stored += 1;
      else summary.failed += 1;
      deps.bus?.publish(number.workspaceId, 'message.updated', { conversationId: item.conversation_id, messageId: item.message_id });
    }
    return summary;
  }

  return {
    maxBytes,
    pathOf,

    async save(workspaceId, bytes, meta) {
      if (bytes.length > maxBytes) {
        throw new AppError(413, 'payload_too_large', `The file is larger than the limit of ${Math.round(maxBytes / 1024 / 1024)} MB.`);
      }
      const sha256 = await writeContent(bytes);
      const id = await insertStored(workspaceId, { sha256, size: bytes.length, mimetype: meta.mimetype, fileName: meta.fileName });
      return { id, sha256, size: bytes.length };
    },

    async open(workspaceId, mediaId) {
      const row = await db
        .selectFrom('media')
        .select(['sha256', 'mimetype', 'file_name', 'size'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', mediaId)
        .where('state', '=', 'stored')
        .executeTakeFirst();
      if (!row?.sha256) return null;
      const file = pathOf(row.sha256);
      let size: number;
      try {
        size = (await fs.promises.stat(file)).size;
      } catch {
        return null;
      }
      return { stream: fs.createReadStream(file), mimetype: row.mimetype ?? 'application/octet-stream', fileName: row.file_name, size };
    },

    saveStream,
    downloadPending,
    fetchPending: downloadPending,
  };
}
