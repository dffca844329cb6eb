import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { ErrorResponse, Page, WorkspaceParams } from '../../../contracts/common.js';
import {
  CommitImportBody,
  ContactDetailDto,
  ContactDto,
  ContactExportQuery,
  ContactFieldDto,
  ContactFieldParams,
  ContactImportDto,
  ContactListQuery,
  ContactParams,
  CreateContactBody,
  CreateContactFieldBody,
  ImportParams,
  MergeContactsBody,
  OptOutSettingsDto,
  UpdateContactBody,
  UpdateContactFieldBody,
  UpdateOptOutSettingsBody,
} from '../../../contracts/contacts.js';
import { requireCaller } from '../../http/session.js';
import { contentDisposition } from '../media/routes.js';
import { IMPORT_MAX_BYTES } from './csv-import.js';
import type { ContactsService } from './service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const NoContent = { 204: Type.Null(), ...errors };
const Csv = Type.Unknown({ description: 'text/csv (UTF-8 with a byte-order mark)' });

export function contactRoutes(deps: { contacts: ContactsService }): FastifyPluginAsyncTypebox {
  const { contacts } = deps;
  return async (app) => {
    // Multipart only inside this plugin: the CSV upload is its one user.
    await app.register(multipart, { limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 5, parts: 6 } });

    app.get(
      '/workspaces/:workspaceId/contacts',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Contacts: search by name or phone, filter by label, opt-out or custom field, sort, cursor pages',
          params: WorkspaceParams,
          querystring: ContactListQuery,
          response: { 200: Page(ContactDto), ...errors },
        },
      },
      (request) => contacts.list(requireCaller(request), request.params.workspaceId, request.query),
    );

    app.post(
      '/workspaces/:workspaceId/contacts',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Create a contact (phone normalised with the workspace country)',
          params: WorkspaceParams,
          body: CreateContactBody,
          response: { 201: ContactDto, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await contacts.create(requireCaller(request), request.params.workspaceId, request.body)),
    );

    app.get(
      '/workspaces/:workspaceId/contacts/export',
      {
        schema: {
          tags: ['contacts'],
          summary: 'The contacts of the current filter as CSV, streamed (owner, admin)',
          params: WorkspaceParams,
          querystring: ContactExportQuery,
          response: { 200: Csv, ...errors },
        },
      },
      async (request, reply) => {
        const file = await contacts.exportCsv(requireCaller(request), request.params.workspaceId, request.query);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition(file.fileName, false))
          .send(Readable.from(file.stream));
      },
    );

    app.post(
      '/workspaces/:workspaceId/contacts/merge',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Merge a duplicate into another contact (conversations, messages, labels, fields and notes move; the duplicate goes)',
          params: WorkspaceParams,
          body: MergeContactsBody,
          response: { 200: ContactDto, ...errors },
        },
      },
      (request) => contacts.merge(requireCaller(request), request.params.workspaceId, request.body),
    );

    app.post(
      '/workspaces/:workspaceId/contacts/import',
      {
        schema: {
          tags: ['contacts'],
          summary:
            'Step 1 of a CSV import (owner, admin): upload the file as multipart/form-data (field `file`); answers the detected delimiter, headers, first rows and a suggested mapping',
          consumes: ['multipart/form-data'],
          params: WorkspaceParams,
          response: { 201: ContactImportDto, 413: ErrorResponse, 415: ErrorResponse, ...errors },
        },
      },
      async (request, reply) => {
        const result = await contacts.startImport(requireCaller(request), request.params.workspaceId, async () => {
          if (!request.isMultipart()) return null;
          const part = await request.file();
          if (!part) return null;
          return { stream: part.file, fileName: part.filename || null, truncated: () => part.file.truncated };
        });
        return reply.status(201).send(result);
      },
    );

    app.get(
      '/workspaces/:workspaceId/contacts/import/:importId',
      {
        schema: {
          tags: ['contacts'],
          summary: 'An import: preview, then progress, then the counts',
          params: ImportParams,
          response: { 200: ContactImportDto, ...errors },
        },
      },
      (request) => contacts.getImport(requireCaller(request), request.params.workspaceId, request.params.importId),
    );

    app.post(
      '/workspaces/:workspaceId/contacts/import/:importId/commit',
      {
        schema: {
          tags: ['contacts'],
          summary:
            'Step 2: import with a column mapping; runs in the background (poll the import). All rows land in one transaction or none do',
          params: ImportParams,
          body: CommitImportBody,
          response: { 202: ContactImportDto, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(202)
          .send(
            await contacts.commitImport(requireCaller(request), request.params.workspaceId, request.params.importId, request.body.mapping),
          ),
    );

    app.get(
      '/workspaces/:workspaceId/contacts/import/:importId/report.csv',
      {
        schema: {
          tags: ['contacts'],
          summary: 'The rejected rows of an import with the reason for each, as CSV',
          params: ImportParams,
          response: { 200: Csv, ...errors },
        },
      },
      async (request, reply) => {
        const file = await contacts.importReport(requireCaller(request), request.params.workspaceId, request.params.importId);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', contentDisposition(file.fileName, false))
          .send(Readable.from(file.stream));
      },
    );

    app.get(
      '/workspaces/:workspaceId/contacts/:contactId',
      {
        schema: {
          tags: ['contacts'],
          summary: 'A contact with their conversations and opt-out history',
          params: ContactParams,
          response: { 200: ContactDetailDto, ...errors },
        },
      },
      (request) => contacts.get(requireCaller(request), request.params.workspaceId, request.params.contactId),
    );

    app.patch(
      '/workspaces/:workspaceId/contacts/:contactId',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Edit name, notes, labels, custom fields or opt-out',
          params: ContactParams,
          body: UpdateContactBody,
          response: { 200: ContactDto, ...errors },
        },
      },
      (request) => contacts.update(requireCaller(request), request.params.workspaceId, request.params.contactId, request.body),
    );

    app.delete(
      '/workspaces/:workspaceId/contacts/:contactId',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Erase a contact with all their messages, media, notes and history (owner, admin)',
          params: ContactParams,
          response: NoContent,
        },
      },
      async (request, reply) => {
        await contacts.erase(requireCaller(request), request.params.workspaceId, request.params.contactId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/workspaces/:workspaceId/contacts/:contactId/export',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Everything stored about one contact, as a ZIP archive (owner, admin)',
          params: ContactParams,
          response: { 200: Type.Unknown({ description: 'application/zip' }), ...errors },
        },
      },
      async (request, reply) => {
        const file = await contacts.exportData(requireCaller(request), request.params.workspaceId, request.params.contactId);
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', contentDisposition(file.fileName, false))
          .header('cache-control', 'no-store')
          .send(Readable.from(file.stream));
      },
    );

    app.get(
      '/workspaces/:workspaceId/contact-fields',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Custom contact fields of the workspace',
          params: WorkspaceParams,
          response: { 200: Type.Array(ContactFieldDto), ...errors },
        },
      },
      (request) => contacts.listFields(requireCaller(request), request.params.workspaceId),
    );

    app.post(
      '/workspaces/:workspaceId/contact-fields',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Define a custom contact field (owner, admin)',
          params: WorkspaceParams,
          body: CreateContactFieldBody,
          response: { 201: ContactFieldDto, ...errors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await contacts.createField(requireCaller(request), request.params.workspaceId, request.body)),
    );

    app.patch(
      '/workspaces/:workspaceId/contact-fields/:fieldId',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Rename, reorder or change the options of a custom field (owner, admin)',
          params: ContactFieldParams,
          body: UpdateContactFieldBody,
          response: { 200: ContactFieldDto, ...errors },
        },
      },
      (request) => contacts.updateField(requireCaller(request), request.params.workspaceId, request.params.fieldId, request.body),
    );

    app.delete(
      '/workspaces/:workspaceId/contact-fields/:fieldId',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Delete a custom field and its values (owner, admin)',
          params: ContactFieldParams,
          response: NoContent,
        },
      },
      async (request, reply) => {
        await contacts.deleteField(requireCaller(request), request.params.workspaceId, request.params.fieldId);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/workspaces/:workspaceId/opt-out-settings',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Opt-out and opt-in keywords and confirmation replies',
          params: WorkspaceParams,
          response: { 200: OptOutSettingsDto, ...errors },
        },
      },
      (request) => contacts.getOptOutSettings(requireCaller(request), request.params.workspaceId),
    );

    app.patch(
      '/workspaces/:workspaceId/opt-out-settings',
      {
        schema: {
          tags: ['contacts'],
          summary: 'Change opt-out keywords and confirmation replies (owner, admin)',
          params: WorkspaceParams,
          body: UpdateOptOutSettingsBody,
          response: { 200: OptOutSettingsDto, ...errors },
        },
      },
      (request) => contacts.updateOptOutSettings(requireCaller(request), request.params.workspaceId, request.body),
    );
  };
}
