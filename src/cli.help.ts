import { CommandSpec } from './cli.args';
import { SUBGRAPH_NAMES } from './config';

/** What each `lotse` subcommand takes; `lotse <command> --help` prints it. */
export const COMMANDS: Record<string, CommandSpec> = {
  serve: {
    name: 'serve',
    brief: 'gateway, all subgraphs and workers in one process (as npm start)',
    usage: ['serve'],
    summary: 'Gateway, all subgraphs and workers in one process (as npm start). Configuration from the environment.',
    example: 'PORT=4000 lotse serve',
  },
  gateway: {
    name: 'gateway',
    brief: 'the gateway only (subgraphs in-process unless LOTSE_SUBGRAPH_URLS names them)',
    usage: ['gateway'],
    summary: 'The gateway only; subgraphs run in-process unless LOTSE_SUBGRAPH_URLS names them.',
    example: 'LOTSE_SUBGRAPH_URLS=city=http://localhost:4001/graphql lotse gateway',
  },
  subgraph: {
    name: 'subgraph',
    brief: 'one subgraph over HTTP',
    usage: ['subgraph NAME [--port N]'],
    summary: `One subgraph over HTTP; NAME is one of ${SUBGRAPH_NAMES.join(', ')}.`,
    options: { port: { type: 'string', value: 'N', description: 'port to listen on (default: the subgraph’s own)' } },
    maxPositionals: 1,
    example: 'lotse subgraph city --port 4001',
  },
  worker: {
    name: 'worker',
    brief: 'all queue processors and the outbox relay',
    usage: ['worker'],
    summary:
      'All queue processors and the outbox relay. Serves /healthz, /readyz and /metrics on HOST:WORKER_PORT (default 9464).',
    example: 'lotse worker',
  },
  migrate: {
    name: 'migrate',
    brief: 'apply pending database migrations',
    usage: ['migrate'],
    summary: 'Apply pending database migrations.',
    example: 'DATABASE_URL=postgres://lotse@db/lotse lotse migrate',
  },
  seed: {
    name: 'seed',
    brief: 'load partners and the demo data set (Rheine)',
    usage: ['seed --demo'],
    summary: 'Load the partners and the demo data set (Rheine).',
    options: { demo: { type: 'boolean', description: 'the demo data set (the only one there is)' } },
    example: 'lotse seed --demo',
  },
  compose: {
    name: 'compose',
    brief: 'regenerate schema/*.graphql from code; --check fails on drift',
    usage: ['compose [--check] [--out DIR]'],
    summary: 'Regenerate schema/*.graphql from the code.',
    options: {
      check: { type: 'boolean', description: 'write nothing; exit 1 if the files differ from the code' },
      out: { type: 'string', value: 'DIR', description: 'directory to write (default schema/)' },
    },
    example: 'lotse compose --check',
  },
  documents: {
    name: 'documents',
    brief: "a partner's registered operations (trusted documents)",
    usage: [
      'documents register --partner SLUG FILE',
      'documents list --partner SLUG',
      'documents export-examples [--out DIR]',
    ],
    summary:
      "Trusted documents: register a partner's operations (Apollo persisted query manifest; the whole file is refused if one operation is invalid or over a limit), list them, or write the demo partners' manifests.",
    options: {
      partner: { type: 'string', value: 'SLUG', description: 'the partner the operations are for' },
      out: { type: 'string', value: 'DIR', description: 'export-examples: directory (default trusted-documents/)' },
    },
    maxPositionals: 2,
    example: 'lotse documents register --partner vhs-rheine trusted-documents/vhs-rheine.json',
  },
  token: {
    name: 'token',
    brief: 'print a development access token',
    usage: ['token --partner SLUG [--scopes a,b] [--purposes a,b] [--ttl SECONDS]'],
    summary: 'Print a development access token for a partner (not in production; needs AUTH_DEV_KEY).',
    options: {
      partner: { type: 'string', value: 'SLUG', description: 'the partner, e.g. jobcenter-steinfurt' },
      scopes: { type: 'string', value: 'a,b', description: "scopes (default: all the partner's)" },
      purposes: { type: 'string', value: 'a,b', description: "purposes the token allows (default: all the partner's)" },
      ttl: { type: 'string', value: 'SECONDS', description: 'lifetime, 60 to 2592000 (default 28800)' },
    },
    example: 'lotse token --partner jobcenter-steinfurt --purposes benefit_administration --ttl 3600',
  },
  register: {
    name: 'register',
    brief: 'print the register of legal bases (DSGVO Art. 30)',
    usage: ['register [--json]'],
    summary: 'Print the register of legal bases (records of processing, DSGVO Art. 30) as a Markdown table.',
    options: { json: { type: 'boolean', description: 'JSON instead of a table' } },
    example: 'lotse register --json',
  },
  audit: {
    name: 'audit',
    brief: "verify the audit log's hash chain; signed checkpoints",
    usage: ['audit verify', 'audit checkpoint [--out FILE] [--store]', 'audit verify-checkpoint FILE'],
    summary:
      "verify recomputes the audit log's hash chain and holds it against the newest stored checkpoint (exit 1 if either does not hold); checkpoint prints a signed checkpoint of its head (--store also stores it, as the scheduled job does); verify-checkpoint checks one against the log (same LOTSE_INTERNAL_SECRET or LOTSE_DATA_DIR as when it was taken; exit 1 if it does not hold).",
    options: {
      out: { type: 'string', value: 'FILE', description: 'checkpoint: write to FILE instead of stdout' },
      store: { type: 'boolean', description: 'checkpoint: also store it in the database' },
    },
    maxPositionals: 2,
    example: 'lotse audit checkpoint --out checkpoint.json && lotse audit verify-checkpoint checkpoint.json',
  },
  retention: {
    name: 'retention',
    brief: 'erase or pseudonymise what has passed its retention period',
    usage: ['retention run [--dry-run]'],
    summary: 'Erase or pseudonymise what has passed its retention period; one JSON line per task (counts only).',
    options: { 'dry-run': { type: 'boolean', description: 'count and write nothing' } },
    maxPositionals: 1,
    example: 'lotse retention run --dry-run',
  },
  indicators: {
    name: 'indicators',
    brief: 'recompute the indicator facts from the records (first deployment, changed definitions)',
    usage: ['indicators rebuild'],
    summary:
      'Recompute every indicator fact (docs/indicators.md#facts) from the records, page by page, and remove facts whose record is gone. Progress on stderr; one JSON line of counts per kind on stdout. Safe while workers run.',
    maxPositionals: 1,
    example: 'lotse indicators rebuild',
  },
  apply: {
    name: 'apply',
    brief: 'configure partners, legal bases, agreements and retention rules from a city.yaml',
    usage: ['apply -f FILE [--dry-run] [--prune [--yes]]'],
    summary:
      'Apply a city configuration file (schema/city-config.schema.json) in one transaction: every entry is validated and audited, or nothing is written (exit 2, naming file:line:column and the entry). Prints one line per change (+ added, ~ changed, - removed) and a summary; applying the same file again prints "nothing to change". --prune also removes what the file\'s sections no longer name (partners deactivated, legal bases revoked, agreements ended, retention rules removed); a section the file leaves out is not touched.',
    options: {
      file: { type: 'string', short: 'f', value: 'FILE', description: 'the configuration file (YAML)' },
      'dry-run': { type: 'boolean', description: 'print the changes, write nothing' },
      prune: { type: 'boolean', description: 'also remove what the file no longer names (needs --yes)' },
      yes: { type: 'boolean', description: 'confirm --prune; without it --prune only lists what would go (exit 2)' },
    },
    example: 'lotse apply -f examples/rheine/city.yaml --dry-run',
  },
  export: {
    name: 'export',
    brief: 'print the current configuration in the city.yaml format',
    usage: ['export [-o FILE]'],
    summary:
      'Print the configuration as a city configuration file: partners (deactivated ones with active: false), legal bases not revoked, agreements and retention rules, in a stable order; applying it changes nothing.',
    options: { out: { type: 'string', short: 'o', value: 'FILE', description: 'write to FILE instead of stdout' } },
    example: 'lotse export -o city.yaml',
  },
  report: {
    name: 'report',
    brief: 'the indicator report as PDF, HTML or CSV files',
    usage: ['report --period P [--offer O] [--partner SLUG] (--pdf FILE | --html FILE | --csv DIR)'],
    summary:
      'Compute the indicators for period P (2019, 2019-Q1, 2019-03, 2019-01-01/2019-06-30) and write the steering report: --pdf prints the HTML page to PDF with headless Chromium (CHROMIUM_PATH), --html writes the page, --csv one CSV file per indicator set into DIR; any of them together. As the hub (every fact, small numbers suppressed) or, with --partner, as that partner (its jurisdiction; it needs a legal basis for statistics). Progress on stderr, the files written on stdout. See docs/indicators.md.',
    options: {
      period: {
        type: 'string',
        value: 'P',
        description: 'the period: 2019, 2019-Q1, 2019-03 or FROM/TO (ISO days, both included)',
      },
      offer: {
        type: 'string',
        value: 'O',
        description: 'one set: arrival_counselling, language_offensive, case_management, referrals (default: all)',
      },
      partner: { type: 'string', value: 'SLUG', description: 'compute as this partner, e.g. rheine-sozialplanung' },
      pdf: { type: 'string', value: 'FILE', description: 'write the report as PDF (A4)' },
      html: { type: 'string', value: 'FILE', description: 'write the report as HTML (self-contained)' },
      csv: { type: 'string', value: 'DIR', description: 'write one CSV per indicator set into DIR' },
    },
    example: 'lotse report --period 2019 --pdf kennzahlen-2019.pdf',
  },
  import: {
    name: 'import',
    brief: "import persons from an agency's CSV or JSON lines export, as a partner",
    usage: ['import persons FILE --as PARTNER [--format csv|jsonl] [--errors FILE] [--dry-run]'],
    summary:
      'Import persons row by row through the services, as the partner PARTNER (its scopes, jurisdiction and first purpose). Idempotent by identifier: a re-run changes nothing, a changed file records only the changes; each row all or nothing; refused rows go to the error report (line,field,reason). Exit 0 when every row was imported, 1 when some were refused. Format: docs/import.md.',
    options: {
      as: { type: 'string', value: 'PARTNER', description: 'the partner the import acts as, e.g. rheine-abh' },
      format: { type: 'string', value: 'csv|jsonl', description: 'file format (default: from the extension)' },
      errors: { type: 'string', value: 'FILE', description: 'error report (default: FILE.errors.csv)' },
      'dry-run': { type: 'boolean', description: 'check and count every row, write nothing (but the report)' },
    },
    maxPositionals: 2,
    example: 'lotse import persons examples/rheine/persons.example.csv --as rheine-abh',
  },
};

export const USAGE = `Usage: lotse <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => [...c.usage.map((u) => `  ${u}`), `      ${c.brief}`].join('\n'))
  .join('\n')}

Every command explains itself with --help, e.g. lotse token --help.
Configuration comes from the environment; see README.md.`;
