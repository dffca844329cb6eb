import { Agent } from 'node:https';

import { downloadMediaMessage } from 'baileys';
import { beforeEach, describe, expect, it } from 'vitest';

import { logger, nextUpsert, useLinkedClient } from './harness.js';
import { TINY_PNG } from '../support/files.js';

const CUSTOMER = '447700900200';
const CUSTOMER_JID = `${CUSTOMER}@s.whatsapp.net`;
const PDF = Buffer.from('%PDF-1.4\n% wa-sim test document\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

describe('wa-sim media, replies and reactions', () => {
  const linked = useLinkedClient(
    { phone: '15550001000', pushName: 'Acme Support' },
    // uploads use https.request with fetchAgent; the simulator's media host has a self-signed certificate
    (sim) => ({ fetchAgent: new Agent({ ca: sim.media.certificate }) }),
  );
  beforeEach(() => linked.sim.createCustomer({ phone: CUSTOMER, pushName: 'Media Fan' }));

  it('business sends an image and a document: uploaded over HTTPS, decrypted by the customer', async () => {
    const image = await linked.client.sock.sendMessage(CUSTOMER_JID, { image: TINY_PNG, caption: 'Your receipt', mimetype: 'image/png' });
    const gotImage = await linked.sim.waitForMessage(CUSTOMER, (m) => m.id === image!.key.id);
    expect(gotImage.message.imageMessage?.caption).toBe('Your receipt');
    expect((await linked.sim.downloadMedia(gotImage.message)).equals(TINY_PNG)).toBe(true);

    const doc = await linked.client.sock.sendMessage(CUSTOMER_JID, { document: PDF, mimetype: 'application/pdf', fileName: 'invoice.pdf' });
    const gotDoc = await linked.sim.waitForMessage(CUSTOMER, (m) => m.id === doc!.key.id);
    expect(gotDoc.message.documentMessage?.fileName).toBe('invoice.pdf');
    expect((await linked.sim.downloadMedia(gotDoc.message)).equals(PDF)).toBe(true);
  });

  it('customer sends an image and a document: Baileys gets them and downloads them from the simulator', async () => {
    const dispatcher = await linked.sim.media.fetchDispatcher();
    const imageUpsert = nextUpsert(linked.client, (m) => !!m.message?.imageMessage);
    await linked.sim.sendImage(CUSTOMER, { data: TINY_PNG, caption: 'Broken part', width: 1, height: 1 });
    const image = await imageUpsert;
    expect(image.key.remoteJid).toBe(CUSTOMER_JID);
    expect(image.message?.imageMessage?.caption).toBe('Broken part');
    const imageBytes = await downloadMediaMessage(
      image,
      'buffer',
      { options: { dispatcher } as RequestInit },
      { logger, reuploadRequest: async (m) => m },
    );
    expect(imageBytes.equals(TINY_PNG)).toBe(true);

    const docUpsert = nextUpsert(linked.client, (m) => !!m.message?.documentMessage);
    await linked.sim.sendDocument(CUSTOMER, { data: PDF, mimetype: 'application/pdf', fileName: 'warranty.pdf' });
    const doc = await docUpsert;
    expect(doc.message?.documentMessage?.fileName).toBe('warranty.pdf');
    const docBytes = await downloadMediaMessage(
      doc,
      'buffer',
      { options: { dispatcher } as RequestInit },
      { logger, reuploadRequest: async (m) => m },
    );
    expect(docBytes.equals(PDF)).toBe(true);
  });

  it('replies (quoted) and reactions work in both directions', async () => {
    // customer writes, business replies quoting it
    const firstUpsert = nextUpsert(linked.client, (m) => m.message?.conversation === 'Where is my parcel?');
    const question = await linked.sim.sendText(CUSTOMER, 'Where is my parcel?');
    const questionMsg = await firstUpsert;
    const reply = await linked.client.sock.sendMessage(CUSTOMER_JID, { text: 'Out for delivery' }, { quoted: questionMsg });
    const gotReply = await linked.sim.waitForMessage(CUSTOMER, (m) => m.id === reply!.key.id);
    expect(gotReply.message.extendedTextMessage?.text).toBe('Out for delivery');
    expect(gotReply.message.extendedTextMessage?.contextInfo?.stanzaId).toBe(question.id);

    // customer replies quoting the business message
    const quotedUpsert = nextUpsert(linked.client, (m) => m.message?.extendedTextMessage?.text === 'Great, thanks');
    await linked.sim.sendReply(CUSTOMER, reply!.key.id!, 'Great, thanks');
    const quoted = await quotedUpsert;
    expect(quoted.message?.extendedTextMessage?.contextInfo?.stanzaId).toBe(reply!.key.id);
    expect(quoted.message?.extendedTextMessage?.contextInfo?.participant).toBe('15550001000@s.whatsapp.net');

    // customer reacts to the business message: Baileys normalises the key to its own perspective (fromMe)
    const reactionUpsert = nextUpsert(linked.client, (m) => !!m.message?.reactionMessage);
    await linked.sim.sendReaction(CUSTOMER, reply!.key.id!, '👍');
    const reaction = await reactionUpsert;
    expect(reaction.message?.reactionMessage?.text).toBe('👍');
    expect(reaction.message?.reactionMessage?.key?.id).toBe(reply!.key.id);
    expect(reaction.message?.reactionMessage?.key?.fromMe).toBe(true);

    // business reacts to the customer's question
    const react = await linked.client.sock.sendMessage(CUSTOMER_JID, { react: { text: '❤️', key: questionMsg.key } });
    const gotReaction = await linked.sim.waitForMessage(CUSTOMER, (m) => m.id === react!.key.id);
    expect(gotReaction.message.reactionMessage?.text).toBe('❤️');
    expect(gotReaction.message.reactionMessage?.key?.id).toBe(question.id);
  });
});
