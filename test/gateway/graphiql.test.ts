import http from 'http';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import type { AddressInfo } from 'net';
import {
  createGraphiqlHandler,
  buildPageConfig,
  neutralizeRemoteCss,
  type GraphiqlOptions,
} from '../../src/gateway/graphiql';
import { assertGraphiqlLoads, CHROMIUM_PATH } from '../helpers/graphiql-browser';
import { loadOrCreateDevKey } from '../../src/gateway/dev-key';
import { createDevTokenIssuer, devTokenRoute } from '../../src/gateway/dev-token';

jest.setTimeout(60_000);

const options: GraphiqlOptions = {
  endpoint: '/graphql',
  examples: [
    { partner: 'Stadtwerke Musterstadt', title: 'Typename', query: 'query Typename { __typename }' },
    {
      partner: 'Kreis </script><b>x</b>', // must not break out of the JSON data block
      title: 'Mit Variablen',
      query: 'query WithVars($id: ID!) { __typename }',
      variables: { id: '42' },
      purpose: 'case_management',
      token: 'partner-token-456',
    },
  ],
};

let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  const handler = createGraphiqlHandler(options);
  server = http.createServer((req, res) => {
    void (async () => {
      if (await handler(req, res)) return;
      // Stand-in for the real gateway: every operation answers the same.
      if (req.method === 'POST' && req.url === '/graphql') {
        for await (const _chunk of req) {
          /* drain body */
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"data":{"__typename":"Query"}}');
        return;
      }
      res.writeHead(404).end();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Raw request so paths like "/../" reach the server un-normalised. */
function get(path: string, method = 'GET', headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(`${baseUrl}/`, { method, path, headers, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('GraphiQL handler (HTTP)', () => {
  test('page has strict CSP, no-store and a safe config block', async () => {
    for (const p of ['/', '/graphiql']) {
      const res = await get(p);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
      expect(res.body).toContain('<title>Lotse GraphiQL</title>');
      expect(res.body).not.toContain('</script><b>');
      // Only the JSON data block is inline; every executable script has a src.
      expect(res.body.match(/<script(?![^>]*\b(src=|type="application\/json"))/g)).toBeNull();
      expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  test("each example tab carries its own partner's token and purpose; no tab borrows another's", () => {
    const cfg = buildPageConfig(options);
    expect(cfg).not.toHaveProperty('defaultHeaders'); // a new tab starts without a token
    expect(cfg.tabs[0].headers).toBeNull(); // no token of its own: none, not another partner's
    expect(JSON.parse(cfg.tabs[1].headers!)).toEqual({
      Authorization: 'Bearer partner-token-456',
      'Lotse-Purpose': 'case_management',
    });
    expect(JSON.parse(cfg.tabs[1].variables!)).toEqual({ id: '42' });
    expect(cfg.tabs[0].query).toMatch(/^# Stadtwerke Musterstadt: Typename\n/);
    expect(cfg.tabs[1].query).toMatch(/^# Kreis .*\(case_management\): Mit Variablen\n/);
    expect(buildPageConfig({ ...options, examples: [] })).toMatchObject({ tabs: [], partners: [] });
    expect(cfg.tokenPath).toBeUndefined(); // no issuer: no chooser
  });

  test('assets: allow-listed, typed, cached; anything else is not served', async () => {
    const js = await get('/graphiql/assets/graphiql.min.js?v=x');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).not.toContain('sourceMappingURL');
    const css = await get('/graphiql/assets/graphiql.min.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    // Fonts are inlined; no url() may point anywhere but data:.
    expect(css.body.match(/url\((?!data:)[^)]*\)/g)).toBeNull();
    expect(css.body).not.toMatch(/@import/);
    expect(
      (await get('/graphiql/assets/graphiql.min.css', 'GET', { 'If-None-Match': String(css.headers.etag) })).status,
    ).toBe(304);
    expect((await get('/graphiql/assets/react.production.min.js', 'HEAD')).body).toBe('');

    for (const p of [
      '/graphiql/assets/graphiql.min.js.map',
      '/graphiql/assets/%2e%2e%2fpackage.json',
      '/graphiql/assets/..%2F..%2Fpackage.json',
    ]) {
      expect((await get(p)).status).toBe(404);
    }
    // Normalised to /package.json: not ours, the caller's 404.
    expect((await get('/graphiql/assets/../../package.json')).body).toBe('');
    expect((await get('/', 'POST')).status).toBe(404); // POST / is left to the caller
  });

  test('remote CSS urls are neutralised', () => {
    const css = neutralizeRemoteCss(
      '@import url("https://fonts.googleapis.com/css?family=Roboto");a{src:url(https://x.example/f.woff2)}' +
        'b{background:url(//cdn.example/i.png)}c{src:url(data:font/woff2;base64,AA)}d{background:url(local.png)}',
    );
    expect(css).not.toMatch(/googleapis|x\.example|cdn\.example/);
    expect(css).toContain('url(data:font/woff2;base64,AA)');
    expect(css).toContain('url(local.png)');
  });
});

const haveChromium = existsSync(CHROMIUM_PATH);
// Locally without Chromium: skip (visibly). In CI it must be installed, so run and fail loudly.
const browserTest = haveChromium || process.env.CI ? test : test.skip;
const browserTitle =
  haveChromium || process.env.CI
    ? 'GraphiQL loads in Chromium, runs a query, nothing leaves localhost'
    : `SKIPPED: ${CHROMIUM_PATH} missing (apt-get install -y chromium) – GraphiQL browser test`;

describe('GraphiQL in the browser', () => {
  browserTest(browserTitle, async () => {
    const result = await assertGraphiqlLoads(baseUrl, {
      // Opening a dialog makes GraphiQL inject a <style> tag, which must pass CSP via the nonce.
      extraSteps: async (page) => {
        // The second example tab carries its partner's token, not the dev token.
        await page.locator('.graphiql-tab', { hasText: 'WithVars' }).click();
        await page.waitForFunction(
          () => {
            const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } })
              .document;
            return Array.from(doc.querySelectorAll('.CodeMirror')).some((el) =>
              (el as { CodeMirror: { getValue(): string } }).CodeMirror.getValue().includes('Bearer partner-token-456'),
            );
          },
          undefined,
          { timeout: 10_000 },
        );
        await page.locator('button[aria-label="Open settings dialog"]').click();
        await page.locator('.graphiql-dialog').waitFor({ state: 'visible' });
        await page.keyboard.press('Escape');
        await page.locator('.graphiql-dialog').waitFor({ state: 'detached' });
      },
    });
    expect(result.responseText).toContain('"__typename": "Query"');
    expect(result.requests.some((u) => u.endsWith('/graphql'))).toBe(true);
  });
});

describe('POST /dev/token outside development', () => {
  test('production (or no development key) has no such route: 404, nothing minted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lotse-devkey-'));
    const key = await loadOrCreateDevKey(dir);
    const partners = {
      findBySlug: async (slug: string) =>
        slug === 'rheine-youth'
          ? { slug, name: 'Jugendamt', scopes: ['persons:read'], purposes: ['youth_welfare'] }
          : null,
    };
    const auth = { issuer: 'urn:lotse:dev', audience: 'urn:lotse:api', devKey: true };
    expect(createDevTokenIssuer({ env: 'production', auth }, key, partners, ['rheine-youth'])).toBeUndefined();
    expect(createDevTokenIssuer({ env: 'development', auth }, undefined, partners, ['rheine-youth'])).toBeUndefined();
    const dev = createDevTokenIssuer({ env: 'development', auth }, key, partners, ['rheine-youth', 'gone']);
    expect(await dev!.partners()).toEqual([{ slug: 'rheine-youth', name: 'Jugendamt', purposes: ['youth_welfare'] }]);

    const route = devTokenRoute(undefined);
    const server = http.createServer((req, res) => {
      void route(req, res).then((handled) => {
        if (!handled) res.writeHead(418).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/token`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ partner: 'rheine-youth', purpose: 'youth_welfare' }),
      });
      expect(res.status).toBe(404);
      expect(await res.text()).not.toMatch(/eyJ/); // no token
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
