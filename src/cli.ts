import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { boot, startApp, stopOnSignals } from './app';
import { runAuditCommand } from './audit/audit.cli';
import { helpText, parseCommand, UsageError } from './cli.args';
import { COMMANDS, USAGE } from './cli.help';
import { Checkpoint } from './audit/audit.service';
import { Config, ConfigError, loadConfig, SubgraphName, SUBGRAPH_NAMES } from './config';
import { DEFAULT_SUBGRAPH_PORTS } from './gateway/compose';
import { loadOrCreateDevKey, signDevToken } from './gateway/dev-key';
import {
  checkManifest,
  composedGatewaySchema,
  exampleManifestFiles,
  ManifestError,
  PersistedQueryManifest,
  TRUSTED_DOCUMENTS_TTL_MS,
} from './gateway/trusted-documents';
import { RedisNotFoundError } from './runtime/redis-server';
import {
  ConfigCommandError,
  readCityConfig,
  runApplyCommand,
  runExportCommand,
} from './configuration/configuration.cli';
import { seedDemo } from './seed/demo.seed';
import { seedPartners } from './seed/partners.seed';
import { writeSchemas } from './schema-files';
import { createLogger } from './shared/logger';
import { SCOPES } from './shared/scopes';
import { startSubgraphServer } from './subgraph-server';
import { importCommand } from './import/person-import.cli';
import { ReportCommandError, ReportCommandOptions, runReportCommand } from './reports/indicator-report.cli';
import { startWorkers } from '../workers';
import { startWorkerHttp } from '../workers/worker-http';

type Values = Record<string, string | boolean | undefined>;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    const spec = command === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined;
    console.log(spec ? helpText(spec) : USAGE);
    return command ? 0 : 2;
  }
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!spec) throw new UsageError(`unknown command "${command}"`);
  // Arguments before configuration: --help and usage mistakes need no database and no valid environment.
  const parsed = parseCommand(spec, rest);
  if (parsed.help) {
    console.log(helpText(spec));
    return 0;
  }
  const { values, positionals } = parsed;
  if (command === 'compose') return compose(values);
  if (command === 'seed' && !values.demo) throw new UsageError('needs --demo (the only data set there is)', 'seed');
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  switch (command) {
    case 'serve':
    case 'gateway': {
      const app = await startApp(config, { gateway: true, workers: command === 'serve' && config.workers });
      stopOnSignals(() => app.stop(), log);
      return -1;
    }
    case 'worker': {
      const { container, infra } = await boot(config, log);
      // Probes and /metrics of the worker (WORKER_PORT), bound first: a taken port fails before any job runs.
      const probe = await startWorkerHttp(container, { port: config.workerPort, host: config.host });
      const workers = await startWorkers(container).catch(async (err) => {
        await probe.close();
        throw err;
      });
      log.info({ url: probe.url, port: probe.port }, 'worker listening');
      stopOnSignals(async () => {
        await Promise.all([workers.close(), probe.close()]);
        await container.close();
        await infra.stop();
      }, log);
      return -1;
    }
    case 'subgraph':
      return subgraph(config, values, positionals);
    case 'migrate': {
      const { container, infra } = await boot(config, log);
      console.log('migrations are up to date');
      await container.close();
      await infra.stop();
      return 0;
    }
    case 'seed': {
      const { container, infra } = await boot(config, log);
      try {
        return await container.rowSecurity.system('cli:seed', async () => {
          await seedPartners(container);
          const counts = await seedDemo(container, (msg) => console.error(msg));
          console.log(JSON.stringify(counts));
          return 0;
        });
      } finally {
        await container.close();
        await infra.stop();
      }
    }
    case 'register':
      return register(config, values);
    case 'documents':
      return documents(config, values, positionals);
    case 'token':
      return token(config, values);
    case 'audit':
      return audit(config, values, positionals);
    case 'retention':
      return retention(config, values, positionals);
    case 'indicators':
      return indicators(config, positionals);
    case 'apply':
    case 'export':
      return configuration(config, command, values);
    case 'import':
      return importCommand(config, values, positionals);
    case 'report':
      return report(config, values);
    default:
      throw new Error(`no handler for command "${command}"`); // every entry of COMMANDS has a case above
  }
}

/** A refusal that is not about the command's syntax: the message alone, exit code 2. */
class CliError extends Error {}

