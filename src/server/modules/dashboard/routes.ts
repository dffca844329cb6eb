import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, WorkspaceParams } from '../../../contracts/common.js';
import { DashboardDto } from '../../../contracts/sla.js';
import { requireCaller } from '../../http/session.js';
import type { DashboardService } from './service.js';

export function dashboardRoutes(deps: { dashboard: DashboardService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/workspaces/:workspaceId/dashboard',
      {
        schema: {
          tags: ['dashboard'],
          summary:
            'The workspace at a glance: numbers, open / waiting / at-risk / breached conversations, messages today, campaigns, 14 days of response times',
          params: WorkspaceParams,
          response: { 200: DashboardDto, 401: ErrorResponse, 404: ErrorResponse },
        },
      },
      async (request) => deps.dashboard.get(requireCaller(request), request.params.workspaceId),
    );
  };
}
