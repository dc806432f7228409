import type { K8sObject } from './kubernetes.schema';

/**
 * The rules every rendered deployment of Lotse keeps (docs/deployment.md#kubernetes), as a list of
 * violations: empty when all hold. One function per rule, so a failure names the rule.
 */

type Labels = Record<string, string>;
type Pod = { owner: K8sObject; labels: Labels; spec: any };

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|PRIVATE|^DATABASE_URL$|^REDIS_URL$/;

export function matches(selector: Labels | undefined, labels: Labels | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return true;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export function pods(objects: K8sObject[]): Pod[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => ({ owner: o, labels: o.spec.template.metadata?.labels ?? {}, spec: o.spec.template.spec }));
}

const name = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
const component = (p: Pod) => p.labels['app.kubernetes.io/component'];

export function securityProblems(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const { owner, spec } of pods(objects)) {
    const at = name(owner);
    const pod = spec.securityContext ?? {};
    if (pod.runAsNonRoot !== true) out.push(`${at}: pod runAsNonRoot is not true`);
    if (!(pod.runAsUser > 0)) out.push(`${at}: pod runAsUser is not a non-root uid`);
    if (pod.seccompProfile?.type !== 'RuntimeDefault') out.push(`${at}: seccompProfile is not RuntimeDefault`);
    for (const host of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[host]) out.push(`${at}: ${host}`);
    if (spec.automountServiceAccountToken !== false) out.push(`${at}: service account token mounted`);
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const sc = c.securityContext ?? {};
      const where = `${at} container ${c.name}`;
      if (sc.privileged === true) out.push(`${where}: privileged`);
      if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.readOnlyRootFilesystem !== true) out.push(`${where}: root filesystem writable`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities not dropped`);
      if ((sc.capabilities?.add ?? []).length) out.push(`${where}: capabilities added`);
      if (sc.runAsUser === 0 || sc.runAsNonRoot === false) out.push(`${where}: runs as root`);
      const r = c.resources ?? {};
      for (const k of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']) {
        const [kind, res] = k.split('.');
        if (!r[kind]?.[res]) out.push(`${where}: no resources.${k}`);
      }
      if (c.command) out.push(`${where}: overrides the image's entrypoint (lotse); give args only`);
      if (!/:[\w.-]+$|@sha256:[0-9a-f]{64}$/.test(c.image ?? '') || /:latest$/.test(c.image))
        out.push(`${where}: image ${c.image} has no pinned tag or digest`);
    }
  }
  return out;
}

/** Probes on every long-running container, on a port the container declares. */
export function probeProblems(objects: K8sObject[], shutdownTimeoutMs: number): string[] {
  const out: string[] = [];
  const readinessPath: Record<string, string> = { gateway: '/readyz', worker: '/readyz', subgraph: '/healthz' };
  for (const pod of pods(objects)) {
    if (pod.owner.kind !== 'Deployment') continue;
    const at = name(pod.owner);
    const c = pod.spec.containers[0];
    const ports = new Set((c.ports ?? []).flatMap((p: any) => [p.name, p.containerPort]));
    const probe = (kind: string, path: string) => {
      const p = c[kind]?.httpGet;
      if (!p) return out.push(`${at}: no ${kind}`);
      if (p.path !== path) out.push(`${at}: ${kind} on ${p.path}, not ${path}`);
      if (!ports.has(p.port)) out.push(`${at}: ${kind} on port ${p.port}, which the container does not declare`);
    };
    probe('livenessProbe', '/healthz');
    probe('readinessProbe', readinessPath[component(pod)] ?? '?');
    const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
    const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
    if (grace * 1000 <= shutdownTimeoutMs + preStop * 1000)
      out.push(`${at}: terminationGracePeriodSeconds ${grace} leaves no time for SHUTDOWN_TIMEOUT_MS after preStop`);
  }
  return out;
}

/** Every Deployment is covered by a PodDisruptionBudget; autoscalers own the gateway's count. */
export function availabilityProblems(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  for (const pod of pods(objects)) {
    if (pod.owner.kind !== 'Deployment') continue;
    const at = name(pod.owner);
    const covering = pdbs.filter((p) => matches(p.spec.selector?.matchLabels, pod.labels));
    if (covering.length !== 1) out.push(`${at}: covered by ${covering.length} PodDisruptionBudgets, not 1`);
    const scaled = hpas.some((h) => h.spec.scaleTargetRef.name === pod.owner.metadata.name);
    if (scaled && pod.owner.spec.replicas !== undefined) out.push(`${at}: sets replicas although an HPA scales it`);
    if (!pod.spec.topologySpreadConstraints?.length) out.push(`${at}: no topology spread`);
  }
  for (const h of hpas) {
    const target = objects.find(
      (o) => o.kind === h.spec.scaleTargetRef.kind && o.metadata.name === h.spec.scaleTargetRef.name,
    );
    if (!target) out.push(`${name(h)}: targets ${h.spec.scaleTargetRef.name}, which does not exist`);
    if (!h.spec.metrics?.some((m: any) => m.resource?.name === 'cpu')) out.push(`${name(h)}: does not scale on CPU`);
  }
  const gateway = pods(objects).find((p) => component(p) === 'gateway');
  if (!gateway || !hpas.some((h) => h.spec.scaleTargetRef.name === gateway.owner.metadata.name))
    out.push('no HorizontalPodAutoscaler targets the gateway Deployment');
  const workers = pods(objects).filter((p) => component(p) === 'worker');
  if (workers.some((w) => hpas.some((h) => h.spec.scaleTargetRef.name === w.owner.metadata.name)))
    out.push('a worker is scaled on CPU (its load is the queue, not CPU)');
  return out;
}

