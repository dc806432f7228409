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
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'token',
        'variables',
        '*.givenName',
        '*.familyName',
        '*.birthDate',
      ],
      censor: '[redacted]',
    },
  });
}

/**
 * A child of `log` whose lines carry `context: <name>` while they are written inside a named
 * system context (a job, retention, a CLI command): background work is told apart in the logs
 * without every caller binding the name itself.
 */
export function withContextName(log: Logger, contextName: () => string | null): Logger {
  return log.child(
    {},
    {
      formatters: {
        log(obj: object) {
          const context = contextName();
          return context && !('context' in obj) ? { context, ...obj } : obj;
        },
      },
    },
  );
}
