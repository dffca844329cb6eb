/**
 * The team inbox: list and open conversations, assign, change status and labels,
 * read state, history pages, replies (through the sending API), retries, private
 * notes, labels and canned replies. Authorization first (ARCHITECTURE rule 2);
 * events after commit (rule 5).
 */
import type { PageOf } from '../../../contracts/common.js';
import type {
  BulkUpdateBodyT,
  CannedReplyDtoT,
  ConversationDetailDtoT,
  ConversationListQueryT,
  CreateCannedReplyBodyT,
  CreateLabelBodyT,
  CreateNoteBodyT,
  InboxConversationDtoT,
  InboxMessageDtoT,
  InboxReplyBodyT,
  LabelDtoT,
  MessageListQueryT,
  MessagePageT,
  NoteDtoT,
  RetryBodyT,
  UpdateCannedReplyBodyT,
  UpdateConversationBodyT,
  UpdateLabelBodyT,
} from '../../../contracts/inbox.js';
import type { Db, DbOrTx } from '../../db/database.js';
import type { ConversationStatus } from '../../db/tables.js';
import { AppError, conflict, forbidden, notFound, validation } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { EventBus } from '../../realtime/bus.js';
import type { ActivityService } from '../activity/service.js';
import type { UsageRecorder } from '../privacy/usage.js';
import type { Caller } from '../caller.js';
import { findLiveNumber } from '../messaging/repo.js';
import type { MessagingService } from '../messaging/service.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { canAssign, inboxAllows, type InboxAction } from './policy.js';
import { findConversation, findMessage, listReactions, type ConversationRow } from './repo.js';
import { OUTCOME_UNKNOWN_ERROR } from './send-queue.js';
import {
  contactNameOf,
  presentCannedReply,
  presentInboxConversation,
  presentInboxMessage,
  presentLabel,
  presentNote,
} from './team-presenters.js';
import {
  addConversationLabels,
  decodePosition,
  deleteCannedReply,
  deleteLabel,
  encodePosition,
  NO_DEADLINE,
  findCannedByShortcut,
  findConversationsByIds,
  findInboxRow,
  findLabelByName,
  findLabels,
  highlightMatches,
  insertCannedReply,
  insertLabel,
  insertNote,
  isMember,
  labelsOfConversations,
  listCannedReplies,
  listInbox,
  listLabels,
  listNotes,
  mediaByIds,
  messagesAfter,
  messagesBefore,
  otherConversationsOf,
  removeConversationLabels,
  requeueFailedMessage,
  searchMessages,
  updateCannedReply,
  updateConversationFields,
  updateLabel,
  type LabelRow,
  type MessagePageRow,
  type Position,
} from './team-repo.js';

/** How many search hits feed one page of conversations. */
const SEARCH_HITS = 400;

