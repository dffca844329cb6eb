import { Agent } from 'node:https';

import { downloadMediaMessage } from 'baileys';
import type { WAMessage } from 'baileys';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { endClient, linkAndLogin, logger, useSimRoot } from './harness.js';
import type { Client } from './harness.js';
import { createWaSim } from './index.js';
import type { WaSim } from './index.js';
import { TINY_PNG } from '../support/files.js';

const CUSTOMER = '447700900200';
const CUSTOMER_JID = `${CUSTOMER}@s.whatsapp.net`;
const PDF = Buffer.from('%PDF-1.4\n% wa-sim test document\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const nextUpsert = (client: Client, match: (m: WAMessage) => boolean, timeoutMs = 10_000): Promise<WAMessage> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching messages.upsert')), timeoutMs);
    const listener = ({ messages }: { messages: WAMessage[] }): void => {
      const found = messages.find(match);
      if (found) {
        clearTimeout(timer);
        client.sock.ev.off('messages.upsert', listener);
        resolve(found);
      }
    };
    client.sock.ev.on('messages.upsert', listener);
  });

describe('wa-sim media, replies and reactions', () => {
  let sim: WaSim;
  let restoreRoot: () => void;
  let client: Client | undefined;

  beforeEach(async () => {
    sim = await createWaSim();
    restoreRoot = useSimRoot(sim);
    // uploads use https.request with fetchAgent; the simulator's media host has a self-signed certificate
    ({ client } = await linkAndLogin(
      sim,
      { phone: '15550001000', pushName: 'Acme Support' },
      { fetchAgent: new Agent({ ca: sim.media.certificate }) },
    ));
    sim.createCustomer({ phone: CUSTOMER, pushName: 'Media Fan' });
  });

  afterEach(async () => {
    endClient(client);
    restoreRoot();
    await sim.close();
  });

  it('business sends an image and a document: uploaded over HTTPS, decrypted by the customer', async () => {
    const image = await client!.sock.sendMessage(CUSTOMER_JID, { image: TINY_PNG, caption: 'Your receipt', mimetype: 'image/png' });
    const gotImage = await sim.waitForMessage(CUSTOMER, (m) => m.id === image!.key.id);
    expect(gotImage.message.imageMessage?.caption).toBe('Your receipt');
    expect((await sim.downloadMedia(gotImage.message)).equals(TINY_PNG)).toBe(true);

    const doc = await client!.sock.sendMessage(CUSTOMER_JID, { document: PDF, mimetype: 'application/pdf', fileName: 'invoice.pdf' });
    const gotDoc = await sim.waitForMessage(CUSTOMER, (m) => m.id === doc!.key.id);
    expect(gotDoc.message.documentMessage?.fileName).toBe('invoice.pdf');
    expect((await sim.downloadMedia(gotDoc.message)).equals(PDF)).toBe(true);
  });

  it('customer sends an image and a document: Baileys gets them and downloads them from the simulator', async () => {
    const dispatcher = await sim.media.fetchDispatcher();
    const imageUpsert = nextUpsert(client!, (m) => !!m.message?.imageMessage);
    await sim.sendImage(CUSTOMER, { data: TINY_PNG, caption: 'Broken part', width: 1, height: 1 });
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

    const docUpsert = nextUpsert(client!, (m) => !!m.message?.documentMessage);
    await sim.sendDocument(CUSTOMER, { data: PDF, mimetype: 'application/pdf', fileName: 'warranty.pdf' });
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
    const firstUpsert = nextUpsert(client!, (m) => m.message?.conversation === 'Where is my parcel?');
    const question = await sim.sendText(CUSTOMER, 'Where is my parcel?');
    const questionMsg = await firstUpsert;
    const reply = await client!.sock.sendMessage(CUSTOMER_JID, { text: 'Out for delivery' }, { quoted: questionMsg });
    const gotReply = await sim.waitForMessage(CUSTOMER, (m) => m.id === reply!.key.id);
    expect(gotReply.message.extendedTextMessage?.text).toBe('Out for delivery');
    expect(gotReply.message.extendedTextMessage?.contextInfo?.stanzaId).toBe(question.id);

    // customer replies quoting the business message
    const quotedUpsert = nextUpsert(client!, (m) => m.message?.extendedTextMessage?.text === 'Great, thanks');
    await sim.sendReply(CUSTOMER, reply!.key.id!, 'Great, thanks');
    const quoted = await quotedUpsert;
    expect(quoted.message?.extendedTextMessage?.contextInfo?.stanzaId).toBe(reply!.key.id);
    expect(quoted.message?.extendedTextMessage?.contextInfo?.participant).toBe('15550001000@s.whatsapp.net');

    // customer reacts to the business message: Baileys normalises the key to its own perspective (fromMe)
    const reactionUpsert = nextUpsert(client!, (m) => !!m.message?.reactionMessage);
    await sim.sendReaction(CUSTOMER, reply!.key.id!, '👍');
    const reaction = await reactionUpsert;
    expect(reaction.message?.reactionMessage?.text).toBe('👍');
    expect(reaction.message?.reactionMessage?.key?.id).toBe(reply!.key.id);
    expect(reaction.message?.reactionMessage?.key?.fromMe).toBe(true);

    // business reacts to the customer's question
    const react = await client!.sock.sendMessage(CUSTOMER_JID, { react: { text: '❤️', key: questionMsg.key } });
    const gotReaction = await sim.waitForMessage(CUSTOMER, (m) => m.id === react!.key.id);
    expect(gotReaction.message.reactionMessage?.text).toBe('❤️');
    expect(gotReaction.message.reactionMessage?.key?.id).toBe(question.id);
  });
});
