/**
 * Browser check for the self-hosted GraphiQL page, reusable against any
 * server (the test's fake or the real gateway): loads the page in Debian's
 * Chromium, runs a query and asserts no request left localhost.
 */
import { existsSync } from 'fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface AssertGraphiqlOptions {
  /** Put into the active tab's query editor before executing; default `{ __typename }`. */
  query?: string;
  /** Text the response pane must show; default `"__typename": "Query"`. */
  expectText?: string;
  /** Default /tmp/graphiql.png. */
  screenshotPath?: string;
  /** Extra interaction (e.g. open a dialog) run before the final assertions. */
  extraSteps?: (page: Page) => Promise<void>;
  /** Per-step timeout, default 15 s. */
  timeoutMs?: number;
  /** Browser window size, default 1400×800. */
  viewport?: { width: number; height: number };
}

export interface GraphiqlBrowserResult {
  requests: string[];
  consoleErrors: string[];
  responseText: string;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLocalUrl(raw: string): boolean {
  if (raw.startsWith('data:') || raw.startsWith('blob:')) return true;
  try {
    const u = new URL(raw);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:') &&
      LOCAL_HOSTS.has(u.hostname)
    );
  } catch {
    return false;
  }
}

const short = (t: string) => (t.length > 300 ? `${t.slice(0, 300)}…` : t); // data: URIs make huge messages

// Runs before any page script (via CDP, so the page's CSP does not apply to it).
const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', function (e) {
    window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)'));
  });
`;

export async function assertGraphiqlLoads(
  baseUrl: string,
  opts: AssertGraphiqlOptions = {},
): Promise<GraphiqlBrowserResult> {
  const query = opts.query ?? '{ __typename }';
  const expectText = opts.expectText ?? '"__typename": "Query"';
  const timeout = opts.timeoutMs ?? 15_000;
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; install the Debian package: apt-get install -y chromium`);
  }

  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  let browser: Browser | undefined;
  // What the page looked like when it failed, next to the screenshot path the test chose.
  const failedShot = (opts.screenshotPath ?? '/tmp/graphiql.png').replace(/(\.png)?$/, '-failed.png');
  let shootFailure: (() => Promise<unknown>) | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout });
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 800 } });
    const page = await context.newPage();
    shootFailure = () => page.screenshot({ path: failedShot });
    const collectProblems = async (): Promise<string[]> => {
      const violations = await page.evaluate(
        () => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations,
      );
      return [
        ...new Set(
          [
            ...requests.filter((u) => !isLocalUrl(u)).map((u) => `request left localhost: ${u}`),
            ...violations.map((v) => `CSP violation: ${v}`),
            ...consoleErrors
              .filter((t) => /content security policy|refused to/i.test(t))
              .map((t) => `CSP console error: ${t}`),
            ...pageErrors.map((t) => `uncaught page error: ${t}`),
          ].map(short),
        ),
      ];
    };
    page.setDefaultTimeout(timeout);
    page.setDefaultNavigationTimeout(timeout);

    page.on('request', (r) => requests.push(r.url()));
    page.on('websocket', (ws) => requests.push(ws.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // Recorded above for the assertion; aborting too keeps an offline CI from hanging on them.
    await context.route(
      (url) => !isLocalUrl(url.toString()),
      (route) => route.abort(),
    );
    await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });

    const response = await page.goto(new URL('/', baseUrl).toString(), { waitUntil: 'load' });
    if (!response || response.status() !== 200) throw new Error(`GET / answered ${response?.status()}`);
    if ((await page.title()) !== 'Lotse GraphiQL') throw new Error(`unexpected title "${await page.title()}"`);

    await page.locator('.graphiql-container').waitFor({ state: 'visible' });
    // Unstyled GraphiQL (CSS blocked or missing) renders the container as a plain block.
    const display = await page.locator('.graphiql-container').evaluate(
      // tsconfig has no DOM lib (server code); reach the browser global by cast.
      (el) =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(el).display,
    );
    if (display !== 'flex') throw new Error(`GraphiQL looks unstyled (container display: ${display})`);

    // Set the text through CodeMirror's API: typing would fight auto-close brackets and autocompletion.
    const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
    await editor.waitFor({ state: 'visible' });
    await editor.evaluate((el, q) => {
      (el as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(q);
    }, query);
    await page.locator('.graphiql-execute-button').click();

    const result = page.locator('.result-window');
    await result.filter({ hasText: expectText }).waitFor({ state: 'visible' });
    const responseText = (await result.innerText()).trim();

    await page.screenshot({ path: opts.screenshotPath ?? '/tmp/graphiql.png', fullPage: false });
    if (opts.extraSteps) await opts.extraSteps(page);

    const problems = await collectProblems();
    if (problems.length) throw new Error(`GraphiQL page problems:\n  ${problems.join('\n  ')}`);
    return { requests, consoleErrors, responseText };
  } catch (err) {
    if (
      shootFailure &&
      (await shootFailure().then(
        () => true,
        () => false,
      )) &&
      err instanceof Error
    )
      err.message += `\nScreenshot: ${failedShot}`;
    // A timeout is often caused by something blocked: say what the page saw.
    const seen = [
      ...requests.filter((u) => !isLocalUrl(u)).map((u) => `request left localhost: ${u}`),
      ...consoleErrors.map((t) => `console error: ${t}`),
      ...pageErrors.map((t) => `uncaught page error: ${t}`),
    ];
    if (seen.length && err instanceof Error && !err.message.startsWith('GraphiQL page problems')) {
      err.message += `\nPage diagnostics:\n  ${[...new Set(seen.map(short))].join('\n  ')}`;
    }
    throw err;
  } finally {
    await browser?.close().catch(() => undefined);
  }
}
