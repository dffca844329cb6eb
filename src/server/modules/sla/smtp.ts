/**
 * Email is a boundary we do not own: services see `EmailSender`, tests use a
 * fake, and production speaks just enough SMTP (RFC 5321) over node's `net` and
 * `tls` to hand one plain-text message to the workspace's own mail server:
 * EHLO, optional STARTTLS or implicit TLS, AUTH PLAIN, MAIL/RCPT/DATA.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface SmtpSettings {
  host: string;
  port: number;
  /** `tls`: implicit TLS (port 465); `starttls`: upgrade after EHLO (587); `none`: plain (a local relay). */
  security: 'tls' | 'starttls' | 'none';
  username: string | null;
  from: string;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface EmailSender {
  send(smtp: SmtpSettings, password: string | null, message: EmailMessage): Promise<void>;
}

const TIMEOUT_MS = 20_000;

/** Refuses header injection: addresses and subjects are single lines. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

function encodeHeader(value: string): string {
  const line = oneLine(value);
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line, 'utf8').toString('base64')}?=`;
}

export function buildMessage(from: string, message: EmailMessage, date: Date, id: string): string {
  const body = message.text
    .replace(/\r?\n/g, '\r\n')
    // Dot-stuffing: a line starting with "." would end DATA early.
    .replace(/^\./gm, '..');
  return [
    `From: ${oneLine(from)}`,
    `To: ${oneLine(message.to)}`,
    `Subject: ${encodeHeader(message.subject)}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${id}@wasphere>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
}

/** Reads SMTP replies (possibly multi-line: "250-…" then "250 …") from the socket it is attached to. */
function replyReader() {
  let buffer = '';
  let waiting: { resolve: (r: { code: number; text: string }) => void; reject: (e: Error) => void } | null = null;
  const lines: string[] = [];
  const queue: Array<{ code: number; text: string }> = [];
  let failure: Error | null = null;
  const deliver = () => {
    if (!waiting) return;
    if (queue.length > 0) {
      const w = waiting;
      waiting = null;
      w.resolve(queue.shift()!);
    } else if (failure) {
      const w = waiting;
      waiting = null;
      w.reject(failure);
    }
  };
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let i: number;
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i).replace(/\r$/, '');
      buffer = buffer.slice(i + 1);
      lines.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        queue.push({ code: Number(line.slice(0, 3)), text: lines.join('\n') });
        lines.length = 0;
      }
    }
    deliver();
  };
  const onEnd = (error?: Error) => {
    failure = error ?? new Error('mail server closed the connection');
    deliver();
  };
  return {
    attach(s: net.Socket) {
      s.on('data', onData);
      s.on('error', onEnd);
      s.on('close', () => onEnd());
    },
    detach(s: net.Socket) {
      s.removeListener('data', onData);
    },
    next(): Promise<{ code: number; text: string }> {
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        deliver();
      });
    },
  };
}

export const smtpSender: EmailSender = {
  async send(smtp, password, message) {
    const connect = (): Promise<net.Socket> =>
      new Promise((resolve, reject) => {
        const s =
          smtp.security === 'tls'
            ? tls.connect({ host: smtp.host, port: smtp.port, servername: smtp.host }, () => resolve(s))
            : net.connect({ host: smtp.host, port: smtp.port }, () => resolve(s));
        s.once('error', reject);
      });
    let socket = await connect();
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('mail server timed out')));
    let reader = replyReader();
    reader.attach(socket);
    const expect = async (ok: number[]) => {
      const reply = await reader.next();
      if (!ok.includes(reply.code)) throw new Error(`mail server answered: ${reply.text.slice(0, 200)}`);
      return reply;
    };
    const command = async (line: string, ok: number[]) => {
      socket.write(`${line}\r\n`);
      return expect(ok);
    };
    try {
      await expect([220]);
      let ehlo = await command('EHLO wasphere', [250]);
      if (smtp.security === 'starttls') {
        if (!/STARTTLS/i.test(ehlo.text)) throw new Error('mail server does not offer STARTTLS');
        await command('STARTTLS', [220]);
        reader.detach(socket);
        const plain = socket;
        socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = tls.connect({ socket: plain, servername: smtp.host }, () => resolve(s));
          s.once('error', reject);
        });
        reader = replyReader();
        reader.attach(socket);
        ehlo = await command('EHLO wasphere', [250]);
      }
      if (smtp.username) {
        const token = Buffer.from(`\u0000${smtp.username}\u0000${password ?? ''}`, 'utf8').toString('base64');
        await command(`AUTH PLAIN ${token}`, [235]);
      }
      const address = (v: string) => oneLine(/<([^>]+)>/.exec(v)?.[1] ?? v);
      await command(`MAIL FROM:<${address(smtp.from)}>`, [250]);
      await command(`RCPT TO:<${address(message.to)}>`, [250, 251]);
      await command('DATA', [354]);
      const id = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}`;
      socket.write(`${buildMessage(smtp.from, message, new Date(), id)}\r\n.\r\n`);
      await expect([250]);
      socket.write('QUIT\r\n');
    } finally {
      socket.end();
      socket.destroy();
    }
  },
};

/** Keeps what was "sent" for tests and for installs without email. */
export function createMemoryEmailSender() {
  const sent: Array<EmailMessage & { from: string; host: string }> = [];
  return {
    sent,
    async send(smtp: SmtpSettings, _password: string | null, message: EmailMessage) {
      sent.push({ ...message, from: smtp.from, host: smtp.host });
    },
  } satisfies EmailSender & { sent: unknown[] };
}
