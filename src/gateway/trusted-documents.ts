import { createHash } from 'node:crypto';
import {
  DocumentNode,
  GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { ARMOR_LIMITS, createArmor } from './armor';
import { costRefusal, DEFAULT_QUERY_COST_LIMIT, defaultVariables, operationCost } from './cost';
import { EXAMPLE_OPERATIONS } from './examples';

/**
 * Trusted documents: in production (TRUSTED_DOCUMENTS, default on there) the gateway runs only
 * operations a partner has registered (`lotse documents register`), each validated against the
 * schema and the query limits at registration. A partner sends the registered text, or refers to it
 * by hash:
 *
 * - `{ "query": "<exact registered text>" }` — its sha256 must be registered for this partner;
 * - `{ "documentId": "sha256:<hex>" }` (GraphQL over HTTP, persisted documents), also as a GET
 *   parameter;
 * - `{ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<hex>" } } }` (Apollo's
 *   format; Apollo Server's own automatic persisted queries are off, so a client can never register
 *   a document itself).
 *
 * Anything else is answered with HTTP 400 and PERSISTED_DOCUMENT_NOT_ALLOWED before it is parsed.
 * Over WebSocket the same forms apply to subscriptions (`query`, `extensions.persistedQuery`): both
 * transports resolve documents in admission (src/gateway/admission.ts). Each gateway process holds
 * one cache of a partner's documents for 30 s, shared by HTTP, WebSocket and the Idempotency-Key
 * check: a registration takes effect within 30 s, without a restart. With TRUSTED_DOCUMENTS off (development), any document runs and
 * references still resolve to registered documents.
 */

export const MANIFEST_FORMAT = 'apollo-persisted-query-manifest';
/** How long a gateway process keeps a partner's documents. */
export const TRUSTED_DOCUMENTS_TTL_MS = 30_000;
export const NOT_ALLOWED = 'PERSISTED_DOCUMENT_NOT_ALLOWED';
const HASH = /^[0-9a-f]{64}$/;

/** One operation of an Apollo persisted query manifest. */
export interface ManifestOperation {
  /** sha256 (lower-case hex) of `body`. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface PersistedQueryManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  operations: ManifestOperation[];
}

/** A manifest that cannot be registered; the message names the operation and the reason. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// ---------------------------------------------------------------------------------------------
// Manifests: format, validation, the demo partners' manifests

/** Checks the manifest's shape (not yet its operations); throws ManifestError. */
export function parseManifest(json: unknown): PersistedQueryManifest {
  const m = json as Partial<PersistedQueryManifest> | null;
  if (!m || typeof m !== 'object') throw new ManifestError('the manifest is not a JSON object');
  if (m.format !== MANIFEST_FORMAT) throw new ManifestError(`format must be "${MANIFEST_FORMAT}"`);
  if (m.version !== 1) throw new ManifestError('version must be 1');
  if (!Array.isArray(m.operations)) throw new ManifestError('operations must be an array');
  m.operations.forEach((op, i) => {
    const label = typeof op?.name === 'string' && op.name ? `operation "${op.name}"` : `operation #${i + 1}`;
    if (!op || typeof op !== 'object') throw new ManifestError(`${label}: not an object`);
    for (const field of ['id', 'name', 'type', 'body'] as const) {
      if (typeof op[field] !== 'string' || !op[field])
        throw new ManifestError(`${label}: ${field} must be a non-empty string`);
    }
  });
  return m as PersistedQueryManifest;
}

/** The composed supergraph as the gateway serves it, with its live subscriptions, built from the code (no database). */
export async function composedGatewaySchema(): Promise<GraphQLSchema> {
  // Loaded here only: the gateway at runtime (and http.ts) need none of the schema tooling.
  const { composeFromCode } = await import('../schema-files');
  const { schemaWithSubscriptions } = await import('./subscriptions');
  return schemaWithSubscriptions((await composeFromCode()).supergraph);
}

/**
 * Why the operation cannot be registered, or undefined if it can: id = sha256(body), one operation
 * of the stated name and type, valid against the schema, no introspection, and within every query
 * limit (tokens, depth, aliases, cost, directives) exactly as production checks them.
 */
export function operationProblem(
  op: ManifestOperation,
  schema: GraphQLSchema,
  costLimit = DEFAULT_QUERY_COST_LIMIT,
): string | undefined {
  if (!HASH.test(op.id)) return 'id must be a sha256 hash in lower-case hex';
  if (op.id !== sha256Hex(op.body)) return `id ${op.id} is not the sha256 of body (${sha256Hex(op.body)})`;
  let document: DocumentNode;
  try {
    document = parse(op.body, { maxTokens: ARMOR_LIMITS.maxTokens });
  } catch (err) {
    // graphql-js 16 says "more that 400 tokens"; reported as the gateway reports it.
    return (err as Error).message.replace(
      /^Syntax Error: Document contains more tha[nt] (\d+) tokens.*$/,
      'Token limit of $1 exceeded.',
    );
  }
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1) return `body must contain exactly one operation, found ${operations.length}`;
  const [operation] = operations;
  if (operation.name?.value !== op.name)
    return `body names the operation ${operation.name ? `"${operation.name.value}"` : '(anonymous)'}, the manifest "${op.name}"`;
  if (operation.operation !== op.type) return `body is a ${operation.operation}, the manifest says ${op.type}`;
  // Production's rules: armor without the development exemption for introspection, introspection off.
  const armor = createArmor({ env: 'production' });
  const errors = validate(schema, document, [
    ...specifiedRules,
    NoSchemaIntrospectionCustomRule,
    ...armor.validationRules,
  ]);
  if (errors.length) return errors.map((e) => e.message).join('; ');
  // Variables count with their defaults here; each request is checked again with its values.
  return costRefusal(operationCost(schema, document, operation, defaultVariables(schema, operation)), costLimit)
    ?.message;
}

/**
 * Parses and validates a whole manifest; throws ManifestError on the first problem, naming the
 * operation. This is the check of `lotse documents register` and of the test over trusted-documents/.
 */
export function checkManifest(
  json: unknown,
  schema: GraphQLSchema,
  costLimit = DEFAULT_QUERY_COST_LIMIT,
): PersistedQueryManifest {
  const manifest = parseManifest(json);
  const seen = new Set<string>();
  for (const op of manifest.operations) {
    if (seen.has(op.id)) throw new ManifestError(`operation "${op.name}": listed twice (id ${op.id})`);
    seen.add(op.id);
    const problem = operationProblem(op, schema, costLimit);
    if (problem) throw new ManifestError(`operation "${op.name}": ${problem}`);
  }
  return manifest;
}

/** The demo partners' manifests, one per partner, from the saved GraphiQL examples (file name → content). */
export function exampleManifestFiles(examples = EXAMPLE_OPERATIONS): Record<string, string> {
  const byPartner = new Map<string, ManifestOperation[]>();
  for (const ex of examples) {
    const operation = parse(ex.query).definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (!operation?.name || (operation.operation !== 'query' && operation.operation !== 'mutation')) {
      throw new Error(`example "${ex.title}" must be one named query or mutation`);
    }
    const ops = byPartner.get(ex.partner) ?? [];
    ops.push({ id: sha256Hex(ex.query), name: operation.name.value, type: operation.operation, body: ex.query });
    byPartner.set(ex.partner, ops);
  }
  const files: Record<string, string> = {};
  for (const [partner, operations] of [...byPartner].sort(([a], [b]) => a.localeCompare(b))) {
    const manifest: PersistedQueryManifest = { format: MANIFEST_FORMAT, version: 1, operations };
    files[`${partner}.json`] = `${JSON.stringify(manifest, null, 2)}\n`;
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// The per-process cache (enforcement is in admission.ts)

export interface TrustedDocumentSource {
  forPartner(partner: string): Promise<Array<{ hash: string; document: string }>>;
}

/** A partner's registered documents, loaded together and kept per process for a short time. */
export class CachedTrustedDocuments {
  private readonly cache = new Map<string, { at: number; documents: Promise<Map<string, string>> }>();

  constructor(
    private readonly source: TrustedDocumentSource,
    private readonly ttlMs = TRUSTED_DOCUMENTS_TTL_MS,
  ) {}

  /** The registered text of `hash` for `partner`, or undefined. */
  async find(partner: string, hash: string): Promise<string | undefined> {
    const now = Date.now();
    let hit = this.cache.get(partner);
    if (!hit || now - hit.at >= this.ttlMs) {
      const documents = this.source.forPartner(partner).then((rows) => new Map(rows.map((r) => [r.hash, r.document])));
      hit = { at: now, documents };
      this.cache.set(partner, hit);
      // A failed load is not cached: the request fails (fail closed), the next one tries again.
      documents.catch(() => {
        if (this.cache.get(partner) === hit) this.cache.delete(partner);
      });
    }
    return (await hit.documents).get(hash);
  }
}

/**
 * GraphQL over HTTP names a persisted document `documentId: "sha256:<hex>"` (POST body or GET
 * parameter); Apollo Server knows only `extensions.persistedQuery`, and drops unknown body fields.
 * Rewrites the one into the other, before Apollo reads the request.
 */
export function documentIdAsPersistedQuery(body: unknown, search: string): { body: unknown; search: string } {
  // Only `sha256:` ids are known; anything else becomes an empty hash, which admission refuses (BAD_REQUEST).
  const reference = (documentId: string) => ({
    version: 1,
    sha256Hash: documentId.startsWith('sha256:') ? documentId.slice('sha256:'.length) : '',
  });
  if (
    body &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    typeof (body as { documentId?: unknown }).documentId === 'string'
  ) {
    const { documentId, ...rest } = body as { documentId: string; extensions?: unknown };
    const extensions = rest.extensions && typeof rest.extensions === 'object' ? rest.extensions : {};
    body = { ...rest, extensions: { ...extensions, persistedQuery: reference(documentId) } };
  }
  const params = new URLSearchParams(search);
  const documentId = params.get('documentId');
  if (documentId !== null) {
    params.delete('documentId');
    let extensions: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(params.get('extensions') ?? '{}');
      if (parsed && typeof parsed === 'object') extensions = parsed;
    } catch {
      // Apollo reports the malformed parameter when it is left as it was.
      return { body, search };
    }
    params.set('extensions', JSON.stringify({ ...extensions, persistedQuery: reference(documentId) }));
    search = `?${params.toString()}`;
  }
  return { body, search };
}
