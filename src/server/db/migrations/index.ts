import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';

/**
 * Every migration, in order. Forward-only: a migration that has landed is never
 * edited; a change is a new file added here.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};
