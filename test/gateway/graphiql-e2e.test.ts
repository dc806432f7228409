import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, TestApp } from '../helpers/app';
import { assertGraphiqlLoads } from '../helpers/graphiql-browser';
import { EXAMPLE_OPERATIONS } from '../../src/gateway/examples';
import { DEV_TOKEN_PATH } from '../../src/gateway/dev-token';
import { seedDemo } from '../../src/seed/demo.seed';

const hasChromium = fs.existsSync('/usr/bin/chromium');
const maybe = hasChromium || process.env.CI ? describe : describe.skip;

// tsconfig has no DOM lib (server code): the browser's globals, reached by cast.
type CodeMirrorElement = { CodeMirror: { getValue(): string } };

async function bar(page: Page): Promise<{ partner: string; purpose: string; text: string }> {
  const el = page.locator('#lotse-bar');
  return {
    partner: (await el.getAttribute('data-partner')) ?? '',
    purpose: (await el.getAttribute('data-purpose')) ?? '',
    text: await el.locator('.lotse-identity').innerText(),
  };
}

async function waitForBar(page: Page, partner: string, purpose: string): Promise<void> {
  await page.waitForFunction(
    ([p, q]) => {
      const el = (globalThis as unknown as { document: { getElementById(id: string): any } }).document.getElementById(
        'lotse-bar',
      );
      return el?.getAttribute('data-partner') === p && el?.getAttribute('data-purpose') === q;
    },
    [partner, purpose],
    { timeout: 10_000 },
  );
}

/** Executes the active tab and returns the parsed response once one has arrived. */
async function execute(page: Page): Promise<{ data?: Record<string, unknown> | null; errors?: unknown[] }> {
  // Cleared first: a tab run again may well get the same answer.
  await page
    .locator('.result-window .CodeMirror')
    .first()
    .evaluate((el) => (el as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(''));
  await page.locator('.graphiql-execute-button').click();
  const handle = await page.waitForFunction(
    () => {
      const el = Array.from(
        (
          globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }
        ).document.querySelectorAll('.result-window .CodeMirror'),
      )[0] as CodeMirrorElement | undefined;
      const value = el?.CodeMirror.getValue() ?? '';
      if (!value.trim()) return undefined;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return undefined;
      }
    },
    undefined,
    { timeout: 20_000 },
  );
  return (await handle.jsonValue()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
}

