import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_whatsapp.js';
import * as m0003 from './0003_inbox.js';
import * as m0004 from './0004_contacts.js';
import * as m0005 from './0005_campaigns.js';
import * as m0006 from './0006_sla.js';
import * as m0007 from './0007_privacy.js';
import * as m0008 from './0008_sla_rollups.js';
import * as m0009 from './0009_contact_search_bulk.js';
import * as m0010 from './0010_ingest_indexes.js';
import * as m0011 from './0011_inbox_presence.js';
import * as m0012 from './0012_media_uploads.js';
import * as m0013 from './0013_whatsapp_checks.js';
import * as m0016 from './0016_contact_search_order.js';
import * as m0017 from './0017_search_doc_kinds.js';

/**
 * Every migration, in order. Forward-only: a migration that has landed is never
 * edited; a change is a new file added here.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_whatsapp': m0002,
  '0003_inbox': m0003,
  '0004_contacts': m0004,
  '0005_campaigns': m0005,
  '0006_sla': m0006,
  '0007_privacy': m0007,
  '0008_sla_rollups': m0008,
  '0009_contact_search_bulk': m0009,
  '0010_ingest_indexes': m0010,
  '0011_inbox_presence': m0011,
  '0012_media_uploads': m0012,
  '0013_whatsapp_checks': m0013,
  '0016_contact_search_order': m0016,
  '0017_search_doc_kinds': m0017,
};
