import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isNode, isPair, isScalar, LineCounter, Node, parseDocument, Document } from 'yaml';
import { asText, CityConfig, entryLabel, naturalKey, SECTIONS } from './configuration.format';
import { cityConfigSchema } from './configuration.schema';

export type ConfigPath = Array<string | number>;

/** One thing wrong with the file, where it is: `city.yaml:12:7 partners[3].scopes[1]: …`. */
export interface ConfigProblem {
  path: ConfigPath;
  /** 1-based; 0 when the position is unknown. */
  line: number;
  col: number;
  message: string;
}

/** The file cannot be used; every problem found is listed, nothing was written. */
export class ConfigFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'ConfigFileError';
  }
}

/** `partners[3].scopes[1]`. */
export function formatPath(path: ConfigPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

export function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.line ? `${file}:${p.line}:${p.col}` : file;
  const path = formatPath(p.path);
  return `${where}${path ? ` ${path}` : ''}: ${p.message}`;
}

/** A parsed, valid file and a way back from a path in it to its place in the text. */
export interface ParsedConfig {
  file: string;
  config: CityConfig;
  /** Line and column of the value at `path` (or of the nearest enclosing value that exists). */
  locate(path: ConfigPath): { line: number; col: number };
}

/**
 * Reads city.yaml (YAML 1.2: `05566` is a number there, so AGS are quoted) and checks it against
 * the JSON Schema and for entries named twice. Throws ConfigFileError listing every problem.
 */
export function parseCityConfig(text: string, file: string): ParsedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const position = (offset: number) => lineCounter.linePos(offset);
  const locate = (path: ConfigPath) => position(nodeAt(doc, path)?.range?.[0] ?? 0);
  if (doc.errors.length) {
    throw new ConfigFileError(
      file,
      doc.errors.map((e) => ({
        path: [],
        line: e.linePos?.[0].line ?? 0,
        col: e.linePos?.[0].col ?? 0,
        message: `not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  const data: unknown = doc.toJS();
  const validate = compiledSchema();
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((e) => schemaProblem(doc, e, locate, position));
    throw new ConfigFileError(file, mergeMissing(dedupe(problems)));
  }
  const config = data as CityConfig;
  const duplicates = findDuplicates(config, locate);
  if (duplicates.length) throw new ConfigFileError(file, duplicates);
  return { file, config, locate };
}

/**
 * Compiling the schema costs far more than validating a file with it, and every test app loads the
 * demo file: compiled once per process. Pure code of a constant schema, no state or configuration.
 */
let compiled: ValidateFunction | undefined;
const compiledSchema = (): ValidateFunction =>
  (compiled ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(cityConfigSchema()));

function schemaProblem(
  doc: Document,
  e: ErrorObject,
  locate: (path: ConfigPath) => { line: number; col: number },
  position: (offset: number) => { line: number; col: number },
): ConfigProblem {
  const path: ConfigPath = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const value = nodeAt(doc, path);
  const source = isScalar(value) ? (value as { source?: string }).source : undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const at = [...path, key];
      return { path: at, ...position(keyOffset(doc, path, key)), message: `unknown field "${key}"` };
    }
    case 'required':
      return { path, ...locate(path), message: `missing field "${String(e.params.missingProperty)}"` };
    case 'enum':
      return {
        path,
        ...locate(path),
        message: `${JSON.stringify(valueAt(doc, path))} is not one of: ${(e.params.allowedValues as unknown[]).map((v) => (v === null ? '(empty)' : asText(v))).join(', ')}`,
      };
    case 'type': {
      const wanted = String(e.params.type);
      // YAML reads 05566076 as the number 5566076: the leading zero of an AGS is lost unless quoted.
      const hint =
        wanted.startsWith('string') && typeof valueAt(doc, path) === 'number'
          ? ` (write it in quotes: '${source ?? String(valueAt(doc, path))}')`
          : '';
      return { path, ...locate(path), message: `must be ${wanted.replace(',', ' or ')}${hint}` };
    }
    case 'const':
      return { path, ...locate(path), message: `must be ${JSON.stringify(e.params.allowedValue)}` };
    default:
      return { path, ...locate(path), message: e.message ?? e.keyword };
  }
}

/** Two entries with the same key would be applied one over the other: refused, both named. */
function findDuplicates(config: CityConfig, locate: (path: ConfigPath) => { line: number; col: number }) {
  const problems: ConfigProblem[] = [];
  for (const section of SECTIONS) {
    const seen = new Map<string, number>();
    (config[section] ?? []).forEach((entry, i) => {
      const key = naturalKey(section, entry);
      const first = seen.get(key);
      if (first === undefined) return void seen.set(key, i);
      const firstAt = locate([section, first]);
      problems.push({
        path: [section, i],
        ...locate([section, i]),
        message: `${entryLabel(section, entry)} is already named at line ${firstAt.line} (${formatPath([section, first])})`,
      });
    });
  }
  return problems;
}

/** `missing fields "kind", "scopes"` in one line instead of one line per field. */
function mergeMissing(problems: ConfigProblem[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const byPath = new Map<string, ConfigProblem>();
  for (const p of problems) {
    const field = /^missing field (".*")$/.exec(p.message)?.[1];
    const key = formatPath(p.path);
    const earlier = field ? byPath.get(key) : undefined;
    if (field && earlier)
      earlier.message = `${earlier.message.replace(/^missing field /, 'missing fields ')}, ${field}`;
    else {
      if (field) byPath.set(key, p);
      out.push(p);
    }
  }
  return out;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${formatPath(p.path)}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function nodeAt(doc: Document, path: ConfigPath): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node)) return node;
  }
  return undefined;
}

function valueAt(doc: Document, path: ConfigPath): unknown {
  const node = path.length ? doc.getIn(path, true) : doc.contents;
  return isNode(node) ? node.toJSON() : node;
}

/** Where a key of a map is written (an unknown field points at its name); else where the map is. */
function keyOffset(doc: Document, path: ConfigPath, key: string): number {
  const map = path.length ? doc.getIn(path, true) : doc.contents;
  if (!isMap(map)) return nodeAt(doc, path)?.range?.[0] ?? 0;
  const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
  return (pair && isScalar(pair.key) && pair.key.range?.[0]) || (map.range?.[0] ?? 0);
}
