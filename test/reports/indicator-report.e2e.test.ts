import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { startTestApp, TestApp } from '../helpers/app';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/graphiql-browser';
import { cliEnv, runCli } from '../helpers/lotse-process';
import { caseFact, clearIndicatorFacts, enrolmentFact, courseFact, referralFact, times, visitFact } from '../factories';
import { REPORT_CSP } from '../../src/reports/indicator-report.route';
import { OFFERS } from '../../src/subgraphs/hub/indicator/indicator.model';

const hasChromium = fs.existsSync(CHROMIUM_PATH);
const withChromium = hasChromium || process.env.CI ? describe : describe.skip;

/** The statistics partner of the demo city (legal basis for statistics, scope statistics:read). */
const PLANNING = 'rheine-sozialplanung';

/**
 * Facts of 2019 for every set: enough for most figures to show, a few below 5 (suppressed).
 * arrival: 12 visits, 10 as planned; topics language 8, childcare 6, housing 2 (suppressed).
 * language: 2 courses, 14 enrolments, 9 of them women. cases: 8 open, 3 closed planned.
 * referrals: 9 integration-course referrals, 6 accepted; 3 district-office referrals (suppressed).
 */
async function seedFacts(app: TestApp): Promise<void> {
  await clearIndicatorFacts(app);
  await times(12, (i) =>
    visitFact(app, {
      as_planned: i < 10,
      topics: [...(i < 8 ? ['language'] : []), ...(i < 6 ? ['childcare'] : []), ...(i < 2 ? ['housing'] : [])],
      follow_up_due_on: '2019-05-01',
      follow_up_kind: i < 7 ? 'district_office' : 'none',
      follow_up_in_time: i < 7,
    }),
  );
  const courses = [await courseFact(app), await courseFact(app, { childcare: true })];
  await times(14, (i) =>
    enrolmentFact(app, { course_id: courses[i % 2], sex: i < 9 ? 'female' : 'male', uses_childcare: i < 6 }),
  );
  await times(8, (i) =>
    caseFact(app, {
      appointments_due: 4,
      appointments_kept: i < 6 ? 4 : 2,
      topics: i < 5 ? ['housing', 'health'] : ['education'],
      ...(i < 3 ? { closed_on: '2019-09-30', closure: 'planned', goals_agreed: 2, goals_reached: 2 } : {}),
    }),
  );
  await times(9, (i) =>
    referralFact(app, {
      status: i < 6 ? 'accepted' : 'requested',
      accepted_at: i < 6 ? new Date('2019-03-05T09:00:00Z') : null,
    }),
  );
  await times(3, () => referralFact(app, { referral_type: 'district_office', receiver: 'rheine-social' }));
}

