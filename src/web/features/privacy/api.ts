import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UsageEventsBodyT, UsageReportDtoT, WorkspaceDeletionDtoT } from '../../../contracts/privacy';
import { api, apiUrl } from '../../api/client';
import { meKey } from '../auth/api';

/** The "Download my data" link: a plain GET the browser saves as a file. */
export const EXPORT_URL = apiUrl('/me/export');

export function sendUsageEvents(body: UsageEventsBodyT): Promise<void> {
  return api<void>('/me/usage-events', { method: 'POST', body });
}

export function useDeleteUsageData() {
  return useMutation({ mutationFn: () => api<{ deleted: number }>('/me/usage-events', { method: 'DELETE' }) });
}

export function useUsageReport(days = 30) {
  return useQuery({ queryKey: ['instance', 'usage', days], queryFn: () => api<UsageReportDtoT>('/instance/usage', { query: { days } }) });
}

export function useDeleteAccount() {
  return useMutation({
    mutationFn: (password: string) => api<void>('/me', { method: 'DELETE', body: { password } }),
    // A full page load: nothing of the deleted account stays in memory.
    onSuccess: () => window.location.replace('/signin'),
  });
}

export function useDeleteWorkspace(workspaceId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (confirmName: string) =>
      api<WorkspaceDeletionDtoT>(`/workspaces/${encodeURIComponent(workspaceId)}`, { method: 'DELETE', body: { confirmName } }),
    onSuccess: (deletion) => qc.setQueryData(['workspace-deletion', deletion.id], deletion),
  });
}

/** Polls a deletion until it is done. */
export function useWorkspaceDeletion(id: string | null) {
  return useQuery({
    queryKey: ['workspace-deletion', id],
    queryFn: () => api<WorkspaceDeletionDtoT>(`/workspace-deletions/${encodeURIComponent(id!)}`),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data?.state === 'done' ? false : 1000),
  });
}

export function useRefreshMe() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: meKey });
}
