import pino, { type Logger } from 'pino';

/**
 * JSON logs. Cookies, authorization headers and anything named like a secret are
 * redacted, so a log file never carries a credential.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
        '*.password',
        '*.newPassword',
        '*.currentPassword',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  });
}
