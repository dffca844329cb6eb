import { Type, type Static, type TSchema } from 'typebox';
import { Id, IsoTime } from './common.js';
import { LabelDto } from './inbox.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CONTACT_NAME_MAX = 200;
export const CONTACT_NOTES_MAX = 5000;
export const FIELD_VALUE_MAX = 1000;

// ---------------------------------------------------------------------------
// Custom fields
// ---------------------------------------------------------------------------

export const CONTACT_FIELD_TYPES = ['text', 'number', 'date', 'choice'] as const;
export type ContactFieldTypeT = (typeof CONTACT_FIELD_TYPES)[number];
export const ContactFieldTypeSchema = Type.Union([
  Type.Literal('text'),
  Type.Literal('number'),
  Type.Literal('date'),
  Type.Literal('choice'),
]);

export const ContactFieldDto = Type.Object({
  id: Id,
  key: Type.String(),
  label: Type.String(),
  type: ContactFieldTypeSchema,
  /** The allowed values of a `choice` field; empty for other types. */
  options: Type.Array(Type.String()),
  position: Type.Integer(),
});
export type ContactFieldDtoT = Static<typeof ContactFieldDto>;

const FieldKey = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^[a-z][a-z0-9_]*$',
  description: 'lower-case letters, digits and _, starting with a letter',
  examples: ['customer_since'],
});
const FieldLabel = Type.String({ minLength: 1, maxLength: 60 });
const FieldOptions = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 });

export const CreateContactFieldBody = Type.Object(
  { key: FieldKey, label: FieldLabel, type: ContactFieldTypeSchema, options: Type.Optional(FieldOptions) },
  { additionalProperties: false },
);
export type CreateContactFieldBodyT = Static<typeof CreateContactFieldBody>;
export const UpdateContactFieldBody = Type.Object(
  {
    label: Type.Optional(FieldLabel),
    options: Type.Optional(FieldOptions),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateContactFieldBodyT = Static<typeof UpdateContactFieldBody>;
export const ContactFieldParams = Type.Object({ workspaceId: Id, fieldId: Id });

// ---------------------------------------------------------------------------
// Contacts
// ---------------------------------------------------------------------------

/** A custom field value: text, a number, or a date as YYYY-MM-DD; choice values are text. */
export const FieldValue = Type.Union([Type.String({ maxLength: FIELD_VALUE_MAX }), Type.Number()]);
export type FieldValueT = Static<typeof FieldValue>;

export const ContactDto = Type.Object({
  id: Id,
  /** E.164 with `+`; null for a customer WhatsApp has only given a LID for. */
  phone: Nullable(Type.String()),
  lid: Nullable(Type.String()),
  /** What the dashboard shows: agent's name, else the name saved on the phone, else WhatsApp's push name, else the phone. */
  displayName: Type.String(),
  name: Nullable(Type.String()),
  savedName: Nullable(Type.String()),
  pushName: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  labels: Type.Array(LabelDto),
  fields: Type.Record(Type.String(), FieldValue),
  optedOut: Type.Boolean(),
  optedOutAt: Nullable(IsoTime),
  firstSeenAt: Nullable(IsoTime),
  lastSeenAt: Nullable(IsoTime),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type ContactDtoT = Static<typeof ContactDto>;

export const ContactConversationDto = Type.Object({
  id: Id,
  numberId: Id,
  numberName: Type.String(),
  status: Type.String(),
  lastMessageAt: Nullable(IsoTime),
  lastMessagePreview: Nullable(Type.String()),
});
export type ContactConversationDtoT = Static<typeof ContactConversationDto>;

export const OPT_SOURCES = ['keyword', 'agent', 'import', 'api'] as const;
export type OptSourceT = (typeof OPT_SOURCES)[number];

export const OptEventDto = Type.Object({
  id: Id,
  optedOut: Type.Boolean(),
  source: Type.Union([Type.Literal('keyword'), Type.Literal('agent'), Type.Literal('import'), Type.Literal('api')]),
  by: Nullable(Type.Object({ id: Id, name: Type.String() })),
  messageId: Nullable(Id),
  at: IsoTime,
});
export type OptEventDtoT = Static<typeof OptEventDto>;

export const ContactDetailDto = Type.Object({
  ...ContactDto.properties,
  conversations: Type.Array(ContactConversationDto),
  optHistory: Type.Array(OptEventDto),
});
export type ContactDetailDtoT = Static<typeof ContactDetailDto>;

export const CONTACT_SORTS = ['name', 'recent', 'created'] as const;
export type ContactSortT = (typeof CONTACT_SORTS)[number];

export const ContactListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'words of a name, or digits of a phone number' })),
    labelId: Type.Optional(Id),
    optedOut: Type.Optional(Type.Boolean()),
    fieldKey: Type.Optional(Type.String({ maxLength: 40 })),
    fieldValue: Type.Optional(Type.String({ maxLength: FIELD_VALUE_MAX, description: 'with fieldKey: equal to; without: any value' })),
    sort: Type.Optional(Type.Union([Type.Literal('name'), Type.Literal('recent'), Type.Literal('created')], { default: 'name' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
  },
  { additionalProperties: false },
);
export type ContactListQueryT = Static<typeof ContactListQuery>;
const { limit: _limit, cursor: _cursor, ...exportProperties } = ContactListQuery.properties;
export const ContactExportQuery = Type.Object(exportProperties, { additionalProperties: false });
export type ContactExportQueryT = Static<typeof ContactExportQuery>;

const ContactName = Type.String({ minLength: 1, maxLength: CONTACT_NAME_MAX });
const Notes = Type.String({ maxLength: CONTACT_NOTES_MAX });
const LabelIds = Type.Array(Id, { maxItems: 50 });
const FieldValues = Type.Record(Type.String({ maxLength: 40 }), Nullable(FieldValue));

export const CreateContactBody = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 40, examples: ['+44 7700 900123'] }),
    name: Type.Optional(ContactName),
    notes: Type.Optional(Notes),
    labelIds: Type.Optional(LabelIds),
    fields: Type.Optional(FieldValues),
    optedOut: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateContactBodyT = Static<typeof CreateContactBody>;

