/**
 * The opaque media handle for Baileys: the message key plus the one media
 * node, protobuf-encoded. It is all `downloadMediaMessage` needs, survives a
 * restart (stored with the message), and lets Baileys ask the phone to
 * re-upload when the CDN link has expired.
 */
import { proto, type WAMessage, type WAMessageKey } from 'baileys';
import type { MediaHandle } from '../provider.js';

const PREFIX = 'wa1.';

export type MediaContentType = 'imageMessage' | 'videoMessage' | 'audioMessage' | 'documentMessage' | 'stickerMessage';

type MediaNode =
  | proto.Message.IImageMessage
  | proto.Message.IVideoMessage
  | proto.Message.IAudioMessage
  | proto.Message.IDocumentMessage
  | proto.Message.IStickerMessage;

export function encodeMediaHandle(key: WAMessageKey, type: MediaContentType, media: MediaNode): MediaHandle {
  // Thumbnail and context (which may hold a whole quoted message) are not needed to download.
  const {
    jpegThumbnail: _thumb,
    contextInfo: _ctx,
    ...node
  } = media as MediaNode & {
    jpegThumbnail?: unknown;
    contextInfo?: unknown;
  };
  const info: proto.IWebMessageInfo = {
    key: {
      remoteJid: key.remoteJid ?? null,
      fromMe: key.fromMe ?? null,
      id: key.id ?? null,
      participant: key.participant ?? null,
    },
    message: { [type]: node },
  };
  const bytes = proto.WebMessageInfo.encode(info).finish();
  return PREFIX + Buffer.from(bytes).toString('base64url');
}

/** Rebuild the minimal message to download from. Throws on a handle that is not ours. */
export function decodeMediaHandle(handle: MediaHandle): WAMessage {
  if (!handle.startsWith(PREFIX)) throw new Error('not a Baileys media handle');
  const bytes = Buffer.from(handle.slice(PREFIX.length), 'base64url');
  const info = proto.WebMessageInfo.decode(bytes);
  if (!info.key?.id || !info.message) throw new Error('media handle without key or content');
  return { ...info, key: info.key } as WAMessage;
}