async function subgraph(config: Config, values: Values, positionals: string[]): Promise<number> {
  const name = positionals[0] as SubgraphName;
  if (!SUBGRAPH_NAMES.includes(name)) throw new UsageError(`needs one of: ${SUBGRAPH_NAMES.join(', ')}`, 'subgraph');
  const port = values.port ? Number(values.port) : DEFAULT_SUBGRAPH_PORTS[name];
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be a port number (0 to 65535)', 'subgraph');
  const log = createLogger(config.logLevel, { subgraph: name });
  const { container, infra } = await boot(config, log);
  // Partner tokens signed with the development key (`lotse token`) are checked as the gateway checks them.
  const devKey =
    config.subgraphPartnerTokens && config.auth.devKey ? await loadOrCreateDevKey(config.dataDir) : undefined;
  const server = await startSubgraphServer(container, name, { port, host: config.host, devKey });
  log.info({ url: server.url }, `subgraph ${name} listening`);
  stopOnSignals(async () => {
    await server.close();
    await container.close();
    await infra.stop();
  }, log);
  return -1;
}

/** The records of processing activities (DSGVO Art. 30) as the legal bases define them. */
async function register(config: Config, values: Values): Promise<number> {
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    return await container.rowSecurity.system('cli:register', async () => {
      const rows = await container.subgraphs.hub.services.legalBases.all();
      if (values.json) {
        console.log(JSON.stringify(rows, null, 2));
        return 0;
      }
      const esc = (v: string | null) => (v ?? '–').replace(/\|/g, '\\|');
      // A revoked basis stays in the register (it was in force until then), marked as no longer in force.
      const validity = (r: (typeof rows)[number]) =>
        r.revokedAt
          ? `${r.validFrom} – ${r.validUntil ?? 'open'}, revoked ${r.revokedAt.toISOString().slice(0, 10)}: not in force`
          : `${r.validFrom} – ${r.validUntil ?? 'open'}`;
      console.log('| Recipient | Purpose | Category | Source | Holds for | Statute | Description | Valid |');
      console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const r of rows) {
        const holds = r.whileReferralOpen
          ? 'persons referred to the recipient, while the referral is open'
          : 'all persons in the jurisdiction';
        console.log(
          `| ${esc(r.recipientPartner)} | ${esc(r.purpose)} | ${esc(r.category)} | ${esc(r.sourcePartner)} | ${holds} | ${esc(r.statute)} | ${esc(r.description)} | ${validity(r)} |`,
        );
      }
      return 0;
    });
  } finally {
    await container.close();
    await infra.stop();
  }
}

/** `lotse documents register|list|export-examples`: the operations each partner may run in production. */
async function documents(config: Config, values: Values, positionals: string[]): Promise<number> {
  const [sub, file] = positionals;
  const partnerSlug = typeof values.partner === 'string' ? values.partner : undefined;
  const out = typeof values.out === 'string' ? values.out : undefined;
  const usage = 'needs one of: register --partner SLUG FILE, list --partner SLUG, export-examples [--out DIR]';
  if (sub !== 'register' && sub !== 'list' && sub !== 'export-examples') throw new UsageError(usage, 'documents');
  if (sub === 'register' && !file) throw new UsageError('register needs the manifest FILE', 'documents');
  if (positionals.length !== (sub === 'register' ? 2 : 1))
    throw new UsageError(`unexpected argument "${positionals.at(-1)}"`, 'documents');
  if (sub !== 'export-examples' && !partnerSlug) throw new UsageError(`${sub} needs --partner SLUG`, 'documents');
  let schema: ReturnType<typeof composedGatewaySchema> | undefined;
  const check = async (json: unknown, what: string) => {
    try {
      return checkManifest(json, await (schema ??= composedGatewaySchema()), config.queryCostLimit);
    } catch (err) {
      if (err instanceof ManifestError) throw new CliError(`${what} refused, nothing registered: ${err.message}`);
      throw err;
    }
  };
  if (sub === 'export-examples') {
    const dir = path.resolve(out ?? 'trusted-documents');
    const files = exampleManifestFiles();
    for (const [name, content] of Object.entries(files)) await check(JSON.parse(content), name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    console.log(`wrote ${Object.keys(files).length} manifests to ${path.relative(process.cwd(), dir) || '.'}`);
    return 0;
  }
  let manifest: PersistedQueryManifest | undefined;
  if (sub === 'register') {
    let json: unknown;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new CliError(`cannot read manifest ${file}: ${(err as Error).message}`);
    }
    manifest = await check(json, file);
  }
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    const hub = container.subgraphs.hub.services;
    if (!(await hub.partners.findBySlug(partnerSlug!))) throw new CliError(`Unknown partner "${partnerSlug}"`);
    if (manifest) {
      const docs = manifest.operations.map((op) => ({ hash: op.id, name: op.name, document: op.body }));
      const { added, updated } = await hub.trustedDocuments.register(partnerSlug!, docs);
      console.log(
        `registered ${docs.length} operation${docs.length === 1 ? '' : 's'} for ${partnerSlug} (${added} new, ${updated} already registered); gateways use them within ${TRUSTED_DOCUMENTS_TTL_MS / 1000} s`,
      );
      return 0;
    }
    const rows = await hub.trustedDocuments.forPartner(partnerSlug!);
    if (!rows.length) console.error(`no documents registered for ${partnerSlug}`);
    for (const d of rows) console.log(`sha256:${d.hash}\t${d.name}\t${d.registeredAt.toISOString()}`);
    return 0;
  } finally {
    await container.close();
    await infra.stop();
  }
}

