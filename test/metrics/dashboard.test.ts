import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, TestApp } from '../helpers/app';
import { ROOT } from '../helpers/lotse-process';

const DASHBOARD = path.join(ROOT, 'deploy', 'grafana', 'lotse-dashboard.json');

interface Panel {
  title?: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

/** Every query of the dashboard: panels (rows' too) and template variables. */
function queries(dashboard: { panels: Panel[]; templating: { list: Array<{ definition?: string }> } }): string[] {
  const all = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...all(p.panels ?? [])]);
  return [
    ...all(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
    ...dashboard.templating.list.map((v) => v.definition ?? ''),
  ].filter(Boolean);
}

/**
 * deploy/grafana/lotse-dashboard.json cannot drift from the code: every metric its queries name is
 * in the registry of a running gateway (histograms by their _bucket, _count and _sum series).
 */
describe('the Grafana dashboard', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('parses, takes its Prometheus data source from a variable, and names only metrics the code exports', async () => {
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8'));
    expect(dashboard.templating.list.find((v: { name: string }) => v.name === 'datasource')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    const panels = (dashboard.panels as Panel[]).filter((p) => p.targets);
    expect(panels.length).toBeGreaterThan(10);
    for (const p of panels) expect([p.title, p.datasource?.uid]).toEqual([p.title, '${datasource}']);

    const exported = new Map(
      (await app.container.metrics.registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]),
    );
    const series = (name: string) => {
      if (exported.has(name)) return true;
      const base = name.replace(/_(bucket|count|sum)$/, '');
      return base !== name && exported.get(base) === 'histogram';
    };
    const named = [...new Set(queries(dashboard).flatMap((q) => q.match(/\blotse_[a-z0-9_]+/g) ?? []))];
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((n) => !series(n))).toEqual([]);
  });
});
