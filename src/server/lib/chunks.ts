/** Rows or ids per multi-row statement: under SQLite's and PostgreSQL's bound-parameter limits for every table here. */
export const CHUNK = 500;

/** `items` cut into consecutive slices of at most `size`, in order. */
export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
