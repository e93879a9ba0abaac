import pino, { DestinationStream, Logger } from 'pino';

export type { Logger };

/**
 * JSON logs for every process. Citizens' personal data and secrets are redacted wherever they appear in a
 * logged object, so a careless `log.info({ body })` cannot leak them.
 */
export function createLogger(options: { level: string; name: string }, destination?: DestinationStream): Logger {
  const settings = {
    name: options.name,
    level: options.level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.reporter',
        // Wildcards match one level only; a case state inside a snapshot or an activity input sits one deeper.
        '*.*.reporter',
        '*.*.phone',
        'reporter',
        '*.phone',
        'phone',
        'token',
        '*.token',
      ],
      censor: '[已隐藏]',
    },
  };
  // A destination other than stdout is for tests that read what would have been logged.
  return destination ? pino(settings, destination) : pino(settings);
}
