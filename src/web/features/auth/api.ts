import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ChangePasswordBodyT,
  InvitePreviewDtoT,
  LoginBodyT,
  MeDtoT,
  SignupBodyT,
  SignupStatusDtoT,
  UpdateMeBodyT,
} from '../../../contracts/auth';
import { api, ApiError } from '../../api/client';

export const meKey = ['me'] as const;

/** A different person (or nobody) now: drop everything cached for the previous one. */
function startFresh(qc: QueryClient, me: MeDtoT | null): void {
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
  qc.setQueryData(meKey, me);
}

/** The signed-in person, or null when nobody is signed in. */
export async function fetchMe(): Promise<MeDtoT | null> {
  try {
    return await api<MeDtoT>('/me', { allowUnauthenticated: true });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000 });
}

export function useSignupStatus() {
  return useQuery({
    queryKey: ['signup-status'],
    queryFn: () => api<SignupStatusDtoT>('/auth/signup-status', { allowUnauthenticated: true }),
  });
}

export function useInvitePreview(token: string) {
  return useQuery({
    queryKey: ['invite-preview', token],
    queryFn: () => api<InvitePreviewDtoT>(`/auth/invites/${encodeURIComponent(token)}`, { allowUnauthenticated: true }),
    retry: false,
  });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBodyT) => api<MeDtoT>('/auth/login', { method: 'POST', body, allowUnauthenticated: true }),
    onSuccess: (me) => startFresh(qc, me),
  });
}

export function useSignup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SignupBodyT) => api<MeDtoT>('/auth/signup', { method: 'POST', body, allowUnauthenticated: true }),
    onSuccess: (me) => startFresh(qc, me),
  });
}

export function useAcceptInvite(token: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<MeDtoT>(`/auth/invites/${encodeURIComponent(token)}/accept`, { method: 'POST' }),
    onSuccess: (me) => {
      qc.setQueryData(meKey, me);
      void qc.invalidateQueries({ queryKey: ['workspaces'] });
    },
  });
}

export function useLogout(everywhere = false, thenGoTo = '/signin') {
  return useMutation({
    mutationFn: () => api<void>(everywhere ? '/auth/logout-all' : '/auth/logout', { method: 'POST', allowUnauthenticated: true }),
    // A full page load: nothing of the previous session stays in memory.
    onSuccess: () => window.location.replace(thenGoTo),
  });
}

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateMeBodyT) => api<MeDtoT>('/me', { method: 'PATCH', body }),
    onSuccess: (me) => qc.setQueryData(meKey, me),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: ChangePasswordBodyT) => api<void>('/me/password', { method: 'POST', body }),
  });
}

/** Only same-site paths are followed after sign-in, never another origin. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/signin') || next.startsWith('/signup')) return '/';
  return next;
}
