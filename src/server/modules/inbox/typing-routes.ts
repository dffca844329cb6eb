import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '../../../contracts/common.js';
import { ConversationParams, TypingBody } from '../../../contracts/inbox.js';
import { requireCaller } from '../../http/session.js';
import type { TypingService } from './typing.js';

/** `POST …/conversations/:id/typing`: the dashboard's composer says a teammate is typing (see typing.ts). */
export function typingRoutes(deps: { typing: TypingService }): FastifyPluginAsyncTypebox {
  const { typing } = deps;
  return async (app) => {
    app.post(
      '/workspaces/:workspaceId/conversations/:conversationId/typing',
      {
        schema: {
          tags: ['inbox'],
          summary: 'Say that you are typing in a conversation (or stopped, or opened it)',
          description:
            'Teammates viewing the conversation get a `conversation.typing` event. For a reply (not a note) and when the workspace ' +
            'allows it (`typingToCustomer`), the customer sees "typing…" on WhatsApp. Send `typing` at most every few seconds while ' +
            'typing and `stopped` on send or blur; `viewing` when the conversation is opened lets WhatsApp report the customer typing.',
          params: ConversationParams,
          body: TypingBody,
          response: {
            204: Type.Null({ description: 'Signalled' }),
            400: ErrorResponse,
            401: ErrorResponse,
            404: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        await typing.signal(requireCaller(request), request.params.workspaceId, request.params.conversationId, request.body);
        return reply.status(204).send(null);
      },
    );
  };
}
