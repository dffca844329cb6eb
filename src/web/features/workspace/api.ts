import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { PageOf } from '../../../contracts/common';
import type {
  CreateInviteBodyT,
  CreateMemberBodyT,
  CreateWorkspaceBodyT,
  InviteDtoT,
  MemberDtoT,
  UpdateWorkspaceBodyT,
  WorkspaceDtoT,
} from '../../../contracts/workspaces';
import type { InstanceSettingsDtoT, MeDtoT } from '../../../contracts/auth';
import type { Role } from '../../../contracts/common';
import { api } from '../../api/client';
import { meKey } from '../auth/api';

const ws = (id: string) => `/workspaces/${encodeURIComponent(id)}`;

export const workspaceKeys = {
  one: (id: string) => ['workspace', id] as const,
  members: (id: string) => ['workspace', id, 'members'] as const,
  invites: (id: string) => ['workspace', id, 'invites'] as const,
};

export function useWorkspace(id: string) {
  return useQuery({ queryKey: workspaceKeys.one(id), queryFn: () => api<WorkspaceDtoT>(ws(id)) });
}

export function useCreateWorkspace() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWorkspaceBodyT) => api<WorkspaceDtoT>('/workspaces', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  });
}

export function useUpdateWorkspace(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateWorkspaceBodyT) => api<WorkspaceDtoT>(ws(id), { method: 'PATCH', body }),
    onSuccess: (updated) => {
      qc.setQueryData(workspaceKeys.one(id), updated);
      // The switcher and the header read the name from /me.
      qc.setQueryData<MeDtoT | null>(meKey, (me) =>
        me ? { ...me, workspaces: me.workspaces.map((w) => (w.id === id ? { ...w, name: updated.name } : w)) } : me,
      );
    },
  });
}

/** Every page of a cursor list, for lists that stay small (members, invites). */
async function fetchAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page: PageOf<T> = await api<PageOf<T>>(path, { query: { limit: 200, cursor } });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return items;
}

export function useMembers(id: string) {
  return useQuery({ queryKey: workspaceKeys.members(id), queryFn: () => fetchAll<MemberDtoT>(`${ws(id)}/members`) });
}

export function useAddMember(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateMemberBodyT) => api<MemberDtoT>(`${ws(id)}/members`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.members(id) }),
  });
}

export function useChangeMemberRole(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { userId: string; role: Role }) =>
      api<MemberDtoT>(`${ws(id)}/members/${encodeURIComponent(v.userId)}`, { method: 'PATCH', body: { role: v.role } }),
    onSettled: () =>
      Promise.all([qc.invalidateQueries({ queryKey: workspaceKeys.members(id) }), qc.invalidateQueries({ queryKey: meKey })]),
  });
}

export function useRemoveMember(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api<void>(`${ws(id)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.members(id) }),
  });
}

export function useResetMemberPassword(id: string) {
  return useMutation({
    mutationFn: (v: { userId: string; newPassword: string }) =>
      api<void>(`${ws(id)}/members/${encodeURIComponent(v.userId)}/password`, { method: 'POST', body: { newPassword: v.newPassword } }),
  });
}

export function useInvites(id: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: workspaceKeys.invites(id),
    enabled,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => api<PageOf<InviteDtoT>>(`${ws(id)}/invites`, { query: { limit: 50, cursor: pageParam } }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useCreateInvite(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateInviteBodyT) => api<InviteDtoT>(`${ws(id)}/invites`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.invites(id) }),
  });
}

export function useRevokeInvite(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (inviteId: string) => api<void>(`${ws(id)}/invites/${encodeURIComponent(inviteId)}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: workspaceKeys.invites(id) }),
  });
}

export function useInstanceSettings(enabled: boolean) {
  return useQuery({
    queryKey: ['instance-settings'],
    queryFn: () => api<InstanceSettingsDtoT>('/instance/settings'),
    enabled,
  });
}

export function useUpdateInstanceSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: InstanceSettingsDtoT) => api<InstanceSettingsDtoT>('/instance/settings', { method: 'PATCH', body }),
    onSuccess: (s) => qc.setQueryData(['instance-settings'], s),
  });
}

export function canManage(role: Role | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

export const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', agent: 'Agent' };
