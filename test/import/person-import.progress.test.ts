import { ImportProgress } from '../../src/import/person-import.progress';

/** Progress output with a controlled clock: plain lines off a terminal, one redrawn line on it. */
describe('import progress', () => {
  const make = (tty: boolean) => {
    const out: string[] = [];
    let now = 0;
    const progress = new ImportProgress({ total: 3000, tty, write: (t) => out.push(t), now: () => now });
    return { out, progress, advance: (ms: number) => (now += ms) };
  };

  it('off a terminal: a plain line every 1,000 rows or 10 seconds, and the last count', () => {
    const { out, progress, advance } = make(false);
    for (let done = 1; done <= 999; done++) progress.update(done, 0);
    expect(out).toEqual([]);
    advance(2000);
    progress.update(1000, 0);
    expect(out).toEqual(['imported 1000/3000 rows (500/s)\n']);
    advance(10_000);
    progress.update(1001, 1);
    expect(out[1]).toBe('imported 1001/3000 rows (83/s, 1 failed)\n');
    progress.finish(1001, 1);
    expect(out).toHaveLength(3);
  });

  it('on a terminal: one line redrawn with a bar (at most ten times a second), ended by finish', () => {
    const { out, progress, advance } = make(true);
    advance(1000);
    progress.update(1500, 0);
    progress.update(1501, 0);
    expect(out).toEqual([`\r[${'#'.repeat(15)}${'.'.repeat(15)}] imported 1500/3000 rows (1500/s)`]);
    advance(1000);
    progress.finish(3000, 0);
    expect(out[1]).toBe(`\r[${'#'.repeat(30)}] imported 3000/3000 rows (1500/s)\n`);
  });
});
