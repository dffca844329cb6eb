import type { Role } from '../../contracts/common.js';

/**
 * Table shapes as the query layer sees them. Conventions that hold in both
 * dialects: times are UTC epoch milliseconds (bigint), booleans are 0/1 integers,
 * JSON is text. This keeps one set of queries valid on SQLite and PostgreSQL.
 */
export interface UsersTable {
  id: string;
  name: string;
  email: string;
  password_hash: string;
  is_instance_admin: number;
  analytics_consent: number;
  created_at: number;
  updated_at: number;
}

export interface ConsentEventsTable {
  id: string;
  user_id: string;
  kind: string;
  granted: number;
  source: string;
  created_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token; the token itself is never stored. */
  id: string;
  user_id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface WorkspacesTable {
  id: string;
  name: string;
  time_zone: string;
  country: string;
  log_retention_days: number;
  created_at: number;
  updated_at: number;
}

export interface MembershipsTable {
  workspace_id: string;
  user_id: string;
  role: Role;
  created_at: number;
}

export interface InvitesTable {
  id: string;
  workspace_id: string;
  token_hash: string;
  email: string | null;
  role: Role;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
}

export interface ActivityLogTable {
  id: string;
  /** Null for install-level events that belong to no workspace (a failed sign-in for an unknown email). */
  workspace_id: string | null;
  actor_user_id: string | null;
  /** Name at the time of the event, so the log still reads after a member leaves. */
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  ip: string | null;
  details: string;
  created_at: number;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
}

export interface RateLimitsTable {
  key: string;
  count: number;
  reset_at: number;
}

export interface Database {
  users: UsersTable;
  consent_events: ConsentEventsTable;
  sessions: SessionsTable;
  workspaces: WorkspacesTable;
  memberships: MembershipsTable;
  invites: InvitesTable;
  activity_log: ActivityLogTable;
  instance_settings: InstanceSettingsTable;
  rate_limits: RateLimitsTable;
}
