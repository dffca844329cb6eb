import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, privateRangeOf, publicOnlyLookup } from './outbound-url.js';

describe('privateRangeOf', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fdff::1', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
  ])('%s is %s', (address, range) => {
    expect(privateRangeOf(address)).toBe(range);
  });

  it.each(['8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '2001:4860:4860::8888', 'fec0::1', 'not-an-ip'])(
    '%s is public (or no IP)',
    (address) => {
      expect(privateRangeOf(address)).toBeNull();
    },
  );
});

describe('checkOutboundUrl', () => {
  it('allows private addresses when the instance allows them, never other schemes or credentials', () => {
    expect(checkOutboundUrl('http://127.0.0.1:9000/hook', { allowPrivate: true })).toBeNull();
    expect(checkOutboundUrl('gopher://127.0.0.1/', { allowPrivate: true })?.code).toBe('webhook_url_scheme');
    expect(checkOutboundUrl('https://a:b@intranet.local/', { allowPrivate: true })?.code).toBe('webhook_url_credentials');
    expect(checkOutboundUrl('not a url', { allowPrivate: true })?.code).toBe('webhook_url_scheme');
  });

  it('leaves names to the send-time check, except localhost', () => {
    expect(checkOutboundUrl('https://hooks.example.test/x', { allowPrivate: false })).toBeNull();
    expect(checkOutboundUrl('http://api.localhost/x', { allowPrivate: false })?.code).toBe('webhook_url_private');
  });
});

describe('publicOnlyLookup', () => {
  const lookup = (host: string, all: boolean) =>
    new Promise<LookupAddress[] | string>((resolve, reject) =>
      publicOnlyLookup(host, { all }, (error: Error | null, address: string | LookupAddress[]) =>
        error ? reject(error) : resolve(address),
      ),
    );

  it('refuses a name that resolves to loopback', async () => {
    await expect(lookup('localhost', false)).rejects.toThrow(/loopback/);
    await expect(lookup('localhost', true)).rejects.toThrow(/loopback/);
  });

  it('passes public addresses through in the shape asked for', async () => {
    expect(await lookup('8.8.8.8', false)).toBe('8.8.8.8');
    expect(await lookup('8.8.8.8', true)).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });
});
