import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/server/lib/ids.js';
import { createDeliveryWorker } from '../../src/server/modules/sla/delivery.js';
import { createMemoryEmailSender } from '../../src/server/modules/sla/smtp.js';
import { firstOwner } from '../support/factories.js';
import { call, expectError } from '../support/http.js';
import { freshAppPerTest } from '../support/lifecycle.js';

/** A webhook receiver on loopback that records what reaches it. */
async function startReceiver(answer: (path: string) => { status: number; location?: string }) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      const { status, location } = answer(req.url ?? '');
      res.writeHead(status, location ? { location } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { hits, origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('SLA webhook targets (private targets not allowed, the default)', () => {
  const t = freshAppPerTest();
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A webhook alert waiting to be sent to `target` (as if saved while the target was allowed). */
  async function queueWebhook(workspaceId: string, target: string): Promise<string> {
    const id = newId();
    await t()
      .database.db.insertInto('sla_deliveries')
      .values({
        id,
        workspace_id: workspaceId,
        sla_event_id: null,
        channel: 'webhook',
        target,
        payload: '{"type":"sla.alert"}',
        status: 'pending',
        attempts: 0,
        next_attempt_at: 0,
        last_error: null,
        response_status: null,
        claimed_by: null,
        claim_expires_at: null,
        created_at: Date.now(),
        delivered_at: null,
      })
      .execute();
    return id;
  }

  const worker = (allowPrivateTargets: boolean) =>
    createDeliveryWorker({
      db: t().database.db,
      clock: { now: () => Date.now() },
      box: t().services.box,
      holderId: 'test',
      email: createMemoryEmailSender(),
      allowPrivateTargets,
    });

  const delivery = (id: string) => t().database.db.selectFrom('sla_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  async function saveWebhook(url: string) {
    const owner = await firstOwner(t().app);
    return call(t().app, 'PUT', `/api/v1/workspaces/${owner.workspaceId}/sla/channels`, {
      cookie: owner.cookie,
      payload: { webhookUrl: url },
    });
  }

  it.each([
    ['ftp://hooks.example.test/alerts', 'webhook_url_scheme'],
    ['file:///etc/passwd', 'webhook_url_scheme'],
    ['https://ops:s3cret@hooks.example.test/alerts', 'webhook_url_credentials'],
    ['http://127.0.0.1:8080/alerts', 'webhook_url_private'],
    ['http://2130706433/alerts', 'webhook_url_private'],
    ['http://localhost:3000/admin', 'webhook_url_private'],
    ['http://169.254.169.254/latest/meta-data/', 'webhook_url_private'],
    ['http://[::ffff:10.0.0.8]/alerts', 'webhook_url_private'],
    ['http://[fd00::1]/alerts', 'webhook_url_private'],
    ['http://0.0.0.0/alerts', 'webhook_url_private'],
  ])('refuses %s with %s and names the field', async (url, code) => {
    const body = expectError(await saveWebhook(url), 400, code);
    expect(body.error.details).toEqual({ fields: { webhookUrl: expect.any(String) } });
  });

  it('accepts a public https URL', async () => {
    const response = await saveWebhook('https://hooks.example.test/alerts');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ webhookUrl: 'https://hooks.example.test/alerts' });
  });

  it('refuses to send to a loopback address at delivery time, and sends once private targets are allowed', async () => {
    const receiver = await startReceiver(() => ({ status: 204 }));
    closers.push(receiver.close);
    const owner = await firstOwner(t().app);
    // A target saved while the install allowed private targets, which it no longer does.
    const id = await queueWebhook(owner.workspaceId, `${receiver.origin}/hooks`);
    expect(await worker(false).runOnce()).toBe(1);
    expect(receiver.hits).toEqual([]);
    const refused = await delivery(id);
    expect(refused).toMatchObject({ status: 'pending', attempts: 1, response_status: null });
    expect(refused.last_error).toMatch(/loopback/);

    // The retry is due after its backoff; make it due now.
    await t().database.db.updateTable('sla_deliveries').set({ next_attempt_at: 0 }).where('id', '=', id).execute();
    expect(await worker(true).runOnce()).toBe(1);
    expect(receiver.hits).toEqual(['/hooks']);
    expect(await delivery(id)).toMatchObject({ status: 'delivered', attempts: 2, response_status: 204 });
  });

  it('does not follow a redirect: the 3xx answer is a failed attempt', async () => {
    const receiver = await startReceiver((path) => (path === '/hooks' ? { status: 302, location: '/internal-admin' } : { status: 204 }));
    closers.push(receiver.close);
    const owner = await firstOwner(t().app);
    const id = await queueWebhook(owner.workspaceId, `${receiver.origin}/hooks`);
    await worker(true).runOnce();
    expect(receiver.hits).toEqual(['/hooks']);
    expect(await delivery(id)).toMatchObject({ status: 'pending', response_status: 302, last_error: 'answered 302' });
  });
});
