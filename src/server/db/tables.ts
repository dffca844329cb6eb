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
  /** Optional message retention in days (0007_privacy); null keeps messages. Optional here: the column defaults to null. */
  message_retention_days?: number | null;
  /** 0011_inbox_presence: 1 shows the customer "typing…" while a teammate types a reply. Optional here: defaults to 1. */
  typing_to_customer?: number;
  /** 0011_inbox_presence: 1 marks the customer's messages read on WhatsApp when a reply is sent. Optional here: defaults to 1. */
  mark_read_on_reply?: number;
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
  /** 1 when the actor deleted their account (0007_privacy); shown as "deleted user". Optional here: the column defaults to 0. */
  actor_deleted?: number;
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

export interface NumbersTable {
  id: string;
  workspace_id: string;
  name: string;
  provider: string;
  phone: string | null;
  state: string;
  state_reason: string | null;
  state_since: number;
  linked_at: number | null;
  min_delay_ms: number;
  max_delay_ms: number;
  daily_cap: number;
  warmup: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface WaAuthKeysTable {
  number_id: string;
  category: string;
  key_id: string;
  /** AES-256-GCM sealed value (see lib/secrets.ts). */
  value: Buffer;
  updated_at: number;
}

export interface NumberLeasesTable {
  number_id: string;
  holder: string;
  expires_at: number;
}

export interface ContactsTable {
  id: string;
  workspace_id: string;
  phone: string;
  lid: string | null;
  name: string | null;
  push_name: string | null;
  saved_name: string | null;
  notes: string | null;
  custom_fields: string;
  opted_out: number;
  opted_out_at: number | null;
  first_seen_at: number | null;
  last_seen_at: number | null;
  created_at: number;
  updated_at: number;
}

export type ConversationStatus = 'open' | 'pending' | 'resolved';

export interface ConversationsTable {
  id: string;
  workspace_id: string;
  number_id: string;
  contact_id: string;
  status: ConversationStatus;
  assignee_user_id: string | null;
  unread_count: number;
  last_message_at: number | null;
  last_message_preview: string | null;
  last_message_direction: 'in' | 'out' | null;
  waiting_since: number | null;
  created_at: number;
  updated_at: number;
}

export interface MediaTable {
  id: string;
  workspace_id: string;
  sha256: string | null;
  mimetype: string | null;
  file_name: string | null;
  size: number | null;
  handle: Buffer | null;
  state: 'pending' | 'stored' | 'failed';
  error: string | null;
  created_at: number;
}

/**
 * Message status: inbound messages are `received`; outbound go
 * queued → sending → sent (server ack) → delivered → read/played, or failed.
 */
export type MessageStatusColumn = 'received' | 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface MessagesTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  number_id: string;
  provider_message_id: string | null;
  direction: 'in' | 'out';
  sender_user_id: string | null;
  kind: string;
  text: string | null;
  media_id: string | null;
  quoted_provider_id: string | null;
  quoted_text: string | null;
  payload: string;
  status: MessageStatusColumn;
  error: string | null;
  edited_at: number | null;
  revoked_at: number | null;
  sent_at: number;
  created_at: number;
  attempts: number;
  next_attempt_at: number | null;
  claimed_by: string | null;
  claim_expires_at: number | null;
}

export interface MessageReactionsTable {
  message_id: string;
  workspace_id: string;
  actor: 'customer' | 'us';
  emoji: string;
  at: number;
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
  numbers: NumbersTable;
  wa_auth_keys: WaAuthKeysTable;
  number_leases: NumberLeasesTable;
  contacts: ContactsTable;
  conversations: ConversationsTable;
  media: MediaTable;
  messages: MessagesTable;
  message_reactions: MessageReactionsTable;
}

// ---------------------------------------------------------------------------
// Team inbox (0003_inbox): merged into `Database` by interface declaration merging.
// ---------------------------------------------------------------------------

export interface LabelsTable {
  id: string;
  workspace_id: string;
  name: string;
  color: string;
  created_at: number;
}

export interface ConversationLabelsTable {
  conversation_id: string;
  label_id: string;
  workspace_id: string;
}

export interface NotesTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  author_user_id: string | null;
  author_name: string | null;
  text: string;
  created_at: number;
}

