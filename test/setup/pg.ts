import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/** The server tests use; CI and the machine notes give PostgreSQL on 127.0.0.1:5432 with trust auth. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The template's name changes with the migrations, so a stale template is never reused. */
export function templateName(): string {
  const root = path.resolve(__dirname, '..', '..');
  const files = [path.join(root, 'src/events/outbox.migration.ts')];
  for (const sg of fs.readdirSync(path.join(root, 'src/subgraphs'))) {
    const dir = path.join(root, 'src/subgraphs', sg, 'migrations');
    if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).sort()) files.push(path.join(dir, f));
    // The subgraph file lists which migrations run: a file on disk that is not listed yet must not count.
    const registry = path.join(root, 'src/subgraphs', sg, `${sg}.subgraph.ts`);
    if (fs.existsSync(registry)) files.push(registry);
  }
  const auditDir = path.join(root, 'src/audit/migrations');
  if (fs.existsSync(auditDir)) for (const f of fs.readdirSync(auditDir).sort()) files.push(path.join(auditDir, f));
  const idempotencyDir = path.join(root, 'src/idempotency/migrations');
  if (fs.existsSync(idempotencyDir))
    for (const f of fs.readdirSync(idempotencyDir).sort()) files.push(path.join(idempotencyDir, f));
  const hash = crypto.createHash('sha256');
  for (const f of files) hash.update(f.slice(root.length)).update(fs.readFileSync(f));
  return `lotse_tpl_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * The template with the demo city's configuration applied (examples/rheine/city.yaml): what every
 * test app would otherwise apply (and audit) on start. Its name changes with the file.
 */
export function seededTemplateName(migrated = templateName()): string {
  const file = path.resolve(__dirname, '..', '..', 'examples', 'rheine', 'city.yaml');
  const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  return `${migrated}_demo_${hash.slice(0, 8)}`;
}

export async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
