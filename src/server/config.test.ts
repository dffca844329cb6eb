import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has safe defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      databaseUrl: null,
      secretKey: null,
      logLevel: 'info',
      sessionTtlDays: 30,
      bodyLimitBytes: 1024 * 1024,
      trustProxy: false,
      webhooksAllowPrivate: false,
    });
    expect(config.publicUrl.origin).toBe('http://localhost:3000');
  });

  it('reads valid values', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      WASPHERE_DATA_DIR: '/srv/wasphere',
      DATABASE_URL: 'postgresql://wa@db/wa',
      WASPHERE_SECRET_KEY: 'ab'.repeat(32),
      WASPHERE_PUBLIC_URL: 'https://wa.example.com/',
      LOG_LEVEL: 'debug',
      WASPHERE_TRUST_PROXY: 'yes',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/wasphere',
      databaseUrl: 'postgresql://wa@db/wa',
      logLevel: 'debug',
      trustProxy: true,
    });
    expect(config.publicUrl.origin).toBe('https://wa.example.com');
  });

  it('defaults the public URL to the configured port', () => {
    expect(loadConfig({ PORT: '4000' }).publicUrl.origin).toBe('http://localhost:4000');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DATABASE_URL', 'mysql://root@localhost/wa'],
    ['WASPHERE_SECRET_KEY', 'short'],
    ['WASPHERE_SECRET_KEY', 'zz'.repeat(32)],
    ['WASPHERE_PUBLIC_URL', 'nope'],
    ['WASPHERE_PUBLIC_URL', 'ftp://wa.example.com'],
    ['LOG_LEVEL', 'loud'],
    ['WASPHERE_SESSION_TTL_DAYS', '0'],
    ['WASPHERE_BODY_LIMIT_BYTES', '10'],
    ['WASPHERE_TRUST_PROXY', 'maybe'],
  ])('names %s when it is "%s"', (variable, value) => {
    const error = errorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  it('never echoes a bad secret key back', () => {
    const secret = 'not-hex-but-secret-looking-value';
    expect(errorOf({ WASPHERE_SECRET_KEY: secret }).message).not.toContain(secret);
  });
});
