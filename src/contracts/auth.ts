import { Type, type Static } from 'typebox';
import { Id, IsoTime, RoleSchema } from './common.js';

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/** Long passphrases are welcome; the upper bound only stops hashing megabytes. */
export const Password = Type.String({ minLength: 10, maxLength: 256 });
export const PersonName = Type.String({ minLength: 1, maxLength: 120 });

export const SignupBody = Type.Object(
  {
    name: PersonName,
    email: Email,
    password: Password,
    analyticsConsent: Type.Boolean(),
    inviteToken: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type SignupBodyT = Static<typeof SignupBody>;

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type LoginBodyT = Static<typeof LoginBody>;

export const UserDto = Type.Object({
  id: Id,
  name: Type.String(),
  email: Type.String(),
  isInstanceAdmin: Type.Boolean(),
  analyticsConsent: Type.Boolean(),
  createdAt: IsoTime,
});
export type UserDtoT = Static<typeof UserDto>;

export const MembershipDto = Type.Object({ id: Id, name: Type.String(), role: RoleSchema });
export type MembershipDtoT = Static<typeof MembershipDto>;

export const MeDto = Type.Object({ user: UserDto, workspaces: Type.Array(MembershipDto) });
export type MeDtoT = Static<typeof MeDto>;

export const UpdateMeBody = Type.Object(
  {
    name: Type.Optional(PersonName),
    email: Type.Optional(Email),
    /** Opt in to or withdraw from optional analytics at any time (PRODUCT §10). */
    analyticsConsent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMeBodyT = Static<typeof UpdateMeBody>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBodyT = Static<typeof ChangePasswordBody>;

/** What the sign-up page may know before sign-up: is it the first run, is sign-up open. */
export const SignupStatusDto = Type.Object({ firstRun: Type.Boolean(), openSignup: Type.Boolean() });
export type SignupStatusDtoT = Static<typeof SignupStatusDto>;

export const InvitePreviewDto = Type.Object({
  workspaceName: Type.String(),
  role: RoleSchema,
  email: Type.Union([Type.String(), Type.Null()]),
  expiresAt: IsoTime,
});
export type InvitePreviewDtoT = Static<typeof InvitePreviewDto>;

export const InstanceSettingsDto = Type.Object({ openSignup: Type.Boolean() });
export type InstanceSettingsDtoT = Static<typeof InstanceSettingsDto>;
export const UpdateInstanceSettingsBody = Type.Object({ openSignup: Type.Boolean() }, { additionalProperties: false });
