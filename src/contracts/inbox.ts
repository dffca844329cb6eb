import { Type, type Static, type TSchema } from 'typebox';
import { Id, IsoTime } from './common.js';
import { ConversationSla } from './sla.js';
import { ContactCardDto, LocationDto, MessageMediaFields, MessageStatusSchema, MessageText, ReactionDto } from './messages.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CONVERSATION_STATUSES = ['open', 'pending', 'resolved'] as const;
export type ConversationStatusT = (typeof CONVERSATION_STATUSES)[number];
export const ConversationStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('pending'), Type.Literal('resolved')]);

/** Label colours are Mantine palette names, so the dashboard can show them without custom CSS. */
export const LABEL_COLORS = [
  'gray',
  'red',
  'pink',
  'grape',
  'violet',
  'indigo',
  'blue',
  'cyan',
  'teal',
  'green',
  'lime',
  'yellow',
  'orange',
] as const;
export const LabelColorSchema = Type.Union(LABEL_COLORS.map((c) => Type.Literal(c)));

export const LabelDto = Type.Object({ id: Id, name: Type.String(), color: Type.String() });
export type LabelDtoT = Static<typeof LabelDto>;

const LabelName = Type.String({ minLength: 1, maxLength: 40 });
export const CreateLabelBody = Type.Object({ name: LabelName, color: Type.Optional(LabelColorSchema) }, { additionalProperties: false });
export type CreateLabelBodyT = Static<typeof CreateLabelBody>;
export const UpdateLabelBody = Type.Object(
  { name: Type.Optional(LabelName), color: Type.Optional(LabelColorSchema) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateLabelBodyT = Static<typeof UpdateLabelBody>;

export const CannedReplyDto = Type.Object({ id: Id, shortcut: Type.String(), text: Type.String(), updatedAt: IsoTime });
export type CannedReplyDtoT = Static<typeof CannedReplyDto>;

/** Letters, digits, `-` and `_`: what an agent types after `/` in the composer. */
const Shortcut = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$', examples: ['thanks'] });
export const CreateCannedReplyBody = Type.Object({ shortcut: Shortcut, text: MessageText }, { additionalProperties: false });
export type CreateCannedReplyBodyT = Static<typeof CreateCannedReplyBody>;
export const UpdateCannedReplyBody = Type.Object(
  { shortcut: Type.Optional(Shortcut), text: Type.Optional(MessageText) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCannedReplyBodyT = Static<typeof UpdateCannedReplyBody>;

export const PersonRef = Type.Object({ id: Id, name: Type.String() });

/** A piece of a search snippet: `hit` marks the words that matched. Render as text. */
export const SnippetPart = Type.Object({ text: Type.String(), hit: Type.Boolean() });
export type SnippetPartT = Static<typeof SnippetPart>;

/** One row of the inbox list. Customer text (names, previews, snippets) is untrusted: render as text. */
export const InboxConversationDto = Type.Object({
  id: Id,
  contact: Type.Object({
    id: Id,
    /** Agent-set name, else the name saved on the phone, else the customer's WhatsApp name, else the phone. */
    name: Type.String(),
    /** E.164 digits, or null while WhatsApp has only told us the customer's LID. */
    phone: Nullable(Type.String()),
    optedOut: Type.Boolean(),
  }),
  number: Type.Object({ id: Id, name: Type.String() }),
  status: ConversationStatusSchema,
  assignee: Nullable(PersonRef),
  labels: Type.Array(LabelDto),
  unreadCount: Type.Integer(),
  lastMessage: Nullable(
    Type.Object({ preview: Type.String(), direction: Type.Union([Type.Literal('in'), Type.Literal('out')]), at: IsoTime }),
  ),
  /** Since when the customer waits for an answer; null when the last word was ours. */
  waitingSince: Nullable(IsoTime),
  /** The most urgent SLA clock (at risk / breached / on track with its deadline); null when none runs. */
  sla: Nullable(ConversationSla),
  /** With `q`: the newest matching message (or null when the contact matched). */
  match: Type.Optional(Type.Object({ messageId: Nullable(Id), snippet: Type.Array(SnippetPart) })),
});
export type InboxConversationDtoT = Static<typeof InboxConversationDto>;

export const ConversationListQuery = Type.Object(
  {
    /** `me`, `unassigned`, `all` (default) or a member's user id. */
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('pending'), Type.Literal('resolved'), Type.Literal('all')], { default: 'all' }),
    ),
    numberId: Type.Optional(Id),
    labelId: Type.Optional(Id),
    /** Only conversations whose customer waits for an answer. */
    waiting: Type.Optional(Type.Boolean()),
    /** Only conversations whose SLA is at risk, or breached. */
    sla: Type.Optional(Type.Union([Type.Literal('at_risk'), Type.Literal('breached')])),
    /** `recent` (default): newest activity first; `time_left`: nearest SLA deadline first, conversations without one last. */
    sort: Type.Optional(Type.Union([Type.Literal('recent'), Type.Literal('time_left')])),
    /** Full-text search over messages and contacts; answers one page of the best matches (no cursor). */
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ConversationListQueryT = Static<typeof ConversationListQuery>;

export const ConversationParams = Type.Object({ workspaceId: Id, conversationId: Id });
export const MessageParams = Type.Object({ workspaceId: Id, messageId: Id });
export const LabelParams = Type.Object({ workspaceId: Id, labelId: Id });
export const CannedReplyParams = Type.Object({ workspaceId: Id, cannedReplyId: Id });

export const UpdateConversationBody = Type.Object(
  {
    status: Type.Optional(ConversationStatusSchema),
    /** A member's user id, or null to unassign. */
    assigneeId: Type.Optional(Nullable(Id)),
    /** The full set of labels the conversation should carry. */
    labelIds: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
    /** true: nothing unread; false: mark unread (at least one unread message). */
    read: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateConversationBodyT = Static<typeof UpdateConversationBody>;

export const BulkUpdateBody = Type.Object(
  {
    ids: Type.Array(Id, { minItems: 1, maxItems: 200, uniqueItems: true }),
    status: Type.Optional(ConversationStatusSchema),
    assigneeId: Type.Optional(Nullable(Id)),
    addLabelIds: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
    removeLabelIds: Type.Optional(Type.Array(Id, { maxItems: 50, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 2 },
);
export type BulkUpdateBodyT = Static<typeof BulkUpdateBody>;
export const BulkUpdateResult = Type.Object({ updated: Type.Integer() });

export const InboxMessageDto = Type.Object({
  id: Id,
  conversationId: Id,
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  kind: Type.String(),
  /** Text or caption. Untrusted customer input: render as text. */
  text: Nullable(Type.String()),
  media: Nullable(
    Type.Object({
      id: Id,
      mimetype: Nullable(Type.String()),
      fileName: Nullable(Type.String()),
      size: Nullable(Type.Integer()),
      state: Type.Union([Type.Literal('pending'), Type.Literal('stored'), Type.Literal('failed')]),
      /** Where the dashboard fetches the file (members only). */
      url: Type.String(),
    }),
  ),
  payload: Type.Object({ location: Nullable(LocationDto), contacts: Type.Array(ContactCardDto) }),
  quoted: Nullable(Type.Object({ providerMessageId: Type.String(), text: Nullable(Type.String()) })),
  reactions: Type.Array(ReactionDto),
  status: MessageStatusSchema,
  error: Nullable(Type.String()),
  /** A failed send whose outcome is unknown (it may have reached the customer): retrying needs `confirm: true`. */
  outcomeUnknown: Type.Boolean(),
  isForwarded: Type.Boolean(),
  editedAt: Nullable(IsoTime),
  revokedAt: Nullable(IsoTime),
  sentAt: IsoTime,
  /** The team member who sent it from the dashboard; null for the customer and the phone. */
  sender: Nullable(PersonRef),
});
export type InboxMessageDtoT = Static<typeof InboxMessageDto>;

export const MessageListQuery = Type.Object(
  {
    /** Cursor from `nextCursor`: older messages. */
    before: Type.Optional(Type.String({ maxLength: 200 })),
    /** Cursor from `newerCursor`: newer messages (after opening `around` a search hit). */
    after: Type.Optional(Type.String({ maxLength: 200 })),
    /** A message id to open the history at (a search hit). */
    around: Type.Optional(Id),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type MessageListQueryT = Static<typeof MessageListQuery>;

/** Messages newest first; `nextCursor` pages to older ones, `newerCursor` (after `around`/`after`) to newer ones. */
export const MessagePage = Type.Object({
  items: Type.Array(InboxMessageDto),
  nextCursor: Nullable(Type.String()),
  newerCursor: Nullable(Type.String()),
});
export type MessagePageT = Static<typeof MessagePage>;

/** Text, a file (with the text as its caption), or both. */
export const InboxReplyBody = Type.Object(
  { text: Type.Optional(MessageText), ...MessageMediaFields, quotedMessageId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type InboxReplyBodyT = Static<typeof InboxReplyBody>;

export const RetryBody = Type.Object({ confirm: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export type RetryBodyT = Static<typeof RetryBody>;

export const NoteDto = Type.Object({ id: Id, conversationId: Id, text: Type.String(), author: Nullable(PersonRef), createdAt: IsoTime });
export type NoteDtoT = Static<typeof NoteDto>;
export const CreateNoteBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false });
export type CreateNoteBodyT = Static<typeof CreateNoteBody>;

/** A conversation opened in the dashboard: the list row plus what the side panel shows. */
export const ConversationDetailDto = Type.Object({
  ...InboxConversationDto.properties,
  /** The contact's other conversations (on the workspace's other numbers). */
  otherConversations: Type.Array(
    Type.Object({ id: Id, number: Type.Object({ id: Id, name: Type.String() }), status: ConversationStatusSchema }),
  ),
});
export type ConversationDetailDtoT = Static<typeof ConversationDetailDto>;

/**
 * A teammate's composer activity in a conversation, sent by the dashboard (throttled):
 * `typing` while keys are pressed (repeat at most every few seconds), `stopped` on send, blur or
 * an emptied box, `viewing` when the conversation is opened (so WhatsApp reports the customer's
 * typing). `mode: 'note'` (a private note) never signals the customer.
 */
export const TypingBody = Type.Object(
  {
    state: Type.Union([Type.Literal('typing'), Type.Literal('stopped'), Type.Literal('viewing')]),
    mode: Type.Optional(Type.Union([Type.Literal('reply'), Type.Literal('note')])),
  },
  { additionalProperties: false },
);
export type TypingBodyT = Static<typeof TypingBody>;
