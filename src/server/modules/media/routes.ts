import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, Id } from '../../../contracts/common.js';
import { requireCaller } from '../../http/session.js';
import type { MediaService } from './service.js';

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
