import { Type, type Static, type TSchema } from 'typebox';
import { Id, IsoTime } from './common.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const MESSAGE_STATUSES = ['received', 'queued', 'sending', 'sent', 'delivered', 'read', 'played', 'failed'] as const;
export const MessageStatusSchema = Type.Union([
  Type.Literal('received'),
  Type.Literal('queued'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('read'),
  Type.Literal('played'),
  Type.Literal('failed'),
]);
export type MessageStatusT = (typeof MESSAGE_STATUSES)[number];

export const MESSAGE_KINDS = [
  'text',
  'image',
  'video',
  'audio',
  'voice',
  'document',
  'sticker',
  'location',
  'contact',
  'unsupported',
] as const;
export type MessageKindT = (typeof MESSAGE_KINDS)[number];

export const MediaRefDto = Type.Object({
  id: Id,
  mimetype: Nullable(Type.String()),
  fileName: Nullable(Type.String()),
  size: Nullable(Type.Integer()),
  /** `pending` until the server has downloaded it from WhatsApp; `failed` with no file. */
  state: Type.Union([Type.Literal('pending'), Type.Literal('stored'), Type.Literal('failed')]),
});

export const LocationDto = Type.Object({
  lat: Type.Number(),
  lng: Type.Number(),
  name: Nullable(Type.String()),
  address: Nullable(Type.String()),
  live: Type.Boolean(),
});

export const ContactCardDto = Type.Object({ displayName: Nullable(Type.String()), vcard: Nullable(Type.String()) });

export const ReactionDto = Type.Object({
  actor: Type.Union([Type.Literal('customer'), Type.Literal('us')]),
  emoji: Type.String(),
  at: IsoTime,
});

/** One message of a conversation. Customer text is untrusted: render it as text, never as HTML. */
export const MessageDto = Type.Object({
  id: Id,
  conversationId: Id,
  numberId: Id,
  direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  kind: Type.String(),
  text: Nullable(Type.String()),
  status: MessageStatusSchema,
  /** Why a send failed (or the last error before a retry). */
  error: Nullable(Type.String()),
  senderUserId: Nullable(Type.String()),
  media: Nullable(MediaRefDto),
  location: Nullable(LocationDto),
  contacts: Type.Array(ContactCardDto),
  quoted: Nullable(Type.Object({ providerMessageId: Type.String(), text: Nullable(Type.String()) })),
  reactions: Type.Array(ReactionDto),
  isForwarded: Type.Boolean(),
  isViewOnce: Type.Boolean(),
  sentAt: IsoTime,
  editedAt: Nullable(IsoTime),
  /** Deleted for everyone by its sender; the text is gone. */
  revokedAt: Nullable(IsoTime),
  attempts: Type.Integer(),
});
export type MessageDtoT = Static<typeof MessageDto>;

/** Message text, or the caption of a media message. */
export const MessageText = Type.String({ minLength: 1, maxLength: 4096 });

/**
 * A file to send with the message: the id answered by `POST …/media` (or any
 * stored media of the workspace). The text, if any, becomes its caption; audio
 * and stickers carry none. `fileName` renames a document as the customer sees it.
 */
export const MessageMediaFields = {
  mediaId: Type.Optional(Id),
  fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
};

export const SendMessageBody = Type.Object(
  {
    numberId: Id,
    /** Phone number in international (+44…) or the workspace country's local format. */
    to: Type.String({ minLength: 1, maxLength: 40 }),
    text: Type.Optional(MessageText),
    ...MessageMediaFields,
    /** A message of the same conversation to quote. */
    quotedMessageId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type SendMessageBodyT = Static<typeof SendMessageBody>;

export const ReplyBody = Type.Object(
  { text: Type.Optional(MessageText), ...MessageMediaFields, quotedMessageId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type ReplyBodyT = Static<typeof ReplyBody>;

export const ConversationSummaryDto = Type.Object({
  id: Id,
  numberId: Id,
  contact: Type.Object({
    id: Id,
    /** E.164 digits, or null while WhatsApp has only told us the customer's LID. */
    phone: Nullable(Type.String()),
    /** Agent-given name, else the name saved on the phone, else the customer's own WhatsApp name. */
    displayName: Nullable(Type.String()),
  }),
  status: Type.Union([Type.Literal('open'), Type.Literal('pending'), Type.Literal('resolved')]),
  assigneeUserId: Nullable(Type.String()),
  unreadCount: Type.Integer(),
  lastMessageAt: Nullable(IsoTime),
  lastMessagePreview: Nullable(Type.String()),
  lastMessageDirection: Nullable(Type.Union([Type.Literal('in'), Type.Literal('out')])),
  waitingSince: Nullable(IsoTime),
});
export type ConversationSummaryDtoT = Static<typeof ConversationSummaryDto>;