export function createInboxService(deps: {
  db: Db;
  clock: Clock;
  access: WorkspaceAccess;
  activity: ActivityService;
  bus: EventBus;
  messaging: Pick<MessagingService, 'enqueueReply'>;
  usage: UsageRecorder;
}) {
  const { db, clock, access, activity, bus, messaging, usage } = deps;

  /** Membership first; then the inbox rule when one applies. Returns the role. */
  async function authorize(caller: Caller, workspaceId: string, action?: InboxAction) {
    const role = await access.require(caller, workspaceId, 'workspace.read');
    if (action && !inboxAllows(role, action)) throw forbidden();
    return role;
  }

  const actorOf = (caller: Caller) => ({ userId: caller.userId, name: caller.name });

  function cursorOf(value: string | undefined, field: string): Position | null {
    if (value === undefined) return null;
    const p = decodePosition(value);
    if (!p) throw validation('That cursor is not valid here.', { [field]: 'is not a cursor this list handed out' });
    return p;
  }

  async function conversationOr404(tx: DbOrTx, workspaceId: string, id: string): Promise<ConversationRow> {
    const row = await findConversation(tx, workspaceId, id);
    if (!row) throw notFound('conversation');
    return row;
  }

  async function labelsOr400(workspaceId: string, ids: readonly string[] | undefined, field: string): Promise<LabelRow[]> {
    if (!ids || ids.length === 0) return [];
    const found = await findLabels(db, workspaceId, ids);
    if (found.length !== new Set(ids).size) throw validation('Some labels do not exist.', { [field]: 'must be labels of this workspace' });
    return found;
  }

  /** The assignee named in a body: a member of the workspace, or null. */
  async function assigneeOr400(workspaceId: string, id: string | null): Promise<string | null> {
    if (id === null) return null;
    if (!(await isMember(db, workspaceId, id)))
      throw validation('Only members can be assigned.', { assigneeId: 'must be a member of this workspace' });
    return id;
  }

  async function detail(workspaceId: string, id: string): Promise<ConversationDetailDtoT> {
    const row = await findInboxRow(db, workspaceId, id);
    if (!row) throw notFound('conversation');
    const labels = await labelsOfConversations(db, workspaceId, [id]);
    const others = await otherConversationsOf(db, workspaceId, row.contact_id, id);
    return {
      ...presentInboxConversation(row, labels.get(id) ?? [], undefined, clock.now()),
      otherConversations: others.map((o) => ({ id: o.id, status: o.status, number: { id: o.number_id, name: o.number_name } })),
    };
  }

  /**
   * Applies one change to a set of conversations inside `tx`, with one activity
   * entry per conversation and kind of change. Returns the ids that changed.
   */
  async function applyChanges(
    tx: DbOrTx,
    caller: Caller,
    workspaceId: string,
    conversations: readonly ConversationRow[],
    change: {
      status?: ConversationStatus | undefined;
      assignee?: { id: string | null; name: string | null } | undefined;
      setLabels?: LabelRow[] | undefined;
      addLabels?: LabelRow[] | undefined;
      removeLabels?: LabelRow[] | undefined;
      read?: boolean | undefined;
    },
  ): Promise<Set<string>> {
    const now = clock.now();
    const changed = new Set<string>();
    const ids = conversations.map((c) => c.id);
    const names = new Map<string, string>();
    if (conversations.length > 0) {
      const rows = await tx
        .selectFrom('conversations as c')
        .innerJoin('contacts as k', 'k.id', 'c.contact_id')
        .select([
          'c.id',
          'k.phone as contact_phone',
          'k.name as contact_name',
          'k.saved_name as contact_saved_name',
          'k.push_name as contact_push_name',
        ])
        .where('c.workspace_id', '=', workspaceId)
        .where('c.id', 'in', ids)
        .execute();
      for (const r of rows) names.set(r.id, contactNameOf(r));
    }
    const record = (conversationId: string, action: string, details: Record<string, unknown>) =>
      activity.record(
        workspaceId,
        {
          action,
          actor: actorOf(caller),
          ip: caller.ip,
          target: { type: 'conversation', id: conversationId, label: names.get(conversationId) ?? null },
          details,
        },
        tx,
      );

    if (change.status) {
      const moving = conversations.filter((c) => c.status !== change.status);
      if (moving.length > 0) {
        await updateConversationFields(
          tx,
          workspaceId,
          moving.map((c) => c.id),
          { status: change.status, updated_at: now },
        );
        for (const c of moving) {
          await record(c.id, 'conversation.status_changed', { from: c.status, to: change.status });
          changed.add(c.id);
        }
      }
    }
    if (change.assignee) {
      const to = change.assignee.id;
      const moving = conversations.filter((c) => c.assignee_user_id !== to);
      if (moving.length > 0) {
        await updateConversationFields(
          tx,
          workspaceId,
          moving.map((c) => c.id),
          { assignee_user_id: to, updated_at: now },
        );
        for (const c of moving) {
          await record(c.id, 'conversation.assigned', { from: c.assignee_user_id, to, toName: change.assignee.name });
          changed.add(c.id);
        }
      }
    }
    if (change.setLabels || change.addLabels || change.removeLabels) {
      const current = await labelsOfConversations(tx, workspaceId, ids);
      for (const c of conversations) {
        const before = current.get(c.id) ?? [];
        const beforeIds = new Set(before.map((l) => l.id));
        let after: LabelRow[];
        if (change.setLabels) after = change.setLabels;
        else {
          const remove = new Set((change.removeLabels ?? []).map((l) => l.id));
          after = [
            ...before.filter((l) => !remove.has(l.id)),
            ...(change.addLabels ?? []).filter((l) => !beforeIds.has(l.id) && !remove.has(l.id)),
          ];
        }
        const afterIds = new Set(after.map((l) => l.id));
        const added = after.filter((l) => !beforeIds.has(l.id));
        const removed = before.filter((l) => !afterIds.has(l.id));
        if (added.length === 0 && removed.length === 0) continue;
        if (removed.length > 0)
          await removeConversationLabels(
            tx,
            workspaceId,
            [c.id],
            removed.map((l) => l.id),
          );
        if (added.length > 0)
          await addConversationLabels(
            tx,
            workspaceId,
            [c.id],
            added.map((l) => l.id),
          );
        await record(c.id, 'conversation.labels_changed', { added: added.map((l) => l.name), removed: removed.map((l) => l.name) });
        changed.add(c.id);
      }
    }
    if (change.read !== undefined) {
      for (const c of conversations) {
        const unread = change.read ? 0 : Math.max(1, c.unread_count);
        if (unread === c.unread_count) continue;
        await updateConversationFields(tx, workspaceId, [c.id], { unread_count: unread, updated_at: now });
        changed.add(c.id);
      }
    }
    return changed;
  }

  function publishUpdated(workspaceId: string, ids: Iterable<string>) {
    for (const conversationId of ids) bus.publish(workspaceId, 'conversation.updated', { conversationId });
  }

  async function presentMessages(workspaceId: string, rows: readonly MessagePageRow[]): Promise<InboxMessageDtoT[]> {
    const media = await mediaByIds(
      db,
      workspaceId,
      rows.map((r) => r.media_id).filter((id): id is string => id !== null),
    );
    const reactions = await listReactions(
      db,
      workspaceId,
      rows.map((r) => r.id),
    );
    return rows.map((r) =>
      presentInboxMessage(r, {
        media: r.media_id ? (media.get(r.media_id) ?? null) : null,
        reactions: reactions.filter((x) => x.message_id === r.id),
      }),
    );
  }

  async function oneMessage(workspaceId: string, conversationId: string, messageId: string): Promise<InboxMessageDtoT> {
    const target = await findMessage(db, workspaceId, messageId);
    if (!target) throw notFound('message');
    const rows = await messagesBefore(db, workspaceId, conversationId, { at: target.sent_at, id: target.id }, 1, true);
    const [dto] = await presentMessages(workspaceId, rows);
    if (!dto) throw notFound('message');
    return dto;
  }

  return {
    async list(caller: Caller, workspaceId: string, query: ConversationListQueryT): Promise<PageOf<InboxConversationDtoT>> {
      await authorize(caller, workspaceId);
      const limit = query.limit ?? 50;
      const assignee = query.assignee;
      const filter = {
        status: query.status && query.status !== 'all' ? query.status : undefined,
        assigneeId:
          assignee === undefined || assignee === 'all'
            ? undefined
            : assignee === 'me'
              ? caller.userId
              : assignee === 'unassigned'
                ? null
                : assignee,
        numberId: query.numberId,
        labelId: query.labelId,
        waiting: query.waiting,
        sla: query.sla,
        sort: query.sort,
        now: clock.now(),
      };
      const q = query.q?.trim();
      if (q) {
        await usage.feature(caller.userId, workspaceId, 'inbox.search');
        // Search answers the best page of matches; its order is still newest activity first.
        const matches = await searchMessages(db, workspaceId, q, SEARCH_HITS);
        const matchOf = new Map(matches.map((m) => [m.conversationId, m]));
        const rows = await listInbox(db, workspaceId, { ...filter, ids: [...matchOf.keys()] }, limit);
        const labels = await labelsOfConversations(
          db,
          workspaceId,
          rows.map((r) => r.id),
        );
        // Only the page's hits are highlighted.
        const hits = await highlightMatches(
          db,
          workspaceId,
          q,
          rows.map((r) => matchOf.get(r.id)!),
        );
        return {
          items: rows.map((r, i) => {
            const hit = hits[i]!;
            return presentInboxConversation(r, labels.get(r.id) ?? [], { messageId: hit.messageId, snippet: hit.snippet }, filter.now);
          }),
          nextCursor: null,
        };
      }
      const after = cursorOf(query.cursor, 'cursor') ?? undefined;
      const rows = await listInbox(db, workspaceId, { ...filter, after }, limit + 1);
      const page = rows.slice(0, limit);
      const labels = await labelsOfConversations(
        db,
        workspaceId,
        page.map((r) => r.id),
      );
      const last = page.at(-1);
      return {
        items: page.map((r) => presentInboxConversation(r, labels.get(r.id) ?? [], undefined, filter.now)),
        nextCursor:
          rows.length > limit && last
            ? encodePosition({ at: query.sort === 'time_left' ? (last.sla_breach_at ?? NO_DEADLINE) : last.last_message_at!, id: last.id })
            : null,
      };
    },

    async get(caller: Caller, workspaceId: string, conversationId: string): Promise<ConversationDetailDtoT> {
      await authorize(caller, workspaceId);
      return detail(workspaceId, conversationId);
    },

    async update(
      caller: Caller,
      workspaceId: string,
      conversationId: string,
      body: UpdateConversationBodyT,
    ): Promise<ConversationDetailDtoT> {
      const role = await authorize(caller, workspaceId);
      const conversation = await conversationOr404(db, workspaceId, conversationId);
      let assignee: { id: string | null; name: string | null } | undefined;
      if (body.assigneeId !== undefined) {
        const id = await assigneeOr400(workspaceId, body.assigneeId);
        if (!canAssign(role, caller.userId, conversation.assignee_user_id, id)) {
          throw forbidden('Agents can take unassigned conversations and hand back their own; an admin assigns the rest.');
        }
        assignee = { id, name: id ? ((await isMember(db, workspaceId, id))?.name ?? null) : null };
      }
      const setLabels = body.labelIds ? await labelsOr400(workspaceId, body.labelIds, 'labelIds') : undefined;
      const changed = await db.transaction().execute(async (tx) => {
        const fresh = await conversationOr404(tx, workspaceId, conversationId);
        return applyChanges(tx, caller, workspaceId, [fresh], { status: body.status, assignee, setLabels, read: body.read });
      });
      publishUpdated(workspaceId, changed);
      if (assignee?.id && changed.size > 0) await usage.feature(caller.userId, workspaceId, 'inbox.conversation_assigned');
      return detail(workspaceId, conversationId);
    },

    async bulk(caller: Caller, workspaceId: string, body: BulkUpdateBodyT): Promise<{ updated: number }> {
      const role = await authorize(caller, workspaceId);
      const conversations = await findConversationsByIds(db, workspaceId, body.ids);
      if (conversations.length !== body.ids.length) throw notFound('conversation');
      let assignee: { id: string | null; name: string | null } | undefined;
      if (body.assigneeId !== undefined) {
        const id = await assigneeOr400(workspaceId, body.assigneeId);
        if (conversations.some((c) => !canAssign(role, caller.userId, c.assignee_user_id, id))) {
          throw forbidden('Agents can take unassigned conversations and hand back their own; an admin assigns the rest.');
        }
        assignee = { id, name: id ? ((await isMember(db, workspaceId, id))?.name ?? null) : null };
      }
      const addLabels = body.addLabelIds ? await labelsOr400(workspaceId, body.addLabelIds, 'addLabelIds') : undefined;
      const removeLabels = body.removeLabelIds ? await labelsOr400(workspaceId, body.removeLabelIds, 'removeLabelIds') : undefined;
      const changed = await db.transaction().execute(async (tx) => {
        const fresh = await findConversationsByIds(tx, workspaceId, body.ids);
        return applyChanges(tx, caller, workspaceId, fresh, { status: body.status, assignee, addLabels, removeLabels });
      });
      publishUpdated(workspaceId, changed);
      if (assignee?.id && changed.size > 0) await usage.feature(caller.userId, workspaceId, 'inbox.conversation_assigned');
      return { updated: changed.size };
    },

    async messages(caller: Caller, workspaceId: string, conversationId: string, query: MessageListQueryT): Promise<MessagePageT> {
      await authorize(caller, workspaceId);
      await conversationOr404(db, workspaceId, conversationId);
      const limit = query.limit ?? 50;
      const given = [query.before, query.after, query.around].filter((v) => v !== undefined).length;
      if (given > 1) throw validation('Use one of before, after and around.', { before: 'only one of before, after, around' });

      if (query.around) {
        const target = await findMessage(db, workspaceId, query.around);
        if (!target || target.conversation_id !== conversationId) throw notFound('message');
        const pos = { at: target.sent_at, id: target.id };
        const olderWanted = Math.ceil(limit / 2);
        const newerWanted = limit - olderWanted;
        const older = await messagesBefore(db, workspaceId, conversationId, pos, olderWanted + 1, true);
        const newer = newerWanted > 0 ? await messagesAfter(db, workspaceId, conversationId, pos, newerWanted + 1) : [];
        const olderPage = older.slice(0, olderWanted);
        const newerPage = newer.slice(0, newerWanted).reverse();
        const items = [...newerPage, ...olderPage];
        const oldest = olderPage.at(-1);
        const newest = items[0];
        return {
          items: await presentMessages(workspaceId, items),
          nextCursor: older.length > olderWanted && oldest ? encodePosition({ at: oldest.sent_at, id: oldest.id }) : null,
          newerCursor: newer.length > newerWanted && newest ? encodePosition({ at: newest.sent_at, id: newest.id }) : null,
        };
      }

      if (query.after !== undefined) {
        const after = cursorOf(query.after, 'after')!;
        const rows = await messagesAfter(db, workspaceId, conversationId, after, limit + 1);
        const page = rows.slice(0, limit).reverse();
        const oldest = page.at(-1);
        const newest = page[0];
        return {
          items: await presentMessages(workspaceId, page),
          nextCursor: oldest ? encodePosition({ at: oldest.sent_at, id: oldest.id }) : query.after,
          newerCursor: rows.length > limit && newest ? encodePosition({ at: newest.sent_at, id: newest.id }) : null,
        };
      }

      const before = cursorOf(query.before, 'before');
      const rows = await messagesBefore(db, workspaceId, conversationId, before, limit + 1);
      const page = rows.slice(0, limit);
      const oldest = page.at(-1);
      return {
        items: await presentMessages(workspaceId, page),
        nextCursor: rows.length > limit && oldest ? encodePosition({ at: oldest.sent_at, id: oldest.id }) : null,
        newerCursor: null,
      };
    },

    /** A reply from the team, queued through the sending API (the number sends it once connected). */
    async reply(caller: Caller, workspaceId: string, conversationId: string, body: InboxReplyBodyT): Promise<InboxMessageDtoT> {
      await authorize(caller, workspaceId);
      await conversationOr404(db, workspaceId, conversationId);
      const sent = await messaging.enqueueReply(caller, workspaceId, conversationId, {
        text: body.text,
        mediaId: body.mediaId,
        fileName: body.fileName,
        ...(body.quotedMessageId ? { quotedMessageId: body.quotedMessageId } : {}),
      });
      await usage.feature(caller.userId, workspaceId, 'inbox.reply_sent');
      return oneMessage(workspaceId, conversationId, sent.id);
    },

    /**
     * Puts a failed outbound message back in the queue as the same row. When the
     * server stopped mid-send the message may already have reached the customer,
     * so that case needs `confirm: true`.
     */
    async retry(caller: Caller, workspaceId: string, messageId: string, body: RetryBodyT): Promise<InboxMessageDtoT> {
      await authorize(caller, workspaceId);
      const message = await findMessage(db, workspaceId, messageId);
      if (!message) throw notFound('message');
      if (message.direction !== 'out' || message.status !== 'failed') throw conflict('Only a failed message the team sent can be retried.');
      if (message.error === OUTCOME_UNKNOWN_ERROR && body.confirm !== true) {
        throw new AppError(
          409,
          'confirmation_required',
          'This message may already have reached the customer (the server stopped while sending). Check the conversation, then retry with confirm.',
          { confirm: true },
        );
      }
      const number = await findLiveNumber(db, workspaceId, message.number_id);
      if (!number) throw new AppError(409, 'number_unavailable', 'The number this message was sent from no longer exists.');
      const ok = await db.transaction().execute(async (tx) => {
        if (!(await requeueFailedMessage(tx, workspaceId, messageId))) return false;
        await activity.record(
          workspaceId,
          {
            action: 'message.retried',
            actor: actorOf(caller),
            ip: caller.ip,
            target: { type: 'message', id: messageId },
            details: { conversationId: message.conversation_id, numberId: message.number_id, previousError: message.error },
          },
          tx,
        );
        return true;
      });
      if (!ok) throw conflict('The message changed meanwhile; reload the conversation.');
      bus.publish(workspaceId, 'message.status', { conversationId: message.conversation_id, messageId, status: 'queued', error: null });
      return oneMessage(workspaceId, message.conversation_id, messageId);
    },

    async notes(
      caller: Caller,
      workspaceId: string,
      conversationId: string,
      query: { limit?: number | undefined; cursor?: string | undefined },
    ) {
      await authorize(caller, workspaceId);
      await conversationOr404(db, workspaceId, conversationId);
      const limit = query.limit ?? 50;
      if (query.cursor !== undefined && !/^[0-9a-z]{1,64}$/.test(query.cursor)) {
        throw validation('That cursor is not valid here.', { cursor: 'is not a cursor this list handed out' });
      }
      const rows = await listNotes(db, workspaceId, conversationId, limit + 1, query.cursor);
      const page = rows.slice(0, limit);
      return { items: page.map(presentNote), nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
    },

    /** A private note: stored and shown to the team, never sent to WhatsApp. */
    async addNote(caller: Caller, workspaceId: string, conversationId: string, body: CreateNoteBodyT): Promise<NoteDtoT> {
      await authorize(caller, workspaceId);
      const text = body.text.trim();
      if (!text) throw validation('A note needs text.', { text: 'must not be empty' });
      await conversationOr404(db, workspaceId, conversationId);
      const now = clock.now();
      const row = {
        id: newId(now),
        workspace_id: workspaceId,
        conversation_id: conversationId,
        author_user_id: caller.userId,
        author_name: caller.name,
        text,
        created_at: now,
      };
      await insertNote(db, row);
      // The open conversation in other dashboards refetches its notes.
      publishUpdated(workspaceId, [conversationId]);
      await usage.feature(caller.userId, workspaceId, 'inbox.note_added');
      return presentNote(row);
    },

    async labels(caller: Caller, workspaceId: string): Promise<PageOf<LabelDtoT>> {
      await authorize(caller, workspaceId);
      return { items: (await listLabels(db, workspaceId)).map(presentLabel), nextCursor: null };
    },

    async createLabel(caller: Caller, workspaceId: string, body: CreateLabelBodyT): Promise<LabelDtoT> {
      await authorize(caller, workspaceId, 'labels.manage');
      const name = body.name.trim();
      if (!name) throw validation('A label needs a name.', { name: 'must not be empty' });
      if (await findLabelByName(db, workspaceId, name)) throw conflict(`There is already a label "${name}".`);
      const now = clock.now();
      const row = { id: newId(now), workspace_id: workspaceId, name, color: body.color ?? 'blue', created_at: now };
      await db.transaction().execute(async (tx) => {
        await insertLabel(tx, row);
        await activity.record(
          workspaceId,
          { action: 'label.created', actor: actorOf(caller), ip: caller.ip, target: { type: 'label', id: row.id, label: name } },
          tx,
        );
      });
      return presentLabel(row);
    },

    async updateLabel(caller: Caller, workspaceId: string, labelId: string, body: UpdateLabelBodyT): Promise<LabelDtoT> {
      await authorize(caller, workspaceId, 'labels.manage');
      const name = body.name?.trim();
      if (name !== undefined && !name) throw validation('A label needs a name.', { name: 'must not be empty' });
      if (name && (await findLabelByName(db, workspaceId, name, labelId))) throw conflict(`There is already a label "${name}".`);
      const row = await updateLabel(db, workspaceId, labelId, { ...(name ? { name } : {}), ...(body.color ? { color: body.color } : {}) });
      if (!row) throw notFound('label');
      return presentLabel(row);
    },

    async deleteLabel(caller: Caller, workspaceId: string, labelId: string): Promise<void> {
      await authorize(caller, workspaceId, 'labels.manage');
      const [label] = await findLabels(db, workspaceId, [labelId]);
      if (!label) throw notFound('label');
      await db.transaction().execute(async (tx) => {
        await deleteLabel(tx, workspaceId, labelId);
        await activity.record(
          workspaceId,
          { action: 'label.deleted', actor: actorOf(caller), ip: caller.ip, target: { type: 'label', id: labelId, label: label.name } },
          tx,
        );
      });
    },

    async cannedReplies(caller: Caller, workspaceId: string): Promise<PageOf<CannedReplyDtoT>> {
      await authorize(caller, workspaceId);
      return { items: (await listCannedReplies(db, workspaceId)).map(presentCannedReply), nextCursor: null };
    },

    async createCannedReply(caller: Caller, workspaceId: string, body: CreateCannedReplyBodyT): Promise<CannedReplyDtoT> {
      await authorize(caller, workspaceId, 'canned.manage');
      if (!body.text.trim()) throw validation('A canned reply needs text.', { text: 'must not be empty' });
      if (await findCannedByShortcut(db, workspaceId, body.shortcut)) throw conflict(`The shortcut /${body.shortcut} is taken.`);
      const now = clock.now();
      const row = { id: newId(now), workspace_id: workspaceId, shortcut: body.shortcut, text: body.text, created_at: now, updated_at: now };
      await insertCannedReply(db, row);
      return presentCannedReply(row);
    },

    async updateCannedReply(caller: Caller, workspaceId: string, id: string, body: UpdateCannedReplyBodyT): Promise<CannedReplyDtoT> {
      await authorize(caller, workspaceId, 'canned.manage');
      if (body.text !== undefined && !body.text.trim()) throw validation('A canned reply needs text.', { text: 'must not be empty' });
      if (body.shortcut && (await findCannedByShortcut(db, workspaceId, body.shortcut, id)))
        throw conflict(`The shortcut /${body.shortcut} is taken.`);
      const row = await updateCannedReply(db, workspaceId, id, {
        ...(body.shortcut ? { shortcut: body.shortcut } : {}),
        ...(body.text !== undefined ? { text: body.text } : {}),
        updated_at: clock.now(),
      });
      if (!row) throw notFound('canned reply');
      return presentCannedReply(row);
    },

    async deleteCannedReply(caller: Caller, workspaceId: string, id: string): Promise<void> {
      await authorize(caller, workspaceId, 'canned.manage');
      if (!(await deleteCannedReply(db, workspaceId, id))) throw notFound('canned reply');
    },
  };
}

export type InboxService = ReturnType<typeof createInboxService>;
