import {
  coerceInputValue,
  DocumentNode,
  getOperationAST,
  GraphQLSchema,
  isInputType,
  isNonNullType,
  Kind,
  typeFromAST,
  ValueNode,
  visit,
} from 'graphql';
import { AppError, badInput } from '../../shared/errors';

/**
 * Control characters other than tab, line feed and carriage return: PostgreSQL refuses NUL in
 * text, and none of them belongs in a name, an identifier or a note.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Checks an operation's input before it executes (at the gateway against the partner's variables,
 * in every subgraph against the gateway's), and answers every failing value as BAD_USER_INPUT
 * naming its field, all of them at once. graphql-js would report invalid
 * variables without a code and under the variable's name, which the gateway invents when it
 * turns the partner's literals into variables (`$_v0_from`); partners wrote arguments. `field`
 * names the argument, or within an input object the path below it (`validFrom`,
 * `address.postalCode`), as the services' own checks do.
 */
export function checkOperationInput(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): AppError[] {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return [];
  const usedAt = argumentsOfVariables(document);
  const errors: AppError[] = [];
  const refuse = (field: string, reason: string) => errors.push(badInput(`${field}: ${reason}`, field));

  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const arg = usedAt.get(name) ?? { field: name, nested: false };
    const type = typeFromAST(schema, def.type);
    if (!type || !isInputType(type)) continue;
    const value = variables?.[name];
    if (value === undefined && def.defaultValue) continue;
    if (value == null) {
      if (isNonNullType(type)) refuse(arg.field, 'a value is required');
      continue;
    }
    coerceInputValue(value, type, (path, _invalid, error) => {
      // A missing or unknown input field is reported at its object: name the field itself.
      const inner = /^Field "(\w+)" (?:of required type|is not defined)/.exec(error.message)?.[1];
      refuse(fieldName(arg, inner ? [...path, inner] : path), error.message);
    });
    forEachString(value, [], (path, s) => {
      if (CONTROL.test(s)) refuse(fieldName(arg, path), 'must not contain control characters');
    });
  }
  // Literals the document carries itself (a partner's own, where the gateway passes them on).
  visit(operation, {
    Argument(node) {
      forEachLiteralString(node.value, [node.name.value], (path, s) => {
        if (CONTROL.test(s))
          refuse(
            fieldName({ field: String(path[0]), nested: false }, path.slice(1)),
            'must not contain control characters',
          );
      });
    },
  });
  return dedupe(errors);
}

interface ArgumentRef {
  /** The argument, or the input field a variable stands for inside an object literal. */
  field: string;
  nested: boolean;
}

/** Where each variable is used: the first argument (or input field of a literal) it stands for. */
function argumentsOfVariables(document: DocumentNode): Map<string, ArgumentRef> {
  const found = new Map<string, ArgumentRef>();
  const walk = (value: ValueNode, path: string[]) => {
    if (value.kind === Kind.VARIABLE) {
      if (!found.has(value.name.value))
        found.set(value.name.value, {
          field: path.length > 1 ? path.slice(1).join('.') : path[0],
          nested: path.length > 1,
        });
    } else if (value.kind === Kind.OBJECT) {
      for (const f of value.fields) walk(f.value, [...path, f.name.value]);
    } else if (value.kind === Kind.LIST) {
      for (const v of value.values) walk(v, path);
    }
  };
  visit(document, {
    Argument(node) {
      walk(node.value, [node.name.value]);
    },
  });
  return found;
}

/** The argument itself, or the path below it within an input object. */
function fieldName(arg: ArgumentRef, path: ReadonlyArray<string | number>): string {
  const below = path.map(String);
  if (!below.length) return arg.field;
  return arg.nested ? [arg.field, ...below].join('.') : below.join('.');
}

function forEachString(
  value: unknown,
  path: Array<string | number>,
  fn: (p: Array<string | number>, s: string) => void,
) {
  if (typeof value === 'string') fn(path, value);
  else if (Array.isArray(value)) value.forEach((v, i) => forEachString(v, [...path, i], fn));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) forEachString(v, [...path, k], fn);
}

function forEachLiteralString(
  value: ValueNode,
  path: Array<string | number>,
  fn: (p: Array<string | number>, s: string) => void,
) {
  if (value.kind === Kind.STRING) fn(path, value.value);
  else if (value.kind === Kind.LIST) value.values.forEach((v, i) => forEachLiteralString(v, [...path, i], fn));
  else if (value.kind === Kind.OBJECT)
    for (const f of value.fields) forEachLiteralString(f.value, [...path, f.name.value], fn);
}

function dedupe(errors: AppError[]): AppError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.message) && Boolean(seen.add(e.message)));
}
