import { parseArgs } from 'node:util';

/**
 * One way for every `lotse` subcommand to read its arguments: `--help` prints the command's usage,
 * options and an example; anything the command cannot use is a UsageError with a one-line hint
 * (exit code 2), never Node's parser message.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in the help, e.g. SLUG. */
  value?: string;
  /** One-letter alias, e.g. `f` for `-f FILE`. */
  short?: string;
  description: string;
}

export interface CommandSpec {
  /** As typed after `lotse`, e.g. `token` or `audit`. */
  name: string;
  /** Usage lines without the leading `lotse `. */
  usage: string[];
  /** One line for the list of commands. */
  brief: string;
  summary: string;
  options?: Record<string, OptionSpec>;
  /** Most positional arguments the command takes (default none). */
  maxPositionals?: number;
  example: string;
}

/** A mistake in how a command was called: one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }

  /** The line printed: what is wrong and where the usage is. */
  hint(): string {
    const where = this.command ? `lotse ${this.command}` : 'lotse';
    // "lotse token needs --partner SLUG" reads as a sentence; other messages follow a colon.
    const sep = this.message.startsWith('needs') ? ' ' : ': ';
    return `${where}${sep}${this.message} (see: ${where} --help)`;
  }
}

export type Parsed =
  { help: true } | { help: false; values: Record<string, string | boolean | undefined>; positionals: string[] };

export function helpText(spec: CommandSpec): string {
  const lines = ['Usage:', ...spec.usage.map((u) => `  lotse ${u}`), '', spec.summary];
  const options = Object.entries(spec.options ?? {});
  lines.push('', 'Options:');
  const label = (name: string, o: OptionSpec) =>
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
  const width = Math.max(10, ...options.map(([n, o]) => label(n, o).length));
  for (const [name, o] of options) lines.push(`  ${label(name, o).padEnd(width)}  ${o.description}`);
  lines.push(`  ${'--help'.padEnd(width)}  show this help`);
  lines.push('', 'Example:', `  ${spec.example}`);
  return lines.join('\n');
}

/**
 * A negative number after a string option (`--ttl -5`) reads as a value, so the command can say
 * what range it accepts instead of the parser calling it ambiguous.
 */
function joinNegativeValues(args: string[], spec: CommandSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    if (name && spec.options?.[name]?.type === 'string' && /^-\d/.test(args[i + 1] ?? '')) {
      out.push(`${args[i]}=${args[i + 1]}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

export function parseCommand(spec: CommandSpec, args: string[]): Parsed {
  if (args.includes('--help') || args.includes('-h')) return { help: true };
  const options = Object.fromEntries(
    Object.entries(spec.options ?? {}).map(([n, o]) => [
      n,
      o.short ? { type: o.type, short: o.short } : { type: o.type },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeValues(args, spec), options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(parserMessage(err as Error & { code?: string }), spec.name);
  }
  const max = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > max)
    throw new UsageError(`unexpected argument "${parsed.positionals[max]}"`, spec.name);
  return {
    help: false,
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

/** Node's parser errors, reworded in one short line. */
function parserMessage(err: Error & { code?: string }): string {
  const option = /'(-{1,2}[^ ']+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing|ambiguous/.test(err.message)
        ? `${option ?? 'an option'} needs a value`
        : `${option ?? 'an option'} takes no value`;
    default:
      return err.message.split('\n')[0];
  }
}
