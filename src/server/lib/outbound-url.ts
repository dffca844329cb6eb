/**
 * Guards for URLs the server itself calls on a workspace's behalf (SLA webhooks).
 * Without them anyone who may edit a webhook could make WaSphere post to services
 * that only the server can reach: a cloud metadata endpoint, the database, an admin
 * panel on localhost. Addresses are checked when the URL is saved (literal IPs) and
 * again when the connection is made, on the address DNS actually returned, so a name
 * that later resolves somewhere private is refused too.
 */
import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export type PrivateRange = 'loopback' | 'link-local' | 'private' | 'unspecified';

const RANGES: Array<[PrivateRange, string, number, 'ipv4' | 'ipv6']> = [
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', 'fc00::', 7, 'ipv6'],
];

const blockLists = new Map<PrivateRange, BlockList>();
for (const [range, network, prefix, family] of RANGES) {
  const list = blockLists.get(range) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  blockLists.set(range, list);
}

/** Which private range an IP address is in (IPv4-mapped IPv6 counts as its IPv4), or null for a public one. */
export function privateRangeOf(address: string): PrivateRange | null {
  const version = isIP(address);
  if (version === 0) return null;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  for (const [range, list] of blockLists) if (list.check(address, family)) return range;
  return null;
}

export type OutboundUrlProblem =
  | { code: 'webhook_url_scheme'; message: string }
  | { code: 'webhook_url_credentials'; message: string }
  | { code: 'webhook_url_private'; message: string };

/** The host of a URL as an address, when it is a literal IP (brackets of IPv6 removed). */
function literalAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : null;
}

function isLocalhostName(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost');
}

/**
 * What is wrong with a URL the server would post to, or null. Only http(s), no
 * user:password part (it would be sent to whoever the host is and is logged with the
 * URL), and — unless private targets are allowed — no literal private address or
 * localhost name. Names that resolve privately are caught at send time.
 */
export function checkOutboundUrl(raw: string, options: { allowPrivate: boolean }): OutboundUrlProblem | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: 'webhook_url_scheme', message: 'The webhook URL must be an absolute http:// or https:// URL.' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { code: 'webhook_url_scheme', message: 'The webhook URL must start with http:// or https://.' };
  }
  if (url.username || url.password) {
    return {
      code: 'webhook_url_credentials',
      message: 'The webhook URL must not contain a user name or password; check requests with the signature header instead.',
    };
  }
  if (options.allowPrivate) return null;
  const address = literalAddress(url);
  const range = address ? privateRangeOf(address) : isLocalhostName(url) ? 'loopback' : null;
  if (range) return privateProblem(url.hostname, range);
  return null;
}

function privateProblem(host: string, range: PrivateRange): OutboundUrlProblem {
  return {
    code: 'webhook_url_private',
    message: `The webhook host ${host} is a ${range} address, which this WaSphere does not post to (see WASPHERE_WEBHOOKS_ALLOW_PRIVATE).`,
  };
}

/**
 * A DNS lookup for http.request that refuses a host if any address it resolves to is
 * private: the connection is then made only to addresses that passed the check.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return (callback as (e: Error) => void)(error);
    for (const { address } of addresses) {
      const range = privateRangeOf(address);
      if (range) {
        const refused = Object.assign(new Error(`${privateProblem(hostname, range).message} (it resolves to ${address})`), {
          code: 'EWEBHOOKPRIVATE',
        });
        return (callback as (e: Error) => void)(refused);
      }
    }
    if (options.all) return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
    const first = addresses[0];
    if (!first) return (callback as (e: Error) => void)(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
    callback(null, first.address, first.family);
  });
};
