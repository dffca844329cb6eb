/**
 * Pure rules for contact data: phone problems in words a person understands,
 * custom field values by type, display names, and the DTOs.
 */
import type { ContactDtoT, ContactFieldDtoT, ContactFieldTypeT, FieldValueT } from '../../../contracts/contacts.js';
import { iso } from '../../lib/clock.js';
import { normalisePhone } from '../messaging/service.js';
import { isLidPlaceholder, type ContactFieldRow, type ContactRow, type LabelRef } from './repo.js';

export type PhoneCheck = { ok: true; phone: string } | { ok: false; reason: string };

/** A phone number typed or imported → E.164 digits, or why not. Local numbers use the workspace country. */
export function checkPhone(input: string, country: string): PhoneCheck {
  const value = input.trim();
  if (value === '') return { ok: false, reason: 'phone is empty' };
  if (/\p{L}/u.test(value)) return { ok: false, reason: 'phone contains letters' };
  if (!/^[+\d\s().\-/]+$/.test(value)) return { ok: false, reason: 'phone contains characters other than digits, spaces, + ( ) - . /' };
  const digits = value.replace(/\D/g, '');
  if (digits.length < 6) return { ok: false, reason: 'phone is too short' };
  if (digits.length > 15 + 2) return { ok: false, reason: 'phone is too long' };
  const phone = normalisedCached(value, digits, country);
  if (!phone) return { ok: false, reason: `not a valid phone number (international format, or a local number of ${country})` };
  return { ok: true, phone };
}

/**
 * Parsing with libphonenumber costs tens of microseconds, which adds up over a
 * 100,000-row import. Whether a number is possible depends on its country (its
 * leading digits) and its length, and the normal form is the digits with a
 * country code put in front or a national prefix taken off: so the outcome for
 * one (country, form, first digits, length) is remembered as that rewrite.
 */
const rewrites = new Map<string, { strip: number; prefix: string } | null>();

function normalisedCached(value: string, digits: string, country: string): string | null {
  const international = value.startsWith('+') || value.startsWith('00');
  const key = `${country}|${international ? 'i' : 'l'}|${digits.slice(0, 7)}|${digits.length}`;
  const known = rewrites.get(key);
  if (known === null) return null;
  if (known) return known.prefix + digits.slice(known.strip);
  const phone = normalisePhone(value, country);
  let rewrite: { strip: number; prefix: string } | null | undefined = phone === null ? null : undefined;
  if (phone) {
    for (let strip = 0; strip <= 2 && rewrite === undefined; strip++) {
      const rest = digits.slice(strip);
      if (phone.endsWith(rest) && phone.length - rest.length <= 3) rewrite = { strip, prefix: phone.slice(0, phone.length - rest.length) };
    }
  }
  if (rewrite !== undefined) {
    if (rewrites.size >= 20_000) rewrites.clear();
    rewrites.set(key, rewrite);
  }
  return phone;
}

export type FieldCheck = { ok: true; value: FieldValueT } | { ok: false; reason: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A value for a custom field, checked against its type; text from a CSV cell or JSON from the API. */
export function checkFieldValue(field: Pick<ContactFieldRow, 'type' | 'options' | 'label'>, input: FieldValueT): FieldCheck {
  const type = field.type as ContactFieldTypeT;
  const text = typeof input === 'number' ? String(input) : input.trim();
  if (text.length > 1000) return { ok: false, reason: `${field.label}: longer than 1000 characters` };
  switch (type) {
    case 'number': {
      if (typeof input === 'number')
        return Number.isFinite(input) ? { ok: true, value: input } : { ok: false, reason: `${field.label}: not a number` };
      // A decimal comma is what spreadsheets in much of Europe write.
      const cleaned = text.replace(/\s/g, '');
      if (!/^[-+]?\d+([.,]\d+)?$/.test(cleaned)) return { ok: false, reason: `${field.label}: "${text.slice(0, 40)}" is not a number` };
      const n = Number(cleaned.replace(',', '.'));
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: `${field.label}: not a number` };
    }
    case 'date': {
      const m = DATE.exec(text);
      const valid = m && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
      return valid ? { ok: true, value: text } : { ok: false, reason: `${field.label}: "${text.slice(0, 40)}" is not a date (YYYY-MM-DD)` };
    }
    case 'choice': {
      const options = JSON.parse(field.options) as string[];
      const found = options.find((o) => o.toLowerCase() === text.toLowerCase());
      return found !== undefined
        ? { ok: true, value: found }
        : { ok: false, reason: `${field.label}: "${text.slice(0, 40)}" is not one of ${options.join(', ')}` };
    }
    default:
      return { ok: true, value: text };
  }
}

/** Control characters other than tab and newline have no place in a name. */
export function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

export function displayPhone(phone: string): string | null {
  return isLidPlaceholder(phone) ? null : `+${phone}`;
}

/** Agent's name, else the name saved on the phone, else WhatsApp's push name, else the phone. */
export function displayNameOf(c: Pick<ContactRow, 'name' | 'saved_name' | 'push_name' | 'phone'>): string {
  return c.name || c.saved_name || c.push_name || displayPhone(c.phone) || 'Unknown';
}

export function parseFields(json: string): Record<string, FieldValueT> {
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    const out: Record<string, FieldValueT> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function presentContact(row: ContactRow, labels: readonly LabelRef[]): ContactDtoT {
  return {
    id: row.id,
    phone: displayPhone(row.phone),
    lid: row.lid,
    displayName: displayNameOf(row),
    name: row.name,
    savedName: row.saved_name,
    pushName: row.push_name,
    notes: row.notes,
    labels: labels.map((l) => ({ id: l.id, name: l.name, color: l.color })),
    fields: parseFields(row.custom_fields),
    optedOut: row.opted_out === 1,
    optedOutAt: isoOrNull(row.opted_out_at),
    firstSeenAt: isoOrNull(row.first_seen_at),
    lastSeenAt: isoOrNull(row.last_seen_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function presentField(row: ContactFieldRow): ContactFieldDtoT {
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    type: row.type,
    options: JSON.parse(row.options) as string[],
    position: row.position,
  };
}

/** A CSV cell a spreadsheet would run as a formula (= + - @, tab, CR) is prefixed with ' (same rule as the activity export). */
export function safeCell(value: string): string {
  // A plain number (a phone as +447700900123, a count) is data, not a formula.
  if (/^[+-]?\d+([.,]\d+)?$/.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
