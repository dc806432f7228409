import { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  DocumentNode,
  getIntrospectionQuery,
  GraphQLError,
  Kind,
  parse,
  print,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { Config } from '../config';

/**
 * Query limits of the gateway (graphql-armor, tuned). The token limit applies while parsing, the
 * others as validation rules: nothing of an operation over a limit runs. The saved GraphiQL examples
 * are checked against them in test/gateway/hardening.test.ts. The cost limit is not armor's: it
 * needs the operation's variables, so admission checks it after validation (src/gateway/cost.ts).
 */
export const ARMOR_LIMITS = {
  /** Nesting of fields; fragments do not count as a level (flattenFragments), `__schema` does. */
  maxDepth: 7,
  /** Aliases per operation, `__typename` included (empty allow-list). */
  maxAliases: 5,
  /** Lexical tokens per document: stops field duplication (500 × `__typename`) before parsing ends. */
  maxTokens: 400,
  /** Directives per operation, unknown ones included. */
  maxDirectives: 5,
} as const;

type ArmorConfig = NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>;
type RejectHandler = (ctx: ValidationContext | null, error: GraphQLError) => void;

export interface Armor<TContext extends BaseContext> {
  plugins: ApolloServerPlugin<TContext>[];
  validationRules: ValidationRule[];
  allowBatchedHttpRequests: false;
  includeStacktraceInErrorResponses: false;
}

/** armor says "Syntax Error: Query depth limit of 7 exceeded, found 8."; it is not a syntax error. */
const clean = (message: string) => message.replace(/^Syntax Error: /, '');

/**
 * A limit violation is reported as a validation error of its own (GRAPHQL_VALIDATION_FAILED, HTTP
 * 400 by Apollo) instead of armor's default for Apollo (BAD_USER_INPUT, which Apollo overrides).
 */
const reportToContext: RejectHandler = (ctx, error) => {
  ctx?.reportError(new GraphQLError(clean(error.message), { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
};

/** The options handed to graphql-armor; a fresh object per call (armor mutates it). */
export function armorConfig(onReject: RejectHandler = reportToContext, onTokenLimit?: RejectHandler): ArmorConfig {
  const reject = { exposeLimits: true, propagateOnRejection: false, onReject: [onReject] };
  return {
    maxDepth: { n: ARMOR_LIMITS.maxDepth, ignoreIntrospection: false, flattenFragments: true, ...reject },
    maxAliases: { n: ARMOR_LIMITS.maxAliases, allowList: [], ...reject },
    // Off here: the cost depends on variables, which validation cannot see (src/gateway/cost.ts).
    costLimit: { enabled: false },
    maxDirectives: { n: ARMOR_LIMITS.maxDirectives, ...reject },
    // The token limit runs in the parser and must throw to stop it (see tokenLimitPlugin).
    maxTokens: {
      n: ARMOR_LIMITS.maxTokens,
      exposeLimits: true,
      propagateOnRejection: true,
      onReject: onTokenLimit ? [onTokenLimit] : [],
    },
    blockFieldSuggestion: { enabled: true, mask: '' },
  };
}

/**
 * graphql-armor for Apollo Server 5 with our limits, plus two repairs of its Apollo integration:
 *
 * - Its token-limit plugin parses in `parsingDidStart` and turns *every* unexpected error of the
 *   server into a GRAPHQL_VALIDATION_FAILED error carrying the original message, which our
 *   formatError passes through (internal details would leak) and answers with HTTP 500. We keep its
 *   parser (the limit) but pass on only the token-limit error, as a 400; other syntax errors are
 *   left to Apollo's own parser (GRAPHQL_PARSE_FAILED), unexpected errors stay masked.
 * - Its field-suggestion mask only knows `Did you mean "x"?`; graphql-js also says `Did you mean
 *   the enum value "X"?` and `Did you mean to use an inline fragment on "T"?`. We remove every
 *   "Did you mean …?" from every error message (validation, variable coercion, subgraph errors).
 *
 * In development and test, where introspection is on, the standard introspection documents of
 * graphql-js (what GraphiQL, Altair or codegen send) are exempt from the limits: they are fixed,
 * so their size is bounded by the schema, and GraphiQL needs them for docs and completion. Any other
 * `__schema` query is limited (depth 7 included). In production introspection is off entirely.
 */
export function createArmor<TContext extends BaseContext>(config: Pick<Config, 'env'>): Armor<TContext> {
  const tokenLimitErrors = new WeakSet<Error>();
  const protection = new ApolloArmor(armorConfig(reportToContext, (_ctx, err) => tokenLimitErrors.add(err))).protect();
  const armorPlugins = protection.plugins as ApolloServerPlugin<TContext>[];

  const plugins: ApolloServerPlugin<TContext>[] = [suggestionScrubber<TContext>()];
  for (const plugin of armorPlugins)
    plugins.push(plugin.unexpectedErrorProcessingRequest ? tokenLimitPlugin(plugin, tokenLimitErrors) : plugin);

  const exempt = config.env === 'production' ? undefined : isStandardIntrospection;
  const validationRules = exempt
    ? protection.validationRules.map((rule) => exemptStandardIntrospection(rule, exempt))
    : protection.validationRules;
  return { plugins, validationRules, allowBatchedHttpRequests: false, includeStacktraceInErrorResponses: false };
}

const SUGGESTION = /\s*Did you mean\b[^?]*\?/g;

/** Removes "Did you mean …?" from error messages before they are formatted. */
export function scrubSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

export function suggestionScrubber<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  const scrub = (errors: ReadonlyArray<Error>) => {
    for (const error of errors) {
      const message = scrubSuggestions(error.message);
      if (message !== error.message) error.message = message;
    }
  };
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          scrub(errors);
        },
        async didEncounterSubsequentErrors(_ctx, errors) {
          scrub(errors);
        },
      };
    },
  };
}

