import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretBox, hashToken, loadOrCreateSecretKey } from './secrets.js';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips strings and bytes', () => {
    expect(box.open(box.seal('session keys ✓')).toString('utf8')).toBe('session keys ✓');
    const bytes = randomBytes(1000);
    expect(box.open(box.seal(bytes)).equals(bytes)).toBe(true);
    expect(box.open(box.seal('')).length).toBe(0);
  });

  it('seals the same text differently each time and never in the clear', () => {
    const a = box.seal('the same secret');
    const b = box.seal('the same secret');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('the same secret');
  });

  it.each([
    ['the version byte', 0],
    ['the IV', 1],
    ['the tag', 13],
    ['the ciphertext', 29],
  ])('detects tampering with %s', (_part, index) => {
    const sealed = box.seal('do not touch');
    sealed[index] = sealed[index]! ^ 0x01;
    expect(() => box.open(sealed)).toThrow();
  });

  it('refuses a truncated box and a box sealed with another key', () => {
    const sealed = box.seal('secret');
    expect(() => box.open(sealed.subarray(0, sealed.length - 1))).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('needs a 32-byte key', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('loadOrCreateSecretKey', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasphere-key-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses the configured key', () => {
    expect(loadOrCreateSecretKey('ab'.repeat(32), tempDir()).toString('hex')).toBe('ab'.repeat(32));
  });

  it('generates a key once, owner-readable only, and reuses it', () => {
    const dir = path.join(tempDir(), 'nested');
    const first = loadOrCreateSecretKey(null, dir);
    expect(first.length).toBe(32);
    const file = path.join(dir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecretKey(null, dir).equals(first)).toBe(true);
  });

  it('refuses a damaged key file instead of replacing it', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secret.key'), 'not a key\n');
    expect(() => loadOrCreateSecretKey(null, dir)).toThrow(/64-character hex key/);
    expect(fs.readFileSync(path.join(dir, 'secret.key'), 'utf8')).toBe('not a key\n');
  });
});

describe('hashToken', () => {
  it('is a stable SHA-256 hex digest that differs per token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('abd')).not.toBe(hashToken('abc'));
  });
});
