import type { Readable } from 'node:stream';
import type { UploadedMediaDtoT } from '../../../contracts/media.js';
import { notFound, validation } from '../../http/errors.js';
import type { Caller } from '../caller.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import type { MediaStore, OpenedMedia } from './media-store.js';
import { checkUpload, SNIFF_BYTES, tooLarge } from './upload-check.js';

export interface MediaUpload {
  stream: Readable;
  /** What the client declared; confirmed against the bytes. */
  mimetype: string | null;
  fileName: string | null;
}

/** A file name as shown to people and sent with documents: no path, no control characters, at most 200 characters. */
export function cleanFileName(name: string | null | undefined): string | null {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = Array.from(base)
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 200);
  return clean === '' ? null : clean;
}

export function createMediaService(deps: { access: WorkspaceAccess; store: MediaStore }) {
  const { access, store } = deps;
  return {
    /** A stored file of the workspace, for any member. Another workspace's media is simply not found. */
    async open(caller: Caller, workspaceId: string, mediaId: string): Promise<OpenedMedia> {
      await access.require(caller, workspaceId, 'workspace.read');
      const media = await store.open(workspaceId, mediaId);
      if (!media) throw notFound('media');
      return media;
    },

    /**
     * A file to send later (any member may send): streamed to the store, its type
     * checked on its first bytes and its size against WhatsApp's limit for its kind.
     */
    async upload(caller: Caller, workspaceId: string, read: () => Promise<MediaUpload | null>): Promise<UploadedMediaDtoT> {
      await access.require(caller, workspaceId, 'workspace.read');
      // The body is read only once the caller may upload here.
      const file = await read();
      if (!file) throw validation('Attach a file.', { file: 'required' });
      const fileName = cleanFileName(file.fileName);
      let kind: UploadedMediaDtoT['kind'] = 'document';
      // Not `for await` over the stream itself: a refused file must not destroy the request mid-body.
      const saved = await store.saveStream(workspaceId, file.stream.iterator({ destroyOnReturn: false }), {
        fileName,
        headBytes: SNIFF_BYTES,
        inspect: (head) => {
          const checked = checkUpload(file.mimetype, fileName, head);
          kind = checked.kind;
          return checked;
        },
        tooLarge: () => tooLarge(kind),
      });
      return { id: saved.id, kind, mimetype: saved.mimetype, fileName, size: saved.size };
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
