import { Type, type Static } from 'typebox';
import { Id, IsoTime } from './common.js';

/** Re-entering the password before the account is deleted. */
export const DeleteAccountBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
export type DeleteAccountBodyT = Static<typeof DeleteAccountBody>;

export const UsageEventKind = Type.Union([Type.Literal('page_view'), Type.Literal('feature')]);
/** A page or feature name such as `inbox` or `settings/profile`: never an id, a search or anything typed by a person. */
export const UsageEventName = Type.String({ minLength: 1, maxLength: 80, pattern: '^[a-z0-9][a-z0-9_./-]*$', examples: ['inbox'] });

export const UsageEventsBody = Type.Object(
  {
    events: Type.Array(
      Type.Object(
        { kind: UsageEventKind, name: UsageEventName, workspaceId: Type.Optional(Id), at: Type.Optional(IsoTime) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);
export type UsageEventsBodyT = Static<typeof UsageEventsBody>;

export const UsageCount = Type.Object({ name: Type.String(), count: Type.Integer() });

/** Usage of the last `days` days, of people whose analytics consent is on now. */
export const UsageReportDto = Type.Object({
  since: IsoTime,
  days: Type.Integer(),
  people: Type.Integer(),
  pageViews: Type.Array(UsageCount),
  features: Type.Array(UsageCount),
});
export type UsageReportDtoT = Static<typeof UsageReportDto>;

export const UsageReportQuery = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 30 })) },
  { additionalProperties: false },
);

export const DeletedCountDto = Type.Object({ deleted: Type.Integer() });

export const WorkspaceDeletionStateSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('failed'),
]);

/** A workspace deletion in the background: the workspace is already inaccessible; this reports how far erasure has got. */
export const WorkspaceDeletionDto = Type.Object({
  id: Id,
  workspaceId: Id,
  state: WorkspaceDeletionStateSchema,
  step: Type.String(),
  /** 0–100, an estimate from the counters below. */
  percent: Type.Integer(),
  numbers: Type.Object({ total: Type.Integer(), done: Type.Integer() }),
  messages: Type.Object({ total: Type.Integer(), deleted: Type.Integer() }),
  media: Type.Object({ total: Type.Integer(), deleted: Type.Integer(), filesDeleted: Type.Integer() }),
  otherRowsDeleted: Type.Integer(),
  attempts: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: IsoTime,
  finishedAt: Type.Union([IsoTime, Type.Null()]),
});
export type WorkspaceDeletionDtoT = Static<typeof WorkspaceDeletionDto>;

export const WorkspaceDeletionParams = Type.Object({ deletionId: Id });

/** What the account deletion refuses when the person is the only owner of a workspace. */
export interface LastOwnerDetails {
  workspaces: Array<{ id: string; name: string }>;
}
