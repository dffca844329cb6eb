import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../contracts/common.js';
import { allows, canManageRole, type WorkspaceAction } from './policy.js';

/** Who may do what, written out in full so a change to the rules is a visible change here. */
const EXPECTED: Record<WorkspaceAction, Role[]> = {
  'workspace.read': ['owner', 'admin', 'agent'],
  'workspace.update': ['owner', 'admin'],
  'workspace.delete': ['owner'],
  'members.read': ['owner', 'admin', 'agent'],
  'members.manage': ['owner', 'admin'],
  'invites.manage': ['owner', 'admin'],
  'activity.read': ['owner', 'admin'],
};

describe('allows', () => {
  for (const [action, permitted] of Object.entries(EXPECTED) as Array<[WorkspaceAction, Role[]]>) {
    it.each(ROLES.map((role) => [role, permitted.includes(role)] as const))(`${action}: %s → %s`, (role, allowed) => {
      expect(allows(role, action)).toBe(allowed);
    });
  }
});

describe('canManageRole', () => {
  it.each([
    ['owner', 'owner', true],
    ['owner', 'admin', true],
    ['owner', 'agent', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'agent', true],
    ['agent', 'owner', false],
    ['agent', 'admin', false],
    ['agent', 'agent', false],
  ] as const)('%s over %s → %s', (actor, target, expected) => {
    expect(canManageRole(actor, target)).toBe(expected);
  });
});
