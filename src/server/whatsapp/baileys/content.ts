/**
 * Message content → the content part of our `InboundMessage`.
 *
 * WhatsApp wraps content in envelopes (disappearing, view-once, edited,
 * document-with-caption). We peel them ourselves first so we keep what they
 * say about the message (view-once, ephemeral), then let Baileys'
 * `extractMessageContent` deal with any envelope we do not know about.
 */
import { extractMessageContent, getContentType, proto, toNumber, type WAMessageKey } from 'baileys';
import type { ContactCard, InboundMessage, IgnoreReason, MediaInfo, QuotedRef } from '../provider.js';
import { encodeMediaHandle, type MediaContentType } from './media-handle.js';

type Content = proto.IMessage;

export interface Unwrapped {
  content: Content | undefined;
  isViewOnce: boolean;
  isEphemeral: boolean;
  /** The content came in an `editedMessage` envelope. */
  inEditEnvelope: boolean;
}

const MAX_DEPTH = 8;

/** Peel known envelopes, remembering what they meant. */
export function unwrapContent(message: Content | null | undefined): Unwrapped {
  const out: Unwrapped = { content: message ?? undefined, isViewOnce: false, isEphemeral: false, inEditEnvelope: false };
  for (let i = 0; i < MAX_DEPTH && out.content; i++) {
    const c: Content = out.content;
    if (c.ephemeralMessage) {
      out.isEphemeral = true;
      out.content = c.ephemeralMessage.message ?? undefined;
    } else if (c.viewOnceMessage || c.viewOnceMessageV2 || c.viewOnceMessageV2Extension) {
      out.isViewOnce = true;
      out.content = (c.viewOnceMessage ?? c.viewOnceMessageV2 ?? c.viewOnceMessageV2Extension)?.message ?? undefined;
    } else if (c.editedMessage) {
      out.inEditEnvelope = true;
      out.content = c.editedMessage.message ?? undefined;
    } else if (c.documentWithCaptionMessage) {
      out.content = c.documentWithCaptionMessage.message ?? undefined;
    } else {
      break;
    }
  }
  // Anything else (template/button wrappers, future envelopes) is Baileys' job.
  out.content = extractMessageContent(out.content) ?? undefined;
  return out;
}

/** Display text of a content: the body or the caption. */
export function textOf(content: Content | null | undefined): string | null {
  const c = unwrapContent(content).content;
  if (!c) return null;
  return (
    nonEmpty(c.conversation) ??
    nonEmpty(c.extendedTextMessage?.text) ??
    nonEmpty(c.imageMessage?.caption) ??
    nonEmpty(c.videoMessage?.caption) ??
    nonEmpty(c.documentMessage?.caption) ??
    nonEmpty(c.liveLocationMessage?.caption) ??
    null
  );
}

/** The content part of an inbound message, before the envelope (key, chat, time) is added. */
export type ContentFields = Omit<InboundMessage, 'providerMessageId' | 'chat' | 'fromMe' | 'timestamp' | 'pushName'>;

export type ContentResult = { ok: true; fields: ContentFields } | { ok: false; reason: IgnoreReason };

// Content we do not show but that is not "unsupported" either: bookkeeping
// that other clients send alongside real messages.
const SILENT_TYPES = new Set<string>([
  'senderKeyDistributionMessage',
  'messageContextInfo',
  'pollUpdateMessage',
  'encReactionMessage',
  'encEventResponseMessage',
  'keepInChatMessage',
  'pinInChatMessage',
  'secretEncryptedMessage',
]);

/**
 * Translate message content. `key` is the key of the message carrying it
 * (needed for the media handle and for edits in the short envelope form).
 */
export function translateContent(message: Content | null | undefined, key: WAMessageKey): ContentResult {
  const unwrapped = unwrapContent(message);
  const content = unwrapped.content;
  const type = getContentType(content);
  if (!content || !type) return { ok: false, reason: 'no_content' };

  const base: ContentFields = {
    kind: 'unsupported',
    text: null,
    media: null,
    location: null,
    contacts: [],
    quoted: null,
    reaction: null,
    edit: null,
    revoke: null,
    unsupportedType: null,
    isViewOnce: unwrapped.isViewOnce,
    isEphemeral: unwrapped.isEphemeral,
    isForwarded: false,
  };

  const context = contextOf(content);
  if (context) {
    base.quoted = quotedOf(context);
    base.isForwarded = Boolean(context.isForwarded);
    if (toNumber(context.expiration) > 0) base.isEphemeral = true;
  }

  // Short form of an edit (as Baileys reports edits in `messages.update`):
  // the envelope holds the new content directly and the key is the target.
  if (unwrapped.inEditEnvelope && !content.protocolMessage) {
    if (!key.id) return { ok: false, reason: 'missing_id' };
    return { ok: true, fields: { ...base, kind: 'edit', edit: { targetId: key.id, newText: textOf(content) } } };
  }

  switch (type) {
    case 'conversation':
      return ok({ ...base, kind: 'text', text: content.conversation ?? '' });
    case 'extendedTextMessage':
      return ok({ ...base, kind: 'text', text: content.extendedTextMessage?.text ?? '' });
    case 'imageMessage':
    case 'videoMessage':
    case 'audioMessage':
    case 'documentMessage':
    case 'stickerMessage':
      return ok(mediaFields(base, type, content, key));
    case 'locationMessage': {
      const l = content.locationMessage;
      return ok({
        ...base,
        kind: 'location',
        location: {
          lat: l?.degreesLatitude ?? 0,
          lng: l?.degreesLongitude ?? 0,
          name: nonEmpty(l?.name),
          address: nonEmpty(l?.address),
          live: false,
        },
        text: nonEmpty(l?.comment),
      });
    }
    case 'liveLocationMessage': {
      const l = content.liveLocationMessage;
      return ok({
        ...base,
        kind: 'location',
        location: { lat: l?.degreesLatitude ?? 0, lng: l?.degreesLongitude ?? 0, name: null, address: null, live: true },
        text: nonEmpty(l?.caption),
      });
    }
    case 'contactMessage':
      return ok({ ...base, kind: 'contact', contacts: [card(content.contactMessage)] });
    case 'contactsArrayMessage':
      return ok({
        ...base,
        kind: 'contact',
        text: nonEmpty(content.contactsArrayMessage?.displayName),
        contacts: (content.contactsArrayMessage?.contacts ?? []).map(card),
      });
    case 'reactionMessage': {
      const r = content.reactionMessage;
      const targetId = r?.key?.id;
      if (!targetId) return { ok: false, reason: 'missing_id' };
      return ok({ ...base, kind: 'reaction', reaction: { targetId, emoji: r?.text ?? '' } });
    }
    case 'protocolMessage':
      return protocolFields(base, content.protocolMessage);
    default:
      if (SILENT_TYPES.has(type)) return { ok: false, reason: 'protocol' };
      return ok({ ...base, kind: 'unsupported', unsupportedType: type, text: textOf(content) });
  }
}

