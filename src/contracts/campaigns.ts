import { Type, type Static, type TSchema } from 'typebox';
import { Id, IsoTime } from './common.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatusT = (typeof CAMPAIGN_STATUSES)[number];

/** A recipient's state: queued → sending → sent → delivered → read → replied, or failed / skipped / needs_review. */
export const RECIPIENT_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'read',
  'replied',
  'failed',
  'skipped',
  'needs_review',
] as const;
export type RecipientStatusT = (typeof RECIPIENT_STATUSES)[number];

/** Why a recipient was left out before (or instead of) sending. */
export const SKIP_REASONS = [
  'opted_out',
  'invalid_number',
  'duplicate',
  'no_consent',
  'not_on_whatsapp',
  'missing_variable',
  'cancelled',
] as const;
export type SkipReasonT = (typeof SKIP_REASONS)[number];

export const CAMPAIGN_NAME_MAX = 120;
export const CAMPAIGN_TEXT_MAX = 4096;
export const CAMPAIGN_VARIANTS_MAX = 10;
export const PASTED_NUMBERS_MAX = 100_000;

const HourMinute = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$' });

export const CampaignSettings = Type.Object(
  {
    /** Random delay between two messages of one number, in seconds. */
    minDelaySeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
    maxDelaySeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
    /** Campaign messages per number per day (workspace time zone). */
    dailyCap: Type.Integer({ minimum: 1, maximum: 10_000 }),
    /** Ramp the cap for numbers linked in the last 14 days: 20 on day 1, doubling each day. */
    warmup: Type.Boolean(),
    windowStart: HourMinute,
    windowEnd: HourMinute,
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    windowDays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7, uniqueItems: true }),
    /** Show "typing…" for a moment before each message. */
    typing: Type.Boolean(),
    /** When set, only contacts (or CSV rows) with a value in this field are sent to; the others are skipped `no_consent`. */
    consentField: Nullable(Type.String({ minLength: 1, maxLength: 100 })),
    /**
     * Ask WhatsApp, shortly before sending, whether each recipient's number has an
     * account (in small paced batches, remembered for 30 days per phone); those
     * without one are skipped `not_on_whatsapp`. Off by default: every question
     * goes out from the sending number.
     */
    checkWhatsApp: Type.Boolean(),
    /** Pause on its own when this many of the last `failureWindow` sends failed. */
    failureThreshold: Type.Integer({ minimum: 1, maximum: 1000 }),
    failureWindow: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);
export type CampaignSettingsT = Static<typeof CampaignSettings>;

export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettingsT = {
  minDelaySeconds: 8,
  maxDelaySeconds: 20,
  dailyCap: 500,
  warmup: true,
  windowStart: '09:00',
  windowEnd: '20:00',
  windowDays: [1, 2, 3, 4, 5, 6, 7],
  typing: true,
  consentField: null,
  checkWhatsApp: false,
  failureThreshold: 10,
  failureWindow: 50,
};

export const RecipientCounts = Type.Object({
  total: Type.Integer(),
  queued: Type.Integer(),
  sending: Type.Integer(),
  sent: Type.Integer(),
  delivered: Type.Integer(),
  read: Type.Integer(),
  replied: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
  needs_review: Type.Integer(),
});
export type RecipientCountsT = Static<typeof RecipientCounts>;

export const CampaignDto = Type.Object({
  id: Id,
  name: Type.String(),
  status: Type.Enum(CAMPAIGN_STATUSES),
  text: Type.String(),
  variants: Type.Array(Type.String()),
  mediaId: Nullable(Id),
  numberIds: Type.Array(Id),
  settings: CampaignSettings,
  /** Columns of uploaded CSV files: each is a variable. */
  csvColumns: Type.Array(Type.String()),
  /** Why the campaign is paused (a person, a disconnected number, too many failures). */
  pauseReason: Nullable(Type.String()),
  autoPaused: Type.Boolean(),
  scheduledAt: Nullable(IsoTime),
  startedAt: Nullable(IsoTime),
  finishedAt: Nullable(IsoTime),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  counts: RecipientCounts,
  /** Skipped recipients by reason. */
  skipped: Type.Record(Type.String(), Type.Integer()),
});
export type CampaignDtoT = Static<typeof CampaignDto>;

