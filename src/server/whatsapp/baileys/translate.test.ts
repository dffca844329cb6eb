import { generateWAMessageFromContent, proto, type WAMessage, type WAMessageKey } from 'baileys';
import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../provider.js';
import { decodeMediaHandle } from './media-handle.js';
import { quotedMessage } from './outbound.js';
import { translateMessage, translateMessages, type TranslateContext } from './translate.js';

const PHONE = '4915112345678';
const PN_JID = `${PHONE}@s.whatsapp.net`;
const LID = '123456789012345';
const LID_JID = `${LID}@lid`;
const SELF = { phone: '15550001111', lid: '999000111222' };
const T = 1_700_000_000;

/** A received message as Baileys hands it over: a real protobuf object plus the plain key extras. */
function received(message: proto.IMessage | null, key: Partial<WAMessageKey> = {}, extra: Partial<proto.IWebMessageInfo> = {}): WAMessage {
  const { remoteJidAlt, participantAlt, addressingMode, ...protoKey } = key;
  const info = proto.WebMessageInfo.fromObject({
    key: { remoteJid: PN_JID, fromMe: false, id: '3EB0AAAA', ...protoKey },
    messageTimestamp: T,
    pushName: 'Ana',
    ...(message ? { message } : {}),
    ...extra,
  });
  // The alt fields are not part of the protobuf key; Baileys adds them as plain properties.
  Object.assign(info.key ?? {}, {
    ...(remoteJidAlt ? { remoteJidAlt } : {}),
    ...(participantAlt ? { participantAlt } : {}),
    ...(addressingMode ? { addressingMode } : {}),
  });
  return info as WAMessage;
}

function ok(msg: WAMessage, ctx: TranslateContext = {}): InboundMessage {
  const r = translateMessage(msg, { self: SELF, ...ctx });
  if (!r.ok) throw new Error(`expected a message, got ignored: ${r.reason}`);
  return r.message;
}

function ignoredReason(msg: WAMessage, ctx: TranslateContext = {}): string {
  const r = translateMessage(msg, { self: SELF, ...ctx });
  if (r.ok) throw new Error(`expected ignored, got ${r.message.kind}`);
  return r.reason;
}

const media = {
  url: 'https://mmg.whatsapp.net/v/t62/abc',
  directPath: '/v/t62/abc',
  mediaKey: new Uint8Array([1, 2, 3, 4]),
  fileSha256: new Uint8Array([5, 6]),
  fileEncSha256: new Uint8Array([7, 8]),
};

describe('translateMessage: text', () => {
  it('maps a plain conversation message with envelope fields', () => {
    const m = ok(received({ conversation: 'Hola' }));
    expect(m).toMatchObject({
      providerMessageId: '3EB0AAAA',
      chat: { id: PHONE, phone: PHONE, lid: null },
      fromMe: false,
      timestamp: T * 1000,
      pushName: 'Ana',
      kind: 'text',
      text: 'Hola',
      media: null,
      quoted: null,
      isViewOnce: false,
      isEphemeral: false,
    });
  });

  it('maps extendedTextMessage and marks forwarded ones', () => {
    const m = ok(received({ extendedTextMessage: { text: 'see https://x.test', contextInfo: { isForwarded: true } } }));
    expect(m.kind).toBe('text');
    expect(m.text).toBe('see https://x.test');
    expect(m.isForwarded).toBe(true);
  });

  it('keeps a quoted reply: the quoted id and its text', () => {
    const m = ok(
      received({
        extendedTextMessage: {
          text: 'yes, that one',
          contextInfo: { stanzaId: 'QUOTED1', participant: PN_JID, quotedMessage: { conversation: 'Is it blue?' } },
        },
      }),
    );
    expect(m.quoted).toEqual({ providerMessageId: 'QUOTED1', text: 'Is it blue?' });
  });

  it('reads the text of a quoted media message from its caption, through envelopes', () => {
    const m = ok(
      received({
        extendedTextMessage: {
          text: 'nice',
          contextInfo: {
            stanzaId: 'Q2',
            quotedMessage: { viewOnceMessageV2: { message: { imageMessage: { caption: 'the photo', ...media } } } },
          },
        },
      }),
    );
    expect(m.quoted).toEqual({ providerMessageId: 'Q2', text: 'the photo' });
  });

  it('reads the quote that Baileys itself builds for a reply we send', () => {
    const quoted = quotedMessage(PN_JID, { providerMessageId: 'CUST1', fromMe: false, text: 'Where is my order?' });
    const sent = generateWAMessageFromContent(
      PN_JID,
      { extendedTextMessage: { text: 'On its way' } },
      { userJid: `${SELF.phone}@s.whatsapp.net`, quoted },
    );
    const m = ok(sent);
    expect(m.fromMe).toBe(true);
    expect(m.quoted).toEqual({ providerMessageId: 'CUST1', text: 'Where is my order?' });
  });
});

