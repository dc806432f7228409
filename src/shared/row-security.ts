import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from 'pg';

/**
 * PostgreSQL row-level security as the second line behind the services' own scoping: every
 * connection carries the jurisdiction (AGS prefixes) of the partner whose request it serves, in
 * the setting `lotse.jurisdiction`, and the tables' policies show only rows inside it. A bug in a
 * service's WHERE clause then still cannot return another municipality's persons.
 *
 * Work outside a partner's request (a job, a rule, retention, seeding, a CLI command) must say so:
 * `system(name, fn)` runs it as the hub itself, `*`, which the policies read as "all". Outside both
 * kinds of context the setting is empty, which the policies read as "no rows": a forgotten context
 * shows up as missing data, never as another municipality's data.
 */
export const JURISDICTION_SETTING = 'lotse.jurisdiction';
export const SYSTEM_JURISDICTION = '*';
/** Outside any context: matches no row (row-security.sql.ts reads an empty setting as "none"). */
export const NO_JURISDICTION = '';

/** The tables under a jurisdiction policy (the subgraphs' row-security migrations); used only to warn. */
export const PROTECTED_TABLES = [
  'city.person',
  'city.household',
  'city.residence_status',
  'city.person_name',
  'city.client_case',
  'city.case_assessment',
  'city.case_goal',
  'city.case_appointment',
  'city.case_help_plan_item',
  'jobcenter.jobcenter_record',
  'courses.course_provider',
  'courses.course',
  'courses.entitlement',
  'courses.entitlement_body',
  'courses.entitlement_step',
];

export class RowSecurityContext {
  private readonly storage = new AsyncLocalStorage<{ value: string; system: string | null }>();

  /** Runs `fn` with the database restricted to `jurisdiction` (AGS prefixes). */
  run<T>(jurisdiction: string[], fn: () => T): T {
    // An empty prefix would match everything: a request always names at least one real prefix.
    const value = jurisdiction.filter((j) => /^\d{1,8}$/.test(j)).join(',');
    return this.storage.run({ value, system: null }, fn);
  }

  /**
   * Runs `fn` as the hub itself, outside any partner's request (a worker's job, a rule, retention,
   * the CLI): every row, under `name`, which logs and audit entries of that work carry.
   */
  system<T>(name: string, fn: () => T): T {
    if (!name) throw new Error('a system context needs a name');
    return this.storage.run({ value: SYSTEM_JURISDICTION, system: name }, fn);
  }

  /** The name of the system context the caller runs in; null inside a partner's request or outside any context. */
  systemName(): string | null {
    return this.storage.getStore()?.system ?? null;
  }

  /** True inside a partner's request or a system context. */
  inContext(): boolean {
    return this.storage.getStore() !== undefined;
  }

  /**
   * Runs `fn` with the current jurisdiction plus `extra` prefixes: for operations that rightly
   * reach into another municipality, such as a person moving there.
   */
  widen<T>(extra: string[], fn: () => T): T {
    const current = this.current();
    if (current === SYSTEM_JURISDICTION) return fn();
    return this.run([...current.split(',').filter(Boolean), ...extra], fn);
  }

  /** The setting for the current async context: a request's jurisdiction, the system's, else none. */
  current(): string {
    return this.storage.getStore()?.value ?? NO_JURISDICTION;
  }
}

type QueryArgs = unknown[];

export interface RowSecurityClientOptions {
  /** The non-superuser role to act as (a superuser bypasses row-level security). */
  appRole?: string;
  /** Told once per protected table when a query naming it runs outside any context (it sees no rows). */
  onOutsideContext?: (table: string) => void;
}

const PROTECTED_PATTERNS = PROTECTED_TABLES.map((t) => {
  const [schema, table] = t.split('.');
  return { table: t, re: new RegExp(`"?\\b${schema}"?\\."?${table}\\b"?(?!_)`) };
});

/**
 * A pg Client that applies the current context's jurisdiction (and, when configured, the
 * application role) before a query whenever the connection's setting differs. Pools reuse
 * connections across requests, so the setting is compared on every query; it costs a round trip
 * only when the connection changes hands between jurisdictions.
 */
export function rowSecurityClient(context: RowSecurityContext, opts: RowSecurityClientOptions = {}): typeof Client {
  const { appRole, onOutsideContext } = opts;
  const warned = new Set<string>();
  const checkContext = (args: QueryArgs) => {
    if (!onOutsideContext || warned.size === PROTECTED_PATTERNS.length || context.inContext()) return;
    const first = args[0] as string | { text?: string } | undefined;
    const sql = typeof first === 'string' ? first : first?.text;
    if (typeof sql !== 'string') return;
    for (const { table, re } of PROTECTED_PATTERNS) {
      if (warned.has(table) || !re.test(sql)) continue;
      warned.add(table);
      onOutsideContext(table);
    }
  };
  return class RowSecurityClient extends Client {
    private applied?: string;
    private roleApplied = false;

    override query(...args: QueryArgs): any {
      const first = args[0] as { submit?: unknown } | undefined;
      // Streams and other submittables go through unchanged: they run inside a transaction whose
      // BEGIN already applied the setting.
      if (first && typeof first === 'object' && typeof first.submit === 'function')
        return (super.query as any)(...args);
      checkContext(args);
      const wanted = context.current();
      if (this.applied === wanted && (this.roleApplied || !appRole)) return (super.query as any)(...args);
      const callback =
        typeof args[args.length - 1] === 'function'
          ? (args.pop() as (err: Error | null, res?: unknown) => void)
          : undefined;
      const prepare = async () => {
        if (appRole && !this.roleApplied) {
          await (super.query as any)(`SET ROLE "${appRole.replace(/"/g, '""')}"`);
          this.roleApplied = true;
        }
        await (super.query as any)('SELECT set_config($1, $2, false)', [JURISDICTION_SETTING, wanted]);
        this.applied = wanted;
        return (super.query as any)(...args);
      };
      const result = prepare();
      if (callback) {
        result.then(
          (r: unknown) => callback(null, r),
          (e: Error) => callback(e),
        );
        return undefined;
      }
      return result;
    }
  };
}
