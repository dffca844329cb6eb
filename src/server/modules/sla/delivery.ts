/**
 * Outbound SLA alerts: webhooks (HMAC-SHA256 signed) and email. The
 * `sla_deliveries` table is both the queue and the delivery log; a row is
 * claimed with a lease before it is sent, so two processes never send it at the
 * same time, and retried with backoff until it is delivered or gives up.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { checkOutboundUrl, publicOnlyLookup } from '../../lib/outbound-url.js';
import type { SecretBox } from '../../lib/secrets.js';
import type { DeliveryRow } from './repo.js';
import type { EmailSender, SmtpSettings } from './smtp.js';

/** Delays before attempts 2, 3, …; after the last one the delivery is marked failed. */
export const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
const CLAIM_MS = 60_000;
const TIMEOUT_MS = 10_000;

export interface WebhookPoster {
  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }>;
}

/**
 * Posts with node's http client so the address check sits in the connection itself
 * (publicOnlyLookup): the address that passed is the one connected to. Redirects are
 * never followed — a 3xx answer is a failed delivery — so a public URL cannot bounce
 * the request to a private one.
 */
export function httpPoster(options: { allowPrivate: boolean }): WebhookPoster {
  return {
    post(url, body, headers) {
      const problem = checkOutboundUrl(url, options);
      if (problem) return Promise.reject(new Error(problem.message));
      const target = new URL(url);
      const client = target.protocol === 'https:' ? https : http;
      return new Promise((resolve, reject) => {
        const request = client.request(
          target,
          {
            method: 'POST',
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            signal: AbortSignal.timeout(TIMEOUT_MS),
            ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
          },
          (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0 });
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    },
  };
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; receivers recompute it and compare, and refuse old timestamps. */
export function signWebhook(secret: string, body: string, atMs: number): string {
  const t = Math.floor(atMs / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export function createDeliveryWorker(deps: {
  db: Db;
  clock: Clock;
  box: SecretBox;
  holderId: string;
  email: EmailSender;
  /** Instance setting WASPHERE_WEBHOOKS_ALLOW_PRIVATE: may webhooks go to loopback, link-local and private addresses? */
  allowPrivateTargets: boolean;
  webhook?: WebhookPoster;
}) {
  const { db, clock, box } = deps;
  const webhook = deps.webhook ?? httpPoster({ allowPrivate: deps.allowPrivateTargets });

  async function claim(now: number, limit: number): Promise<DeliveryRow[]> {
    const candidates = await db
      .selectFrom('sla_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    const claimed: DeliveryRow[] = [];
    for (const { id } of candidates) {
      const result = await db
        .updateTable('sla_deliveries')
        .set({ claimed_by: deps.holderId, claim_expires_at: now + CLAIM_MS })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<', now)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) continue;
      const row = await db.selectFrom('sla_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      if (row) claimed.push(row);
    }
    return claimed;
  }

  async function attempt(row: DeliveryRow): Promise<{ ok: boolean; status: number | null; error: string | null }> {
    const policy = await db
      .selectFrom('sla_policies')
      .select(['webhook_secret', 'smtp', 'smtp_password'])
      .where('workspace_id', '=', row.workspace_id)
      .executeTakeFirst();
    try {
      if (row.channel === 'webhook') {
        const secret = policy?.webhook_secret ? box.open(policy.webhook_secret).toString('utf8') : '';
        const now = clock.now();
        const { status } = await webhook.post(row.target, row.payload, {
          'content-type': 'application/json',
          'user-agent': 'WaSphere-Webhook/1',
          'x-wasphere-event': 'sla.alert',
          'x-wasphere-delivery': row.id,
          'x-wasphere-signature': signWebhook(secret, row.payload, now),
        });
        return status >= 200 && status < 300 ? { ok: true, status, error: null } : { ok: false, status, error: `answered ${status}` };
      }
      if (!policy?.smtp) return { ok: false, status: null, error: 'email is not configured' };
      const smtp = JSON.parse(policy.smtp) as SmtpSettings;
      const password = policy.smtp_password ? box.open(policy.smtp_password).toString('utf8') : null;
      const alert = JSON.parse(row.payload) as { title: string; text: string; conversationId: string };
      await deps.email.send(smtp, password, {
        to: row.target,
        subject: `[WaSphere] ${alert.title}`,
        text: `${alert.text}\n\nConversation: ${alert.conversationId}\n`,
      });
      return { ok: true, status: null, error: null };
    } catch (error) {
      return { ok: false, status: null, error: error instanceof Error ? error.message.slice(0, 300) : 'delivery failed' };
    }
  }

  return {
    /** Sends what is due; returns how many were attempted. */
    async runOnce(limit = 20): Promise<number> {
      const rows = await claim(clock.now(), limit);
      for (const row of rows) {
        const result = await attempt(row);
        const attempts = row.attempts + 1;
        const now = clock.now();
        const delay = RETRY_DELAYS_MS[attempts - 1];
        await db
          .updateTable('sla_deliveries')
          .set(
            result.ok
              ? {
                  status: 'delivered',
                  attempts,
                  delivered_at: now,
                  response_status: result.status,
                  last_error: null,
                  claimed_by: null,
                  claim_expires_at: null,
                }
              : {
                  status: delay === undefined ? 'failed' : 'pending',
                  attempts,
                  next_attempt_at: delay === undefined ? null : now + delay,
                  response_status: result.status,
                  last_error: result.error,
                  claimed_by: null,
                  claim_expires_at: null,
                },
          )
          .where('id', '=', row.id)
          .where('claimed_by', '=', deps.holderId)
          .execute();
      }
      return rows.length;
    },

    async nextAttemptAt(): Promise<number | null> {
      const row = await db
        .selectFrom('sla_deliveries')
        .select('next_attempt_at')
        .where('status', '=', 'pending')
        .orderBy('next_attempt_at')
        .limit(1)
        .executeTakeFirst();
      return row?.next_attempt_at ?? null;
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
