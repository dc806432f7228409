/**
 * Refuses to boot unless every job name of a queue has a handler and every handler a known job
 * name: a job nobody handles would otherwise wait in Redis forever.
 */
export function assertJobHandlers(queue: string, names: readonly string[], handlers: Record<string, unknown>): void {
  const missing = names.filter((n) => typeof handlers[n] !== 'function');
  const unknown = Object.keys(handlers).filter((n) => !names.includes(n));
  if (missing.length || unknown.length) {
    throw new Error(`${queue} worker: ${[missing.length ? `no handler for ${missing.join(', ')}` : '', unknown.length ? `unknown job names ${unknown.join(', ')}` : ''].filter(Boolean).join('; ')}`);
  }
}
