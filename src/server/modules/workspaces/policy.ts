import type { Role } from '../../../contracts/common.js';

/**
 * What each role may do inside a workspace. Services ask `allows(role, action)`
 * before they load or change anything; routes never decide this.
 */
const RULES = {
  'workspace.read': ['owner', 'admin', 'agent'],
  'workspace.update': ['owner', 'admin'],
  'workspace.delete': ['owner'],
  'members.read': ['owner', 'admin', 'agent'],
  'members.manage': ['owner', 'admin'],
  'invites.manage': ['owner', 'admin'],
  'activity.read': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type WorkspaceAction = keyof typeof RULES;

export function allows(role: Role, action: WorkspaceAction): boolean {
  return (RULES[action] as readonly Role[]).includes(role);
}

/** Only an owner may grant or take away ownership, or touch another owner. */
export function canManageRole(actorRole: Role, targetRole: Role): boolean {
  if (actorRole === 'owner') return true;
  return actorRole === 'admin' && targetRole !== 'owner';
}