describe('translateMessage: media', () => {
  it('maps an image with caption, size, dimensions, thumbnail and a downloadable handle', () => {
    const m = ok(
      received({
        imageMessage: {
          ...media,
          mimetype: 'image/jpeg',
          caption: 'receipt',
          fileLength: 48213,
          width: 1280,
          height: 960,
          jpegThumbnail: new Uint8Array([0xff, 0xd8]),
          contextInfo: { stanzaId: 'Q3', quotedMessage: { conversation: 'send a photo' } },
        },
      }),
    );
    expect(m.kind).toBe('image');
    expect(m.text).toBe('receipt');
    expect(m.quoted?.providerMessageId).toBe('Q3');
    expect(m.media).toMatchObject({
      mimetype: 'image/jpeg',
      fileLength: 48213,
      width: 1280,
      height: 960,
      gif: false,
    });
    expect(Array.from(m.media?.thumbnailJpeg ?? [])).toEqual([0xff, 0xd8]);

    const back = decodeMediaHandle(m.media?.handle ?? '');
    expect(back.key).toMatchObject({ id: '3EB0AAAA', remoteJid: PN_JID });
    expect(back.message?.imageMessage?.directPath).toBe('/v/t62/abc');
    expect(Array.from(back.message?.imageMessage?.mediaKey ?? [])).toEqual([1, 2, 3, 4]);
    // Not needed to download, so not carried.
    expect(back.message?.imageMessage?.jpegThumbnail ?? null).toBeNull();
    expect(back.message?.imageMessage?.contextInfo ?? null).toBeNull();
  });

  it('maps a video and a GIF (video with gifPlayback)', () => {
    const video = ok(received({ videoMessage: { ...media, mimetype: 'video/mp4', seconds: 12, caption: 'clip' } }));
    expect(video.kind).toBe('video');
    expect(video.media).toMatchObject({ seconds: 12, gif: false });
    expect(video.text).toBe('clip');

    const gif = ok(received({ videoMessage: { ...media, mimetype: 'video/mp4', gifPlayback: true } }));
    expect(gif.kind).toBe('video');
    expect(gif.media?.gif).toBe(true);
  });

  it('tells a voice note (ptt) from an audio file', () => {
    const audio = ok(received({ audioMessage: { ...media, mimetype: 'audio/mpeg', seconds: 200 } }));
    expect(audio.kind).toBe('audio');
    expect(audio.media?.seconds).toBe(200);

    const voice = ok(received({ audioMessage: { ...media, mimetype: 'audio/ogg; codecs=opus', seconds: 7, ptt: true } }));
    expect(voice.kind).toBe('voice');
    expect(voice.media?.mimetype).toBe('audio/ogg; codecs=opus');
  });

  it('maps a document with its file name', () => {
    const m = ok(received({ documentMessage: { ...media, mimetype: 'application/pdf', fileName: 'invoice.pdf', fileLength: 1000 } }));
    expect(m.kind).toBe('document');
    expect(m.media).toMatchObject({ fileName: 'invoice.pdf', mimetype: 'application/pdf', fileLength: 1000 });
    expect(m.text).toBeNull();
  });

  it('unwraps documentWithCaptionMessage and keeps the caption', () => {
    const m = ok(
      received({
        documentWithCaptionMessage: {
          message: { documentMessage: { ...media, mimetype: 'application/pdf', fileName: 'a.pdf', caption: 'signed' } },
        },
      }),
    );
    expect(m.kind).toBe('document');
    expect(m.text).toBe('signed');
    expect(m.media?.fileName).toBe('a.pdf');
    expect(decodeMediaHandle(m.media?.handle ?? '').message?.documentMessage?.fileName).toBe('a.pdf');
  });

  it('maps static and animated stickers', () => {
    const still = ok(received({ stickerMessage: { ...media, mimetype: 'image/webp', width: 512, height: 512 } }));
    expect(still.kind).toBe('sticker');
    expect(still.media).toMatchObject({ animated: false, width: 512 });

    const animated = ok(received({ stickerMessage: { ...media, mimetype: 'image/webp', isAnimated: true } }));
    expect(animated.media?.animated).toBe(true);
  });
});