/** GraphiQL from the real gateway, on the demo data set, in headless Chromium at 1440×900. */
maybe('GraphiQL on the gateway', () => {
  let app: TestApp;
  const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-graphiql-'));
  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.container); // the saved examples are written against the deterministic demo data
  }, 300_000);
  afterAll(() => app?.stop());

  it('POST /dev/token mints a token for a demo partner and purpose, refuses unknown ones', async () => {
    const post = (body: unknown, type = 'application/json') =>
      fetch(`${app.url}${DEV_TOKEN_PATH}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify(body),
      });
    const ok = await post({ partner: 'rheine-youth', purpose: 'youth_welfare' });
    expect(ok.status).toBe(200);
    const minted = (await ok.json()) as { token: string; partner: string; purpose: string };
    expect(minted).toMatchObject({ partner: 'rheine-youth', purpose: 'youth_welfare' });
    const claims = JSON.parse(Buffer.from(minted.token.split('.')[1], 'base64url').toString('utf8')) as {
      partner: string;
      exp: number;
      iat: number;
    };
    expect(claims.partner).toBe('rheine-youth');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(3600); // short-lived
    expect((await post({ partner: 'rheine-youth', purpose: 'benefit_administration' })).status).toBe(400);
    expect(await (await post({ partner: 'nobody' })).json()).toMatchObject({ error: { field: 'partner' } });
    expect((await post({ partner: 'rheine-youth' }, 'text/plain')).status).toBe(415); // no cross-site form posts
  });

  it('runs every saved example as its partner and purpose: no errors, no null data; tabs legible at 1440 px', async () => {
    const failures: string[] = [];
    await assertGraphiqlLoads(app.url, {
      viewport: { width: 1440, height: 900 },
      query: EXAMPLE_OPERATIONS[0].query,
      expectText: '"totalCount"',
      screenshotPath: path.join(shots, 'first.png'),
      timeoutMs: 30_000,
      extraSteps: async (page) => {
        const tabs = page.locator('.graphiql-tab');
        expect(await tabs.count()).toBe(EXAMPLE_OPERATIONS.length);
        for (const [i, ex] of EXAMPLE_OPERATIONS.entries()) {
          await tabs.nth(i).locator('.graphiql-tab-button').click();
          await waitForBar(page, ex.partner, ex.purpose);
          expect((await bar(page)).text).toContain(`This tab acts as ${ex.partner}`);
          const res = await execute(page);
          const nullRoots = Object.entries(res.data ?? {}).filter(([, v]) => v === null);
          if (res.errors?.length || !res.data || nullRoots.length)
            failures.push(`${ex.partner} "${ex.title}": ${JSON.stringify(res).slice(0, 400)}`);
        }

        // Legible at 1440 px: every tab shows its whole title and its partner.
        await page.screenshot({ path: path.join(shots, 'tabs-1440.png') });
        const sizes = await tabs.evaluateAll((els) =>
          els.map((el) => {
            const e = el as unknown as {
              getBoundingClientRect(): { width: number };
              getAttribute(n: string): string | null;
              querySelector(s: string): { scrollWidth: number; clientWidth: number; textContent: string } | null;
            };
            const b = e.querySelector('.graphiql-tab-button');
            return {
              width: e.getBoundingClientRect().width,
              title: b?.textContent ?? '',
              clipped: b ? b.scrollWidth > b.clientWidth + 1 : true,
              partner: e.getAttribute('data-partner'),
            };
          }),
        );
        for (const [i, s] of sizes.entries()) {
          expect({ i, title: s.title, clipped: s.clipped }).toEqual({ i, title: s.title, clipped: false });
          expect(s.width).toBeGreaterThanOrEqual(80);
          expect(s.partner).toBe(`${EXAMPLE_OPERATIONS[i].partner} · ${EXAMPLE_OPERATIONS[i].purpose}`);
        }

        // A new tab starts with no token, not the last tab's; choosing a partner affects that tab only.
        await page.locator('.graphiql-tab-add').click();
        await waitForBar(page, '', '');
        expect((await bar(page)).text).toMatch(/sends no token/);
        await page.locator('#lotse-bar select[name=partner]').selectOption('rheine-social');
        await page.locator('#lotse-bar select[name=purpose]').selectOption('arrival_counselling');
        await page.locator('#lotse-bar button[name=use]').click();
        await waitForBar(page, 'rheine-social', 'arrival_counselling');
        await page
          .locator('.graphiql-query-editor .CodeMirror')
          .first()
          .evaluate((el) =>
            (el as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(
              'query Me { viewer { partner { slug } } }',
            ),
          );
        const me = await execute(page);
        expect(me).toEqual({ data: { viewer: { partner: { slug: 'rheine-social' } } } });
        await tabs.nth(0).locator('.graphiql-tab-button').click();
        await waitForBar(page, EXAMPLE_OPERATIONS[0].partner, EXAMPLE_OPERATIONS[0].purpose);
        // The chooser follows the active tab.
        await page.waitForTimeout(500);
        expect(await page.locator('#lotse-bar select[name=partner]').inputValue()).toBe(EXAMPLE_OPERATIONS[0].partner);
        expect(await page.locator('#lotse-bar select[name=purpose]').inputValue()).toBe(EXAMPLE_OPERATIONS[0].purpose);
        await page.screenshot({ path: path.join(shots, 'after-switch-1440.png') });
      },
    });
    expect(failures).toEqual([]);
  }, 240_000);
});
