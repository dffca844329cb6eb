import type { CampaignStatusT, RecipientStatusT } from '../../../contracts/campaigns';

export const CAMPAIGN_STATUS: Record<CampaignStatusT, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  scheduled: { label: 'Scheduled', color: 'indigo' },
  sending: { label: 'Sending', color: 'teal' },
  paused: { label: 'Paused', color: 'orange' },
  completed: { label: 'Completed', color: 'green' },
  cancelled: { label: 'Cancelled', color: 'red' },
};

export const RECIPIENT_STATUS: Record<RecipientStatusT, { label: string; color: string }> = {
  queued: { label: 'Queued', color: 'gray' },
  sending: { label: 'Sending', color: 'blue' },
  sent: { label: 'Sent', color: 'cyan' },
  delivered: { label: 'Delivered', color: 'teal' },
  read: { label: 'Read', color: 'green' },
  replied: { label: 'Replied', color: 'lime' },
  failed: { label: 'Failed', color: 'red' },
  skipped: { label: 'Skipped', color: 'yellow' },
  needs_review: { label: 'Needs review', color: 'orange' },
};

export const SKIP_REASON: Record<string, string> = {
  opted_out: 'Opted out',
  invalid_number: 'Invalid number',
  duplicate: 'Duplicate',
  no_consent: 'No consent',
  not_on_whatsapp: 'Not on WhatsApp',
  missing_variable: 'Variable without value',
  cancelled: 'Campaign cancelled',
};

export const WEEKDAYS = [
  { value: '1', label: 'Mon' },
  { value: '2', label: 'Tue' },
  { value: '3', label: 'Wed' },
  { value: '4', label: 'Thu' },
  { value: '5', label: 'Fri' },
  { value: '6', label: 'Sat' },
  { value: '7', label: 'Sun' },
];
