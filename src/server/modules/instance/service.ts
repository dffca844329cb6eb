import type { InstanceSettingsDtoT } from '../../../contracts/auth.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { forbidden } from '../../http/errors.js';
import type { ActivityService } from '../activity/service.js';
import type { Caller } from '../caller.js';
import { getSetting, setSetting } from './repo.js';

/** Install-wide settings, changed only by instance administrators. */
export function createInstanceService(deps: { db: Db; activity: ActivityService }) {
  const { db, activity } = deps;

  async function read(tx: DbOrTx = db): Promise<InstanceSettingsDtoT> {
    // Open sign-up is off unless an administrator turned it on.
    return { openSignup: (await getSetting(tx, 'open_signup')) === 'true' };
  }

  return {
    read,
    async get(caller: Caller): Promise<InstanceSettingsDtoT> {
      if (!caller.isInstanceAdmin) throw forbidden('Only instance administrators can see install settings.');
      return read();
    },
    async update(caller: Caller, patch: InstanceSettingsDtoT): Promise<InstanceSettingsDtoT> {
      if (!caller.isInstanceAdmin) throw forbidden('Only instance administrators can change install settings.');
      await setSetting(db, 'open_signup', String(patch.openSignup));
      await activity.recordForUser(caller.userId, {
        action: 'instance.settings_changed',
        actor: { userId: caller.userId, name: caller.name },
        ip: caller.ip,
        details: { openSignup: patch.openSignup },
      });
      return read();
    },
  };
}

export type InstanceService = ReturnType<typeof createInstanceService>;
