import http from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, JWK } from 'jose';
import { ConfigError, loadConfig } from '../../src/config';
import { startTestApp, TestApp } from './app';

/** The least a production configuration needs: tests add one setting and read what is refused. */
export const PRODUCTION_ENV = {
  LOTSE_ENV: 'production',
  LOTSE_INTERNAL_SECRET: 'x'.repeat(32),
  AUTH_JWKS_URL: 'https://login.example.org/jwks.json',
  DATABASE_URL: 'postgres://lotse@db/lotse',
};

/** The problems loadConfig refuses `env` for ([] when it loads). */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

/**
 * A gateway in production mode. Production refuses the dev key and needs an identity provider's
 * JWKS: one is served here, holding the test app's dev key, so tests can still mint tokens.
 */
export async function startProductionApp(
  env: Record<string, string> = {},
): Promise<{ app: TestApp; close(): Promise<void> }> {
  let jwk: JWK | undefined = undefined; // served once the app has its key
  const jwks = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: jwk ? [jwk] : [] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  const app = await startTestApp({
    env: {
      LOTSE_ENV: 'production',
      LOTSE_INTERNAL_SECRET: 'x'.repeat(40),
      AUTH_DEV_KEY: 'false',
      AUTH_JWKS_URL: jwksUrl,
      ...env,
    },
  });
  jwk = { ...(await exportJWK(app.devKey.publicKey)), kid: app.devKey.kid, alg: 'ES256', use: 'sig' };
  return {
    app,
    async close() {
      await app.stop();
      await new Promise((resolve) => jwks.close(resolve));
    },
  };
}