export const UpdateContactBody = Type.Object(
  {
    name: Type.Optional(Nullable(ContactName)),
    notes: Type.Optional(Nullable(Notes)),
    labelIds: Type.Optional(LabelIds),
    /** Merged into the stored values; null removes a value. */
    fields: Type.Optional(FieldValues),
    optedOut: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateContactBodyT = Static<typeof UpdateContactBody>;

export const MergeContactsBody = Type.Object({ keepId: Id, mergeId: Id }, { additionalProperties: false });
export type MergeContactsBodyT = Static<typeof MergeContactsBody>;

export const ContactParams = Type.Object({ workspaceId: Id, contactId: Id });

// ---------------------------------------------------------------------------
// Opt-out settings
// ---------------------------------------------------------------------------

const Keywords = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 30 });
const Reply = Type.String({ minLength: 1, maxLength: 1000 });

export const OptOutSettingsDto = Type.Object({
  optOutKeywords: Type.Array(Type.String()),
  optInKeywords: Type.Array(Type.String()),
  optOutReplyEnabled: Type.Boolean(),
  optOutReply: Type.String(),
  optInReplyEnabled: Type.Boolean(),
  optInReply: Type.String(),
});
export type OptOutSettingsDtoT = Static<typeof OptOutSettingsDto>;

export const UpdateOptOutSettingsBody = Type.Object(
  {
    optOutKeywords: Type.Optional(Keywords),
    optInKeywords: Type.Optional(Keywords),
    optOutReplyEnabled: Type.Optional(Type.Boolean()),
    optOutReply: Type.Optional(Reply),
    optInReplyEnabled: Type.Optional(Type.Boolean()),
    optInReply: Type.Optional(Reply),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOptOutSettingsBodyT = Static<typeof UpdateOptOutSettingsBody>;

// ---------------------------------------------------------------------------
// CSV import
// ---------------------------------------------------------------------------

/** Where a CSV column goes: `field:<key>` for a custom field. */
export const IMPORT_TARGETS = ['name', 'phone', 'labels', 'notes', 'opted_out', 'ignore'] as const;

export const ContactImportDto = Type.Object({
  id: Id,
  status: Type.Union([Type.Literal('uploaded'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  fileName: Nullable(Type.String()),
  size: Type.Integer(),
  delimiter: Type.String(),
  headers: Type.Array(Type.String()),
  /** The first rows as read, for the mapping screen. */
  preview: Type.Array(Type.Array(Type.String())),
  /** A mapping guessed from the header names. */
  suggestedMapping: Type.Record(Type.String(), Type.String()),
  /** Rows read so far; `bytesRead` of `size` tells how far into the file. */
  processed: Type.Integer(),
  bytesRead: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  /** Rows with a phone seen earlier in the file whose data was folded into that row. */
  merged: Type.Integer(),
  rejected: Type.Integer(),
  error: Nullable(Type.String()),
  createdAt: IsoTime,
  finishedAt: Nullable(IsoTime),
});
export type ContactImportDtoT = Static<typeof ContactImportDto>;

export const CommitImportBody = Type.Object(
  {
    mapping: Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 60, examples: ['phone'] }), {
      description: 'header → name | phone | labels | notes | opted_out | field:<key> | ignore',
      examples: [{ Phone: 'phone' }],
    }),
  },
  { additionalProperties: false },
);
export type CommitImportBodyT = Static<typeof CommitImportBody>;
export const ImportParams = Type.Object({ workspaceId: Id, importId: Id });
