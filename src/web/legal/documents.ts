import type { LegalSlug } from './links';
import type { LegalDocument } from './types';
import { privacy } from './privacy';
import { terms } from './terms';
import { cookies } from './cookies';
import { security } from './security';
import { acceptableUse } from './acceptableUse';

export const LEGAL_DOCUMENTS: Record<LegalSlug, LegalDocument> = {
  privacy,
  terms,
  cookies,
  security,
  'acceptable-use': acceptableUse,
};