describe('translateMessage: location and contacts', () => {
  it('maps a location pin', () => {
    const m = ok(received({ locationMessage: { degreesLatitude: 40.4168, degreesLongitude: -3.7038, name: 'Sol', address: 'Madrid' } }));
    expect(m.kind).toBe('location');
    expect(m.location).toEqual({ lat: 40.4168, lng: -3.7038, name: 'Sol', address: 'Madrid', live: false });
  });

  it('maps a live location as a location snapshot', () => {
    const m = ok(received({ liveLocationMessage: { degreesLatitude: 1.5, degreesLongitude: 2.5, caption: 'on my way' } }));
    expect(m.kind).toBe('location');
    expect(m.location).toMatchObject({ lat: 1.5, lng: 2.5, live: true });
    expect(m.text).toBe('on my way');
  });

  it('maps one contact card', () => {
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL;waid=34600000000:+34 600 000 000\nEND:VCARD';
    const m = ok(received({ contactMessage: { displayName: 'Bob', vcard } }));
    expect(m.kind).toBe('contact');
    expect(m.contacts).toEqual([{ displayName: 'Bob', vcard }]);
  });

  it('maps several contact cards', () => {
    const m = ok(
      received({
        contactsArrayMessage: {
          displayName: '2 contacts',
          contacts: [
            { displayName: 'Bob', vcard: 'BEGIN:VCARD\nFN:Bob\nEND:VCARD' },
            { displayName: 'Eve', vcard: 'BEGIN:VCARD\nFN:Eve\nEND:VCARD' },
          ],
        },
      }),
    );
    expect(m.kind).toBe('contact');
    expect(m.contacts.map((c) => c.displayName)).toEqual(['Bob', 'Eve']);
  });
});

describe('translateMessage: reactions, edits, revokes', () => {
  it('maps a reaction to its target', () => {
    const m = ok(received({ reactionMessage: { key: { remoteJid: PN_JID, fromMe: true, id: 'OURS1' }, text: '👍' } }));
    expect(m.kind).toBe('reaction');
    expect(m.reaction).toEqual({ targetId: 'OURS1', emoji: '👍' });
  });

  it('maps a removed reaction as an empty emoji', () => {
    const m = ok(received({ reactionMessage: { key: { remoteJid: PN_JID, fromMe: true, id: 'OURS1' }, text: '' } }));
    expect(m.reaction).toEqual({ targetId: 'OURS1', emoji: '' });
  });

  it('maps a revoke (delete for everyone)', () => {
    const m = ok(
      received({
        protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { remoteJid: PN_JID, id: 'GONE1' } },
      }),
    );
    expect(m.kind).toBe('revoke');
    expect(m.revoke).toEqual({ targetId: 'GONE1' });
    expect(m.providerMessageId).toBe('3EB0AAAA');
  });

  it('maps an edit sent as a bare protocol message (as Baileys sends them)', () => {
    const m = ok(
      received({
        protocolMessage: {
          type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
          key: { remoteJid: PN_JID, id: 'ORIG1' },
          editedMessage: { conversation: 'fixed typo' },
          timestampMs: T * 1000 + 5,
        },
      }),
    );
    expect(m.kind).toBe('edit');
    expect(m.edit).toEqual({ targetId: 'ORIG1', newText: 'fixed typo' });
  });

  it('maps an edit in the editedMessage envelope (as phones send them)', () => {
    const m = ok(
      received({
        editedMessage: {
          message: {
            protocolMessage: {
              type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
              key: { remoteJid: PN_JID, id: 'ORIG2' },
              editedMessage: { extendedTextMessage: { text: 'new words' } },
            },
          },
        },
      }),
    );
    expect(m.kind).toBe('edit');
    expect(m.edit).toEqual({ targetId: 'ORIG2', newText: 'new words' });
  });

  it('maps an edited caption', () => {
    const m = ok(
      received({
        protocolMessage: {
          type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
          key: { id: 'IMG1' },
          editedMessage: { imageMessage: { caption: 'better caption' } },
        },
      }),
    );
    expect(m.edit).toEqual({ targetId: 'IMG1', newText: 'better caption' });
  });

  it('maps the short edit envelope (new content directly inside) to an edit of the message itself', () => {
    const m = ok(received({ editedMessage: { message: { conversation: 'v2' } } }, { id: 'ORIG3' }));
    expect(m.kind).toBe('edit');
    expect(m.edit).toEqual({ targetId: 'ORIG3', newText: 'v2' });
  });
});

