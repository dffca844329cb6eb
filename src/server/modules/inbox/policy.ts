import type { Role } from '../../../contracts/common.js';

/**
 * Who may do what in the team inbox, on top of membership (every member reads and
 * works conversations: replies, notes, status, labels, read state).
 *
 * Assignment: owners and admins assign anyone. An agent may take a conversation
 * that is unassigned (or already theirs) and may hand back their own; moving a
 * teammate's conversation is an admin's call, so agents cannot quietly take over
 * each other's customers.
 */
const RULES = {
  'labels.manage': ['owner', 'admin'],
  'canned.manage': ['owner', 'admin'],
  'assign.anyone': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type InboxAction = keyof typeof RULES;

export function inboxAllows(role: Role, action: InboxAction): boolean {
  return (RULES[action] as readonly Role[]).includes(role);
}

/** Whether `role` (user `actorId`) may move a conversation from `current` to `next` assignee. */
export function canAssign(role: Role, actorId: string, current: string | null, next: string | null): boolean {
  if (current === next) return true;
  if (inboxAllows(role, 'assign.anyone')) return true;
  if (next === actorId) return current === null;
  if (next === null) return current === actorId;
  return false;
}
