import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured logs. Personal data never goes into a log line: log ids, codes and counts.
 * The redact list is a second line of defence for fields that must never appear.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'lotse', ...bindings },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'token', 'variables', '*.givenName', '*.familyName', '*.birthDate'],
      censor: '[redacted]',
    },
  });
}
