import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { boot, startApp, stopOnSignals } from './app';
import { runAuditCommand } from './audit/audit.cli';
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
import { seedDemo } from './seed/demo.seed';
import { seedPartners } from './seed/partners.seed';
import { writeSchemas } from './schema-files';
import { createLogger } from './shared/logger';
import { SCOPES } from './shared/scopes';
import { startSubgraphServer } from './subgraph-server';
import { startWorkers } from '../workers';

const USAGE = `Usage: lotse <command> [options]

Commands:
  serve                     gateway, all subgraphs and workers in one process (as npm start)
  gateway                   the gateway only (subgraphs in-process unless LOTSE_SUBGRAPH_URLS names them)
  subgraph <name>           one subgraph over HTTP (${SUBGRAPH_NAMES.join(', ')}); --port N
  worker                    all queue processors and the outbox relay
  migrate                   apply pending database migrations
  seed --demo               load partners and the demo data set (Rheine)
  compose [--check]         regenerate schema/*.graphql from code; --check fails on drift
  documents register --partner SLUG FILE
                            register a partner's operations (Apollo persisted query manifest);
                            refuses the whole file if one operation is invalid or over a limit
  documents list --partner SLUG
                            the partner's registered operations (sha256, name, registered at)
  documents export-examples [--out DIR]
                            write the demo partners' manifests (default trusted-documents/)
  token --partner SLUG      print a development access token [--scopes a,b] [--purposes a,b] [--ttl seconds]
  register [--json]         print the register of legal bases (records of processing, DSGVO Art. 30)
  audit verify              recompute the audit log's hash chain and hold it against the newest
                            stored checkpoint; exit 1 if either does not hold
  audit checkpoint          print a signed checkpoint of the audit log's head [--out FILE];
                            --store also stores it in the database, as the scheduled job does
  audit verify-checkpoint FILE
                            check a checkpoint against the log (same LOTSE_INTERNAL_SECRET or
                            LOTSE_DATA_DIR as when it was taken); exit 1 if it does not hold
  retention run [--dry-run] erase or pseudonymise what has passed its retention period (one JSON
                            line per task, counts only); --dry-run counts and writes nothing

Configuration comes from the environment; see README.md.`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'compose') return compose(rest);
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
      const workers = await startWorkers(container);
      stopOnSignals(async () => {
        await workers.close();
        await container.close();
        await infra.stop();
      }, log);
      return -1;
    }
    case 'subgraph':
      return subgraph(config, rest);
    case 'migrate': {
      const { container, infra } = await boot(config, log);
      console.log('migrations are up to date');
      await container.close();
      await infra.stop();
      return 0;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' } } });
      if (!values.demo) throw new UsageError('lotse seed needs --demo (the only data set there is)');
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
      return register(config, rest);
    case 'documents':
      return documents(config, rest);
    case 'token':
      return token(config, rest);
    case 'audit':
      return audit(config, rest);
    case 'retention':
      return retention(config, rest);
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

class UsageError extends Error {}
/** A refusal that is not about the command's syntax: the message alone, exit code 2. */
class CliError extends Error {}

async function subgraph(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { port: { type: 'string' } } });
  const name = positionals[0] as SubgraphName;
  if (!SUBGRAPH_NAMES.includes(name)) throw new UsageError(`lotse subgraph needs one of: ${SUBGRAPH_NAMES.join(', ')}`);
  const port = values.port ? Number(values.port) : DEFAULT_SUBGRAPH_PORTS[name];
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number');
  const log = createLogger(config.logLevel, { subgraph: name });
  const { container, infra } = await boot(config, log);
  const server = await startSubgraphServer(container, name, { port, host: config.host });
  log.info({ url: server.url }, `subgraph ${name} listening`);
  stopOnSignals(async () => {
    await server.close();
    await container.close();
    await infra.stop();
  }, log);
  return -1;
}