/** A token for GraphiQL and scripts; it needs the partner to exist, so it reads the database. */
async function token(config: Config, raw: Values): Promise<number> {
  const values = raw as { partner?: string; scopes?: string; purposes?: string; ttl?: string };
  if (!values.partner) throw new UsageError('needs --partner SLUG', 'token');
  const ttl = values.ttl !== undefined ? Number(values.ttl) : 8 * 3600;
  if (!/^\d+$/.test(values.ttl ?? '0') || ttl < 60 || ttl > 30 * 86400)
    throw new UsageError(`--ttl must be whole seconds between 60 and 2592000, got "${values.ttl}"`, 'token');
  const requested = values.scopes?.split(/[ ,]+/).filter(Boolean);
  const unknown = (requested ?? []).filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length)
    throw new UsageError(`unknown scopes ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`, 'token');
  if (!config.auth.devKey) throw new CliError('Development tokens are disabled (AUTH_DEV_KEY=false or production)');
  const log = createLogger('warn');
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, log);
  try {
    const partner = await container.subgraphs.hub.services.partners.findBySlug(values.partner);
    if (!partner)
      throw new CliError(`Unknown partner "${values.partner}" (run lotse seed --demo for the demo partners)`);
    const purposes = values.purposes?.split(/[ ,]+/).filter(Boolean);
    const foreign = (purposes ?? []).filter((p) => !partner.purposes.includes(p));
    if (foreign.length)
      throw new CliError(
        `Partner ${partner.slug} is not registered for the purposes: ${foreign.join(', ')} (registered: ${partner.purposes.join(', ')})`,
      );
    const notAllowed = (requested ?? []).filter((s) => !partner.scopes.includes(s));
    if (notAllowed.length)
      throw new CliError(`Partner ${partner.slug} is not registered for: ${notAllowed.join(', ')}`);
    const key = await loadOrCreateDevKey(config.dataDir);
    console.log(
      await signDevToken(key, config.auth.issuer, config.auth.audience, {
        partner: partner.slug,
        scopes: requested ?? partner.scopes,
        purposes,
        ttlSeconds: ttl,
      }),
    );
    return 0;
  } finally {
    await container.close();
    await infra.stop();
  }
}

/** `lotse audit …`: results on stdout, progress on stderr; exit 1 when the log or checkpoint does not hold. */
async function audit(config: Config, raw: Values, positionals: string[]): Promise<number> {
  const values = raw as { out?: string; store?: boolean };
  const [sub, file] = positionals;
  if (values.store && sub !== 'checkpoint') throw new UsageError('--store goes with checkpoint', 'audit');
  if (sub !== 'verify' && sub !== 'checkpoint' && sub !== 'verify-checkpoint')
    throw new UsageError('needs one of: verify, checkpoint, verify-checkpoint FILE', 'audit');
  if (sub === 'verify-checkpoint' && !file) throw new UsageError('verify-checkpoint needs FILE', 'audit');
  if (positionals.length > (sub === 'verify-checkpoint' ? 2 : 1))
    throw new UsageError(`unexpected argument "${positionals.at(-1)}"`, 'audit');
  let cp: Checkpoint | undefined;
  if (file) {
    try {
      cp = JSON.parse(fs.readFileSync(file, 'utf8')) as Checkpoint;
    } catch (err) {
      throw new CliError(`cannot read checkpoint ${file}: ${(err as Error).message}`);
    }
  }
  // Quiet logs: stdout carries the result only.
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    return await container.rowSecurity.system('cli:audit', () =>
      runAuditCommand(container.audit, sub === 'verify-checkpoint' ? { sub, checkpoint: cp! } : { sub, ...values }),
    );
  } finally {
    await container.close();
    await infra.stop();
  }
}

