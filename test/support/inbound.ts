import type { CustomerRef, InboundMessage, MediaInfo } from '../../src/server/whatsapp/provider.js';

let seq = 0;

/** A customer known by phone digits. */
export function customer(phone: string, lid: string | null = null): CustomerRef {
  return { id: phone, phone, lid };
}

/** A customer WhatsApp has only given us a LID for. */
export function lidCustomer(lid: string): CustomerRef {
  return { id: `lid:${lid}`, phone: null, lid };
}

/** An inbound message as the adapter hands it over: a customer's text unless overridden. */
export function inbound(overrides: Partial<InboundMessage> & { chat: CustomerRef }): InboundMessage {
  seq += 1;
  return {
    providerMessageId: `WAMID${Date.now().toString(36)}${seq}`.toUpperCase(),
    fromMe: false,
    timestamp: Date.parse('2026-06-01T08:00:00Z') + seq * 1000,
    pushName: null,
    kind: 'text',
    text: `hello ${seq}`,
    media: null,
    location: null,
    contacts: [],
    quoted: null,
    reaction: null,
    edit: null,
    revoke: null,
    unsupportedType: null,
    isViewOnce: false,
    isEphemeral: false,
    isForwarded: false,
    ...overrides,
  };
}

export function mediaInfo(overrides: Partial<MediaInfo> = {}): MediaInfo {
  return {
    mimetype: 'image/jpeg',
    fileName: null,
    fileLength: 1234,
    seconds: null,
    width: 640,
    height: 480,
    gif: false,
    animated: false,
    thumbnailJpeg: null,
    handle: 'wa1.secret-media-handle-with-key',
    ...overrides,
  };
}