describe('translateMessage: envelopes', () => {
  it('unwraps a disappearing (ephemeral) message and flags it', () => {
    const m = ok(received({ ephemeralMessage: { message: { extendedTextMessage: { text: 'bye soon' } } } }));
    expect(m).toMatchObject({ kind: 'text', text: 'bye soon', isEphemeral: true, isViewOnce: false });
  });

  it('flags a message in a disappearing chat by its context expiration', () => {
    const m = ok(received({ extendedTextMessage: { text: 'x', contextInfo: { expiration: 604800 } } }));
    expect(m.isEphemeral).toBe(true);
  });

  it.each([
    ['viewOnceMessage', { viewOnceMessage: { message: { imageMessage: { ...media, mimetype: 'image/jpeg', viewOnce: true } } } }, 'image'],
    ['viewOnceMessageV2', { viewOnceMessageV2: { message: { videoMessage: { ...media, mimetype: 'video/mp4' } } } }, 'video'],
    [
      'viewOnceMessageV2Extension',
      { viewOnceMessageV2Extension: { message: { audioMessage: { ...media, mimetype: 'audio/ogg', ptt: true } } } },
      'voice',
    ],
  ] as const)('unwraps %s and flags view-once', (_name, message, kind) => {
    const m = ok(received(message as proto.IMessage));
    expect(m.kind).toBe(kind);
    expect(m.isViewOnce).toBe(true);
  });

  it('flags view-once from the media flag alone', () => {
    const m = ok(received({ imageMessage: { ...media, mimetype: 'image/jpeg', viewOnce: true } }));
    expect(m.isViewOnce).toBe(true);
  });

  it('unwraps nested envelopes (ephemeral around view-once)', () => {
    const m = ok(
      received({
        ephemeralMessage: { message: { viewOnceMessageV2: { message: { imageMessage: { ...media, caption: 'c' } } } } },
      }),
    );
    expect(m).toMatchObject({ kind: 'image', text: 'c', isViewOnce: true, isEphemeral: true });
  });
});

describe('translateMessage: what is not a customer message', () => {
  it.each([
    ['group', { remoteJid: '120363025246125486@g.us', participant: PN_JID }],
    ['status_broadcast', { remoteJid: 'status@broadcast', participant: PN_JID }],
    ['broadcast_list', { remoteJid: '1700000000@broadcast', participant: PN_JID }],
    ['newsletter', { remoteJid: '120363144038483540@newsletter' }],
    ['bot', { remoteJid: '13135550002@c.us' }],
  ])('ignores %s chats', (reason, key) => {
    expect(ignoredReason(received({ conversation: 'hi' }, key))).toBe(reason);
  });

  it('ignores the "message yourself" chat', () => {
    expect(ignoredReason(received({ conversation: 'note' }, { remoteJid: `${SELF.phone}@s.whatsapp.net`, fromMe: true }))).toBe(
      'self_chat',
    );
  });

  it('ignores an undecryptable placeholder, whose real content may follow with the same id', () => {
    const stub = received(
      null,
      {},
      {
        messageStubType: proto.WebMessageInfo.StubType.CIPHERTEXT,
        messageStubParameters: ['Message absent from node'],
      },
    );
    expect(ignoredReason(stub)).toBe('undecryptable');
  });

  it('ignores engine protocol messages (history sync notices)', () => {
    const m = received({
      protocolMessage: { type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION, historySyncNotification: {} },
    });
    expect(ignoredReason(m)).toBe('protocol');
  });

  it('ignores content with nothing to show (sender key distribution only)', () => {
    const m = received({ senderKeyDistributionMessage: { groupId: 'x' } });
    expect(ignoredReason(m)).toBe('no_content');
  });

  it('keeps content we do not model as unsupported, with its type', () => {
    const m = ok(received({ pollCreationMessage: { name: 'Lunch?', options: [{ optionName: 'yes' }] } }));
    expect(m.kind).toBe('unsupported');
    expect(m.unsupportedType).toBe('pollCreationMessage');
  });
});

