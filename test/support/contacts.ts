import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ContactImportDtoT } from '../../src/contracts/contacts.js';
import type { ContactsTable } from '../../src/server/db/tables.js';

/** A multipart/form-data body with one file part, as a browser's FormData upload sends it. */
export function multipartFile(
  content: Buffer | string,
  fileName = 'contacts.csv',
  type = 'text/csv',
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----wasphere${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const body = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return { payload: Buffer.concat([head, body, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

export async function uploadCsv(
  app: FastifyInstance,
  cookie: string,
  workspaceId: string,
  content: Buffer | string,
  fileName?: string,
): Promise<LightMyRequestResponse> {
  const { payload, headers } = multipartFile(content, fileName);
  return app.inject({ method: 'POST', url: `/api/v1/workspaces/${workspaceId}/contacts/import`, headers: { ...headers, cookie }, payload });
}

/** Polls an import until it is done or failed. */
export async function waitForImport(
  app: FastifyInstance,
  cookie: string,
  workspaceId: string,
  importId: string,
  timeoutMs = 60_000,
  /** How often to ask; the web app asks every 500 ms. */
  intervalMs = 20,
): Promise<ContactImportDtoT> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/workspaces/${workspaceId}/contacts/import/${importId}`,
      headers: { cookie },
    });
    if (response.statusCode !== 200) throw new Error(`import poll answered ${response.statusCode}: ${response.body}`);
    const body = response.json<ContactImportDtoT>();
    if (body.status === 'done' || body.status === 'failed') return body;
    if (Date.now() > until) throw new Error(`import still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Upload, commit with `mapping`, wait: the finished import. */
export async function importCsv(
  app: FastifyInstance,
  cookie: string,
  workspaceId: string,
  content: Buffer | string,
  mapping: Record<string, string>,
): Promise<ContactImportDtoT> {
  const upload = await uploadCsv(app, cookie, workspaceId, content);
  if (upload.statusCode !== 201) throw new Error(`upload answered ${upload.statusCode}: ${upload.body}`);
  const id = upload.json<ContactImportDtoT>().id;
  const commit = await app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${workspaceId}/contacts/import/${id}/commit`,
    headers: { cookie },
    payload: { mapping },
  });
  if (commit.statusCode !== 202) throw new Error(`commit answered ${commit.statusCode}: ${commit.body}`);
  return waitForImport(app, cookie, workspaceId, id);
}

/** A contact row to insert directly (a plain customer: no names but `patch`'s, not opted out). */
export function contactRow(workspaceId: string, id: string, phone: string, patch: Partial<ContactsTable> = {}): ContactsTable {
  return {
    id,
    workspace_id: workspaceId,
    phone,
    lid: null,
    name: null,
    push_name: null,
    saved_name: null,
    notes: null,
    custom_fields: '{}',
    opted_out: 0,
    opted_out_at: null,
    first_seen_at: null,
    last_seen_at: null,
    created_at: 0,
    updated_at: 0,
    ...patch,
  };
}
