import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, ListQuery, Page, WorkspaceParams } from '../../../contracts/common.js';
import {
  CreateInviteBody,
  CreateMemberBody,
  CreateWorkspaceBody,
  DeleteWorkspaceBody,
  InviteDto,
  InviteParams,
  MemberDto,
  MemberParams,
  ResetMemberPasswordBody,
  UpdateMemberBody,
  UpdateWorkspaceBody,
  WorkspaceDto,
} from '../../../contracts/workspaces.js';
import { WorkspaceDeletionDto } from '../../../contracts/privacy.js';
import { requireCaller } from '../../http/session.js';
import type { WorkspacesService } from './service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const NoContent = { 204: Type.Null(), ...errors };

export function workspaceRoutes(deps: { workspaces: WorkspacesService }): FastifyPluginAsyncTypebox {
  const { workspaces } = deps;
  return async (app) => {
    app.get(
      '/workspaces',
      {
        schema: {
          tags: ['workspaces'],
          summary: "The caller's workspaces",
          querystring: ListQuery,
          response: { 200: Page(WorkspaceDto), ...errors },
        },
      },
      (request) => workspaces.list(requireCaller(request), request.query.limit ?? 50, request.query.cursor),
    );

    app.post(
      '/workspaces',
      {
        schema: {
          tags: ['workspaces'],
          summary: 'Create a workspace (the caller becomes owner)',
          body: CreateWorkspaceBody,
          response: { 201: WorkspaceDto, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await workspaces.create(requireCaller(request), request.body)),
    );

    app.get(
      '/workspaces/:workspaceId',
      {
        schema: {
          tags: ['workspaces'],
          summary: 'Workspace settings',
          params: WorkspaceParams,
          response: { 200: WorkspaceDto, ...errors },
        },
      },
      (request) => workspaces.get(requireCaller(request), request.params.workspaceId),
    );

    app.patch(
      '/workspaces/:workspaceId',
      {
        schema: {
          tags: ['workspaces'],
          summary: 'Change workspace settings (owner, admin)',
          params: WorkspaceParams,
          body: UpdateWorkspaceBody,
          response: { 200: WorkspaceDto, ...errors },
        },
      },
      (request) => workspaces.update(requireCaller(request), request.params.workspaceId, request.body),
    );

    app.delete(
      '/workspaces/:workspaceId',
      {
        schema: {
          tags: ['workspaces'],
          summary:
            'Delete a workspace and all its data (owner; confirm by name). It is inaccessible at once; erasure runs in the background (GET /workspace-deletions/{id})',
          params: WorkspaceParams,
          body: DeleteWorkspaceBody,
          response: { 202: WorkspaceDeletionDto, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await workspaces.remove(requireCaller(request), request.params.workspaceId, request.body.confirmName)),
    );

    app.get(
      '/workspaces/:workspaceId/members',
      {
        schema: {
          tags: ['members'],
          summary: 'Members and roles',
          params: WorkspaceParams,
          querystring: ListQuery,
          response: { 200: Page(MemberDto), ...errors },
        },
      },
      (request) =>
        workspaces.listMembers(requireCaller(request), request.params.workspaceId, request.query.limit ?? 50, request.query.cursor),
    );

    app.post(
      '/workspaces/:workspaceId/members',
      {
        schema: {
          tags: ['members'],
          summary: 'Create a login for a teammate (owner, admin)',
          params: WorkspaceParams,
          body: CreateMemberBody,
          response: { 201: MemberDto, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await workspaces.addMember(requireCaller(request), request.params.workspaceId, request.body)),
    );

    app.patch(
      '/workspaces/:workspaceId/members/:userId',
      {
        schema: { tags: ['members'], summary: "Change a member's role", params: MemberParams, body: UpdateMemberBody, response: NoContent },
      },
      async (request, reply) => {
        await workspaces.changeRole(requireCaller(request), request.params.workspaceId, request.params.userId, request.body.role);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/workspaces/:workspaceId/members/:userId',
      { schema: { tags: ['members'], summary: 'Remove a member (or leave)', params: MemberParams, response: NoContent } },
      async (request, reply) => {
        await workspaces.removeMember(requireCaller(request), request.params.workspaceId, request.params.userId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/workspaces/:workspaceId/members/:userId/password',
      {
        schema: {
          tags: ['members'],
          summary: "Set a member's password (ends their sessions)",
          params: MemberParams,
          body: ResetMemberPasswordBody,
          response: NoContent,
        },
      },
      async (request, reply) => {
        await workspaces.resetMemberPassword(
          requireCaller(request),
          request.params.workspaceId,
          request.params.userId,
          request.body.newPassword,
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/workspaces/:workspaceId/invites',
      {
        schema: {
          tags: ['invites'],
          summary: 'Invites and their status',
          params: WorkspaceParams,
          querystring: ListQuery,
          response: { 200: Page(InviteDto), ...errors },
        },
      },
      (request) =>
        workspaces.listInvites(requireCaller(request), request.params.workspaceId, request.query.limit ?? 50, request.query.cursor),
    );

    app.post(
      '/workspaces/:workspaceId/invites',
      {
        schema: {
          tags: ['invites'],
          summary: 'Create an invite link (shown once)',
          params: WorkspaceParams,
          body: CreateInviteBody,
          response: { 201: InviteDto, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await workspaces.createInvite(requireCaller(request), request.params.workspaceId, request.body)),
    );

    app.delete(
      '/workspaces/:workspaceId/invites/:inviteId',
      { schema: { tags: ['invites'], summary: 'Revoke an invite', params: InviteParams, response: NoContent } },
      async (request, reply) => {
        await workspaces.revokeInvite(requireCaller(request), request.params.workspaceId, request.params.inviteId);
        return reply.status(204).send(null);
      },
    );
  };
}
