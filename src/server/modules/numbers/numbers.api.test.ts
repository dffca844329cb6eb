import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../../contracts/events.js';
import { firstOwner, memberOf, ownerOfNewWorkspace } from '../../../../test/support/factories.js';
import { as, expectError, errorFields } from '../../../../test/support/http.js';
import { createWhatsAppTestApp } from '../../../../test/support/numbers-app.js';

let t: Awaited<ReturnType<typeof createWhatsAppTestApp>>;
beforeEach(async () => {
  t = await createWhatsAppTestApp();
});
afterEach(async () => {
  await t.close();
});

async function setupOwner() {
  const owner = await firstOwner(t.app);
  const base = `/api/v1/workspaces/${owner.workspaceId}/numbers`;
  return { owner, base, api: as(t.app, owner.cookie) };
}

describe('numbers API', () => {
  it('creates, lists with a cursor, reads, renames and changes limits, all in the activity log', async () => {
    const { owner, base, api } = await setupOwner();
    const events: DomainEvent[] = [];
    t.services.bus.subscribe(owner.workspaceId, (e) => events.push(e));
    const created = await api.post(base, { name: 'Sales' });
    expect(created.statusCode).toBe(201);
    const dto = created.json();
    expect(dto).toMatchObject({
      name: 'Sales',
      phone: null,
      state: 'idle',
      linkedAt: null,
      link: null,
      limits: { minDelaySeconds: 8, maxDelaySeconds: 20, dailyCap: 500, warmup: true },
    });
    await api.post(base, { name: 'Support' });
    await api.post(base, { name: 'Returns' });
    const page1 = (await api.get(`${base}?limit=2`)).json();
    expect(page1.items.map((n: { name: string }) => n.name)).toEqual(['Sales', 'Support']);
    const page2 = (await api.get(`${base}?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2).toMatchObject({ items: [{ name: 'Returns' }], nextCursor: null });
    expect((await api.get(`${base}/${dto.id}`)).json()).toMatchObject({ id: dto.id, name: 'Sales' });

    const patched = await api.patch(`${base}/${dto.id}`, {
      name: 'Sales EU',
      limits: { minDelaySeconds: 5, maxDelaySeconds: 30, dailyCap: 100, warmup: false },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'Sales EU',
      limits: { minDelaySeconds: 5, maxDelaySeconds: 30, dailyCap: 100, warmup: false },
    });
    expect(events.filter((e) => e.type === 'number.updated')).toHaveLength(4);
    const log = (await api.get(`/api/v1/workspaces/${owner.workspaceId}/activity?action=number.updated`)).json();
    expect(log.items[0]).toMatchObject({ action: 'number.updated', target: { type: 'number', id: dto.id } });
    const createdLog = (await api.get(`/api/v1/workspaces/${owner.workspaceId}/activity?action=number.created`)).json();
    expect(createdLog.items).toHaveLength(3);
  });

  it('validates limits and names; bad input is 400, never 500', async () => {
    const { base, api } = await setupOwner();
    const id = (await api.post(base, { name: 'Sales' })).json().id;
    expect(errorFields(await api.patch(`${base}/${id}`, { limits: { minDelaySeconds: 40, maxDelaySeconds: 30 } }))).toHaveProperty([
      'limits.minDelaySeconds',
    ]);
    expect(errorFields(await api.patch(`${base}/${id}`, { limits: { minDelaySeconds: 50 } }))).toHaveProperty(['limits.minDelaySeconds']);
    errorFields(await api.patch(`${base}/${id}`, { limits: { minDelaySeconds: 0 } }));
    errorFields(await api.patch(`${base}/${id}`, { limits: { maxDelaySeconds: 3601 } }));
    errorFields(await api.patch(`${base}/${id}`, { limits: { dailyCap: 0 } }));
    errorFields(await api.patch(`${base}/${id}`, { limits: { dailyCap: 10001 } }));
    errorFields(await api.patch(`${base}/${id}`, {}));
    errorFields(await api.patch(`${base}/${id}`, { name: '   ' }));
    errorFields(await api.post(base, { name: '' }));
    errorFields(await api.post(base, { name: 'x', extra: 1 }));
    errorFields(await api.post(`${base}/${id}/link`, { method: 'carrier_pigeon' }));
    expect(errorFields(await api.post(`${base}/${id}/link`, { method: 'pairing_code' }))).toHaveProperty('phone');
    expect(errorFields(await api.post(`${base}/${id}/link`, { method: 'pairing_code', phone: '12' }))).toHaveProperty('phone');
    errorFields(await api.delete(`${base}/${id}`, { messages: 'maybe' }));
    errorFields(await api.delete(`${base}/${id}`));
    expectError(await api.get(`${base}/nope`), 404, 'not_found');
  });

  it('link answers with the QR from the session and publishes it; GET shows it while linking; never in the log', async () => {
    const { owner, base, api } = await setupOwner();
    const events: DomainEvent[] = [];
    t.services.bus.subscribe(owner.workspaceId, (e) => events.push(e));
    const id = (await api.post(base, { name: 'Sales' })).json().id;
    const linked = await api.post(`${base}/${id}/link`, { method: 'qr' });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({ state: 'waiting_for_scan', link: { qr: 'QR-FIRST', pairingCode: null } });
    expect(events.some((e) => e.type === 'number.status' && e.payload.qr === 'QR-FIRST')).toBe(true);
    const session = t.provider.last(id)!;
    await session.showQr('QR-SECOND');
    await t.services.numberManager.settled();
    expect((await api.get(`${base}/${id}`)).json().link).toEqual({ qr: 'QR-SECOND', pairingCode: null });
    // Linking again while a link is in progress is fine (the same QR flow).
    expect((await api.post(`${base}/${id}/link`, { method: 'qr' })).statusCode).toBe(200);

    await session.connect('447700900123', { isNewLogin: true });
    await t.services.numberManager.settled();
    const after = (await api.get(`${base}/${id}`)).json();
    expect(after).toMatchObject({ state: 'connected', phone: '+447700900123', link: null });
    expect(after.linkedAt).toEqual(expect.any(String));
    expectError(await api.post(`${base}/${id}/link`, { method: 'qr' }), 409, 'number_already_linked');
    const log = (await api.get(`/api/v1/workspaces/${owner.workspaceId}/activity?limit=200`)).json();
    const actions = log.items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(expect.arrayContaining(['number.link_started', 'number.linked']));
    expect(JSON.stringify(log)).not.toContain('QR-');
    // Key material never leaves through the API.
    expect(JSON.stringify(after)).not.toMatch(/pre-key|creds/);
  });

  it('links by pairing code for a valid phone', async () => {
    const { base, api } = await setupOwner();
    const id = (await api.post(base, { name: 'Sales' })).json().id;
    const response = await api.post(`${base}/${id}/link`, { method: 'pairing_code', phone: '+49 151 12345678' });
    expect(response.statusCode).toBe(200);
    expect(response.json().link).toMatchObject({ pairingCode: 'ABCD1234' });
    expect(t.provider.last(id)!.pairingRequests).toEqual(['4915112345678']);
  });

  it('delete keep: logs out, erases keys, hides the number and keeps its conversations', async () => {
    const { owner, base, api } = await setupOwner();
    const id = (await api.post(base, { name: 'Sales' })).json().id;
    await api.post(`${base}/${id}/link`, { method: 'qr' });
    const session = t.provider.last(id)!;
    await session.connect();
    await t.services.numberManager.settled();
    const { db } = t.database;
    const contactId = 'c'.repeat(26);
    const now = Date.now();
    await db
      .insertInto('contacts')
      .values({
        id: contactId,
        workspace_id: owner.workspaceId,
        phone: '4915100000001',
        custom_fields: '{}',
        opted_out: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('conversations')
      .values({
        id: 'v'.repeat(26),
        workspace_id: owner.workspaceId,
        number_id: id,
        contact_id: contactId,
        status: 'open',
        unread_count: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const events: DomainEvent[] = [];
    t.services.bus.subscribe(owner.workspaceId, (e) => events.push(e));

    const response = await api.delete(`${base}/${id}`, { messages: 'keep' });
    expect(response.statusCode).toBe(204);
    expect(session.logouts).toBe(1);
    expect(await db.selectFrom('wa_auth_keys').selectAll().where('number_id', '=', id).execute()).toEqual([]);
    expect(await db.selectFrom('number_leases').selectAll().execute()).toEqual([]);
    expectError(await api.get(`${base}/${id}`), 404, 'not_found');
    expect((await api.get(base)).json().items).toEqual([]);
    expect(await db.selectFrom('conversations').select('id').where('number_id', '=', id).execute()).toHaveLength(1);
    expect(events.map((e) => e.type)).toContain('number.deleted');
    const log = (await api.get(`/api/v1/workspaces/${owner.workspaceId}/activity?action=number.deleted`)).json();
    expect(log.items[0]).toMatchObject({ details: { messages: 'keep' } });
  });

  it('delete erase: removes the number with its conversations', async () => {
    const { owner, base, api } = await setupOwner();
    const id = (await api.post(base, { name: 'Sales' })).json().id;
    const { db } = t.database;
    const now = Date.now();
    await db
      .insertInto('contacts')
      .values({
        id: 'c'.repeat(26),
        workspace_id: owner.workspaceId,
        phone: '4915100000001',
        custom_fields: '{}',
        opted_out: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('conversations')
      .values({
        id: 'v'.repeat(26),
        workspace_id: owner.workspaceId,
        number_id: id,
        contact_id: 'c'.repeat(26),
        status: 'open',
        unread_count: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    expect((await api.delete(`${base}/${id}`, { messages: 'erase' })).statusCode).toBe(204);
    expect(await db.selectFrom('numbers').select('id').where('id', '=', id).execute()).toEqual([]);
    expect(await db.selectFrom('conversations').select('id').execute()).toEqual([]);
  });

  it('roles: agents read, only owners and admins change; non-members and other workspaces get 404', async () => {
    const { owner, base, api } = await setupOwner();
    const id = (await api.post(base, { name: 'Sales' })).json().id;
    const agent = as(t.app, (await memberOf(t.app, owner.cookie, owner.workspaceId, 'agent')).cookie);
    const admin = as(t.app, (await memberOf(t.app, owner.cookie, owner.workspaceId, 'admin')).cookie);
    expect((await agent.get(base)).statusCode).toBe(200);
    expect((await agent.get(`${base}/${id}`)).statusCode).toBe(200);
    expectError(await agent.post(base, { name: 'x' }), 403, 'forbidden');
    expectError(await agent.patch(`${base}/${id}`, { name: 'x' }), 403, 'forbidden');
    expectError(await agent.post(`${base}/${id}/link`, { method: 'qr' }), 403, 'forbidden');
    expectError(await agent.delete(`${base}/${id}`, { messages: 'keep' }), 403, 'forbidden');
    expect((await admin.patch(`${base}/${id}`, { name: 'Renamed' })).statusCode).toBe(200);

    const other = await ownerOfNewWorkspace(t.app, owner);
    const otherApi = as(t.app, other.cookie);
    expectError(await otherApi.get(base), 404, 'not_found');
    expectError(await otherApi.get(`${base}/${id}`), 404, 'not_found');
    const otherBase = `/api/v1/workspaces/${other.workspaceId}/numbers`;
    expectError(await otherApi.get(`${otherBase}/${id}`), 404, 'not_found');
    expectError(await otherApi.patch(`${otherBase}/${id}`, { name: 'mine' }), 404, 'not_found');
    expectError(await otherApi.post(`${otherBase}/${id}/link`, { method: 'qr' }), 404, 'not_found');
    expectError(await otherApi.delete(`${otherBase}/${id}`, { messages: 'erase' }), 404, 'not_found');
    expectError(await as(t.app).get(base), 401, 'unauthenticated');
    expect((await api.get(`${base}/${id}`)).json().name).toBe('Renamed');
  });
});
