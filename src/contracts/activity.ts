import { Type, type Static } from 'typebox';
import { Id, IsoTime } from './common.js';

export const ActivityEntryDto = Type.Object({
  id: Id,
  at: IsoTime,
  actor: Type.Union([Type.Object({ id: Type.Union([Id, Type.Null()]), name: Type.String() }), Type.Null()]),
  action: Type.String(),
  target: Type.Union([
    Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]), label: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type ActivityEntryDtoT = Static<typeof ActivityEntryDto>;

export const ActivityQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    actorId: Type.Optional(Id),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);
export type ActivityQueryT = Static<typeof ActivityQuery>;

export { ACTIVITY_ACTIONS } from './activity-actions.js';
import type { ACTIVITY_ACTIONS } from './activity-actions.js';

export type ActivityAction = keyof typeof ACTIVITY_ACTIONS | (string & {});