export const CreateCampaignBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: CAMPAIGN_NAME_MAX }),
    text: Type.Optional(Type.String({ maxLength: CAMPAIGN_TEXT_MAX })),
    variants: Type.Optional(Type.Array(Type.String({ maxLength: CAMPAIGN_TEXT_MAX }), { maxItems: CAMPAIGN_VARIANTS_MAX })),
    mediaId: Type.Optional(Nullable(Id)),
    numberIds: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
    settings: Type.Optional(Type.Partial(CampaignSettings, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type CreateCampaignBodyT = Static<typeof CreateCampaignBody>;

export const UpdateCampaignBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: CAMPAIGN_NAME_MAX })),
    text: Type.Optional(Type.String({ maxLength: CAMPAIGN_TEXT_MAX })),
    variants: Type.Optional(Type.Array(Type.String({ maxLength: CAMPAIGN_TEXT_MAX }), { maxItems: CAMPAIGN_VARIANTS_MAX })),
    mediaId: Type.Optional(Nullable(Id)),
    numberIds: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
    settings: Type.Optional(Type.Partial(CampaignSettings, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type UpdateCampaignBodyT = Static<typeof UpdateCampaignBody>;

export const CampaignParams = Type.Object({ workspaceId: Id, campaignId: Id });
export type CampaignParamsT = Static<typeof CampaignParams>;

export const AudienceBody = Type.Object(
  {
    /** Contacts carrying any of these labels. */
    labelIds: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true })),
    /** Every contact of the workspace. */
    allContacts: Type.Optional(Type.Boolean()),
    /** Phone numbers, one per line (commas and semicolons also separate). */
    phones: Type.Optional(Type.String({ maxLength: 4_000_000 })),
    /** Start from an empty audience instead of adding to it. */
    replace: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AudienceBodyT = Static<typeof AudienceBody>;

export const AudienceCsvQuery = Type.Object(
  {
    /** The column holding the phone number; by default the first called phone, mobile, number, whatsapp or tel. */
    phoneColumn: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    replace: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AudienceCsvQueryT = Static<typeof AudienceCsvQuery>;

export const AudienceSummary = Type.Object({
  /** Rows added by this request (sendable and skipped). */
  added: Type.Integer(),
  total: Type.Integer(),
  willSend: Type.Integer(),
  skipped: Type.Record(Type.String(), Type.Integer()),
  /** Whether the campaign checks numbers against WhatsApp (`settings.checkWhatsApp`): numbers already known not to be on WhatsApp are skipped now, the others are asked shortly before their send. */
  whatsappChecked: Type.Boolean(),
  csvColumns: Type.Array(Type.String()),
});
export type AudienceSummaryT = Static<typeof AudienceSummary>;

export const PreviewQuery = Type.Object(
  { sample: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })) },
  { additionalProperties: false },
);

export const PreviewDto = Type.Object({
  variables: Type.Array(Type.Object({ key: Type.String(), fallback: Nullable(Type.String()) })),
  /** Variables any recipient can fill: built-ins, contact fields and CSV columns. */
  available: Type.Array(Type.String()),
  samples: Type.Array(
    Type.Object({
      recipientId: Id,
      phone: Nullable(Type.String()),
      name: Nullable(Type.String()),
      variant: Type.Integer(),
      text: Type.String(),
      missing: Type.Array(Type.String()),
    }),
  ),
  /** Recipients for whom a variable without fallback has no value (first 50). */
  unresolved: Type.Object({
    count: Type.Integer(),
    recipients: Type.Array(Type.Object({ recipientId: Id, phone: Nullable(Type.String()), missing: Type.Array(Type.String()) })),
  }),
});
export type PreviewDtoT = Static<typeof PreviewDto>;

export const StartCampaignBody = Type.Object(
  {
    /** Start later; without it the campaign starts now (inside its sending window). */
    scheduleAt: Type.Optional(IsoTime),
    /** Skip recipients whose variables do not resolve instead of refusing to start. */
    skipUnresolved: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type StartCampaignBodyT = Static<typeof StartCampaignBody>;

export const RecipientDto = Type.Object({
  id: Id,
  seq: Type.Integer(),
  phone: Nullable(Type.String()),
  raw: Type.String(),
  name: Nullable(Type.String()),
  source: Type.Enum(['label', 'csv', 'pasted'] as const),
  status: Type.Enum(RECIPIENT_STATUSES),
  reason: Nullable(Type.String()),
  numberId: Nullable(Id),
  messageId: Nullable(Id),
  conversationId: Nullable(Id),
  variant: Nullable(Type.Integer()),
  queuedAt: Nullable(IsoTime),
  updatedAt: IsoTime,
});
export type RecipientDtoT = Static<typeof RecipientDto>;

export const RecipientsQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(RECIPIENT_STATUSES)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type RecipientsQueryT = Static<typeof RecipientsQuery>;

export const CampaignListQuery = Type.Object(
  {
    status: Type.Optional(Type.Enum(CAMPAIGN_STATUSES)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CampaignListQueryT = Static<typeof CampaignListQuery>;
