import pino, { Logger } from 'pino';

export type { Logger };

/**
 * JSON logs for every process. Citizens' personal data and secrets are redacted wherever they appear in a
 * logged object, so a careless `log.info({ body })` cannot leak them.
 */
export function createLogger(options: { level: string; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.reporter',
        'reporter',
        '*.phone',
        'phone',
        'token',
        '*.token',
      ],
      censor: '[已隐藏]',
    },
  });
}
