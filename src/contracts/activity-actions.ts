// Plain data without TypeBox, so the web bundle can import it as a value.
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
  'user.consent_changed': 'Changed analytics consent',
  'workspace.deleted': 'Deleted workspace',
  'instance.settings_changed': 'Changed install settings',
  'admin.user_created': 'Created user (command line)',
  'admin.password_reset': 'Reset password (command line)',
} as const;
