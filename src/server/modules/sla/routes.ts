import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, ListQuery, Page, WorkspaceParams } from '../../../contracts/common.js';
import {
  MarkNotificationsBody,
  NotificationPage,
  NotificationQuery,
  SlaChannelsDto,
  SlaDeliveryDto,
  SlaPolicyDto,
  SlaReportDto,
  SlaReportQuery,
  UpdateSlaChannelsBody,
  UpdateSlaPolicyBody,
} from '../../../contracts/sla.js';
import { requireCaller } from '../../http/session.js';
import type { SlaService } from './service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export function slaRoutes(deps: { sla: SlaService }): FastifyPluginAsyncTypebox {
  const { sla } = deps;
  return async (app) => {
    app.get(
      '/workspaces/:workspaceId/sla/policy',
      {
        schema: {
          tags: ['sla'],
          summary: 'The SLA policy: targets, business hours, scope, at-risk threshold (defaults until one is saved)',
          params: WorkspaceParams,
          response: { 200: SlaPolicyDto, ...errors },
        },
      },
      async (request) => sla.getPolicy(requireCaller(request), request.params.workspaceId),
    );

    app.put(
      '/workspaces/:workspaceId/sla/policy',
      {
        schema: {
          tags: ['sla'],
          summary: 'Change the SLA policy (owner, admin); open conversations are re-evaluated at once',
          params: WorkspaceParams,
          body: UpdateSlaPolicyBody,
          response: { 200: SlaPolicyDto, ...errors },
        },
      },
      async (request) => sla.updatePolicy(requireCaller(request), request.params.workspaceId, request.body),
    );

    app.get(
      '/workspaces/:workspaceId/sla/channels',
      {
        schema: {
          tags: ['sla'],
          summary: 'Where SLA alerts go besides the dashboard: email (SMTP) and a signed webhook (owner, admin)',
          params: WorkspaceParams,
          response: { 200: SlaChannelsDto, ...errors },
        },
      },
      async (request) => sla.getChannels(requireCaller(request), request.params.workspaceId),
    );

    app.put(
      '/workspaces/:workspaceId/sla/channels',
      {
        schema: {
          tags: ['sla'],
          summary: 'Change the email and webhook alert channels (owner, admin)',
          params: WorkspaceParams,
          body: UpdateSlaChannelsBody,
          response: { 200: SlaChannelsDto, ...errors },
        },
      },
      async (request) => sla.updateChannels(requireCaller(request), request.params.workspaceId, request.body),
    );

    app.get(
      '/workspaces/:workspaceId/sla/deliveries',
      {
        schema: {
          tags: ['sla'],
          summary: 'Delivery log of email and webhook alerts, newest first (owner, admin)',
          params: WorkspaceParams,
          querystring: ListQuery,
          response: { 200: Page(SlaDeliveryDto), ...errors },
        },
      },
      async (request) => sla.deliveries(requireCaller(request), request.params.workspaceId, request.query),
    );

    app.get(
      '/workspaces/:workspaceId/sla/reports',
      {
        schema: {
          tags: ['sla'],
          summary:
            'First-response, next-response and resolution times (median, p90) and SLA hit rate by day, agent, number or label; `format=csv` downloads it',
          params: WorkspaceParams,
          querystring: SlaReportQuery,
          response: { 200: Type.Union([SlaReportDto, Type.String({ description: 'CSV when format=csv' })]), ...errors },
        },
      },
      async (request, reply) => {
        const report = await sla.report(requireCaller(request), request.params.workspaceId, request.query);
        if (request.query.format === 'csv') {
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header(
              'content-disposition',
              `attachment; filename="sla-${report.groupBy}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv"`,
            )
            .send(sla.reportCsv(report));
        }
        return report;
      },
    );

    app.get(
      '/workspaces/:workspaceId/notifications',
      {
        schema: {
          tags: ['notifications'],
          summary: "The caller's notifications in this workspace, newest first, with the unread count",
          params: WorkspaceParams,
          querystring: NotificationQuery,
          response: { 200: NotificationPage, ...errors },
        },
      },
      async (request) => sla.notifications(requireCaller(request), request.params.workspaceId, request.query),
    );

    app.post(
      '/workspaces/:workspaceId/notifications/read',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark some (`ids`) or all (`all: true`) of the caller’s notifications as read',
          params: WorkspaceParams,
          body: MarkNotificationsBody,
          response: { 200: Type.Object({ unreadCount: Type.Integer() }), ...errors },
        },
      },
      async (request) => sla.markRead(requireCaller(request), request.params.workspaceId, request.body),
    );
  };
}
