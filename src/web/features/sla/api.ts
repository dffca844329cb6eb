import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PageOf } from '../../../contracts/common';
import type {
  DashboardDtoT,
  NotificationPageT,
  SlaChannelsDtoT,
  SlaDeliveryDtoT,
  SlaPolicyDtoT,
  SlaReportDtoT,
  UpdateSlaChannelsBodyT,
  UpdateSlaPolicyBodyT,
} from '../../../contracts/sla';
import { api, apiUrl } from '../../api/client';

const base = (ws: string) => `/workspaces/${encodeURIComponent(ws)}`;

export const slaKeys = {
  all: (ws: string) => ['workspace', ws, 'sla'] as const,
  policy: (ws: string) => ['workspace', ws, 'sla', 'policy'] as const,
  channels: (ws: string) => ['workspace', ws, 'sla', 'channels'] as const,
  deliveries: (ws: string) => ['workspace', ws, 'sla', 'deliveries'] as const,
  report: (ws: string, q: ReportQuery) => ['workspace', ws, 'sla', 'report', q] as const,
  notifications: (ws: string) => ['workspace', ws, 'notifications'] as const,
  dashboard: (ws: string) => ['workspace', ws, 'dashboard'] as const,
};

export interface ReportQuery {
  from: string;
  to: string;
  groupBy: 'day' | 'agent' | 'number' | 'label';
  mode: 'business' | 'raw';
}

export function useSlaPolicy(ws: string) {
  return useQuery({ queryKey: slaKeys.policy(ws), queryFn: () => api<SlaPolicyDtoT>(`${base(ws)}/sla/policy`) });
}

export function useUpdateSlaPolicy(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSlaPolicyBodyT) => api<SlaPolicyDtoT>(`${base(ws)}/sla/policy`, { method: 'PUT', body }),
    onSuccess: (policy) => {
      qc.setQueryData(slaKeys.policy(ws), policy);
      void qc.invalidateQueries({ queryKey: ['workspace', ws, 'inbox'] });
      void qc.invalidateQueries({ queryKey: slaKeys.dashboard(ws) });
    },
  });
}

export function useSlaChannels(ws: string, enabled: boolean) {
  return useQuery({ queryKey: slaKeys.channels(ws), queryFn: () => api<SlaChannelsDtoT>(`${base(ws)}/sla/channels`), enabled });
}

export function useUpdateSlaChannels(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateSlaChannelsBodyT) => api<SlaChannelsDtoT>(`${base(ws)}/sla/channels`, { method: 'PUT', body }),
    onSuccess: (channels) => qc.setQueryData(slaKeys.channels(ws), channels),
  });
}

export function useSlaDeliveries(ws: string, enabled: boolean) {
  return useQuery({
    queryKey: slaKeys.deliveries(ws),
    queryFn: () => api<PageOf<SlaDeliveryDtoT>>(`${base(ws)}/sla/deliveries`, { query: { limit: 50 } }),
    enabled,
  });
}

export function useSlaReport(ws: string, q: ReportQuery) {
  return useQuery({
    queryKey: slaKeys.report(ws, q),
    queryFn: () => api<SlaReportDtoT>(`${base(ws)}/sla/reports`, { query: { ...q } }),
    placeholderData: (previous) => previous,
  });
}

export function reportCsvUrl(ws: string, q: ReportQuery): string {
  return apiUrl(`${base(ws)}/sla/reports`, { ...q, format: 'csv' });
}

export function useNotifications(ws: string) {
  return useQuery({
    queryKey: slaKeys.notifications(ws),
    queryFn: () => api<NotificationPageT>(`${base(ws)}/notifications`, { query: { limit: 30 } }),
  });
}

export function useMarkNotificationsRead(ws: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { ids?: string[]; all?: boolean }) =>
      api<{ unreadCount: number }>(`${base(ws)}/notifications/read`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: slaKeys.notifications(ws) }),
  });
}

export function useDashboard(ws: string) {
  return useQuery({ queryKey: slaKeys.dashboard(ws), queryFn: () => api<DashboardDtoT>(`${base(ws)}/dashboard`) });
}

/** "12 min", "1 h 5 min", "2 d 3 h" for a duration in ms. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

export const TARGET_LABELS: Record<string, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};
