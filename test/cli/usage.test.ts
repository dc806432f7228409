/**
 * `lotse <command> --help` and usage mistakes, on the BUILT program (`npm run build` first). None of
 * these needs a database: help and usage errors come before configuration and boot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { COMMANDS } from '../../src/cli.help';
import { ROOT, runCli } from '../helpers/lotse-process';

jest.setTimeout(120_000);

// No DATABASE_URL, no Redis: a command that got past its arguments would try to boot and hang or fail differently.
const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LOTSE_ENV: 'development', LOTSE_DATA_DIR: '/nonexistent' };

beforeAll(() => {
  const cli = path.join(ROOT, 'dist', 'src', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error('dist/src/cli.js is missing: run "npm run build" first');
});

test.each(Object.keys(COMMANDS))('lotse %s --help prints usage, options and an example, exit 0', async (name) => {
  const res = await runCli([name, '--help'], env);
  expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
  expect(res.stdout).toContain(`Usage:\n  lotse ${name}`);
  expect(res.stdout).toContain('Options:');
  expect(res.stdout).toMatch(/Example:\n {2}\S/);
});

test('a subcommand word before --help still gets the help (lotse audit verify --help)', async () => {
  const res = await runCli(['audit', 'verify', '--help'], env);
  expect(res.code).toBe(0);
  expect(res.stdout).toContain('lotse audit verify-checkpoint FILE');
});

test.each([
  [['token', '--partner', 'jobcenter-steinfurt', '--ttl', '-5'], /--ttl must be whole seconds between 60 and 2592000/],
  [['token', '--partner', 'jobcenter-steinfurt', '--ttl', 'soon'], /--ttl must be whole seconds/],
  [['token', '--ttl', '3600'], /needs --partner SLUG/],
  [['token', '--partner'], /--partner needs a value/],
  [['token', '--partner', 'x', '--verbose'], /unknown option --verbose/],
  [['audit', '--out'], /--out needs a value/],
  [['audit', 'verify', 'extra'], /unexpected argument "extra"/],
  [['audit'], /needs one of: verify, checkpoint/],
  [['audit', 'verify-checkpoint'], /needs FILE/],
  [['compose', '--check=yes'], /--check takes no value/],
  [['seed'], /needs --demo/],
  [['subgraph', 'city', '--port', '-1'], /--port must be a port number/],
  [['documents', 'list'], /needs --partner SLUG/],
  [['retention', 'now'], /needs: run/],
  [['indicators', 'now'], /needs: rebuild/],
  [['migrate', 'now'], /unexpected argument "now"/],
  [['frobnicate'], /unknown command "frobnicate"/],
])('lotse %j: one-line hint on stderr, exit 2', async (args, message) => {
  const res = await runCli(args, env);
  expect(res.timedOut).toBe(false);
  expect(res.stdout).toBe('');
  const lines = res.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  // Where to look next, and none of Node's parser vocabulary.
  expect(lines[0]).toMatch(/\(see: lotse( [a-z]+)? --help\)$/);
  expect(lines[0]).not.toMatch(/ambiguous|ERR_PARSE_ARGS|TypeError/);
  expect(res.code).toBe(2);
});

test('LOG_LEVEL=loud is reported with the other configuration problems at start', async () => {
  expect(() => loadConfig({ LOG_LEVEL: 'loud', PORT: 'x' })).toThrow(
    /PORT must be an integer[\s\S]*LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/,
  );
  expect(loadConfig({ LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
  const res = await runCli(['migrate'], { ...env, LOG_LEVEL: 'loud', PORT: 'x' });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('Invalid configuration:');
  expect(res.stderr).toContain('- PORT must be an integer');
  expect(res.stderr).toContain('- LOG_LEVEL must be one of');
  expect(res.stderr).not.toMatch(/at \S+ \(/); // no stack trace
});
