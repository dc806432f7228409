import fs from 'node:fs';
import path from 'node:path';
import {
  availabilityProblems,
  ingressProblems,
  jobProblems,
  matches,
  networkProblems,
  pods,
  probeProblems,
  secretProblems,
  securityProblems,
} from './kubernetes.policy';
import { loadConfig } from '../../src/config';
import { K8sObject, kustomizeRenderer, parseManifests, sourceObjects, validateObject } from './kubernetes.schema';

/**
 * deploy/kubernetes, offline: every source file and every rendered overlay against the Kubernetes
 * schemas (strict), and the rendered overlays against the deployment's rules. Rendering needs
 * `kubectl kustomize` (or kustomize v5): skipped locally without it, required in CI.
 */

const root = path.resolve(__dirname, '../..');
const deployDir = path.join(root, 'deploy/kubernetes');
const render = kustomizeRenderer();
const withRenderer = render || process.env.CI ? describe : describe.skip;
const OVERLAYS = ['city', 'state'];
const SUBGRAPHS = ['city', 'jobcenter', 'courses', 'hub'];

describe('Kubernetes manifests: schemas', () => {
  const sources = sourceObjects(deployDir);

  it('every object in deploy/kubernetes is valid for the Kubernetes API, with no unknown field', () => {
    expect(sources.length).toBeGreaterThan(10);
    const problems = sources.flatMap(({ file, object }) =>
      validateObject(object).map((p) => `${path.relative(root, file)}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('the validator refuses an unknown field, a wrong type, a missing field and an unknown kind', () => {
    const deployment = sources.find((s) => s.object.kind === 'Deployment')!.object;
    const copy = () => structuredClone(deployment);
    const typo = copy();
    typo.spec.template.spec.containers[0].readinessProbe.httpGet.paht = '/readyz';
    expect(validateObject(typo)).toEqual([expect.stringContaining('/readinessProbe/httpGet/paht is not a field')]);
    const wrongType = copy();
    wrongType.spec.template.spec.terminationGracePeriodSeconds = '45';
    expect(validateObject(wrongType).join()).toContain('terminationGracePeriodSeconds must be integer');
    const missing = copy();
    delete missing.spec.template.spec.containers[0].name;
    expect(validateObject(missing).join()).toContain('/containers/0 must have required property name');
    expect(validateObject({ ...copy(), apiVersion: 'extensions/v1beta1' }).join()).toContain('unknown kind');
    expect(validateObject({ ...copy(), kind: 'Deploymnet' }).join()).toContain('unknown kind');
  });

  it('the Dockerfile runs as the uid the pods require, with the entrypoint the pods rely on', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    // A numeric USER: Kubernetes can verify runAsNonRoot only against a uid, not a user name.
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/lotse\.js"\]$/m);
    for (const { object } of sources.filter((s) => ['Deployment', 'Job'].includes(s.object.kind)))
      expect(object.spec.template.spec.securityContext.runAsUser).toBe(1000);
  });
});

withRenderer('Kubernetes manifests: rendered overlays', () => {
  const rendered: Record<string, K8sObject[]> = {};
  beforeAll(() => {
    if (!render) throw new Error('CI needs kubectl (kustomize v5) to render deploy/kubernetes; install it');
    for (const overlay of OVERLAYS)
      rendered[overlay] = parseManifests(render(path.join(deployDir, 'overlays', overlay)));
  });
  const config = (objects: K8sObject[]) => objects.find((o) => o.kind === 'ConfigMap')!.data as Record<string, string>;

  it.each(OVERLAYS)('%s: every rendered object is valid for the Kubernetes API, with no unknown field', (overlay) => {
    expect(rendered[overlay].flatMap(validateObject)).toEqual([]);
    const namespaced = rendered[overlay].filter((o) => o.kind !== 'Namespace');
    expect(namespaced.filter((o) => o.metadata.namespace !== 'lotse').map((o) => o.metadata.name)).toEqual([]);
  });

  it.each(OVERLAYS)('%s: no privileges, no root, read-only root filesystem, resources, pinned image', (overlay) => {
    expect(securityProblems(rendered[overlay])).toEqual([]);
    const ns = rendered[overlay].find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it.each(OVERLAYS)('%s: probes on every container, grace period longer than the shutdown timeout', (overlay) => {
    const cfg = config(rendered[overlay]);
    expect(Number(cfg.SHUTDOWN_TIMEOUT_MS)).toBeGreaterThan(0);
    expect(probeProblems(rendered[overlay], Number(cfg.SHUTDOWN_TIMEOUT_MS))).toEqual([]);
    const worker = pods(rendered[overlay]).find((p) => p.labels['app.kubernetes.io/component'] === 'worker')!;
    expect(worker.spec.containers[0].ports).toEqual([{ name: 'metrics', containerPort: Number(cfg.WORKER_PORT) }]);
  });

  it.each(OVERLAYS)('%s: disruption budgets, topology spread, the autoscaler on the gateway', (overlay) => {
    expect(availabilityProblems(rendered[overlay])).toEqual([]);
  });

  it.each(OVERLAYS)('%s: the migrations Job runs `lotse migrate`', (overlay) => {
    expect(jobProblems(rendered[overlay])).toEqual([]);
  });

  it.each(OVERLAYS)('%s: default deny; subgraphs only from gateways; workers only from monitoring', (overlay) => {
    expect(networkProblems(rendered[overlay])).toEqual([]);
  });

  it.each(OVERLAYS)('%s: secrets only by reference, never as values', (overlay) => {
    expect(secretProblems(rendered[overlay])).toEqual([]);
    const refs = pods(rendered[overlay]).flatMap((p) =>
      p.spec.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef?.name)),
    );
    expect(new Set(refs.filter(Boolean))).toEqual(new Set(['lotse-secrets']));
    expect(config(rendered[overlay]).LOTSE_ENV).toBe('production');
  });

  it.each(OVERLAYS)('%s: the Ingress publishes /graphql only, over TLS, to the gateway', (overlay) => {
    expect(ingressProblems(rendered[overlay])).toEqual([]);
  });

  it.each(OVERLAYS)('%s: every Service selects pods and a port they declare', (overlay) => {
    const all = pods(rendered[overlay]);
    for (const svc of rendered[overlay].filter((o) => o.kind === 'Service')) {
      const selected = all.filter((p) => matches(svc.spec.selector, p.labels));
      expect([svc.metadata.name, selected.length > 0]).toEqual([svc.metadata.name, true]);
      for (const p of selected)
        for (const port of svc.spec.ports)
          expect(p.spec.containers[0].ports.map((cp: any) => cp.name)).toContain(port.targetPort);
    }
  });

  it.each(OVERLAYS)(
    '%s: the environment of every container is a valid production configuration of Lotse',
    (overlay) => {
      const cfg = config(rendered[overlay]);
      for (const { owner, spec } of pods(rendered[overlay])) {
        const env: Record<string, string> = { ...cfg };
        for (const e of spec.containers[0].env ?? []) {
          // An optional Secret key the operator did not create leaves the variable unset (REDIS_SENTINEL_PASSWORD).
          if (e.valueFrom?.secretKeyRef?.optional) continue;
          env[e.name] = e.value ?? `stand-in-for-${e.name}-`.padEnd(40, 'x');
        }
        env.DATABASE_URL = 'postgres://lotse@db:5432/lotse';
        env.REDIS_URL = 'redis://redis:6379';
        const parsed = (() => {
          try {
            return loadConfig(env);
          } catch (err) {
            return `${owner.metadata.name}: ${(err as Error).message}`;
          }
        })();
        expect(typeof parsed === 'string' ? parsed : parsed.env).toBe('production');
      }
    },
  );

  it.each(OVERLAYS)(
    '%s: the first step of a release brings what the migrations Job needs, and no Deployment',
    (overlay) => {
      // kubectl apply -k OVERLAY -l 'app.kubernetes.io/component!=gateway,…!=worker,…!=subgraph'
      const rolled = ['gateway', 'worker', 'subgraph'];
      const first = rendered[overlay].filter(
        (o) => !rolled.includes(o.metadata.labels?.['app.kubernetes.io/component'] ?? ''),
      );
      const has = (kind: string, name: string) => first.some((o) => o.kind === kind && o.metadata.name === name);
      expect(
        first.filter((o) => ['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'].includes(o.kind)),
      ).toEqual([]);
      const job = first.find((o) => o.kind === 'Job')!;
      const spec = job.spec.template.spec;
      expect(has('Namespace', job.metadata.namespace ?? '')).toBe(true);
      expect(has('ServiceAccount', spec.serviceAccountName)).toBe(true);
      for (const from of spec.containers[0].envFrom) expect(has('ConfigMap', from.configMapRef.name)).toBe(true);
    },
  );

  it('city: the gateways run the subgraphs in-process', () => {
    const objects = rendered.city;
    expect(pods(objects).filter((p) => p.labels['app.kubernetes.io/component'] === 'subgraph')).toEqual([]);
    const gateway = pods(objects).find((p) => p.labels['app.kubernetes.io/component'] === 'gateway')!;
    expect(gateway.spec.containers[0].args).toEqual(['gateway']);
    expect(JSON.stringify(gateway.spec)).not.toContain('LOTSE_SUBGRAPH_URLS');
  });

  it('state: each subgraph its own Deployment and Service, and the gateways call exactly those', () => {
    const objects = rendered.state;
    const gateway = pods(objects).find((p) => p.labels['app.kubernetes.io/component'] === 'gateway')!;
    const urls = gateway.spec.containers[0].env.find((e: any) => e.name === 'LOTSE_SUBGRAPH_URLS')?.value ?? '';
    const named = Object.fromEntries(urls.split(',').map((pair: string) => pair.split('=')));
    expect(Object.keys(named).sort()).toEqual([...SUBGRAPHS].sort());
    for (const sub of SUBGRAPHS) {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `lotse-subgraph-${sub}`)!;
      const [, port] = deployment.spec.template.spec.containers[0].args.slice(2);
      expect(deployment.spec.template.spec.containers[0].args).toEqual(['subgraph', sub, '--port', port]);
      const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === `lotse-subgraph-${sub}`)!;
      expect(named[sub]).toBe(`http://${svc.metadata.name}:${svc.spec.ports[0].port}/graphql`);
      expect(String(svc.spec.ports[0].port)).toBe(port);
      expect(matches(svc.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
      const others = pods(objects).filter((p) => p.owner !== deployment && matches(svc.spec.selector, p.labels));
      expect(others.map((p) => p.owner.metadata.name)).toEqual([]);
    }
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'lotse-gateway')!;
    expect(hpa.spec.maxReplicas).toBeGreaterThan(
      rendered.city.find((o) => o.metadata.name === 'lotse-gateway' && o.kind === hpa.kind)!.spec.maxReplicas,
    );
  });

  it('the rules catch what they name (a privileged container, a subgraph open to workers, a literal secret)', () => {
    const broken = structuredClone(rendered.state);
    const worker = broken.find((o) => o.kind === 'Deployment' && o.metadata.name === 'lotse-worker')!;
    worker.spec.template.spec.containers[0].securityContext.privileged = true;
    worker.spec.template.spec.containers[0].env.push({ name: 'LOTSE_INTERNAL_SECRET', value: 'x'.repeat(32) });
    const np = broken.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'lotse-subgraph-ingress')!;
    np.spec.ingress[0].from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'worker' } } });
    delete worker.spec.template.spec.containers[0].readinessProbe;
    expect(securityProblems(broken)).toEqual(['Deployment/lotse-worker container worker: privileged']);
    expect(secretProblems(broken)).toEqual(['Deployment/lotse-worker: LOTSE_INTERNAL_SECRET not from a Secret']);
    expect(networkProblems(broken).join('\n')).toContain('reachable from Deployment/lotse-worker');
    expect(probeProblems(broken, 30000)).toEqual(['Deployment/lotse-worker: no readinessProbe']);
  });
});
