/**
 * Our `OutboundMessage` → what `sock.sendMessage(jid, content, options)` takes.
 * Pure; the adapter does the sending.
 */
import { createReadStream } from 'node:fs';
import { proto, type AnyMessageContent, type MiscMessageGenerationOptions, type WAMediaUpload, type WAMessage } from 'baileys';
import type { OutboundMedia, OutboundMessage, OutboundQuote } from '../provider.js';
import { jidForPhone } from './jid.js';

export interface BaileysSend {
  jid: string;
  content: AnyMessageContent;
  options: MiscMessageGenerationOptions;
}

export class OutboundValidationError extends Error {
  override name = 'OutboundValidationError';
}

export function toBaileysSend(message: OutboundMessage): BaileysSend {
  const jid = jidForPhone(message.to);
  const options: MiscMessageGenerationOptions = {};
  const quote = quoteOf(message);
  if (quote) options.quoted = quotedMessage(jid, quote);
  return { jid, content: contentOf(message), options };
}

function contentOf(message: OutboundMessage): AnyMessageContent {
  if (message.media) return mediaContent(message.media);
  if (message.text === undefined || message.text === '') {
    throw new OutboundValidationError('a message needs text or media');
  }
  // No link previews: building one fetches the linked page from our server,
  // and nothing may leave the server except traffic to WhatsApp.
  return { text: message.text, linkPreview: null };
}

function upload(data: OutboundMedia['data']): WAMediaUpload {
  // A stream, not `{ url }`: Baileys would fetch a path that looks like a URL.
  return Buffer.isBuffer(data) ? data : { stream: createReadStream(data.path) };
}

function mediaContent(media: OutboundMedia): AnyMessageContent {
  const data = upload(media.data);
  const caption = media.caption ? { caption: media.caption } : {};
  switch (media.kind) {
    case 'image':
      return { image: data, mimetype: media.mimetype, ...caption };
    case 'video':
      return { video: data, mimetype: media.mimetype, ...caption };
    case 'audio':
    case 'voice':
      return {
        audio: data,
        mimetype: media.mimetype,
        ptt: media.kind === 'voice',
        ...(media.seconds !== undefined ? { seconds: media.seconds } : {}),
      };
    case 'document':
      return {
        document: data,
        mimetype: media.mimetype,
        fileName: media.fileName ?? 'file',
        ...caption,
      };
    case 'sticker':
      return { sticker: data, mimetype: media.mimetype };
  }
}

function quoteOf(message: OutboundMessage): OutboundQuote | null {
  if (message.quoted) return message.quoted;
  if (message.quotedProviderMessageId) {
    // Without more, assume the customer's message: replies mostly quote them.
    return { providerMessageId: message.quotedProviderMessageId, fromMe: false };
  }
  return null;
}

/**
 * Baileys builds the quote from a whole `WAMessage`, of which it reads the
 * key and the content. We rebuild a minimal one from what we stored: the id
 * ties the reply to the original, and the text is what the customer's app
 * shows in the quote bubble (pass it when known; media quotes show as text).
 * For a quote of our own message Baileys names our account as the author.
 */
export function quotedMessage(chatJid: string, quote: OutboundQuote): WAMessage {
  return {
    key: { remoteJid: chatJid, fromMe: quote.fromMe, id: quote.providerMessageId },
    message: proto.Message.create({ conversation: quote.text ?? '' }),
  };
}