export function jobProblems(objects: K8sObject[]): string[] {
  const jobs = objects.filter((o) => o.kind === 'Job');
  if (jobs.length !== 1) return [`${jobs.length} Jobs, expected the migrations Job only`];
  const spec = jobs[0].spec.template.spec;
  const out: string[] = [];
  if (JSON.stringify(spec.containers.map((c: any) => c.args)) !== JSON.stringify([['migrate']]))
    out.push(`${name(jobs[0])}: does not run \`lotse migrate\``);
  if (spec.restartPolicy !== 'Never') out.push(`${name(jobs[0])}: restartPolicy ${spec.restartPolicy}`);
  return out;
}

/**
 * Default deny; subgraph pods admitted only from gateway pods (a NetworkPolicy's peers are
 * additive, so every policy that selects a subgraph pod counts); workers only from monitoring.
 */
export function networkProblems(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const all = pods(objects);
  const denyAll = policies.some(
    (p) =>
      Object.keys(p.spec.podSelector ?? {}).length === 0 &&
      p.spec.policyTypes?.includes('Ingress') &&
      !(p.spec.ingress ?? []).length,
  );
  if (!denyAll) out.push('no default-deny ingress NetworkPolicy');
  const admitted = (target: Pod) => {
    const peers: any[] = [];
    for (const p of policies) {
      if (!matches(p.spec.podSelector?.matchLabels, target.labels)) continue;
      for (const rule of p.spec.ingress ?? []) {
        if (!rule.from?.length) out.push(`${name(p)}: a rule without \`from\` admits everyone`);
        peers.push(...(rule.from ?? []));
      }
    }
    return peers;
  };
  for (const sub of all.filter((p) => component(p) === 'subgraph')) {
    for (const peer of admitted(sub)) {
      if (peer.namespaceSelector || peer.ipBlock || !peer.podSelector?.matchLabels)
        out.push(`${name(sub.owner)}: admitted from ${JSON.stringify(peer)}, not only from gateway pods`);
      else
        for (const other of all.filter((p) => matches(peer.podSelector.matchLabels, p.labels)))
          if (component(other) !== 'gateway') out.push(`${name(sub.owner)}: reachable from ${name(other.owner)}`);
    }
    if (
      !all.some(
        (g) =>
          component(g) === 'gateway' && admitted(sub).some((peer) => matches(peer.podSelector?.matchLabels, g.labels)),
      )
    )
      out.push(`${name(sub.owner)}: not reachable from the gateway`);
  }
  for (const w of all.filter((p) => component(p) === 'worker'))
    for (const peer of admitted(w))
      if (
        peer.podSelector ||
        peer.ipBlock ||
        peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] !== 'monitoring'
      )
        out.push(`${name(w.owner)}: admitted from ${JSON.stringify(peer)}, not only from monitoring`);
  return out;
}

/** Secrets only by reference: no Secret object, no secret-looking literal in env or ConfigMap. */
export function secretProblems(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (o.kind === 'Secret') out.push(`${name(o)}: a Secret with its values in the repository`);
    if (o.kind === 'ConfigMap')
      for (const [k, v] of Object.entries<string>(o.data ?? {}))
        if (SECRET_NAME.test(k) || /:\/\/[^/\s]*:[^/\s]*@/.test(v)) out.push(`${name(o)}: ${k} looks like a secret`);
  }
  for (const { owner, spec } of pods(objects))
    for (const c of spec.containers)
      for (const e of c.env ?? []) {
        if (SECRET_NAME.test(e.name) && !e.valueFrom?.secretKeyRef)
          out.push(`${name(owner)}: ${e.name} not from a Secret`);
        if (typeof e.value === 'string' && /:\/\/[^/\s]*:[^/\s]*@/.test(e.value))
          out.push(`${name(owner)}: ${e.name} carries credentials`);
      }
  return out;
}

/** Only /graphql is public: an Ingress routes that exact path to the gateway Service, over TLS. */
export function ingressProblems(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const ingresses = objects.filter((o) => o.kind === 'Ingress');
  if (!ingresses.length) out.push('no Ingress');
  for (const ing of ingresses) {
    const hosts = ing.spec.rules.map((r: any) => r.host);
    const tls = (ing.spec.tls ?? []).flatMap((t: any) => t.hosts ?? []);
    for (const h of hosts) if (!tls.includes(h)) out.push(`${name(ing)}: ${h} without TLS`);
    if (ing.spec.defaultBackend) out.push(`${name(ing)}: a default backend publishes more than /graphql`);
    for (const rule of ing.spec.rules)
      for (const p of rule.http.paths) {
        if (p.path !== '/graphql' || p.pathType !== 'Exact')
          out.push(`${name(ing)}: publishes ${p.pathType} ${p.path}`);
        const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === p.backend.service?.name);
        const port = p.backend.service?.port;
        if (svc?.metadata.labels?.['app.kubernetes.io/component'] !== 'gateway')
          out.push(`${name(ing)}: routes to ${p.backend.service?.name}, not the gateway Service`);
        else if (!svc.spec.ports.some((sp: any) => sp.name === port?.name || sp.port === port?.number))
          out.push(`${name(ing)}: port ${JSON.stringify(port)} not on ${name(svc)}`);
      }
  }
  return out;
}
