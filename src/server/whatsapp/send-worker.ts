/**
 * Sends one number's queued outbound messages, one at a time, while the number
 * is connected. The queue (DB rows with a claim) makes each send happen once:
 * a message is claimed, handed to WhatsApp, and marked sent with WhatsApp's id.
 * A claim that expires mid-send (the process died) is settled by the queue as
 * failed "outcome unknown" and never sent again, since WhatsApp may have it.
 */
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import { ProviderError, type OutboundMessage, type ProviderSession } from './provider.js';
import type { Timers } from './timers.js';

/** A message the queue handed to this worker (see modules/inbox/send-queue.ts). */
export interface ClaimedSend {
  messageId: string;
  workspaceId: string;
  conversationId: string;
  numberId: string;
  to: string;
  text: string | null;
  media: { kind: string; mimetype: string; fileName: string | null; path: string } | null;
  quoted: { providerMessageId: string; fromMe: boolean; text: string | null } | null;
  attempts: number;
  /** Written by a person (a reply or a send from the dashboard/API), not a campaign or an automated answer. */
  byPerson?: boolean;
}

/** The part of the send queue the worker and the manager use. */
export interface SendQueueLike {
  claimNext(numberId: string, holder: string, claimMs: number): Promise<ClaimedSend | null>;
  markSent(messageId: string, holder: string, providerMessageId: string, at: number): Promise<void>;
  markFailed(messageId: string, holder: string, error: string, retry: { at: number } | null): Promise<void>;
  recoverExpiredClaims(numberId?: string): Promise<number>;
}

export interface SendWorkerOptions {
  numberId: string;
  holder: string;
  queue: SendQueueLike;
  session: Pick<ProviderSession, 'send' | 'state'>;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** How long a claim protects a send in flight; longer than the slowest send. */
  claimMs: number;
  /** Fallback poll when no wake-up arrives. */
  pollMs: number;
  /** Minimum gap between two sends of this number (light pacing; campaigns pace on their own). */
  gapMs: () => number;
  /** Delay before retrying a message that met a disconnected number. */
  retryDelayMs: (attempts: number) => number;
  /** Follow-up work once WhatsApp accepted a message (mark the customer's messages read); its failure never affects the send. */
  afterSent?: (job: ClaimedSend) => Promise<void>;
}

export interface SendWorker {
  /** A new message may be waiting: look now instead of at the next poll. */
  wake(): void;
  stop(): Promise<void>;
  /** Resolves when the worker has nothing in hand (tests). */
  readonly running: boolean;
}

export function toOutbound(job: ClaimedSend): OutboundMessage {
  const message: OutboundMessage = { to: job.to };
  if (job.media) {
    message.media = {
      kind: job.media.kind as NonNullable<OutboundMessage['media']>['kind'],
      mimetype: job.media.mimetype,
      ...(job.media.fileName ? { fileName: job.media.fileName } : {}),
      data: { path: job.media.path },
      ...(job.text ? { caption: job.text } : {}),
    };
  } else if (job.text !== null) {
    message.text = job.text;
  }
  if (job.quoted) {
    message.quoted = {
      providerMessageId: job.quoted.providerMessageId,
      fromMe: job.quoted.fromMe,
      ...(job.quoted.text ? { text: job.quoted.text } : {}),
    };
  }
  return message;
}

export function startSendWorker(options: SendWorkerOptions): SendWorker {
  const { queue, session, clock, timers, logger: log, numberId, holder } = options;
  let running = true;
  let pendingWake = false;
  let interrupt: (() => void) | null = null;

  /** A pause that `wake()` (or `stop()`) may cut short when `wakeable`. */
  const pause = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      const handle = timers.setTimeout(() => {
        interrupt = null;
        resolve();
      }, ms);
      interrupt = () => {
        if (!wakeable && running) return;
        timers.clearTimeout(handle);
        interrupt = null;
        resolve();
      };
    });

  async function sendOne(job: ClaimedSend): Promise<void> {
    try {
      const result = await session.send(toOutbound(job));
      await queue.markSent(job.messageId, holder, result.providerMessageId, result.at.getTime());
    } catch (error) {
      const code = error instanceof ProviderError ? error.code : 'send_failed';
      const text = error instanceof Error ? error.message : 'send failed';
      if (code === 'not_connected') {
        // Not the message's fault: it goes out once the number is back.
        await queue.markFailed(job.messageId, holder, text, { at: clock.now() + options.retryDelayMs(job.attempts) });
      } else {
        // Invalid content, missing media, or a failure after the hand-over: a retry could
        // duplicate the message on the customer's phone, so a person decides to resend.
        log.warn({ numberId, messageId: job.messageId, code }, 'send failed');
        await queue.markFailed(job.messageId, holder, text, null);
      }
      return;
    }
    if (options.afterSent) {
      await options.afterSent(job).catch((error: unknown) => log.warn({ err: error, numberId }, 'after-send work failed'));
    }
  }

  const loop = async () => {
    while (running) {
      if (session.state !== 'connected') {
        await pause(options.pollMs, true);
        continue;
      }
      let job: ClaimedSend | null = null;
      try {
        pendingWake = false;
        job = await queue.claimNext(numberId, holder, options.claimMs);
      } catch (error) {
        log.error({ err: error, numberId }, 'claiming a send failed');
      }
      if (!running) {
        // Stopped while claiming: leave the claim to expire rather than send from a closing worker.
        if (job) await queue.markFailed(job.messageId, holder, 'number stopped', { at: clock.now() }).catch(() => undefined);
        break;
      }
      if (!job) {
        if (!pendingWake) await pause(options.pollMs, true);
        continue;
      }
      await sendOne(job).catch((error: unknown) => log.error({ err: error, numberId }, 'settling a send failed'));
      if (running) await pause(options.gapMs(), false);
    }
  };
  const done = loop();

  return {
    wake() {
      pendingWake = true;
      interrupt?.();
    },
    async stop() {
      running = false;
      interrupt?.();
      await done;
    },
    get running() {
      return running;
    },
  };
}