/** The records of processing activities (DSGVO Art. 30) as the legal bases define them. */
async function register(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const { container, infra } = await boot({ ...config, logLevel: 'warn' }, createLogger('warn'));
  try {
    return await container.rowSecurity.system('cli:register', async () => {
      const rows = await container.subgraphs.hub.services.legalBases.all();
      if (values.json) {
        console.log(JSON.stringify(rows, null, 2));
        return 0;
      }
      const esc = (v: string | null) => (v ?? '–').replace(/\|/g, '\\|');
      console.log('| Recipient | Purpose | Category | Source | Holds for | Statute | Description | Valid |');
      console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
      for (const r of rows) {
        const holds = r.whileReferralOpen
          ? 'persons referred to the recipient, while the referral is open'
          : 'all persons in the jurisdiction';
        console.log(
          `| ${esc(r.recipientPartner)} | ${esc(r.purpose)} | ${esc(r.category)} | ${esc(r.sourcePartner)} | ${holds} | ${esc(r.statute)} | ${esc(r.description)} | ${r.validFrom} – ${r.validUntil ?? 'open'} |`,
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
async function documents(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { partner: { type: 'string' }, out: { type: 'string' } },
  });
  const [sub, file] = positionals;
  const usage =
    'lotse documents needs one of: register --partner SLUG FILE, list --partner SLUG, export-examples [--out DIR]';
  if (sub !== 'register' && sub !== 'list' && sub !== 'export-examples') throw new UsageError(usage);
  if (positionals.length !== (sub === 'register' ? 2 : 1)) throw new UsageError(usage);
  if (sub !== 'export-examples' && !values.partner) throw new UsageError(`lotse documents ${sub} needs --partner SLUG`);
  let schema: ReturnType<typeof composedGatewaySchema> | undefined;
  const check = async (json: unknown, what: string) => {
    try {
      return checkManifest(json, await (schema ??= composedGatewaySchema()));
    } catch (err) {
      if (err instanceof ManifestError) throw new CliError(`${what} refused, nothing registered: ${err.message}`);
      throw err;
    }
  };
  if (sub === 'export-examples') {
    const dir = path.resolve(values.out ?? 'trusted-documents');
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
    if (!(await hub.partners.findBySlug(values.partner!))) throw new CliError(`Unknown partner "${values.partner}"`);
    if (manifest) {
      const docs = manifest.operations.map((op) => ({ hash: op.id, name: op.name, document: op.body }));
      const { added, updated } = await hub.trustedDocuments.register(values.partner!, docs);
      console.log(
        `registered ${docs.length} operation${docs.length === 1 ? '' : 's'} for ${values.partner} (${added} new, ${updated} already registered); gateways use them within ${TRUSTED_DOCUMENTS_TTL_MS / 1000} s`,
      );
      return 0;
    }
    const rows = await hub.trustedDocuments.forPartner(values.partner!);
    if (!rows.length) console.error(`no documents registered for ${values.partner}`);
    for (const d of rows) console.log(`sha256:${d.hash}\t${d.name}\t${d.registeredAt.toISOString()}`);
    return 0;
  } finally {
    await container.close();
    await infra.stop();
  }
}

/** A token for GraphiQL and scripts; it needs the partner to exist, so it reads the database. */
async function token(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      partner: { type: 'string' },
      scopes: { type: 'string' },
      purposes: { type: 'string' },
      ttl: { type: 'string' },
    },
  });
  if (!values.partner) throw new UsageError('lotse token needs --partner SLUG');
  if (!config.auth.devKey) throw new CliError('Development tokens are disabled (AUTH_DEV_KEY=false or production)');
  const ttl = values.ttl ? Number(values.ttl) : 8 * 3600;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 30 * 86400)
    throw new UsageError('--ttl must be seconds between 60 and 2592000');
  const requested = values.scopes?.split(/[ ,]+/).filter(Boolean);
  const unknown = (requested ?? []).filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new UsageError(`Unknown scopes: ${unknown.join(', ')}. Known: ${SCOPES.join(', ')}`);
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
async function audit(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, store: { type: 'boolean' } },
  });
  const [sub, file] = positionals;
  if (values.store && sub !== 'checkpoint') throw new UsageError('--store goes with lotse audit checkpoint');
  if (sub !== 'verify' && sub !== 'checkpoint' && sub !== 'verify-checkpoint')
    throw new UsageError('lotse audit needs one of: verify, checkpoint, verify-checkpoint FILE');
  if (sub === 'verify-checkpoint' && !file) throw new UsageError('lotse audit verify-checkpoint needs FILE');
  if (positionals.length > (sub === 'verify-checkpoint' ? 2 : 1))
    throw new UsageError(`lotse audit ${sub}: unexpected argument "${positionals.at(-1)}"`);
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
async function retention(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean' } },
  });
  if (positionals.length !== 1 || positionals[0] !== 'run')
    throw new UsageError('lotse retention needs: run [--dry-run]');
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

async function compose(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { check: { type: 'boolean' }, out: { type: 'string' } } });
  const dir = path.resolve(values.out ?? 'schema');
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
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (err instanceof CliError) {
      console.error(`lotse: ${err.message}`);
      process.exit(2);
    }
    if (err instanceof ConfigError || err instanceof RedisNotFoundError) console.error(err.message);
    else console.error(`lotse: ${(err as Error).message}`);
    process.exit(1);
  },
);
