/** Legal texts are plain data rendered as text nodes — never as HTML. */
export interface LegalItem {
  /** A short bold lead-in ("Access"), followed by the text. */
  term?: string;
  text: string;
  /** Where in the product this is done (a path inside WaSphere). */
  link?: { label: string; to: string };
}

export type LegalBlock = string | { list: LegalItem[] } | { note: string };

export interface LegalSection {
  id: string;
  heading: string;
  blocks: LegalBlock[];
}

export interface LegalDocument {
  title: string;
  summary: string;
  version: string;
  updated: string;
  sections: LegalSection[];
}
