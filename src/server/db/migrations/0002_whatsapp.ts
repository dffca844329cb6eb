import type { Kysely } from 'kysely';
import { binaryType } from '../dialect.js';

/**
 * Linked numbers, their encrypted auth state, ownership leases, and the
 * customer-facing core every later feature shares: contacts, conversations,
 * messages (inbound, and outbound as a durable send queue), media, reactions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const bin = binaryType(db);

  await db.schema
    .createTable('numbers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull().defaultTo('baileys'))
    /** E.164 digits of the linked account; null until linked. */
    .addColumn('phone', 'text')
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('idle'))
    .addColumn('state_reason', 'text')
    .addColumn('state_since', 'bigint', (c) => c.notNull())
    .addColumn('linked_at', 'bigint')
    /** Sending limits (PRODUCT §5): random delay range, daily cap, warm-up for new numbers. */
    .addColumn('min_delay_ms', 'integer', (c) => c.notNull().defaultTo(8000))
    .addColumn('max_delay_ms', 'integer', (c) => c.notNull().defaultTo(20000))
    .addColumn('daily_cap', 'integer', (c) => c.notNull().defaultTo(500))
    .addColumn('warmup', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    /** Set when the session was deleted but its messages were kept. */
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('numbers_workspace').on('numbers').columns(['workspace_id', 'id']).execute();

  // One row per credential or signal key, sealed with AES-256-GCM.
  await db.schema
    .createTable('wa_auth_keys')
    .addColumn('number_id', 'text', (c) => c.notNull().references('numbers.id').onDelete('cascade'))
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('value', bin, (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('wa_auth_keys_pk', ['number_id', 'category', 'key_id'])
    .execute();

  // Which server process holds a number's socket; taken over when the lease lapses.
  await db.schema
    .createTable('number_leases')
    .addColumn('number_id', 'text', (c) => c.primaryKey().references('numbers.id').onDelete('cascade'))
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** E.164 digits; the one key of a customer within a workspace. */
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('lid', 'text')
    /** Name an agent typed; wins over WhatsApp's names when set. */
    .addColumn('name', 'text')
    .addColumn('push_name', 'text')
    .addColumn('saved_name', 'text')
    .addColumn('notes', 'text')
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('opted_out', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('opted_out_at', 'bigint')
    .addColumn('first_seen_at', 'bigint')
    .addColumn('last_seen_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('contacts_workspace_phone', ['workspace_id', 'phone'])
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('number_id', 'text', (c) => c.notNull().references('numbers.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('assignee_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_at', 'bigint')
    .addColumn('last_message_preview', 'text')
    .addColumn('last_message_direction', 'text')
    /** When the customer started waiting for an answer; null when answered. */
    .addColumn('waiting_since', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('conversations_number_contact', ['number_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('conversations_inbox').on('conversations').columns(['workspace_id', 'last_message_at', 'id']).execute();
  await db.schema.createIndex('conversations_contact').on('conversations').columns(['workspace_id', 'contact_id']).execute();

  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** Content address: the file lives at media/<sha256[0:2]>/<sha256> in the data dir. Null until downloaded. */
    .addColumn('sha256', 'text')
    .addColumn('mimetype', 'text')
    .addColumn('file_name', 'text')
    .addColumn('size', 'bigint')
    /** Sealed provider handle for a later download (carries the media key). */
    .addColumn('handle', bin)
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('media_workspace_sha').on('media').columns(['workspace_id', 'sha256']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('number_id', 'text', (c) => c.notNull().references('numbers.id').onDelete('cascade'))
    /** WhatsApp's id; null for an outbound message not yet handed to WhatsApp. */
    .addColumn('provider_message_id', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    /** The agent who sent it (outbound from the dashboard); null for customers and the phone. */
    .addColumn('sender_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('media_id', 'text', (c) => c.references('media.id').onDelete('set null'))
    .addColumn('quoted_provider_id', 'text')
    .addColumn('quoted_text', 'text')
    /** Location, contact cards and other kind-specific content as JSON. */
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('edited_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    /** Sender's clock for inbound, queue time for outbound. */
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    /** Send queue: attempts made, earliest next attempt, and the claim that makes a send happen once. */
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'bigint')
    .addUniqueConstraint('messages_number_provider_id', ['number_id', 'provider_message_id'])
    .execute();
  await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'sent_at', 'id']).execute();
  await db.schema.createIndex('messages_send_queue').on('messages').columns(['number_id', 'status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('message_reactions')
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    /** 'customer' or 'us'. */
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_reactions_pk', ['message_id', 'actor'])
    .execute();
}
