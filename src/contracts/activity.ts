import { Type, type Static } from 'typebox';
import { Id, IsoTime } from './common.js';

export const ActivityEntryDto = Type.Object({
  id: Id,
  at: IsoTime,
  actor: Type.Union([Type.Object({ id: Type.Union([Id, Type.Null()]), name: Type.String() }), Type.Null()]),
  action: Type.String(),
  target: Type.Union([
    Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]), label: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type ActivityEntryDtoT = Static<typeof ActivityEntryDto>;

export const ActivityQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    actorId: Type.Optional(Id),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type ActivityQueryT = Static<typeof ActivityQuery>;

/**
 * Actions the log knows. The string is stored, so entries are never renamed; the
 * label is what the Activity page shows.
 */
export const ACTIVITY_ACTIONS = {
  'auth.signup': 'Signed up',
  'auth.login': 'Signed in',
  'auth.login_failed': 'Failed sign-in',
  'auth.logout': 'Signed out',
  'auth.logout_all': 'Signed out everywhere',
  'auth.password_changed': 'Changed password',
  'user.profile_updated': 'Updated profile',
  'workspace.created': 'Created workspace',
  'workspace.updated': 'Changed workspace settings',
  'member.added': 'Added member',
  'member.role_changed': 'Changed member role',
  'member.removed': 'Removed member',
  'member.password_reset': 'Reset member password',
  'invite.created': 'Created invite',
  'invite.revoked': 'Revoked invite',
  'invite.accepted': 'Accepted invite',
  'activity.exported': 'Exported activity log',
  'workspace.deleted': 'Deleted workspace',
  'instance.settings_changed': 'Changed install settings',
  'admin.user_created': 'Created user (command line)',
  'admin.password_reset': 'Reset password (command line)',
} as const;
export type ActivityAction = keyof typeof ACTIVITY_ACTIONS | (string & {});
