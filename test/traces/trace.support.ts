import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { eventually } from '../helpers/app';

/**
 * Spans in memory, kept when a container closes: InMemorySpanExporter forgets them on shutdown,
 * and several containers of one test (app, remote gateway) share this one.
 */
export class KeptSpans extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The span's parent id, if it has one. */
export const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;
export const idOf = (s: ReadableSpan): string => s.spanContext().spanId;
export const traceOf = (s: ReadableSpan): string => s.spanContext().traceId;

/** Every finished span of one trace. */
export function spansOfTrace(exporter: InMemorySpanExporter, traceId: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => traceOf(s) === traceId);
}

/** Waits (bounded) until a finished span matches. */
export function spanWhere(exporter: InMemorySpanExporter, match: (s: ReadableSpan) => boolean): Promise<ReadableSpan> {
  return eventually(async () => exporter.getFinishedSpans().find(match), 20000);
}

/** The chain of ancestors of `span` inside its trace, root first, by name. */
export function ancestry(spans: ReadableSpan[], span: ReadableSpan): string[] {
  const byId = new Map(spans.map((s) => [idOf(s), s]));
  const names: string[] = [];
  for (let s: ReadableSpan | undefined = span; s; s = parentOf(s) ? byId.get(parentOf(s)!) : undefined)
    names.unshift(s.name);
  return names;
}

/** An indented tree of a trace: span names with their attributes (docs/deployment.md shows one). */
export function renderTrace(spans: ReadableSpan[]): string {
  const children = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map(idOf));
  for (const s of spans) {
    const parent = parentOf(s) && ids.has(parentOf(s)!) ? parentOf(s) : undefined;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const kids = (children.get(parent) ?? []).sort(
      (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    );
    for (const s of kids) {
      const attrs = Object.entries(s.attributes)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      lines.push(`${'  '.repeat(depth)}${s.name} [${String(s.resource.attributes['service.name'])}] ${attrs}`);
      walk(idOf(s), depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}