describe('translateMessage: customers by phone or LID', () => {
  it('uses the phone from remoteJidAlt when the chat is LID-addressed', () => {
    const m = ok(received({ conversation: 'hi' }, { remoteJid: LID_JID, remoteJidAlt: PN_JID, addressingMode: 'lid' }));
    expect(m.chat).toEqual({ id: PHONE, phone: PHONE, lid: LID });
  });

  it('keeps the LID from remoteJidAlt when the chat is phone-addressed', () => {
    const m = ok(received({ conversation: 'hi' }, { remoteJid: PN_JID, remoteJidAlt: LID_JID }));
    expect(m.chat).toEqual({ id: PHONE, phone: PHONE, lid: LID });
  });

  it('asks the LID mapping when there is no alt', () => {
    const m = ok(received({ conversation: 'hi' }, { remoteJid: LID_JID }), {
      lookupPhoneForLid: (lid) => (lid === LID ? PN_JID : null),
    });
    expect(m.chat).toEqual({ id: PHONE, phone: PHONE, lid: LID });
  });

  it('falls back to a LID-keyed customer when the phone is unknown', () => {
    const m = ok(received({ conversation: 'hi' }, { remoteJid: LID_JID }), { lookupPhoneForLid: () => null });
    expect(m.chat).toEqual({ id: `lid:${LID}`, phone: null, lid: LID });
  });

  it('ignores a device suffix in the JID', () => {
    const m = ok(received({ conversation: 'hi' }, { remoteJid: `${PHONE}:12@s.whatsapp.net` }));
    expect(m.chat.phone).toBe(PHONE);
  });

  it('does not take our own number from the alt of a message we sent from the phone', () => {
    const m = ok(
      received({ conversation: 'sent from phone' }, { remoteJid: LID_JID, remoteJidAlt: `${SELF.phone}@s.whatsapp.net`, fromMe: true }),
      { lookupPhoneForLid: () => PHONE },
    );
    expect(m.fromMe).toBe(true);
    expect(m.chat).toEqual({ id: PHONE, phone: PHONE, lid: LID });
  });

  it('maps the same customer to one id whichever form a message arrives in', () => {
    const lookupPhoneForLid = () => PHONE;
    const ids = [
      ok(received({ conversation: 'a' }, { id: 'A', remoteJid: PN_JID })),
      ok(received({ conversation: 'b' }, { id: 'B', remoteJid: LID_JID, remoteJidAlt: PN_JID })),
      ok(received({ conversation: 'c' }, { id: 'C', remoteJid: LID_JID }), { lookupPhoneForLid }),
    ].map((m) => m.chat.id);
    expect(new Set(ids)).toEqual(new Set([PHONE]));
  });
});

describe('translateMessages', () => {
  it('splits a batch into messages and ignored ones with reasons', () => {
    const out = translateMessages(
      [
        received({ conversation: 'one' }, { id: 'M1' }),
        received({ conversation: 'group' }, { id: 'M2', remoteJid: '1203630@g.us', participant: PN_JID }),
      ],
      { self: SELF },
    );
    expect(out.messages.map((m) => m.providerMessageId)).toEqual(['M1']);
    expect(out.ignored).toEqual([{ providerMessageId: 'M2', reason: 'group' }]);
  });

  it('uses the injected clock only when a message has no timestamp', () => {
    const msg = received({ conversation: 'x' });
    msg.messageTimestamp = null;
    const r = translateMessage(msg, { now: () => 42 });
    expect(r.ok && r.message.timestamp).toBe(42);
  });
});
