import { describe, expect, it } from 'vitest';
import { previewOf, truncate } from './presenters.js';

describe('conversation previews', () => {
  it('flattens whitespace and cuts long text at 200 characters without splitting an emoji', () => {
    expect(truncate('  hello \n\n  world  ')).toBe('hello world');
    const long = '👍'.repeat(250);
    const cut = truncate(long);
    expect(Array.from(cut)).toHaveLength(200);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.includes('\ud83d…')).toBe(false);
    expect(truncate('x'.repeat(200))).toBe('x'.repeat(200));
  });

  it('describes each kind of content', () => {
    expect(previewOf({ kind: 'image', text: null })).toBe('📷 Photo');
    expect(previewOf({ kind: 'image', text: 'my receipt' })).toBe('📷 Photo: my receipt');
    expect(previewOf({ kind: 'document', text: null, fileName: 'invoice.pdf' })).toBe('📄 Document: invoice.pdf');
    expect(previewOf({ kind: 'voice', text: null })).toBe('🎤 Voice message');
    expect(previewOf({ kind: 'location', text: null, location: { lat: 1, lng: 2, name: 'Shop', address: null, live: false } })).toBe(
      '📍 Location: Shop',
    );
    expect(
      previewOf({
        kind: 'contact',
        text: null,
        contacts: [
          { displayName: 'Eve', vcard: null },
          { displayName: 'Bo', vcard: null },
        ],
      }),
    ).toBe('👤 Contact: Eve and 1 more');
    expect(previewOf({ kind: 'unsupported', text: null })).toBe('Unsupported message');
  });
});
