import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Type } from 'typebox';
import { ErrorResponse, Id, WorkspaceParams } from '../../../contracts/common.js';
import { ALLOWED_UPLOADS_TEXT, MEDIA_LIMITS, UploadedMediaDto } from '../../../contracts/media.js';
import { AppError } from '../../http/errors.js';
import { requireCaller } from '../../http/session.js';
import type { MediaService } from './service.js';

/** Reads what is left of a refused upload, so the client gets the error answer rather than a reset connection. */
async function drain(stream: Readable): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return;
  stream.resume();
  await finished(stream).catch(() => undefined);
}

const MediaParams = Type.Object({ workspaceId: Id, mediaId: Id });

/** Types a browser may show inline; anything else (HTML, SVG, PDF…) is only ever downloaded. */
const INLINE_TYPES = /^(image\/(jpeg|png|gif|webp)|video\/(mp4|3gpp|webm)|audio\/(ogg|mpeg|mp4|aac|amr|webm|wav))$/i;

/** Types a browser would run or render as a page: served as plain bytes whatever the sender claimed. */
const ACTIVE_TYPES = /(html|xml|svg|javascript|ecmascript|css)/i;
const WELL_FORMED_TYPE = /^[a-z0-9][\w.+-]*\/[\w.+-]+$/i;

export function servedContentType(stored: string): string {
  const base = stored.split(';')[0]!.trim();
  return WELL_FORMED_TYPE.test(base) && !ACTIVE_TYPES.test(base) ? base : 'application/octet-stream';
}

/** A file name safe in a header: no quotes, slashes or control characters; the full name goes in filename*. */
export function contentDisposition(fileName: string | null, inline: boolean): string {
  const name = (fileName ?? 'file').replace(/[\\/]/g, '_').slice(0, 200) || 'file';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["%;\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function mediaRoutes(deps: { media: MediaService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The largest kind's limit plus one byte: the per-kind check (which names the kind) always comes first.
    await app.register(multipart, { limits: { fileSize: MEDIA_LIMITS.document + 1, files: 1, fields: 4, parts: 5 } });

    app.post(
      '/workspaces/:workspaceId/media',
      {
        schema: {
          tags: ['media'],
          summary: `Upload a file to send (members): multipart/form-data, field \`file\`. Streamed to storage; its type is checked on its bytes. Allowed: ${ALLOWED_UPLOADS_TEXT}. Limits: image 5 MB, video and audio 16 MB, document 100 MB, sticker 500 KB. Send it by its id; files no message uses are deleted after a day`,
          consumes: ['multipart/form-data'],
          params: WorkspaceParams,
          response: {
            201: UploadedMediaDto,
            400: ErrorResponse,
            401: ErrorResponse,
            403: ErrorResponse,
            404: ErrorResponse,
            413: ErrorResponse,
            415: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        let part: MultipartFile | undefined;
        try {
          const saved = await deps.media.upload(requireCaller(request), request.params.workspaceId, async () => {
            if (!request.isMultipart()) {
              throw new AppError(415, 'unsupported_media_type', 'Send the file as multipart/form-data in the field `file`.');
            }
            part = await request.file();
            return part ? { stream: part.file, mimetype: part.mimetype || null, fileName: part.filename || null } : null;
          });
          return await reply.status(201).send(saved);
        } catch (error) {
          if (part) await drain(part.file);
          throw error;
        }
      },
    );

    app.get(
      '/workspaces/:workspaceId/media/:mediaId',
      {
        schema: {
          tags: ['media'],
          summary: 'Download a media file of a message (members)',
          params: MediaParams,
          response: {
            200: Type.Unknown({ description: 'The file, with its stored content type' }),
            401: ErrorResponse,
            404: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const file = await deps.media.open(requireCaller(request), request.params.workspaceId, request.params.mediaId);
        const type = servedContentType(file.mimetype);
        const inline = INLINE_TYPES.test(type);
        return reply
          .type(type)
          .header('content-length', file.size)
          .header('content-disposition', contentDisposition(file.fileName, inline))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, max-age=3600')
          .send(file.stream);
      },
    );
  };
}
