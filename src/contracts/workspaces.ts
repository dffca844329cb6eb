import { Type, type Static } from 'typebox';
import { Id, IsoTime, RoleSchema } from './common.js';
import { Email, Password, PersonName } from './auth.js';

export const WorkspaceName = Type.String({ minLength: 1, maxLength: 120 });
/** IANA zone name, checked against the runtime's zone database by the service. */
export const TimeZone = Type.String({ minLength: 1, maxLength: 64 });
/** ISO 3166-1 alpha-2: the default country for phone numbers typed without a prefix. */
export const Country = Type.String({ pattern: '^[A-Z]{2}$' });
export const LogRetentionDays = Type.Integer({ minimum: 1, maximum: 3650 });
/** Optional message retention (PRODUCT §9): null keeps messages; otherwise messages older than this many days are deleted. */
export const MessageRetentionDays = Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]);

export const WorkspaceDto = Type.Object({
  id: Id,
  name: Type.String(),
  timeZone: Type.String(),
  country: Type.String(),
  logRetentionDays: Type.Integer(),
  messageRetentionDays: Type.Union([Type.Integer(), Type.Null()]),
  /** While a teammate types a reply, the customer sees "typing…" on WhatsApp (never for private notes). */
  typingToCustomer: Type.Boolean(),
  /** Sending a reply marks the customer's unread messages in the conversation as read on WhatsApp. */
  markReadOnReply: Type.Boolean(),
  role: RoleSchema,
  createdAt: IsoTime,
});
export type WorkspaceDtoT = Static<typeof WorkspaceDto>;

export const CreateWorkspaceBody = Type.Object(
  { name: WorkspaceName, timeZone: Type.Optional(TimeZone), country: Type.Optional(Country) },
  { additionalProperties: false },
);
export type CreateWorkspaceBodyT = Static<typeof CreateWorkspaceBody>;

export const UpdateWorkspaceBody = Type.Object(
  {
    name: Type.Optional(WorkspaceName),
    timeZone: Type.Optional(TimeZone),
    country: Type.Optional(Country),
    logRetentionDays: Type.Optional(LogRetentionDays),
    messageRetentionDays: Type.Optional(MessageRetentionDays),
    typingToCustomer: Type.Optional(Type.Boolean()),
    markReadOnReply: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWorkspaceBodyT = Static<typeof UpdateWorkspaceBody>;

export const DeleteWorkspaceBody = Type.Object(
  { confirmName: Type.String({ minLength: 1, maxLength: 120 }) },
  { additionalProperties: false },
);

export const MemberDto = Type.Object({
  userId: Id,
  name: Type.String(),
  email: Type.String(),
  role: RoleSchema,
  joinedAt: IsoTime,
});
export type MemberDtoT = Static<typeof MemberDto>;

/** An admin creates a login for a teammate directly (the alternative to an invite link). */
export const CreateMemberBody = Type.Object(
  { name: PersonName, email: Email, password: Password, role: RoleSchema },
  { additionalProperties: false },
);
export type CreateMemberBodyT = Static<typeof CreateMemberBody>;

export const UpdateMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });
export const ResetMemberPasswordBody = Type.Object({ newPassword: Password }, { additionalProperties: false });
export const MemberParams = Type.Object({ workspaceId: Id, userId: Id });

export const InviteDto = Type.Object({
  id: Id,
  email: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('expired'), Type.Literal('revoked')]),
  expiresAt: IsoTime,
  createdAt: IsoTime,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  /** Only in the answer to the creation: the token is shown once and stored hashed. */
  url: Type.Optional(Type.String()),
});
export type InviteDtoT = Static<typeof InviteDto>;

export const CreateInviteBody = Type.Object(
  {
    email: Type.Optional(Email),
    role: RoleSchema,
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 })),
  },
  { additionalProperties: false },
);
export type CreateInviteBodyT = Static<typeof CreateInviteBody>;
export const InviteParams = Type.Object({ workspaceId: Id, inviteId: Id });
