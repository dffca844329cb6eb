import path from 'node:path';

/**
 * All configuration comes from environment variables, validated once at start.
 * A bad value stops the process with a message that names the variable, so an
 * operator never has to guess which setting is wrong.
 */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  secretKey: string | null;
  publicUrl: URL;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Days of inactivity after which a session ends. */
  sessionTtlDays: number;
  /** Largest accepted JSON body, in bytes. */
  bodyLimitBytes: number;
  /** Trust X-Forwarded-For from a reverse proxy in front (for client addresses in the log). */
  trustProxy: boolean;
  /** WhatsApp Web socket endpoint; null uses the engine's own. A local protocol peer (tests, demos) points it at loopback. */
  waWebSocketUrl: URL | null;
  /** Let SLA webhooks post to loopback, link-local and private addresses (an internal service of a self-hosted shop). */
  webhooksAllowPrivate: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): Config {
  const port = readInteger(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const dataDir = path.resolve(env.WASPHERE_DATA_DIR?.trim() || './data');

  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// URL (leave it unset to use the embedded SQLite database)');
  }

  const secretKey = env.WASPHERE_SECRET_KEY?.trim() || null;
  if (secretKey !== null && !/^[0-9a-fA-F]{64}$/.test(secretKey)) {
    throw new ConfigError('WASPHERE_SECRET_KEY', 'must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`');
  }

  let publicUrl: URL;
  try {
    publicUrl = new URL(env.WASPHERE_PUBLIC_URL?.trim() || `http://localhost:${port || 3000}`);
  } catch {
    throw new ConfigError(
      'WASPHERE_PUBLIC_URL',
      `must be an absolute URL such as https://wa.example.com, got "${env.WASPHERE_PUBLIC_URL}"`,
    );
  }
  if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:') {
    throw new ConfigError('WASPHERE_PUBLIC_URL', 'must start with http:// or https://');
  }

  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  let waWebSocketUrl: URL | null = null;
  const rawWaUrl = env.WASPHERE_WA_WEBSOCKET_URL?.trim();
  if (rawWaUrl) {
    try {
      waWebSocketUrl = new URL(rawWaUrl);
    } catch {
      throw new ConfigError('WASPHERE_WA_WEBSOCKET_URL', `must be a ws:// or wss:// URL, got "${rawWaUrl}"`);
    }
    if (waWebSocketUrl.protocol !== 'ws:' && waWebSocketUrl.protocol !== 'wss:') {
      throw new ConfigError('WASPHERE_WA_WEBSOCKET_URL', 'must start with ws:// or wss://');
    }
  }

  return {
    port,
    host,
    dataDir,
    databaseUrl,
    secretKey,
    publicUrl,
    logLevel,
    sessionTtlDays: readInteger(env, 'WASPHERE_SESSION_TTL_DAYS', 30, 1, 365),
    bodyLimitBytes: readInteger(env, 'WASPHERE_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    trustProxy: readBoolean(env, 'WASPHERE_TRUST_PROXY', false),
    waWebSocketUrl,
    webhooksAllowPrivate: readBoolean(env, 'WASPHERE_WEBHOOKS_ALLOW_PRIVATE', false),
  };
}