describe('indicator report over HTTP and the CLI', () => {
  let app: TestApp;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lotse-report-'));

  beforeAll(async () => {
    app = await startTestApp();
    await seedFacts(app);
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const get = async (pathAndQuery: string, partner: string | null, init: RequestInit = {}) => {
    const headers: Record<string, string> = {};
    if (partner) headers.authorization = `Bearer ${await app.token(partner)}`;
    return fetch(`${app.url}${pathAndQuery}`, { ...init, headers });
  };

  describe('route', () => {
    it('answers the statistics partner with the HTML report: no-store, a CSP that allows no request', async () => {
      const res = await get('/reports/indicators?period=2019', PLANNING);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-security-policy')).toBe(REPORT_CSP);
      expect(REPORT_CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:/);
      const html = await res.text();
      expect(html).toContain('<title>Kennzahlen Integrationsmanagement — Zeitraum 2019</title>');
      for (const set of ['Ankommensberatung', 'Sprachoffensive', 'Case Management']) expect(html).toContain(set);
      expect(html).not.toMatch(/https?:\/\//);
    });

    it('answers one set as CSV with its file name; offer is required', async () => {
      const res = await get('/reports/indicators.csv?period=2019&offer=arrival_counselling', PLANNING);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers.get('content-disposition')).toBe(
        'attachment; filename="kennzahlen-arrival_counselling-2019.csv"',
      );
      const rows = parse<Record<string, string>>(Buffer.from(await res.arrayBuffer()).toString('utf8'), {
        bom: true,
        delimiter: ';',
        columns: true,
      });
      // 12 visits, 10 of them as planned (of the 12 concluded).
      expect(rows.find((r) => r.schluessel === 'arrival.visits_as_planned')).toMatchObject({
        wert: '83,3',
        zaehler: '10',
        nenner: '12',
        unterdrueckt: 'nein',
      });
      // Housing was a topic of 2 visits: below 5, no number.
      expect(rows.find((r) => r.kategorie_schluessel === 'housing')).toMatchObject({
        wert: '',
        zaehler: '',
        unterdrueckt: 'ja',
      });
      const noOffer = await get('/reports/indicators.csv?period=2019', PLANNING);
      expect(noOffer.status).toBe(400);
      expect(await noOffer.text()).toContain('„offer“');
    });

    it('400 names the parameter, 401 without a token, 403 without the statistics basis, 405 for POST', async () => {
      for (const bad of ['2019-13', '2019-01-01/..', 'last year']) {
        const res = await get(`/reports/indicators?period=${encodeURIComponent(bad)}`, PLANNING);
        expect(res.status).toBe(400);
        const text = await res.text();
        expect(text).toContain('Der Parameter „period“ ist ungültig');
        expect(text).toContain('Erlaubt sind ein Jahr (2019)');
      }
      const missing = await get('/reports/indicators', PLANNING);
      expect(missing.status).toBe(400);
      expect(await missing.text()).toContain('„period“ fehlt');
      const offer = await get('/reports/indicators?period=2019&offer=everything', PLANNING);
      expect(offer.status).toBe(400);
      expect(await offer.text()).toContain('Der Parameter „offer“ ist ungültig');

      const anonymous = await get('/reports/indicators?period=2019', null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="lotse"');
      const forged = await fetch(`${app.url}/reports/indicators?period=2019`, {
        headers: { authorization: 'Bearer not-a-token' },
      });
      expect(forged.status).toBe(401);

      // Not registered for the purpose statistics at all.
      expect((await get('/reports/indicators?period=2019', 'jobcenter-steinfurt')).status).toBe(403);
      // Registered for it (purpose and scope), but without a legal basis: the service refuses.
      await app.container.subgraphs.hub.services.partners.upsert({
        slug: 'rheine-statistik-ohne-basis',
        name: 'Statistik ohne Rechtsgrundlage',
        kind: 'social_services',
        legalDomains: ['none'],
        municipalityKey: '05566076',
        jurisdiction: ['05566076'],
        scopes: ['statistics:read'],
        purposes: ['statistics'],
      } as never);
      const noBasis = await get('/reports/indicators.csv?period=2019&offer=referrals', 'rheine-statistik-ohne-basis');
      expect(noBasis.status).toBe(403);
      expect(await noBasis.text()).toContain('Keine Berechtigung');

      const post = await get('/reports/indicators?period=2019', PLANNING, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET');
    });
  });

  withChromium('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
    }, 60_000);
    afterAll(() => browser?.close());

    it('renders every chart of the sets, visible and with its table, and makes no request but the page', async () => {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        extraHTTPHeaders: { authorization: `Bearer ${await app.token(PLANNING)}` },
      });
      const requests: string[] = [];
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      const url = `${app.url}/reports/indicators?period=2019`;
      const response = await page.goto(url, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      await page.waitForTimeout(300); // anything the page would still fetch
      expect(requests).toEqual([url]);

      const shot = path.join(tmp, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = fs.readFileSync(shot);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.length).toBeGreaterThan(50_000);

      const definitions = app.container.subgraphs.hub.services.indicators.definitions();
      const charted = definitions.filter((d) => d.chart === 'bar');
      expect(charted.length).toBeGreaterThan(0);
      for (const offer of OFFERS) expect(await page.locator(`section#set-${offer}`).count()).toBe(1);
      for (const d of charted) {
        const chart = page.locator(`section#set-${d.offer} svg[data-indicators~="${d.key}"]`);
        expect(await chart.count()).toBe(1);
        const box = await chart.boundingBox();
        expect(box && box.width > 100 && box.height > 20).toBe(true);
        expect(await chart.getAttribute('role')).toBe('img');
        // The table right behind it, with a caption and header cells.
        const table = await chart.evaluate((el) => {
          const next = (el as unknown as { nextElementSibling: any }).nextElementSibling;
          return {
            tag: next?.tagName,
            caption: next?.querySelector('caption')?.textContent ?? '',
            cols: next?.querySelectorAll('th[scope="col"]').length ?? 0,
            rows: next?.querySelectorAll('th[scope="row"]').length ?? 0,
          };
        });
        expect(table.tag).toBe('TABLE');
        expect(table.caption).not.toBe('');
        expect(table.cols).toBeGreaterThanOrEqual(4);
        expect(table.rows).toBeGreaterThan(0);
        // Its definition under the table.
        expect(await page.locator(`section#set-${d.offer} dt code`, { hasText: d.key }).count()).toBe(1);
      }
      await context.close();
    }, 60_000);
  });

  describe('lotse report', () => {
    const env = () => cliEnv(app, fs.mkdtempSync(path.join(tmp, 'data-')));

    withChromium('PDF', () => {
      it('--pdf writes a PDF of the report', async () => {
        const file = path.join(tmp, 'kennzahlen-2019.pdf');
        const run = await runCli(['report', '--period', '2019', '--pdf', file], env(), 90_000);
        expect(run).toMatchObject({ code: 0, timedOut: false });
        expect(run.stdout.trim()).toBe(file);
        expect(run.stderr).toContain('printing to PDF');
        const pdf = fs.readFileSync(file);
        expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
        expect(pdf.length).toBeGreaterThan(1024);
      }, 120_000);

      it('says where it looked when Chromium is missing', async () => {
        const run = await runCli(['report', '--period', '2019', '--pdf', path.join(tmp, 'x.pdf')], {
          ...env(),
          CHROMIUM_PATH: '/nowhere/chromium',
        });
        expect(run.code).toBe(2);
        expect(run.stderr).toContain('Chromium not found at /nowhere/chromium');
        expect(run.stderr).toContain('CHROMIUM_PATH');
      }, 60_000);
    });

    it('--csv DIR writes one parsable CSV per set, --partner computes as that partner; a bad period or a partner without the statistics basis is refused', async () => {
      const dir = path.join(tmp, 'csv');
      const run = await runCli(['report', '--period', '2019', '--csv', dir], env(), 60_000);
      expect(run).toMatchObject({ code: 0, timedOut: false });
      const files = fs.readdirSync(dir).sort();
      expect(files).toEqual(OFFERS.map((o) => `kennzahlen-${o}-2019.csv`).sort());
      for (const f of files) {
        const rows = parse<Record<string, string>>(fs.readFileSync(path.join(dir, f), 'utf8'), {
          bom: true,
          delimiter: ';',
          columns: true,
        });
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((r) => r.zeitraum === '2019' && ['ja', 'nein'].includes(r.unterdrueckt))).toBe(true);
      }
      const language = fs.readFileSync(path.join(dir, 'kennzahlen-language_offensive-2019.csv'), 'utf8');
      expect(language).toMatch(/;language\.participants;;;14;Anzahl;/);

      const bad = await runCli(['report', '--period', '2019-01-01/..', '--csv', dir], env(), 60_000);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--period');
      // As a partner: its jurisdiction and legal basis; one without the scope and basis is refused.
      const page = path.join(tmp, 'planning.html');
      const planning = await runCli(['report', '--period', '2019', '--partner', PLANNING, '--html', page], env());
      expect(planning).toMatchObject({ code: 0, stdout: `${page}\n` });
      expect(fs.readFileSync(page, 'utf8')).toContain('<h2 id="heading-referrals">');
      const jobcenter = await runCli(
        ['report', '--period', '2019', '--partner', 'jobcenter-steinfurt', '--html', page],
        env(),
      );
      expect(jobcenter.code).toBe(2);
      expect(jobcenter.stderr).toMatch(/^lotse: .*statistics/m);
      const usage = await runCli(['report', '--period', '2019'], env());
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('needs at least one of --pdf FILE, --html FILE, --csv DIR');
    }, 120_000);
  });
});
