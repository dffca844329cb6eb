import { Type, type Static } from 'typebox';
import { Id, IsoTime } from './common.js';

/** Live connection state of a number (PRODUCT §2); mirrors the provider boundary's `ConnectionState`. */
export const NUMBER_STATES = [
  'idle',
  'connecting',
  'waiting_for_scan',
  'connected',
  'reconnecting',
  'logged_out',
  'unlinked',
  'failed',
] as const;
export type NumberState = (typeof NUMBER_STATES)[number];
export const NumberStateSchema = Type.Union([
  Type.Literal('idle'),
  Type.Literal('connecting'),
  Type.Literal('waiting_for_scan'),
  Type.Literal('connected'),
  Type.Literal('reconnecting'),
  Type.Literal('logged_out'),
  Type.Literal('unlinked'),
  Type.Literal('failed'),
]);

export const NumberName = Type.String({ minLength: 1, maxLength: 80 });

/** Sending limits (PRODUCT §5): a random delay between min and max seconds, a daily cap, warm-up for new numbers. */
export const NumberLimits = Type.Object({
  minDelaySeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  maxDelaySeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  dailyCap: Type.Integer({ minimum: 1, maximum: 10000 }),
  warmup: Type.Boolean(),
});
export type NumberLimitsT = Static<typeof NumberLimits>;

export const NumberDto = Type.Object({
  id: Id,
  name: Type.String(),
  /** E.164 with a leading `+`; null until linked. */
  phone: Type.Union([Type.String(), Type.Null()]),
  state: NumberStateSchema,
  stateReason: Type.Union([Type.String(), Type.Null()]),
  stateSince: IsoTime,
  linkedAt: Type.Union([IsoTime, Type.Null()]),
  limits: NumberLimits,
  /** Only while linking, and only from the server process running the link: the current QR payload or pairing code. */
  link: Type.Union([
    Type.Object({ qr: Type.Union([Type.String(), Type.Null()]), pairingCode: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  createdAt: IsoTime,
});
export type NumberDtoT = Static<typeof NumberDto>;

export const NumberParams = Type.Object({ workspaceId: Id, numberId: Id });

export const CreateNumberBody = Type.Object({ name: NumberName }, { additionalProperties: false });
export type CreateNumberBodyT = Static<typeof CreateNumberBody>;

export const UpdateNumberBody = Type.Object(
  {
    name: Type.Optional(NumberName),
    limits: Type.Optional(
      Type.Object(
        {
          minDelaySeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
          maxDelaySeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
          dailyCap: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
          warmup: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateNumberBodyT = Static<typeof UpdateNumberBody>;

export const LinkBody = Type.Object(
  {
    method: Type.Union([Type.Literal('qr'), Type.Literal('pairing_code')]),
    /** Required for `pairing_code`: the number being linked, in international format. */
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export type LinkBodyT = Static<typeof LinkBody>;

export const DeleteNumberBody = Type.Object(
  { messages: Type.Union([Type.Literal('keep'), Type.Literal('erase')]) },
  { additionalProperties: false },
);
export type DeleteNumberBodyT = Static<typeof DeleteNumberBody>;
