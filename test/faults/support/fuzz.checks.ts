/**
 * What no answer of the gateway may contain, whatever was sent: signs of an internal error that
 * escaped the error mask (src/shared/errors.ts formatError).
 */
export const LEAKS: ReadonlyArray<[string, RegExp]> = [
  ['stack trace', / {4}at /],
  ['SQL', /\b(SELECT|INSERT|UPDATE|DELETE FROM)\b/],
  ['SQL', /relation "/],
  ['SQL', /syntax error at or near/],
  ['SQLSTATE', /SQLSTATE|violates (unique|foreign key|check|not-null) constraint|invalid input syntax for type/],
  ['file path', /\/src\/|\.ts:\d|\.js:\d|node_modules/],
  ['driver error', /QueryFailedError|TypeORMError|EntityNotFound|ECONNREFUSED/],
];

/**
 * The problems of one answer: a 5xx, a masked internal error, or an error text that shows internals.
 * `sent` is the request body: a pattern that the request itself contains is not counted, so an
 * error that quotes the input back (e.g. "Unknown field ...") is no leak.
 */
export function problemsOf(status: number, text: string, sent: string): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`HTTP ${status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (e.g. a plain 413): only its status and text are checked.
  }
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(errors)) {
    for (const e of errors as Array<{ extensions?: { code?: unknown } }>) {
      if (e?.extensions?.code === 'INTERNAL_SERVER_ERROR')
        problems.push('masked internal error (INTERNAL_SERVER_ERROR)');
    }
  }
  const shown = Array.isArray(errors) ? JSON.stringify(errors) : body === undefined ? text : '';
  for (const [what, pattern] of LEAKS) {
    const hit = pattern.exec(shown);
    if (hit && !sent.includes(hit[0]))
      problems.push(`${what} in an error: …${shown.slice(Math.max(0, hit.index - 80), hit.index + 80)}…`);
  }
  return problems;
}
