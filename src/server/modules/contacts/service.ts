/**
 * Contacts (PRODUCT §8): list, create, edit, merge, custom fields, opt-out
 * settings, CSV import and export, and customers' data requests (export of
 * everything about one contact, and erasure).
 *
 * Roles: every member may list, create, edit and merge contacts; owners and
 * admins manage custom fields and opt-out settings, import and export the
 * contact list, and answer data requests (export one contact, erase one).
 */
import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { getCountryCallingCode, type CountryCode } from 'libphonenumber-js';
import type { PageOf, Role } from '../../../contracts/common.js';
import type {
  ContactDetailDtoT,
  ContactDtoT,
  ContactExportQueryT,
  ContactFieldDtoT,
  ContactImportDtoT,
  ContactListQueryT,
  CreateContactBodyT,
  CreateContactFieldBodyT,
  FieldValueT,
  MergeContactsBodyT,
  OptOutSettingsDtoT,
  UpdateContactBodyT,
  UpdateContactFieldBodyT,
  UpdateOptOutSettingsBodyT,
} from '../../../contracts/contacts.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { AppError, forbidden, notFound, validation } from '../../http/errors.js';
import { iso, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../../realtime/bus.js';
import type { ActivityService } from '../activity/service.js';
import type { UsageRecorder } from '../privacy/usage.js';
import type { Caller } from '../caller.js';
import type { MediaStore } from '../media/media-store.js';
import { workspaceCountry } from '../messaging/repo.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { createContactImporter, type UploadedFile } from './csv-import.js';
import {
  checkpointLog,
  conversationIdsOf,
  deleteContactData,
  deleteWhatsAppKeysOf,
  hashesStillUsed,
  mediaOfMessages,
  messageIdsOf,
  messagesOf,
  notesOf,
  reactionsOf,
  scrubActivity,
  secureDeleteMode,
} from './erase-repo.js';
import { applyOptChange, DEFAULT_OPT_OUT_SETTINGS, loadOptOutSettings } from './opt-out.js';
import {
  addContactLabels,
  contactsWithFieldText,
  conversationsOfContact,
  deleteContactField,
  findContact,
  findContactField,
  findContactsByPhones,
  findLabelsByIds,
  insertContact,
  insertContactField,
  labelsOfContacts,
  listContactFields,
  listContacts,
  listOptEvents,
  mergeContactInto,
  pagesFromSearchEntries,
  replaceContactLabels,
  saveOptOutSettings,
  searchContactIds,
  updateContact,
  updateContactField,
  type ContactCursor,
  type ContactFieldRow,
  type ContactFilter,
  type ContactSort,
  type ContactRow,
} from './repo.js';
import {
  checkFieldValue,
  checkPhone,
  displayNameOf,
  displayPhone,
  hasControlCharacters,
  parseFields,
  presentContact,
  presentField,
  safeCell,
} from './values.js';
import { zipStream } from './zip.js';

const MANAGERS: readonly Role[] = ['owner', 'admin'];
/** A search matching up to this many contacts is resolved to ids first, so sorting never walks the whole list. */
const SEARCH_IDS_MAX = 1000;
const EXPORT_PAGE = 1000;

function encodeCursor(c: ContactCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): ContactCursor | null {
  if (!cursor) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (typeof value[0] === 'string' || typeof value[0] === 'number') &&
      typeof value[1] === 'string'
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw validation('The cursor is not valid.', { cursor: 'use nextCursor from the previous page' });
}

/** A person's query as index terms (letters and digits only, never query syntax) and as phone digits. */
export function filterOf(
  query: Pick<ContactListQueryT, 'q' | 'labelId' | 'optedOut' | 'fieldKey' | 'fieldValue'>,
  country: string,
): ContactFilter {
  const q = (query.q ?? '').trim();
  const filter: ContactFilter = {
    labelId: query.labelId,
    optedOut: query.optedOut,
    fieldKey: query.fieldKey,
    fieldValue: query.fieldValue,
  };
  if (q === '') return filter;
  const digits = q.replace(/[\s()+.\-/]/g, '');
  if (/^\d+$/.test(digits)) {
    // Phones match from their start: as typed (international), and read as a local number of the workspace country.
    const prefixes = new Set([digits.startsWith('00') ? digits.slice(2) : digits]);
    let cc = '';
    try {
      cc = getCountryCallingCode(country as CountryCode);
    } catch {
      // an unknown country: international form only
    }
    if (cc && !q.trim().startsWith('+') && !digits.startsWith('00')) prefixes.add(cc + (digits.startsWith('0') ? digits.slice(1) : digits));
    filter.phonePrefixes = [...prefixes].filter((p) => p.length >= 2);
    return filter;
  }
  filter.terms = [
    ...new Set(
      (
        q
          .normalize('NFKC')
          .toLowerCase()
          .match(/[\p{L}\p{N}\p{M}]+/gu) ?? []
      ).map((w) => w.slice(0, 64)),
    ),
  ].slice(0, 8);
  return filter;
}

export function createContactsService(deps: {
  db: Db;
  clock: Clock;
  access: WorkspaceAccess;
  activity: ActivityService;
  bus: EventBus;
  mediaStore: MediaStore;
  dataDir: string;
  usage: UsageRecorder;
}) {
  const { db, clock, access, activity, bus, mediaStore, usage } = deps;
  const importer = createContactImporter({ db, clock, dataDir: deps.dataDir, activity });

  const member = (caller: Caller, ws: string) => access.require(caller, ws, 'workspace.read');
  async function manager(caller: Caller, ws: string): Promise<void> {
    const role = await member(caller, ws);
    if (!MANAGERS.includes(role)) throw forbidden('Only owners and admins may do this.');
  }
  const actor = (caller: Caller) => ({ userId: caller.userId, name: caller.name });
  const countryOf = async (ws: string) => (await workspaceCountry(db, ws)) ?? 'US';

  async function load(ws: string, contactId: string, tx: DbOrTx = db): Promise<ContactRow> {
    const contact = await findContact(tx, ws, contactId);
    if (!contact) throw notFound('contact');
    return contact;
  }

  async function presentOne(ws: string, contact: ContactRow, tx: DbOrTx = db): Promise<ContactDtoT> {
    const labels = await labelsOfContacts(tx, ws, [contact.id]);
    return presentContact(contact, labels.get(contact.id) ?? []);
  }

  async function checkLabels(tx: DbOrTx, ws: string, labelIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(labelIds)];
    const found = await findLabelsByIds(tx, ws, unique);
    if (found.length !== unique.length) {
      const missing = unique.filter((id) => !found.some((l) => l.id === id));
      throw validation('Some labels do not exist.', { labelIds: `unknown label ${missing[0]}` });
    }
    return unique;
  }

  /** Stored values merged with `patch` (null removes), each checked against its field's type. */
  async function mergedFields(tx: DbOrTx, ws: string, stored: string, patch: Record<string, FieldValueT | null>): Promise<string> {
    const defs = new Map((await listContactFields(tx, ws)).map((f) => [f.key, f]));
    const out = parseFields(stored);
    const problems: Record<string, string> = {};
    for (const [key, value] of Object.entries(patch)) {
      const def = defs.get(key);
      if (!def) {
        problems[`fields.${key}`] = 'no such custom field';
        continue;
      }
      if (value === null || value === '') {
        delete out[key];
        continue;
      }
      const checked = checkFieldValue(def, value);
      if (!checked.ok) problems[`fields.${key}`] = checked.reason;
      else out[key] = checked.value;
    }
    if (Object.keys(problems).length > 0) throw validation('Some field values are not valid.', problems);
    return JSON.stringify(out);
  }

  function checkName(name: string | null | undefined): void {
    if (name && hasControlCharacters(name)) throw validation('The name is not valid.', { name: 'must not contain control characters' });
  }

  function label(contact: ContactRow): string {
    const phone = displayPhone(contact.phone);
    return contact.name ? `${contact.name}${phone ? ` (${phone})` : ''}` : (phone ?? displayNameOf(contact));
  }

  function publishContact(ws: string, ...ids: string[]) {
    for (const id of ids) bus.publish(ws, 'contact.updated', { contactId: id });
  }

  /** Narrow searches become an id list (sorted cheaply); broad ones stay a subquery, where a sorted scan finds a page early. */
  async function resolved(ws: string, filter: ContactFilter, sort: ContactSort): Promise<ContactFilter> {
    if (!filter.terms?.length && !filter.phonePrefixes?.length) return filter;
    if (pagesFromSearchEntries(filter, sort)) return filter;
    const ids = await searchContactIds(db, ws, filter, SEARCH_IDS_MAX + 1);
    return ids.length <= SEARCH_IDS_MAX ? { ...filter, ids } : filter;
  }

  async function* exportRows(ws: string, filter: ContactFilter, fields: readonly ContactFieldRow[]): AsyncGenerator<string> {
    const header = [
      'phone',
      'name',
      'whatsapp_name',
      'saved_name',
      'labels',
      'notes',
      'opted_out',
      'opted_out_at',
      'first_seen',
      'last_seen',
      'created',
      ...fields.map((f) => f.label),
    ];
    // A byte-order mark so spreadsheet apps read the file as UTF-8.
    yield '\uFEFF' + stringify([header]);
    let after: ContactCursor | null = null;
    for (;;) {
      const rows = await listContacts(db, ws, filter, 'created', after, EXPORT_PAGE);
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!;
      after = [last.id, last.id];
      const labels = await labelsOfContacts(
        db,
        ws,
        rows.map((r) => r.id),
      );
      const records = rows.map((c) => {
        const values = parseFields(c.custom_fields);
        return [
          displayPhone(c.phone) ?? '',
          c.name ?? '',
          c.push_name ?? '',
          c.saved_name ?? '',
          (labels.get(c.id) ?? []).map((l) => l.name).join(', '),
          c.notes ?? '',
          c.opted_out === 1 ? 'yes' : 'no',
          c.opted_out_at === null ? '' : iso(c.opted_out_at),
          c.first_seen_at === null ? '' : iso(c.first_seen_at),
          c.last_seen_at === null ? '' : iso(c.last_seen_at),
          iso(c.created_at),
          ...fields.map((f) => (values[f.key] === undefined ? '' : String(values[f.key]))),
        ].map(safeCell);
      });
      yield stringify(records);
      if (rows.length < EXPORT_PAGE) break;
    }
  }

  return {
    importer,

    // -- contacts -------------------------------------------------------------

    async list(caller: Caller, ws: string, query: ContactListQueryT): Promise<PageOf<ContactDtoT>> {
      await member(caller, ws);
      const limit = query.limit ?? 50;
      const sort = query.sort ?? 'name';
      const filter = await resolved(ws, filterOf(query, await countryOf(ws)), sort);
      if (query.q?.trim()) await usage.feature(caller.userId, ws, 'contacts.search');
      const rows = await listContacts(db, ws, filter, sort, decodeCursor(query.cursor), limit + 1);
      const page = rows.slice(0, limit);
      const labels = await labelsOfContacts(
        db,
        ws,
        page.map((r) => r.id),
      );
      const last = page[page.length - 1];
      return {
        items: page.map((r) => {
          const { sort_key: _key, ...row } = r;
          return presentContact(row, labels.get(r.id) ?? []);
        }),
        nextCursor: rows.length > limit && last ? encodeCursor([last.sort_key, last.id]) : null,
      };
    },

    async get(caller: Caller, ws: string, contactId: string): Promise<ContactDetailDtoT> {
      await member(caller, ws);
      const contact = await load(ws, contactId);
      const [dto, conversations, history] = [
        await presentOne(ws, contact),
        await conversationsOfContact(db, ws, contact.id),
        await listOptEvents(db, ws, contact.id),
      ];
      return {
        ...dto,
        conversations: conversations.map((c) => ({
          id: c.id,
          numberId: c.number_id,
          numberName: c.number_name,
          status: c.status,
          lastMessageAt: c.last_message_at === null ? null : iso(c.last_message_at),
          lastMessagePreview: c.last_message_preview,
        })),
        optHistory: history.map((e) => ({
          id: e.id,
          optedOut: e.opted_out === 1,
          source: e.source,
          by: e.user_id ? { id: e.user_id, name: e.user_name ?? 'deleted user' } : null,
          messageId: e.message_id,
          at: iso(e.created_at),
        })),
      };
    },

    async create(caller: Caller, ws: string, body: CreateContactBodyT): Promise<ContactDtoT> {
      await member(caller, ws);
      const phone = checkPhone(body.phone, await countryOf(ws));
      if (!phone.ok)
        throw new AppError(400, 'invalid_phone', `That is not a phone number we can use: ${phone.reason}.`, {
          fields: { phone: phone.reason },
        });
      checkName(body.name);
      const contact = await db.transaction().execute(async (tx) => {
        const now = clock.now();
        const [existing] = await findContactsByPhones(tx, ws, [phone.phone]);
        if (existing)
          throw new AppError(409, 'contact_exists', 'A contact with this phone number already exists.', { contactId: existing.id });
        const row: ContactRow = {
          id: newId(now),
          workspace_id: ws,
          phone: phone.phone,
          lid: null,
          name: body.name?.trim() || null,
          push_name: null,
          saved_name: null,
          notes: body.notes?.trim() || null,
          custom_fields: body.fields ? await mergedFields(tx, ws, '{}', body.fields) : '{}',
          opted_out: 0,
          opted_out_at: null,
          first_seen_at: null,
          last_seen_at: null,
          created_at: now,
          updated_at: now,
        };
        if (!(await insertContact(tx, row))) throw new AppError(409, 'contact_exists', 'A contact with this phone number already exists.');
        if (body.labelIds?.length) await replaceContactLabels(tx, ws, row.id, await checkLabels(tx, ws, body.labelIds));
        if (body.optedOut) await applyOptChange(tx, ws, row, { optedOut: true, source: 'agent', userId: caller.userId }, now);
        await activity.record(
          ws,
          { action: 'contact.created', actor: actor(caller), ip: caller.ip, target: { type: 'contact', id: row.id, label: label(row) } },
          tx,
        );
        return row;
      });
      publishContact(ws, contact.id);
      await usage.feature(caller.userId, ws, 'contacts.created');
      return presentOne(ws, contact);
    },

    async update(caller: Caller, ws: string, contactId: string, body: UpdateContactBodyT): Promise<ContactDtoT> {
      await member(caller, ws);
      checkName(body.name);
      const contact = await db.transaction().execute(async (tx) => {
        const now = clock.now();
        const contact = await load(ws, contactId, tx);
        const patch: Parameters<typeof updateContact>[3] = {};
        const changed: string[] = [];
        if (body.name !== undefined) {
          patch.name = body.name?.trim() || null;
          changed.push('name');
        }
        if (body.notes !== undefined) {
          patch.notes = body.notes?.trim() || null;
          changed.push('notes');
        }
        if (body.fields !== undefined) {
          patch.custom_fields = await mergedFields(tx, ws, contact.custom_fields, body.fields);
          changed.push('fields');
        }
        if (Object.keys(patch).length > 0) {
          await updateContact(tx, ws, contact.id, { ...patch, updated_at: now });
          Object.assign(contact, patch, { updated_at: now });
        }
        if (body.labelIds !== undefined) {
          await replaceContactLabels(tx, ws, contact.id, await checkLabels(tx, ws, body.labelIds));
          changed.push('labels');
        }
        if (body.optedOut !== undefined) {
          if (await applyOptChange(tx, ws, contact, { optedOut: body.optedOut, source: 'agent', userId: caller.userId }, now)) {
            await activity.record(
              ws,
              {
                action: body.optedOut ? 'contact.opted_out' : 'contact.opted_in',
                actor: actor(caller),
                ip: caller.ip,
                target: { type: 'contact', id: contact.id, label: label(contact) },
                details: { source: 'agent' },
              },
              tx,
            );
          }
        }
        if (changed.length > 0) {
          await activity.record(
            ws,
            {
              action: 'contact.updated',
              actor: actor(caller),
              ip: caller.ip,
              target: { type: 'contact', id: contact.id, label: label(contact) },
              details: { changed },
            },
            tx,
          );
        }
        return contact;
      });
      publishContact(ws, contact.id);
      return presentOne(ws, contact);
    },

    /**
     * Folds `mergeId` into `keepId`: conversations move over (on a number both
     * have a conversation on, the messages, notes and labels move into the kept
     * one), labels and opt-out history join, field values and names fill what
     * the kept contact lacks, notes are put together. The merged contact goes.
     */
    async merge(caller: Caller, ws: string, body: MergeContactsBodyT): Promise<ContactDtoT> {
      await member(caller, ws);
      if (body.keepId === body.mergeId) throw validation('Pick two different contacts.', { mergeId: 'must differ from keepId' });
      const { keep, conversationIds } = await db.transaction().execute(async (tx) => {
        const now = clock.now();
        const keep = await load(ws, body.keepId, tx);
        const gone = await load(ws, body.mergeId, tx);
        const keepConvs = await tx
          .selectFrom('conversations')
          .select(['id', 'number_id'])
          .where('workspace_id', '=', ws)
          .where('contact_id', '=', keep.id)
          .execute();
        const goneConvs = await tx
          .selectFrom('conversations')
          .select(['id', 'number_id'])
          .where('workspace_id', '=', ws)
          .where('contact_id', '=', gone.id)
          .execute();
        for (const conv of goneConvs) {
          const target = keepConvs.find((c) => c.number_id === conv.number_id);
          if (!target) continue;
          await tx
            .updateTable('notes')
            .set({ conversation_id: target.id })
            .where('workspace_id', '=', ws)
            .where('conversation_id', '=', conv.id)
            .execute();
          const labels = await tx
            .selectFrom('conversation_labels')
            .select('label_id')
            .where('workspace_id', '=', ws)
            .where('conversation_id', '=', conv.id)
            .execute();
          for (const l of labels) {
            await tx
              .insertInto('conversation_labels')
              .values({ conversation_id: target.id, label_id: l.label_id, workspace_id: ws })
              .onConflict((oc) => oc.columns(['conversation_id', 'label_id']).doNothing())
              .execute();
          }
        }
        const goneLabels = await labelsOfContacts(tx, ws, [gone.id]);
        await addContactLabels(
          tx,
          ws,
          (goneLabels.get(gone.id) ?? []).map((l) => ({ contactId: keep.id, labelId: l.id })),
        );
        await tx
          .updateTable('opt_events')
          .set({ contact_id: keep.id })
          .where('workspace_id', '=', ws)
          .where('contact_id', '=', gone.id)
          .execute();
        const notes = [keep.notes, gone.notes].filter((n): n is string => !!n && n.trim() !== '');
        const merged = await mergeContactInto(tx, ws, gone, { ...keep, notes: [...new Set(notes)].join('\n\n') || null }, now);
        const fields = { ...parseFields(gone.custom_fields), ...parseFields(keep.custom_fields) };
        const optedOut = keep.opted_out === 1 || gone.opted_out === 1;
        await tx
          .updateTable('contacts')
          .set({
            custom_fields: JSON.stringify(fields),
            // Opting out is the customer's wish: it survives the merge.
            opted_out: optedOut ? 1 : 0,
            opted_out_at: optedOut ? (keep.opted_out_at ?? gone.opted_out_at ?? now) : null,
            updated_at: now,
          })
          .where('workspace_id', '=', ws)
          .where('id', '=', keep.id)
          .execute();
        await activity.record(
          ws,
          {
            action: 'contact.merged',
            actor: actor(caller),
            ip: caller.ip,
            target: { type: 'contact', id: keep.id, label: label(keep) },
            details: { mergedId: gone.id, merged: label(gone), conversations: merged.conversationIds.length },
          },
          tx,
        );
        return { keep: await load(ws, keep.id, tx), conversationIds: merged.conversationIds };
      });
      publishContact(ws, body.keepId, body.mergeId);
      for (const id of conversationIds) bus.publish(ws, 'conversation.updated', { conversationId: id });
      return presentOne(ws, keep);
    },

    /**
     * Erasure: messages, reactions, notes, conversations, media rows and files
     * (unless another message uses the same file), search entries, opt-out
     * history, import report rows, WhatsApp session keys for the customer; the
     * activity log keeps only that it happened.
     */
    async erase(caller: Caller, ws: string, contactId: string): Promise<void> {
      await manager(caller, ws);
      const contact = await load(ws, contactId);
      await secureDeleteMode(db, true);
      let summary: { conversations: string[]; messages: number; files: string[] };
      try {
        summary = await db.transaction().execute(async (tx) => {
          const current = await load(ws, contactId, tx);
          const conversations = await conversationIdsOf(tx, ws, current.id);
          const messageIds = await messageIdsOf(tx, ws, conversations);
          const media = await mediaOfMessages(tx, ws, conversations);
          await deleteContactData(
            tx,
            ws,
            current,
            conversations,
            messageIds,
            media.map((m) => m.id),
          );
          const users = [current.phone.startsWith('lid:') ? null : current.phone, current.lid].filter((u): u is string => !!u);
          await deleteWhatsAppKeysOf(tx, ws, users);
          const needles = [
            displayPhone(current.phone),
            current.phone,
            current.lid,
            current.name,
            current.saved_name,
            current.push_name,
          ].filter((n): n is string => !!n && n.length >= 4);
          await scrubActivity(tx, ws, [current.id, ...conversations, ...messageIds], needles);
          const hashes = media.map((m) => m.sha256).filter((h): h is string => !!h);
          const used = await hashesStillUsed(tx, hashes);
          await activity.record(
            ws,
            {
              action: 'contact.erased',
              actor: actor(caller),
              ip: caller.ip,
              target: { type: 'contact', id: current.id, label: null },
              details: { conversations: conversations.length, messages: messageIds.length, mediaFiles: media.length },
            },
            tx,
          );
          return { conversations, messages: messageIds.length, files: [...new Set(hashes.filter((h) => !used.has(h)))] };
        });
        await importer.discardUncommitted(ws);
      } finally {
        await secureDeleteMode(db, false);
      }
      for (const hash of summary.files) await fs.promises.rm(mediaStore.pathOf(hash), { force: true });
      await checkpointLog(db);
      publishContact(ws, contact.id);
      for (const id of summary.conversations) bus.publish(ws, 'conversation.updated', { conversationId: id });
    },

    /** Everything stored about one contact as a ZIP: profile, labels, fields, messages (JSON + CSV), media, notes, opt-out history. */
    async exportData(caller: Caller, ws: string, contactId: string): Promise<{ fileName: string; stream: AsyncIterable<Buffer> }> {
      await manager(caller, ws);
      const contact = await load(ws, contactId);
      const profile = await this.get(caller, ws, contactId);
      const fields = await listContactFields(db, ws);
      const conversations = await conversationIdsOf(db, ws, contact.id);
      const messages = await messagesOf(db, ws, conversations);
      const reactions = await reactionsOf(
        db,
        ws,
        messages.map((m) => m.id),
      );
      const notes = await notesOf(db, ws, conversations);
      const now = clock.now();
      await activity.record(ws, {
        action: 'contact.exported',
        actor: actor(caller),
        ip: caller.ip,
        target: { type: 'contact', id: contact.id, label: null },
        details: { messages: messages.length },
      });

      const mediaName = (m: (typeof messages)[number]) => {
        const ext = m.media_file_name?.match(/\.[A-Za-z0-9]{1,8}$/)?.[0] ?? '';
        const safe = (m.media_file_name ?? '').replace(/[^\w.\- ]+/g, '_').slice(0, 80);
        return `media/${m.id}${safe ? `-${safe}` : ext}`;
      };
      const withFile = messages.filter((m) => m.media_state === 'stored' && m.media_sha256);
      const messageDocs = messages.map((m) => ({
        id: m.id,
        conversationId: m.conversation_id,
        number: { name: m.number_name, phone: m.number_phone ? `+${m.number_phone}` : null },
        direction: m.direction === 'in' ? 'from customer' : 'to customer',
        sentBy: m.direction === 'out' ? (m.sender_name ?? null) : null,
        kind: m.kind,
        text: m.text,
        quotedText: m.quoted_text,
        content: JSON.parse(m.payload) as unknown,
        media: m.media_id
          ? {
              fileName: m.media_file_name,
              mimetype: m.media_mimetype,
              size: m.media_size,
              file: m.media_state === 'stored' && m.media_sha256 ? mediaName(m) : null,
            }
          : null,
        reactions: reactions
          .filter((r) => r.message_id === m.id)
          .map((r) => ({ by: r.actor === 'us' ? 'business' : 'customer', emoji: r.emoji, at: iso(r.at) })),
        status: m.status,
        sentAt: iso(m.sent_at),
        editedAt: m.edited_at === null ? null : iso(m.edited_at),
        deletedAt: m.revoked_at === null ? null : iso(m.revoked_at),
      }));
      const csv = stringify([
        ['id', 'conversation', 'number', 'direction', 'kind', 'text', 'media_file', 'status', 'sent_at'],
        ...messageDocs.map((m) =>
          [m.id, m.conversationId, m.number.name, m.direction, m.kind, m.text ?? '', m.media?.file ?? '', m.status, m.sentAt].map((v) =>
            safeCell(String(v)),
          ),
        ),
      ]);
      const readme = [
        'Everything this workspace stores about one contact.',
        '',
        'profile.json        the contact: phone, names, labels, custom fields, notes, opt-out status, conversations',
        'fields.json         the custom fields of the workspace (labels and types of the values in profile.json)',
        'messages.json       every message, with reactions and the media file it carries',
        'messages.csv        the same messages as a table',
        'notes.json          the team\u2019s private notes in this contact\u2019s conversations',
        'opt-out-history.json every opt-out and opt-in, with its source',
        'media/              the media files of the messages',
        '',
        `Exported ${iso(now)}.`,
      ].join('\n');
      const json = (value: unknown) => JSON.stringify(value, null, 2);
      async function* files() {
        yield { name: 'README.txt', content: readme };
        yield { name: 'profile.json', content: json({ ...profile, optHistory: undefined }) };
        yield { name: 'fields.json', content: json(fields.map(presentField)) };
        yield { name: 'messages.json', content: json(messageDocs) };
        yield { name: 'messages.csv', content: '\uFEFF' + csv };
        yield {
          name: 'notes.json',
          content: json(
            notes.map((n) => ({ id: n.id, conversationId: n.conversation_id, author: n.author_name, text: n.text, at: iso(n.created_at) })),
          ),
        };
        yield { name: 'opt-out-history.json', content: json(profile.optHistory) };
        for (const m of withFile) {
          const file = mediaStore.pathOf(m.media_sha256!);
          if (fs.existsSync(file)) yield { name: mediaName(m), content: { path: file } };
        }
      }
      const stamp = iso(now).slice(0, 10);
      return { fileName: `contact-${contact.id}-${stamp}.zip`, stream: zipStream(files(), new Date(now)) };
    },

    // -- CSV ------------------------------------------------------------------

    async exportCsv(caller: Caller, ws: string, query: ContactExportQueryT): Promise<{ fileName: string; stream: AsyncIterable<string> }> {
      await manager(caller, ws);
      // The export pages in creation order.
      const filter = await resolved(ws, filterOf(query, await countryOf(ws)), 'created');
      const fields = await listContactFields(db, ws);
      await activity.record(ws, { action: 'contacts.exported', actor: actor(caller), ip: caller.ip, details: { filter: { ...query } } });
      await usage.feature(caller.userId, ws, 'contacts.exported');
      return { fileName: `contacts-${iso(clock.now()).slice(0, 10)}.csv`, stream: exportRows(ws, filter, fields) };
    },

    async startImport(caller: Caller, ws: string, file: () => Promise<UploadedFile | null>): Promise<ContactImportDtoT> {
      await manager(caller, ws);
      const upload = await file();
      if (!upload) throw validation('Attach a CSV file.', { file: 'required' });
      return importer.upload(caller, ws, upload);
    },

    async getImport(caller: Caller, ws: string, importId: string): Promise<ContactImportDtoT> {
      await manager(caller, ws);
      const found = await importer.get(ws, importId);
      if (!found) throw notFound('import');
      return found;
    },

    async commitImport(caller: Caller, ws: string, importId: string, mapping: Record<string, string>): Promise<ContactImportDtoT> {
      await manager(caller, ws);
      const committed = await importer.commit(caller, ws, importId, mapping, await countryOf(ws));
      await usage.feature(caller.userId, ws, 'contacts.imported');
      return committed;
    },

    async importReport(caller: Caller, ws: string, importId: string): Promise<{ fileName: string; stream: AsyncIterable<string> }> {
      await manager(caller, ws);
      if (!(await importer.exists(ws, importId))) throw notFound('import');
      return { fileName: `import-${importId}-rejected.csv`, stream: importer.rejectedCsv(ws, importId) };
    },

    // -- custom fields ----------------------------------------------------------

    async listFields(caller: Caller, ws: string): Promise<ContactFieldDtoT[]> {
      await member(caller, ws);
      return (await listContactFields(db, ws)).map(presentField);
    },

    async createField(caller: Caller, ws: string, body: CreateContactFieldBodyT): Promise<ContactFieldDtoT> {
      await manager(caller, ws);
      const options = [...new Set((body.options ?? []).map((o) => o.trim()).filter((o) => o !== ''))];
      if (body.type === 'choice' && options.length === 0)
        throw validation('A choice field needs options.', { options: 'give at least one option' });
      const now = clock.now();
      const existing = await listContactFields(db, ws);
      const row: ContactFieldRow = {
        id: newId(now),
        workspace_id: ws,
        key: body.key,
        label: body.label.trim(),
        type: body.type,
        options: JSON.stringify(body.type === 'choice' ? options : []),
        position: existing.length,
        created_at: now,
        updated_at: now,
      };
      if (!(await insertContactField(db, row))) throw new AppError(409, 'conflict', `A field with the key "${body.key}" already exists.`);
      await activity.record(ws, {
        action: 'contact_field.created',
        actor: actor(caller),
        ip: caller.ip,
        target: { type: 'contact_field', id: row.id, label: row.label },
      });
      return presentField(row);
    },

    async updateField(caller: Caller, ws: string, fieldId: string, body: UpdateContactFieldBodyT): Promise<ContactFieldDtoT> {
      await manager(caller, ws);
      const field = await findContactField(db, ws, fieldId);
      if (!field) throw notFound('field');
      const patch: Parameters<typeof updateContactField>[3] = { updated_at: clock.now() };
      if (body.label !== undefined) patch.label = body.label.trim();
      if (body.position !== undefined) patch.position = body.position;
      if (body.options !== undefined) {
        if (field.type !== 'choice') throw validation('Only choice fields have options.', { options: 'not a choice field' });
        const options = [...new Set(body.options.map((o) => o.trim()).filter((o) => o !== ''))];
        if (options.length === 0) throw validation('A choice field needs options.', { options: 'give at least one option' });
        patch.options = JSON.stringify(options);
      }
      await updateContactField(db, ws, fieldId, patch);
      await activity.record(ws, {
        action: 'contact_field.updated',
        actor: actor(caller),
        ip: caller.ip,
        target: { type: 'contact_field', id: field.id, label: patch.label ?? field.label },
      });
      return presentField({ ...field, ...patch });
    },

    /** Removes the field and its values from every contact. */
    async deleteField(caller: Caller, ws: string, fieldId: string): Promise<void> {
      await manager(caller, ws);
      const field = await findContactField(db, ws, fieldId);
      if (!field) throw notFound('field');
      await db.transaction().execute(async (tx) => {
        const now = clock.now();
        let after = '';
        for (;;) {
          const rows = await contactsWithFieldText(tx, ws, field.key, after, 1000);
          if (rows.length === 0) break;
          after = rows[rows.length - 1]!.id;
          for (const r of rows) {
            const values = parseFields(r.custom_fields);
            if (!(field.key in values)) continue;
            delete values[field.key];
            await updateContact(tx, ws, r.id, { custom_fields: JSON.stringify(values), updated_at: now });
          }
        }
        await deleteContactField(tx, ws, fieldId);
        await activity.record(
          ws,
          {
            action: 'contact_field.deleted',
            actor: actor(caller),
            ip: caller.ip,
            target: { type: 'contact_field', id: field.id, label: field.label },
          },
          tx,
        );
      });
    },

    // -- opt-out settings -------------------------------------------------------

    async getOptOutSettings(caller: Caller, ws: string): Promise<OptOutSettingsDtoT> {
      await member(caller, ws);
      return loadOptOutSettings(db, ws);
    },

    async updateOptOutSettings(caller: Caller, ws: string, body: UpdateOptOutSettingsBodyT): Promise<OptOutSettingsDtoT> {
      await manager(caller, ws);
      const current = await loadOptOutSettings(db, ws);
      const clean = (list: string[] | undefined) => (list ? [...new Set(list.map((k) => k.trim()).filter((k) => k !== ''))] : undefined);
      const next: OptOutSettingsDtoT = {
        ...current,
        ...body,
        optOutKeywords: clean(body.optOutKeywords) ?? current.optOutKeywords,
        optInKeywords: clean(body.optInKeywords) ?? current.optInKeywords,
      };
      if (next.optOutKeywords.length === 0) throw validation('Keep at least one opt-out keyword.', { optOutKeywords: 'must not be empty' });
      const overlap = next.optOutKeywords.find((k) => next.optInKeywords.some((i) => i.toLowerCase() === k.toLowerCase()));
      if (overlap)
        throw validation('A keyword cannot both opt out and opt in.', { optInKeywords: `"${overlap}" is also an opt-out keyword` });
      await saveOptOutSettings(db, {
        workspace_id: ws,
        opt_out_keywords: JSON.stringify(next.optOutKeywords),
        opt_in_keywords: JSON.stringify(next.optInKeywords),
        opt_out_reply_enabled: next.optOutReplyEnabled ? 1 : 0,
        opt_out_reply: next.optOutReply,
        opt_in_reply_enabled: next.optInReplyEnabled ? 1 : 0,
        opt_in_reply: next.optInReply,
        updated_at: clock.now(),
      });
      await activity.record(ws, {
        action: 'opt_out.settings_changed',
        actor: actor(caller),
        ip: caller.ip,
        details: { changed: Object.keys(body) },
      });
      return next;
    },

    defaults: DEFAULT_OPT_OUT_SETTINGS,
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