/** `lotse retention run [--dry-run]`: one JSON line per task on stdout (counts only, no personal data). */
async function retention(config: Config, values: Values, positionals: string[]): Promise<number> {
  if (positionals.length !== 1 || positionals[0] !== 'run') throw new UsageError('needs: run [--dry-run]', 'retention');
  const dryRun = Boolean(values['dry-run']);
  if (!dryRun && !config.retentionEnabled)
    throw new CliError('retention is disabled (RETENTION_ENABLED=false); only --dry-run runs');
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    return await container.rowSecurity.system('cli:retention', async () => {
      for (const summary of await container.retention.run({ dryRun })) console.log(JSON.stringify(summary));
      return 0;
    });
  } finally {
    await container.close();
    await infra.stop();
  }
}

/** `lotse indicators rebuild`: progress on stderr, one JSON line of counts per fact kind on stdout. */
async function indicators(config: Config, positionals: string[]): Promise<number> {
  if (positionals.length !== 1 || positionals[0] !== 'rebuild') throw new UsageError('needs: rebuild', 'indicators');
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    return await container.rowSecurity.system('cli:indicators', async () => {
      const counts = await container.subgraphs.hub.services.indicatorFacts.rebuild((kind, done) =>
        console.error(`${kind}: ${done}`),
      );
      for (const [kind, c] of Object.entries(counts)) console.log(JSON.stringify({ kind, ...c }));
      return 0;
    });
  } finally {
    await container.close();
    await infra.stop();
  }
}

/** `lotse apply` and `lotse export` (src/configuration/): arguments here, the work there. */
async function configuration(config: Config, command: 'apply' | 'export', values: Values): Promise<number> {
  const file = typeof values.file === 'string' ? values.file : undefined;
  if (command === 'apply' && !file) throw new UsageError('needs -f FILE', 'apply');
  if (values.yes && !values.prune) throw new UsageError('--yes confirms --prune; it goes with --prune', 'apply');
  // The file first: its mistakes need no database.
  const parsed = command === 'apply' ? readCityConfig(file!) : undefined;
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    if (!parsed) return await runExportCommand(container, { out: values.out as string | undefined });
    const flags = { dryRun: Boolean(values['dry-run']), prune: Boolean(values.prune), yes: Boolean(values.yes) };
    return await runApplyCommand(container, parsed, flags);
  } finally {
    await container.close();
    await infra.stop();
  }
}

/** `lotse report` (src/reports/indicator-report.cli.ts): arguments here, the work there. */
async function report(config: Config, raw: Values): Promise<number> {
  const values = raw as {
    period?: string;
    offer?: string;
    partner?: string;
    pdf?: string;
    html?: string;
    csv?: string;
  };
  if (!values.period) throw new UsageError('needs --period P, e.g. --period 2019', 'report');
  if (!values.pdf && !values.html && !values.csv)
    throw new UsageError('needs at least one of --pdf FILE, --html FILE, --csv DIR', 'report');
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    return await runReportCommand(
      container,
      container.subgraphs.hub.services.indicators,
      values as ReportCommandOptions,
      {
        progress: (line) => console.error(line),
        result: (line) => console.log(line),
      },
    );
  } catch (err) {
    if (err instanceof ReportCommandError) throw new CliError(err.message);
    throw err;
  } finally {
    await container.close();
    await infra.stop();
  }
}

async function compose(values: Values): Promise<number> {
  const dir = path.resolve(typeof values.out === 'string' ? values.out : 'schema');
  const drift = await writeSchemas(dir, { check: Boolean(values.check) });
  if (values.check) {
    if (drift.length) {
      console.error(`schema/ is out of date with the code: ${drift.join(', ')}. Run: npx lotse compose`);
      return 1;
    }
    console.log('schema/ matches the code');
  } else {
    console.log(
      `wrote ${fs.readdirSync(dir).filter((f) => f.endsWith('.graphql')).length} files to ${path.relative(process.cwd(), dir) || '.'}`,
    );
  }
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    if (err instanceof UsageError) {
      console.error(err.hint());
      process.exit(2);
    }
    if (err instanceof CliError || err instanceof ConfigCommandError) {
      console.error(`lotse: ${err.message}`);
      process.exit(2);
    }
    if (err instanceof ConfigError || err instanceof RedisNotFoundError) console.error(err.message);
    else console.error(`lotse: ${(err as Error).message}`);
    process.exit(1);
  },
);
