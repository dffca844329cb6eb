import { generateWAMessageFromContent, proto } from 'baileys';
import { describe, expect, it } from 'vitest';
import { quotedMessage, toBaileysSend } from './outbound.js';

const PHONE = '4915112345678';
const JID = `${PHONE}@s.whatsapp.net`;

describe('toBaileysSend', () => {
  it('sends text to the phone JID, without link previews', () => {
    expect(toBaileysSend({ to: `+${PHONE}`, text: 'hello https://example.com' })).toEqual({
      jid: JID,
      content: { text: 'hello https://example.com', linkPreview: null },
      options: {},
    });
  });

  it('refuses a message with neither text nor media, and a bad number', () => {
    expect(() => toBaileysSend({ to: PHONE })).toThrow(/text or media/);
    expect(() => toBaileysSend({ to: '0123', text: 'x' })).toThrow(/E\.164/);
  });

  it.each([
    ['image', { image: Buffer.from('x'), mimetype: 'image/png', caption: 'cap' }],
    ['video', { video: Buffer.from('x'), mimetype: 'image/png', caption: 'cap' }],
    ['audio', { audio: Buffer.from('x'), mimetype: 'image/png', ptt: false }],
    ['voice', { audio: Buffer.from('x'), mimetype: 'image/png', ptt: true }],
    ['document', { document: Buffer.from('x'), mimetype: 'image/png', fileName: 'f.png', caption: 'cap' }],
    ['sticker', { sticker: Buffer.from('x'), mimetype: 'image/png' }],
  ] as const)('maps %s media', (kind, expected) => {
    const { content } = toBaileysSend({
      to: PHONE,
      media: { kind, mimetype: 'image/png', fileName: 'f.png', data: Buffer.from('x'), caption: 'cap' },
    });
    expect(content).toEqual(expected);
  });

  it('streams media given as a path instead of letting Baileys treat it as a URL', () => {
    const { content } = toBaileysSend({ to: PHONE, media: { kind: 'document', mimetype: 'text/plain', data: { path: '/dev/null' } } });
    const doc = (content as { document: unknown }).document;
    expect(doc).toHaveProperty('stream');
    (doc as { stream: NodeJS.ReadableStream & { destroy(): void } }).stream.destroy();
  });

  it('builds a quote Baileys accepts, from an id alone', () => {
    const { options } = toBaileysSend({ to: PHONE, text: 'sure', quotedProviderMessageId: 'CUST9' });
    expect(options.quoted?.key).toEqual({ remoteJid: JID, fromMe: false, id: 'CUST9' });
  });

  it('produces contextInfo for a quote of our own message through Baileys', () => {
    const quoted = quotedMessage(JID, { providerMessageId: 'OURS9', fromMe: true, text: 'Your code is 1234' });
    const msg = generateWAMessageFromContent(JID, proto.Message.fromObject({ extendedTextMessage: { text: 'again' } }), {
      userJid: '15550001111@s.whatsapp.net',
      quoted,
    });
    const ctx = msg.message?.extendedTextMessage?.contextInfo;
    expect(ctx?.stanzaId).toBe('OURS9');
    expect(ctx?.participant).toBe('15550001111@s.whatsapp.net');
    expect(ctx?.quotedMessage?.conversation).toBe('Your code is 1234');
  });
});
