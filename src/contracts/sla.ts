import { Type, type Static } from 'typebox';
import { Id, IsoTime } from './common.js';

export const SlaTargetSchema = Type.Union([Type.Literal('first_response'), Type.Literal('next_response'), Type.Literal('resolution')]);
export type SlaTargetT = Static<typeof SlaTargetSchema>;
export const SlaStateSchema = Type.Union([Type.Literal('on_track'), Type.Literal('at_risk'), Type.Literal('breached')]);
export type SlaStateT = Static<typeof SlaStateSchema>;

/** The SLA of one conversation as the inbox shows it: the most urgent running clock. */
export const ConversationSla = Type.Object({
  state: SlaStateSchema,
  target: SlaTargetSchema,
  /** When it turns (or turned) at risk. */
  riskAt: Type.Union([IsoTime, Type.Null()]),
  /** When it breaches (or breached). */
  dueAt: IsoTime,
});
export type ConversationSlaT = Static<typeof ConversationSla>;

const Hhmm = Type.String({ pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$', description: 'HH:MM local time; 24:00 ends at midnight' });
export const TimeRangeSchema = Type.Object({ start: Hhmm, end: Hhmm }, { additionalProperties: false });
const Week = Type.Array(Type.Array(TimeRangeSchema, { maxItems: 8 }), {
  minItems: 7,
  maxItems: 7,
  description: 'Seven days, Sunday first; a range whose end is at or before its start runs past midnight',
});
const Minutes = Type.Integer({ minimum: 1, maximum: 60 * 24 * 90 });

export const SlaPolicyDto = Type.Object({
  enabled: Type.Boolean(),
  firstResponseMinutes: Minutes,
  nextResponseMinutes: Minutes,
  resolutionMinutes: Type.Union([Minutes, Type.Null()]),
  businessHours: Type.Object({
    enabled: Type.Boolean({ description: 'false: targets count around the clock' }),
    week: Week,
    holidays: Type.Array(Type.String({ format: 'date' })),
  }),
  /** The workspace's time zone; business hours are read in it (change it in the workspace settings). */
  timeZone: Type.String(),
  scope: Type.Object({
    numberIds: Type.Array(Id, { description: 'empty: every number' }),
    labelIds: Type.Array(Id, { description: 'empty: every conversation' }),
  }),
  atRiskPercent: Type.Integer({ minimum: 1, maximum: 99 }),
  pauseWhenPending: Type.Boolean(),
  updatedAt: Type.Union([IsoTime, Type.Null()]),
});
export type SlaPolicyDtoT = Static<typeof SlaPolicyDto>;

export const UpdateSlaPolicyBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    firstResponseMinutes: Type.Optional(Minutes),
    nextResponseMinutes: Type.Optional(Minutes),
    resolutionMinutes: Type.Optional(Type.Union([Minutes, Type.Null()])),
    businessHours: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean(),
          week: Type.Optional(Week),
          holidays: Type.Optional(Type.Array(Type.String({ format: 'date' }), { maxItems: 366 })),
        },
        { additionalProperties: false },
      ),
    ),
    scope: Type.Optional(
      Type.Object(
        { numberIds: Type.Optional(Type.Array(Id, { maxItems: 500 })), labelIds: Type.Optional(Type.Array(Id, { maxItems: 500 })) },
        { additionalProperties: false },
      ),
    ),
    atRiskPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    pauseWhenPending: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateSlaPolicyBodyT = Static<typeof UpdateSlaPolicyBody>;

const SmtpSecurity = Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none')]);

