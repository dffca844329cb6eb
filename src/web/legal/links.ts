/** The public legal pages, in footer order. Their texts live beside this file and load on demand. */
export const LEGAL_LINKS = [
  { slug: 'privacy', label: 'Privacy' },
  { slug: 'terms', label: 'Terms' },
  { slug: 'cookies', label: 'Cookies' },
  { slug: 'security', label: 'Security' },
  { slug: 'acceptable-use', label: 'Acceptable Use' },
] as const;

export type LegalSlug = (typeof LEGAL_LINKS)[number]['slug'];

export const legalPath = (slug: LegalSlug) => `/legal/${slug}`;