export interface CannedRepliesTable {
  id: string;
  workspace_id: string;
  shortcut: string;
  text: string;
  created_at: number;
  updated_at: number;
}

/** One searchable thing (a message or a contact), kept by triggers; see 0003_inbox. */
export interface SearchDocsTable {
  id: number;
  workspace_id: string;
  conversation_id: string | null;
  message_id: string | null;
  contact_id: string | null;
  body: string;
  /** A contact's name sort key (as in the `contacts_by_name` index); null for a message. */
  sort_key: string | null;
}

export interface Database {
  labels: LabelsTable;
  conversation_labels: ConversationLabelsTable;
  notes: NotesTable;
  canned_replies: CannedRepliesTable;
  search_docs: SearchDocsTable;
}

// ---------------------------------------------------------------------------
// Campaigns (0005_campaigns): merged into `Database` by interface declaration merging.
// ---------------------------------------------------------------------------

export type CampaignStatusColumn = 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';
export type RecipientStatusColumn =
  'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'replied' | 'failed' | 'skipped' | 'needs_review';

export interface CampaignsTable {
  id: string;
  workspace_id: string;
  name: string;
  status: CampaignStatusColumn;
  text: string;
  variants: string;
  media_id: string | null;
  settings: string;
  number_ids: string;
  csv_columns: string;
  pause_reason: string | null;
  auto_paused: number;
  scheduled_at: number | null;
  started_at: number | null;
  resumed_at: number | null;
  finished_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface CampaignRecipientsTable {
  id: string;
  campaign_id: string;
  workspace_id: string;
  seq: number;
  phone: string | null;
  raw: string;
  contact_id: string | null;
  name: string | null;
  source: 'label' | 'csv' | 'pasted';
  vars: string;
  status: RecipientStatusColumn;
  reason: string | null;
  number_id: string | null;
  message_id: string | null;
  conversation_id: string | null;
  variant: number | null;
  claimed_by: string | null;
  claim_expires_at: number | null;
  queued_at: number | null;
  updated_at: number;
}

export interface CampaignNumberPacingTable {
  number_id: string;
  workspace_id: string;
  next_due_at: number;
  last_send_at: number | null;
  last_campaign_id: string | null;
}

/** Whether WhatsApp knew a phone when it was last asked (0013_whatsapp_checks). */
export interface WhatsAppChecksTable {
  workspace_id: string;
  phone: string;
  on_whatsapp: number;
  checked_at: number;
}

export interface Database {
  campaigns: CampaignsTable;
  campaign_recipients: CampaignRecipientsTable;
  campaign_number_pacing: CampaignNumberPacingTable;
  whatsapp_checks: WhatsAppChecksTable;
}

// ---------------------------------------------------------------------------
// Contacts (0004_contacts): merged into `Database` by interface declaration merging.
// ---------------------------------------------------------------------------

export interface ContactLabelsTable {
  contact_id: string;
  label_id: string;
  workspace_id: string;
}

export interface ContactFieldsTable {
  id: string;
  workspace_id: string;
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'choice';
  options: string;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface OptOutSettingsTable {
  workspace_id: string;
  opt_out_keywords: string;
  opt_in_keywords: string;
  opt_out_reply_enabled: number;
  opt_out_reply: string;
  opt_in_reply_enabled: number;
  opt_in_reply: string;
  updated_at: number;
}

export interface OptEventsTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  opted_out: number;
  source: 'keyword' | 'agent' | 'import' | 'api';
  user_id: string | null;
  message_id: string | null;
  created_at: number;
}

export interface ContactImportsTable {
  id: string;
  workspace_id: string;
  created_by: string | null;
  file_name: string | null;
  size: number;
  delimiter: string;
  headers: string;
  mapping: string | null;
  status: 'uploaded' | 'running' | 'done' | 'failed';
  processed: number;
  bytes_read: number;
  created_count: number;
  updated_count: number;
  merged_count: number;
  rejected_count: number;
  error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface ContactImportRowsTable {
  import_id: string;
  line: number;
  workspace_id: string;
  phone: string | null;
  name: string | null;
  notes: string | null;
  labels: string;
  fields: string;
  opted_out: number | null;
  error: string | null;
  raw: string | null;
}

export interface Database {
  contact_labels: ContactLabelsTable;
  contact_fields: ContactFieldsTable;
  opt_out_settings: OptOutSettingsTable;
  opt_events: OptEventsTable;
  contact_imports: ContactImportsTable;
  contact_import_rows: ContactImportRowsTable;
}

// ---------------------------------------------------------------------------
// SLA (0006_sla): merged into `Database` by interface declaration merging.
// ---------------------------------------------------------------------------

export interface SlaPoliciesTable {
  workspace_id: string;
  enabled: number;
  first_response_ms: number;
  next_response_ms: number;
  resolution_ms: number | null;
  business_hours: number;
  schedule: string;
  number_ids: string;
  label_ids: string;
  at_risk_percent: number;
  pause_when_pending: number;
  email_to: string | null;
  smtp: string | null;
  smtp_password: Buffer | null;
  webhook_url: string | null;
  webhook_secret: Buffer | null;
  version: number;
  updated_by: string | null;
  updated_at: number;
}

export interface SlaConversationsTable {
  conversation_id: string;
  workspace_id: string;
  policy_version: number;
  status: string;
  in_scope: number;
  session_start: number | null;
  resolved_at: number | null;
  resp_target: string | null;
  resp_start: number | null;
  resp_credit: number;
  resp_segment: number | null;
  resp_target_ms: number | null;
  resp_risk_at: number | null;
  resp_breach_at: number | null;
  resp_fired: number;
  res_start: number | null;
  res_credit: number;
  res_segment: number | null;
  res_target_ms: number | null;
  res_risk_at: number | null;
  res_breach_at: number | null;
  res_fired: number;
  due_at: number | null;
  urgent_target: string | null;
  urgent_risk_at: number | null;
  urgent_breach_at: number | null;
  version: number;
  updated_at: number;
}

export interface SlaEventsTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  target: string;
  kind: string;
  cycle: number;
  due_at: number;
  detected_at: number;
  assignee_user_id: string | null;
  number_id: string | null;
}

export interface NotificationsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  conversation_id: string | null;
  sla_event_id: string | null;
  created_at: number;
  read_at: number | null;
}

