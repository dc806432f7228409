/**
 * Preloaded into a process the bench measures (`node --require dist/bench/lib/heap-probe.js`):
 * after every full (mark-compact) collection it appends the heap still in use, in bytes, as a
 * line to LOTSE_BENCH_HEAP_FILE. That is the live heap, which a leak makes grow; the RSS also
 * follows when the collector happens to run and how much heap V8 keeps reserved.
 */
import fs from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

const file = process.env.LOTSE_BENCH_HEAP_FILE;
if (file) {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        fs.appendFileSync(file, `${Math.round(entry.startTime)} ${v8.getHeapStatistics().used_heap_size}\n`);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  // The observer must not keep the process alive.
  (observer as unknown as { unref?: () => void }).unref?.();
}
