import { Type, type Static, type TSchema } from 'typebox';

/** Opaque, time-sortable identifiers (see src/server/lib/ids.ts). */
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const IsoTime = Type.String({ format: 'date-time' });

export const ROLES = ['owner', 'admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('agent')]);

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** Every list answers `{items, nextCursor}`; `nextCursor` is null on the last page. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}
export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export const ErrorResponse = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});

export const WorkspaceParams = Type.Object({ workspaceId: Id });
export type WorkspaceParamsT = Static<typeof WorkspaceParams>;