export interface SlaDeliveriesTable {
  id: string;
  workspace_id: string;
  sla_event_id: string | null;
  channel: string;
  target: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  response_status: number | null;
  claimed_by: string | null;
  claim_expires_at: number | null;
  created_at: number;
  delivered_at: number | null;
}

export interface SlaMetricsTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  number_id: string;
  agent_user_id: string | null;
  metric: string;
  cycle: number;
  ended_at: number;
  raw_ms: number;
  business_ms: number;
  target_ms: number | null;
  hit: number | null;
}

export interface SlaRollupsTable {
  workspace_id: string;
  day: number;
  dim: string;
  key: string;
  data: string;
}

export interface Database {
  sla_rollups: SlaRollupsTable;
  sla_policies: SlaPoliciesTable;
  sla_conversations: SlaConversationsTable;
  sla_events: SlaEventsTable;
  notifications: NotificationsTable;
  sla_deliveries: SlaDeliveriesTable;
  sla_metrics: SlaMetricsTable;
}

// ---------------------------------------------------------------------------
// Privacy (0007_privacy): merged into `Database` by interface declaration merging.
// ---------------------------------------------------------------------------

export interface UsageEventsTable {
  id: string;
  user_id: string;
  workspace_id: string | null;
  kind: 'page_view' | 'feature';
  name: string;
  at: number;
}

export type WorkspaceDeletionState = 'pending' | 'running' | 'done' | 'failed';
export type WorkspaceDeletionStep = 'numbers' | 'messages' | 'media' | 'rows' | 'workspace' | 'done';

export interface WorkspaceDeletionsTable {
  id: string;
  workspace_id: string;
  requested_by: string | null;
  state: WorkspaceDeletionState;
  step: WorkspaceDeletionStep;
  numbers_total: number;
  numbers_done: number;
  messages_total: number;
  messages_deleted: number;
  media_total: number;
  media_deleted: number;
  files_deleted: number;
  rows_deleted: number;
  attempts: number;
  error: string | null;
  claimed_by: string | null;
  claim_expires_at: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface Database {
  usage_events: UsageEventsTable;
  workspace_deletions: WorkspaceDeletionsTable;
}
