import type { Role } from '../../../contracts/common.js';
import type { Db } from '../../db/database.js';
import { forbidden, notFound } from '../../http/errors.js';
import type { Caller } from '../caller.js';
import { allows, type WorkspaceAction } from './policy.js';
import { findRole } from './repo.js';

/**
 * The gate every workspace-scoped service passes first. A non-member gets
 * not_found (never a hint that the workspace exists); a member whose role lacks
 * the action gets forbidden.
 */
export function createWorkspaceAccess(deps: { db: Db }) {
  return {
    async require(caller: Caller, workspaceId: string, action: WorkspaceAction): Promise<Role> {
      const role = await findRole(deps.db, workspaceId, caller.userId);
      if (!role) throw notFound('workspace');
      if (!allows(role, action)) throw forbidden();
      return role;
    },
  };
}

export type WorkspaceAccess = ReturnType<typeof createWorkspaceAccess>;
