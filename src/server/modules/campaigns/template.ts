/**
 * Message templates: `{{name}}`, `{{any_field}}`, `{{Column name}}` and a
 * fallback after a bar, `{{name|there}}`. Names match case-insensitively, with
 * spaces and dashes treated like underscores, so a CSV column "First name" is
 * `{{first_name}}` as well as `{{First name}}`.
 */

const VARIABLE = /\{\{\s*([^{}|]+?)\s*(?:\|([^{}]*))?\}\}/g;

export function variableKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export interface TemplateVariable {
  key: string;
  fallback: string | null;
}

/** The variables a text uses, each once (the first fallback wins). */
export function variablesOf(text: string): TemplateVariable[] {
  const seen = new Map<string, TemplateVariable>();
  for (const m of text.matchAll(VARIABLE)) {
    const key = variableKey(m[1] ?? '');
    if (!key) continue;
    const entry = seen.get(key);
    if (!entry) seen.set(key, { key, fallback: m[2] === undefined ? null : m[2].trim() });
    else if (entry.fallback === null && m[2] !== undefined) entry.fallback = m[2].trim();
  }
  return [...seen.values()];
}

export interface Rendered {
  text: string;
  /** Variables with no value and no fallback (rendered empty). */
  missing: string[];
}

/** Fills the variables from `values` (keys already passed through `variableKey`). */
export function render(text: string, values: ReadonlyMap<string, string>): Rendered {
  const missing = new Set<string>();
  const out = text.replace(VARIABLE, (_all, rawName: string, fallback: string | undefined) => {
    const key = variableKey(rawName);
    const value = values.get(key)?.trim();
    if (value) return value;
    if (fallback !== undefined && fallback.trim() !== '') return fallback.trim();
    if (fallback === undefined) missing.add(key);
    return '';
  });
  return { text: out.replace(/[ \t]{2,}/g, ' ').trim(), missing: [...missing] };
}

/** Which text a recipient gets: the main text and its variants, rotated by position. */
export function pickVariant(texts: readonly string[], seq: number): { index: number; text: string } {
  const index = texts.length === 0 ? 0 : ((seq % texts.length) + texts.length) % texts.length;
  return { index, text: texts[index] ?? '' };
}

/** A contact's and a CSV row's values under template keys. CSV columns win over contact data. */
export function valuesFor(input: {
  phone: string | null;
  name: string | null;
  fields: Record<string, unknown>;
  vars: Record<string, string>;
}): Map<string, string> {
  const values = new Map<string, string>();
  const put = (k: string, v: unknown) => {
    if (v === null || v === undefined) return;
    const s = String(v).trim();
    if (s) values.set(variableKey(k), s);
  };
  put('phone', input.phone ? `+${input.phone}` : null);
  put('name', input.name);
  put('first_name', input.name?.trim().split(/\s+/)[0]);
  for (const [k, v] of Object.entries(input.fields)) put(k, v);
  for (const [k, v] of Object.entries(input.vars)) put(k, v);
  return values;
}