/** graphql-armor's token limit, with its error answered as a 400 and nothing else rewritten. */
function tokenLimitPlugin<TContext extends BaseContext>(
  armor: ApolloServerPlugin<TContext>,
  tokenLimitErrors: WeakSet<Error>,
): ApolloServerPlugin<TContext> {
  const answered = new WeakSet<Error>();
  return {
    async requestDidStart(requestContext) {
      const inner = await armor.requestDidStart?.(requestContext);
      return {
        async parsingDidStart(ctx) {
          try {
            await inner?.parsingDidStart?.(ctx);
          } catch (err) {
            if (!(err instanceof Error) || !tokenLimitErrors.has(err)) return; // Apollo's parser reports it.
            const error = new GraphQLError(clean(err.message), {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
            answered.add(error);
            throw error;
          }
        },
      };
    },
    // Apollo hands errors thrown before execution here; rethrowing makes this error the response.
    async unexpectedErrorProcessingRequest({ error }) {
      if (answered.has(error)) throw error;
    },
  };
}

/**
 * Every document graphql-js's getIntrospectionQuery can produce, in this version and as versions
 * before 16.10 wrote it (root types without `kind`; GraphiQL 3 bundles such a version), with and
 * without `subscriptionType` (GraphiQL retries without it).
 */
const STANDARD_INTROSPECTION = (() => {
  const printed = new Set<string>();
  const flags = [
    'descriptions',
    'specifiedByUrl',
    'directiveIsRepeatable',
    'schemaDescription',
    'inputValueDeprecation',
    'oneOf',
  ] as const;
  for (let bits = 0; bits < 1 << flags.length; bits++) {
    const options = Object.fromEntries(flags.map((f, i) => [f, Boolean(bits & (1 << i))]));
    const current = getIntrospectionQuery(options);
    const older = current.replace(/(queryType|mutationType|subscriptionType) \{ name kind \}/g, '$1 { name }');
    for (const query of [current, older]) {
      for (const variant of [query, query.replace(/subscriptionType \{ name( kind)? \}/, '')])
        printed.add(print(parse(variant)));
    }
  }
  return printed;
})();

const introspectionVerdicts = new WeakMap<DocumentNode, boolean>();

/** One of graphql-js's standard introspection documents (GraphiQL's, codegen's): exempt from the limits outside production. */
export function isStandardIntrospection(document: DocumentNode): boolean {
  let verdict = introspectionVerdicts.get(document);
  if (verdict === undefined) {
    const first = document.definitions[0];
    verdict =
      first?.kind === Kind.OPERATION_DEFINITION &&
      first.name?.value === 'IntrospectionQuery' &&
      STANDARD_INTROSPECTION.has(print(document));
    introspectionVerdicts.set(document, verdict);
  }
  return verdict;
}

function exemptStandardIntrospection(
  rule: ValidationRule,
  exempt: (document: DocumentNode) => boolean,
): ValidationRule {
  return (context) => (exempt(context.getDocument()) ? {} : rule(context));
}