export const SlaChannelsDto = Type.Object({
  emailTo: Type.Array(Type.String()),
  smtp: Type.Union([
    Type.Object({
      host: Type.String(),
      port: Type.Integer(),
      security: SmtpSecurity,
      username: Type.Union([Type.String(), Type.Null()]),
      from: Type.String(),
      passwordSet: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  webhookUrl: Type.Union([Type.String(), Type.Null()]),
  /** Signs each webhook body: header `X-WaSphere-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
  webhookSecret: Type.Union([Type.String(), Type.Null()]),
});
export type SlaChannelsDtoT = Static<typeof SlaChannelsDto>;

export const UpdateSlaChannelsBody = Type.Object(
  {
    emailTo: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 20 })),
    smtp: Type.Optional(
      Type.Union([
        Type.Object(
          {
            host: Type.String({ minLength: 1, maxLength: 253 }),
            port: Type.Integer({ minimum: 1, maximum: 65535 }),
            security: SmtpSecurity,
            username: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
            password: Type.Optional(Type.String({ maxLength: 500, description: 'omit to keep the stored one' })),
            from: Type.String({ minLength: 3, maxLength: 254 }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
    webhookUrl: Type.Optional(Type.Union([Type.String({ format: 'uri', maxLength: 2000 }), Type.Null()])),
    rotateWebhookSecret: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateSlaChannelsBodyT = Static<typeof UpdateSlaChannelsBody>;

export const SlaDeliveryDto = Type.Object({
  id: Id,
  channel: Type.Union([Type.Literal('email'), Type.Literal('webhook')]),
  target: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([IsoTime, Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  responseStatus: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: IsoTime,
  deliveredAt: Type.Union([IsoTime, Type.Null()]),
});
export type SlaDeliveryDtoT = Static<typeof SlaDeliveryDto>;

export const NotificationDto = Type.Object({
  id: Id,
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  conversationId: Type.Union([Id, Type.Null()]),
  createdAt: IsoTime,
  readAt: Type.Union([IsoTime, Type.Null()]),
});
export type NotificationDtoT = Static<typeof NotificationDto>;

export const NotificationPage = Type.Object({
  items: Type.Array(NotificationDto),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  unreadCount: Type.Integer(),
});
export type NotificationPageT = Static<typeof NotificationPage>;

export const NotificationQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    unread: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NotificationQueryT = Static<typeof NotificationQuery>;

export const MarkNotificationsBody = Type.Object(
  { ids: Type.Optional(Type.Array(Id, { maxItems: 200 })), all: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type MarkNotificationsBodyT = Static<typeof MarkNotificationsBody>;

export const SlaReportQuery = Type.Object(
  {
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    groupBy: Type.Optional(
      Type.Union([Type.Literal('day'), Type.Literal('agent'), Type.Literal('number'), Type.Literal('label')], { default: 'day' }),
    ),
    mode: Type.Optional(Type.Union([Type.Literal('business'), Type.Literal('raw')], { default: 'business' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type SlaReportQueryT = Static<typeof SlaReportQuery>;

const Stats = Type.Object({
  count: Type.Integer(),
  medianMs: Type.Union([Type.Number(), Type.Null()]),
  p90Ms: Type.Union([Type.Number(), Type.Null()]),
});
export type StatsT = Static<typeof Stats>;

export const SlaReportRow = Type.Object({
  key: Type.Union([Type.String(), Type.Null()]),
  label: Type.String(),
  firstResponse: Stats,
  nextResponse: Stats,
  resolution: Stats,
  /** Share of clocks that stopped within target (0–1); null when none had a target. */
  hitRate: Type.Union([Type.Number(), Type.Null()]),
  hits: Type.Integer(),
  misses: Type.Integer(),
  breaches: Type.Integer(),
});
export type SlaReportRowT = Static<typeof SlaReportRow>;

export const SlaReportDto = Type.Object({
  from: IsoTime,
  to: IsoTime,
  groupBy: Type.String(),
  mode: Type.String(),
  timeZone: Type.String(),
  rows: Type.Array(SlaReportRow),
  totals: SlaReportRow,
});
export type SlaReportDtoT = Static<typeof SlaReportDto>;

export const DashboardDto = Type.Object({
  timeZone: Type.String(),
  numbers: Type.Array(
    Type.Object({
      id: Id,
      name: Type.String(),
      phone: Type.Union([Type.String(), Type.Null()]),
      state: Type.String(),
      stateSince: IsoTime,
    }),
  ),
  conversations: Type.Object({
    open: Type.Integer(),
    pending: Type.Integer(),
    waiting: Type.Integer(),
    unassigned: Type.Integer(),
    atRisk: Type.Integer(),
    breached: Type.Integer(),
  }),
  messagesToday: Type.Object({ in: Type.Integer(), out: Type.Integer() }),
  /** Null when this install has no campaigns yet. */
  campaigns: Type.Union([
    Type.Object({
      inProgress: Type.Integer(),
      items: Type.Array(Type.Object({ id: Id, name: Type.String(), status: Type.String(), sent: Type.Integer(), total: Type.Integer() })),
    }),
    Type.Null(),
  ]),
  /** The last 14 days in the workspace zone, oldest first. */
  responseTimes: Type.Array(
    Type.Object({
      date: Type.String({ format: 'date' }),
      firstResponseMedianMs: Type.Union([Type.Number(), Type.Null()]),
      firstResponseP90Ms: Type.Union([Type.Number(), Type.Null()]),
      responses: Type.Integer(),
      messagesIn: Type.Integer(),
      messagesOut: Type.Integer(),
      breaches: Type.Integer(),
    }),
  ),
  sla: Type.Object({ enabled: Type.Boolean(), hitRate14d: Type.Union([Type.Number(), Type.Null()]) }),
});
export type DashboardDtoT = Static<typeof DashboardDto>;