function protocolFields(base: ContentFields, p: proto.Message.IProtocolMessage | null | undefined): ContentResult {
  const targetId = p?.key?.id;
  switch (p?.type) {
    case proto.Message.ProtocolMessage.Type.REVOKE:
      if (!targetId) return { ok: false, reason: 'missing_id' };
      return ok({ ...base, kind: 'revoke', revoke: { targetId } });
    case proto.Message.ProtocolMessage.Type.MESSAGE_EDIT:
      if (!targetId) return { ok: false, reason: 'missing_id' };
      return ok({ ...base, kind: 'edit', edit: { targetId, newText: textOf(p.editedMessage) } });
    default:
      // History sync notices, key shares, disappearing-timer changes…: engine business.
      return { ok: false, reason: 'protocol' };
  }
}

function mediaFields(base: ContentFields, type: MediaContentType, content: Content, key: WAMessageKey): ContentFields {
  const handle = (node: Parameters<typeof encodeMediaHandle>[2]) => encodeMediaHandle(key, type, node);
  const common = (node: {
    mimetype?: string | null;
    fileLength?: number | Long | null;
    jpegThumbnail?: Uint8Array | null;
  }): Omit<MediaInfo, 'handle'> => ({
    mimetype: nonEmpty(node.mimetype),
    fileName: null,
    fileLength: node.fileLength == null ? null : toNumber(node.fileLength),
    seconds: null,
    width: null,
    height: null,
    gif: false,
    animated: false,
    thumbnailJpeg: node.jpegThumbnail && node.jpegThumbnail.length > 0 ? node.jpegThumbnail : null,
  });

  switch (type) {
    case 'imageMessage': {
      const m = content.imageMessage ?? {};
      return {
        ...base,
        kind: 'image',
        text: nonEmpty(m.caption),
        isViewOnce: base.isViewOnce || Boolean(m.viewOnce),
        media: { ...common(m), width: m.width ?? null, height: m.height ?? null, handle: handle(m) },
      };
    }
    case 'videoMessage': {
      const m = content.videoMessage ?? {};
      return {
        ...base,
        kind: 'video',
        text: nonEmpty(m.caption),
        isViewOnce: base.isViewOnce || Boolean(m.viewOnce),
        media: {
          ...common(m),
          seconds: m.seconds ?? null,
          width: m.width ?? null,
          height: m.height ?? null,
          gif: Boolean(m.gifPlayback),
          handle: handle(m),
        },
      };
    }
    case 'audioMessage': {
      const m = content.audioMessage ?? {};
      return {
        ...base,
        // ptt ("push to talk") marks a voice note recorded in the app.
        kind: m.ptt ? 'voice' : 'audio',
        isViewOnce: base.isViewOnce || Boolean(m.viewOnce),
        media: { ...common(m), seconds: m.seconds ?? null, handle: handle(m) },
      };
    }
    case 'documentMessage': {
      const m = content.documentMessage ?? {};
      return {
        ...base,
        kind: 'document',
        text: nonEmpty(m.caption),
        media: { ...common(m), fileName: nonEmpty(m.fileName) ?? nonEmpty(m.title), handle: handle(m) },
      };
    }
    case 'stickerMessage': {
      const m = content.stickerMessage ?? {};
      return {
        ...base,
        kind: 'sticker',
        media: {
          ...common(m),
          width: m.width ?? null,
          height: m.height ?? null,
          animated: Boolean(m.isAnimated),
          handle: handle(m),
        },
      };
    }
  }
}

type Long = Parameters<typeof toNumber>[0] & object;

function contextOf(content: Content): proto.IContextInfo | null {
  const type = getContentType(content);
  if (!type || type === 'conversation') return null;
  const node: unknown = content[type];
  if (node && typeof node === 'object' && 'contextInfo' in node) {
    return (node as { contextInfo?: proto.IContextInfo | null }).contextInfo ?? null;
  }
  return null;
}

function quotedOf(context: proto.IContextInfo): QuotedRef | null {
  if (!context.stanzaId) return null;
  return { providerMessageId: context.stanzaId, text: textOf(context.quotedMessage) };
}

function card(c: proto.Message.IContactMessage | null | undefined): ContactCard {
  return { displayName: nonEmpty(c?.displayName), vcard: nonEmpty(c?.vcard) };
}

function nonEmpty(s: string | null | undefined): string | null {
  return s ? s : null;
}

function ok(fields: ContentFields): ContentResult {
  return { ok: true, fields };
}
