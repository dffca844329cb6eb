import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, ListQuery, Page, WorkspaceParams } from '../../../contracts/common.js';
import {
  BulkUpdateBody,
  BulkUpdateResult,
  CannedReplyDto,
  CannedReplyParams,
  ConversationDetailDto,
  ConversationListQuery,
  ConversationParams,
  CreateCannedReplyBody,
  CreateLabelBody,
  CreateNoteBody,
  InboxConversationDto,
  InboxMessageDto,
  InboxReplyBody,
  LabelDto,
  LabelParams,
  MessageListQuery,
  MessagePage,
  MessageParams,
  NoteDto,
  RetryBody,
  UpdateCannedReplyBody,
  UpdateConversationBody,
  UpdateLabelBody,
} from '../../../contracts/inbox.js';
import { requireCaller } from '../../http/session.js';
import type { InboxService } from './service.js';

const read = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
const write = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const NoContent = Type.Null({ description: 'Deleted' });

/** The team inbox: conversations, history, replies, notes, labels and canned replies. */
export function inboxRoutes(deps: { inbox: InboxService }): FastifyPluginAsyncTypebox {
  const { inbox } = deps;
  return async (app) => {
    const ws = '/workspaces/:workspaceId';

    app.get(
      `${ws}/conversations`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'The inbox: conversations by newest activity, with filters and full-text search (`q`)',
          params: WorkspaceParams,
          querystring: ConversationListQuery,
          response: { 200: Page(InboxConversationDto), ...read },
        },
      },
      async (request) => inbox.list(requireCaller(request), request.params.workspaceId, request.query),
    );

    app.post(
      `${ws}/conversations/bulk`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'Change status, assignee or labels of several conversations at once',
          params: WorkspaceParams,
          body: BulkUpdateBody,
          response: { 200: BulkUpdateResult, ...write },
        },
      },
      async (request) => inbox.bulk(requireCaller(request), request.params.workspaceId, request.body),
    );

    app.get(
      `${ws}/conversations/:conversationId`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'One conversation with its contact, labels and the contact’s other conversations',
          params: ConversationParams,
          response: { 200: ConversationDetailDto, ...read },
        },
      },
      async (request) => inbox.get(requireCaller(request), request.params.workspaceId, request.params.conversationId),
    );

    app.patch(
      `${ws}/conversations/:conversationId`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'Change status, assignee, labels or read state (each change is logged)',
          params: ConversationParams,
          body: UpdateConversationBody,
          response: { 200: ConversationDetailDto, ...write },
        },
      },
      async (request) => inbox.update(requireCaller(request), request.params.workspaceId, request.params.conversationId, request.body),
    );

    app.get(
      `${ws}/conversations/:conversationId/messages`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'History, newest first; `before` pages to older, `around` opens at a message, `after` pages to newer',
          params: ConversationParams,
          querystring: MessageListQuery,
          response: { 200: MessagePage, ...read },
        },
      },
      async (request) => inbox.messages(requireCaller(request), request.params.workspaceId, request.params.conversationId, request.query),
    );

    app.post(
      `${ws}/conversations/:conversationId/messages`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'Reply in the conversation (queued; sent once the number is connected)',
          params: ConversationParams,
          body: InboxReplyBody,
          response: { 202: InboxMessageDto, ...write },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await inbox.reply(requireCaller(request), request.params.workspaceId, request.params.conversationId, request.body)),
    );

    app.post(
      `${ws}/messages/:messageId/retry`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'Queue a failed message again; when its outcome is unknown, `confirm: true` is required',
          params: MessageParams,
          body: RetryBody,
          response: { 202: InboxMessageDto, ...write },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(await inbox.retry(requireCaller(request), request.params.workspaceId, request.params.messageId, request.body)),
    );

    app.get(
      `${ws}/conversations/:conversationId/notes`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'Private notes of the team on a conversation, newest first',
          params: ConversationParams,
          querystring: ListQuery,
          response: { 200: Page(NoteDto), ...read },
        },
      },
      async (request) => inbox.notes(requireCaller(request), request.params.workspaceId, request.params.conversationId, request.query),
    );

    app.post(
      `${ws}/conversations/:conversationId/notes`,
      {
        schema: {
          tags: ['inbox'],
          summary: 'Add a private note (never sent to the customer)',
          params: ConversationParams,
          body: CreateNoteBody,
          response: { 201: NoteDto, ...write },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await inbox.addNote(requireCaller(request), request.params.workspaceId, request.params.conversationId, request.body)),
    );

    app.get(
      `${ws}/labels`,
      {
        schema: {
          tags: ['labels'],
          summary: 'Labels of the workspace',
          params: WorkspaceParams,
          response: { 200: Page(LabelDto), ...read },
        },
      },
      async (request) => inbox.labels(requireCaller(request), request.params.workspaceId),
    );
    app.post(
      `${ws}/labels`,
      {
        schema: {
          tags: ['labels'],
          summary: 'Create a label (owner, admin)',
          params: WorkspaceParams,
          body: CreateLabelBody,
          response: { 201: LabelDto, ...write },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await inbox.createLabel(requireCaller(request), request.params.workspaceId, request.body)),
    );
    app.patch(
      `${ws}/labels/:labelId`,
      {
        schema: {
          tags: ['labels'],
          summary: 'Rename or recolour a label (owner, admin)',
          params: LabelParams,
          body: UpdateLabelBody,
          response: { 200: LabelDto, ...write },
        },
      },
      async (request) => inbox.updateLabel(requireCaller(request), request.params.workspaceId, request.params.labelId, request.body),
    );
    app.delete(
      `${ws}/labels/:labelId`,
      {
        schema: {
          tags: ['labels'],
          summary: 'Delete a label; conversations lose it (owner, admin)',
          params: LabelParams,
          response: { 204: NoContent, ...write },
        },
      },
      async (request, reply) => {
        await inbox.deleteLabel(requireCaller(request), request.params.workspaceId, request.params.labelId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      `${ws}/canned-replies`,
      {
        schema: {
          tags: ['canned replies'],
          summary: 'Canned replies of the workspace (typed as /shortcut in the composer)',
          params: WorkspaceParams,
          response: { 200: Page(CannedReplyDto), ...read },
        },
      },
      async (request) => inbox.cannedReplies(requireCaller(request), request.params.workspaceId),
    );
    app.post(
      `${ws}/canned-replies`,
      {
        schema: {
          tags: ['canned replies'],
          summary: 'Create a canned reply (owner, admin)',
          params: WorkspaceParams,
          body: CreateCannedReplyBody,
          response: { 201: CannedReplyDto, ...write },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await inbox.createCannedReply(requireCaller(request), request.params.workspaceId, request.body)),
    );
    app.patch(
      `${ws}/canned-replies/:cannedReplyId`,
      {
        schema: {
          tags: ['canned replies'],
          summary: 'Change a canned reply (owner, admin)',
          params: CannedReplyParams,
          body: UpdateCannedReplyBody,
          response: { 200: CannedReplyDto, ...write },
        },
      },
      async (request) =>
        inbox.updateCannedReply(requireCaller(request), request.params.workspaceId, request.params.cannedReplyId, request.body),
    );
    app.delete(
      `${ws}/canned-replies/:cannedReplyId`,
      {
        schema: {
          tags: ['canned replies'],
          summary: 'Delete a canned reply (owner, admin)',
          params: CannedReplyParams,
          response: { 204: NoContent, ...write },
        },
      },
      async (request, reply) => {
        await inbox.deleteCannedReply(requireCaller(request), request.params.workspaceId, request.params.cannedReplyId);
        return reply.status(204).send(null);
      },
    );
  };
}
