import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';

/**
 * Offline validation of Kubernetes objects against the API's own schemas, as shipped (compiled) by
 * kubernetes-models (Kubernetes 1.33's OpenAPI). Strict like `kubectl apply --validate=strict`: a
 * field the schema does not define is an error, not silently dropped by the API server.
 */

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
} & Record<string, any>;

/** The API groups the manifests use; an object of any other apiVersion is refused (extend on purpose). */
const GROUPS: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'batch/v1': batch,
  'autoscaling/v2': autoscaling,
  'policy/v1': policy,
  'networking.k8s.io/v1': networking,
};

interface ModelClass {
  apiVersion: string;
  kind: string;
  prototype: { validate(): void };
}

/**
 * Problems of one object, as "Kind/name: /path message". The compiled validators accept unknown
 * properties (the OpenAPI schemas do not forbid them), so the object is validated through a proxy
 * that records which properties the validator looked at: it reads every property its schema
 * defines and enumerates free-form maps (labels, data), so a property it never touched is unknown.
 */
export function validateObject(obj: K8sObject): string[] {
  const where = `${obj?.kind}/${obj?.metadata?.name}`;
  const group = GROUPS[obj?.apiVersion];
  const model = group?.[obj?.kind] as ModelClass | undefined;
  if (!model || model.apiVersion !== obj.apiVersion || model.kind !== obj.kind)
    return [`${where}: unknown kind ${obj?.kind} in apiVersion ${obj?.apiVersion}`];
  const problems: string[] = [];
  const visited = new Map<object, { path: string; read: Set<string> }>();
  const proxies = new Map<object, unknown>();
  const track = (value: unknown, at: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (proxies.has(value)) return proxies.get(value);
    const read = new Set<string>();
    visited.set(value, { path: at, read });
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const child = Reflect.get(target, key, receiver);
        if (typeof key !== 'string' || !Object.hasOwn(target, key)) return child;
        read.add(key);
        return track(child, `${at}/${key}`);
      },
      ownKeys(target) {
        const keys = Reflect.ownKeys(target);
        for (const k of keys) if (typeof k === 'string') read.add(k);
        return keys;
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  try {
    model.prototype.validate.call(track(obj, ''));
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string; params?: unknown }[] }).errors;
    if (!errors) throw err;
    for (const e of errors)
      problems.push(`${where}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
  for (const [value, { path: at, read }] of visited)
    for (const key of Object.keys(value)) if (!read.has(key)) problems.push(`${where}: ${at}/${key} is not a field`);
  return problems;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/** Every Kubernetes object of the YAML files under `dir` that are not kustomizations. */
export function sourceObjects(dir: string): { file: string; object: K8sObject }[] {
  const out: { file: string; object: K8sObject }[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name) || entry.name === 'kustomization.yaml') continue;
    const file = path.join(entry.parentPath, entry.name);
    for (const object of parseManifests(fs.readFileSync(file, 'utf8'))) out.push({ file, object });
  }
  return out;
}

/**
 * How to render a kustomization here: `kubectl kustomize` (kustomize v5 built in), else a
 * `kustomize` v5 binary; null when neither is installed.
 */
export function kustomizeRenderer(): ((dir: string) => string) | null {
  const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
  if (has('kubectl', ['version', '--client']))
    return (dir) => execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 32 << 20 });
  if (has('kustomize', ['version']))
    return (dir) => execFileSync('kustomize', ['build', dir], { encoding: 'utf8', maxBuffer: 32 << 20 });
  return null;
}
