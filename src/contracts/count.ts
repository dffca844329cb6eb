/**
 * "1 recipient", "3 recipients", "12,000 recipients": a number with its noun in the
 * right form, so neither a screen nor an error message says "recipient(s)". English only, like the rest of
 * the dashboard; the plural is given when it is not the noun plus "s".
 */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? singular : plural}`;
}
