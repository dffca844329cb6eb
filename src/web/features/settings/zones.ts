/** Time zones the browser knows, plus UTC (which some browsers leave out of the list). */
export function timeZoneOptions(current?: string): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const set = new Set(zones);
  set.add('UTC');
  if (current) set.add(current);
  return [...set].sort((a, b) => a.localeCompare(b));
}

// Region codes Intl can name but that are not countries a phone number belongs to.
const NOT_COUNTRIES = new Set([
  'EU',
  'EZ',
  'UN',
  'QO',
  'ZZ',
  'XA',
  'XB',
  'AA',
  'QM',
  'QN',
  'QP',
  'QQ',
  'QR',
  'QS',
  'QT',
  'QU',
  'QV',
  'QW',
  'QX',
  'QY',
  'QZ',
]);

let countriesCache: { value: string; label: string }[] | null = null;

/** ISO 3166-1 alpha-2 countries with English names, from the browser's own data. */
export function countryOptions(): { value: string; label: string }[] {
  if (countriesCache) return countriesCache;
  const out: { value: string; label: string }[] = [];
  let names: Intl.DisplayNames | null;
  try {
    names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  } catch {
    names = null;
  }
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (NOT_COUNTRIES.has(code) || code.startsWith('X')) continue;
      const name = names?.of(code);
      if (name && name !== code) out.push({ value: code, label: `${name} (${code})` });
    }
  }
  out.sort((x, y) => x.label.localeCompare(y.label));
  countriesCache = out;
  return out;
}
