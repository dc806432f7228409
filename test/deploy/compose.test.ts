import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml stays valid for a single host: `docker compose config` (or the standalone
 * `docker-compose`) checks it without a Docker engine. Skipped where neither client is installed.
 */

const root = path.resolve(__dirname, '../..');
// Only what Compose interpolates; the test's own LOTSE_* settings must not leak into the file.
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
const run = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', timeout: 60_000 });

const compose = [['docker', 'compose'], ['docker-compose']].find(
  ([cmd, ...sub]) => run(cmd, [...sub, 'version']).status === 0,
);
const maybe = compose ? describe : describe.skip;

maybe('docker-compose.yml', () => {
  const [cmd, ...sub] = compose ?? [];

  it('is accepted by `compose config -q`', () => {
    const result = run(cmd, [...sub, 'config', '-q']);
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  });

  it('runs migrations first, then a gateway and a worker, each with a health check on its own port', () => {
    const result = run(cmd, [...sub, 'config']);
    expect(result.status).toBe(0);
    const config = parse(result.stdout);
    expect(Object.keys(config.services).sort()).toEqual(['gateway', 'migrate', 'postgres', 'redis', 'worker']);
    expect(config.services.migrate.command).toEqual(['migrate']);
    expect(config.services.gateway.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(config.services.worker.depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(config.services.worker.healthcheck.test.join(' ')).toContain('process.env.WORKER_PORT || 9464');
    expect(config.services.worker.healthcheck.test.join(' ')).toContain('/healthz');
    expect(config.services.redis.command.join(' ')).toContain('--maxmemory-policy noeviction');
  });
});
