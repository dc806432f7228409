import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config';
import { post } from '../../src/subgraphs/hub/webhook/webhook.http';
import { parseRetryAfter, retryDelay } from '../../src/subgraphs/hub/webhook/webhook.schedule';
import { isMessageId, newMessageId, newSecret, signatureHeader } from '../../src/subgraphs/hub/webhook/webhook.signing';
import { hostAllowed, isBlockedAddress, UrlGuard } from '../../src/subgraphs/hub/webhook/webhook.url-guard';
import { startReceiver } from './receiver';

describe('signatures (checked with the reference standardwebhooks package)', () => {
  const secret = newSecret();
  const id = newMessageId();
  const body = JSON.stringify({
    type: 'referral.requested',
    timestamp: new Date().toISOString(),
    data: { eventId: 'e', name: 'Ümit' },
  });
  const now = Math.floor(Date.now() / 1000);
  const headers = (ts: number, sig = signatureHeader([secret], id, ts, body)) => ({
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': sig,
  });

  it('verifies a signed request', () => {
    expect(isMessageId(id)).toBe(true);
    expect(new Webhook(secret).verify(body, headers(now))).toEqual(JSON.parse(body));
  });

  it('a tampered body, a changed id or another secret fail', () => {
    expect(() => new Webhook(secret).verify(body.replace('Ümit', 'Umit'), headers(now))).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers(now), 'webhook-id': newMessageId() })).toThrow();
    expect(() => new Webhook(newSecret()).verify(body, headers(now))).toThrow();
  });

  it('a timestamp older than five minutes fails, even correctly signed', () => {
    expect(() => new Webhook(secret).verify(body, headers(now - 301))).toThrow(/timestamp/i);
    expect(() => new Webhook(secret).verify(body, headers(now - 240))).not.toThrow();
  });

  it('with two secrets (rotation overlap) either one verifies', () => {
    const old = newSecret();
    const sig = signatureHeader([secret, old], id, now, body);
    expect(sig.split(' ')).toHaveLength(2);
    expect(() => new Webhook(secret).verify(body, headers(now, sig))).not.toThrow();
    expect(() => new Webhook(old).verify(body, headers(now, sig))).not.toThrow();
    expect(() => new Webhook(newSecret()).verify(body, headers(now, sig))).toThrow();
  });
});

describe('where webhooks may go', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::10.0.0.1',
  ])('%s is refused', (ip) => expect(isBlockedAddress(ip)).toBe(true));

  it.each(['93.184.216.34', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:93.184.216.34'])(
    '%s is public',
    (ip) => expect(isBlockedAddress(ip)).toBe(false),
  );

  it('allow-list patterns: exact names and *.domain for its subdomains only', () => {
    expect(hostAllowed('hooks.example.org', ['*.example.org'])).toBe(true);
    expect(hostAllowed('a.b.example.org', ['*.example.org'])).toBe(true);
    expect(hostAllowed('example.org', ['*.example.org'])).toBe(false);
    expect(hostAllowed('evilexample.org', ['*.example.org'])).toBe(false);
    expect(hostAllowed('HOOKS.vhs-rheine.de.', ['hooks.vhs-rheine.de'])).toBe(true);
    expect(hostAllowed('anything.test', [])).toBe(true);
  });

  it('production refuses http and any host while the operator has listed none; elsewhere http is allowed', async () => {
    const prod = new UrlGuard({ production: true, allowedHosts: ['93.184.216.34'], allowPrivateNetworks: false });
    await expect(prod.check('http://93.184.216.34/hooks')).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'url' },
      message: expect.stringMatching(/must use https/),
    });
    await expect(prod.check('https://93.184.216.34/hooks')).resolves.toBeInstanceOf(URL);
    const unlisted = new UrlGuard({ production: true, allowedHosts: [], allowPrivateNetworks: false });
    await expect(unlisted.check('https://93.184.216.34/hooks')).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'url' },
      message: expect.stringMatching(/WEBHOOK_ALLOWED_HOSTS/),
    });
    const dev = new UrlGuard({ production: false, allowedHosts: [], allowPrivateNetworks: false });
    await expect(dev.check('http://93.184.216.34/hooks')).resolves.toBeInstanceOf(URL);
    await expect(dev.check('http://[::1]:8080/hooks')).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'url' },
      // The refusal names the development setting that would allow a local receiver.
      message: expect.stringContaining('WEBHOOK_ALLOW_PRIVATE_NETWORKS=true'),
    });
    // Production partners are not pointed at an operator switch that must stay off there.
    await expect(
      new UrlGuard({ production: true, allowedHosts: ['127.0.0.1'], allowPrivateNetworks: false }).check(
        'https://127.0.0.1/hooks',
      ),
    ).rejects.toMatchObject({ message: expect.not.stringContaining('WEBHOOK_ALLOW_PRIVATE_NETWORKS') });
    await expect(
      new UrlGuard({ production: false, allowedHosts: [], allowPrivateNetworks: true }).check(
        'http://[::1]:8080/hooks',
      ),
    ).resolves.toBeInstanceOf(URL);
  });

  it('at send time the address actually resolved is checked: a name that now points at loopback gets no request', async () => {
    const receiver = await startReceiver(() => ({ status: 204 }));
    try {
      const guard = new UrlGuard({ production: false, allowedHosts: [], allowPrivateNetworks: false });
      const port = new URL(receiver.url).port;
      for (const url of [`http://localhost:${port}/hooks`, `http://127.0.0.1:${port}/hooks`]) {
        const res = await post(new URL(url), { 'content-type': 'application/json' }, '{}', 2000, guard);
        expect(res.statusCode).toBeNull();
        expect(res.error).toMatch(/^refused: .*(127\.0\.0\.1|::1)/);
      }
      expect(receiver.received).toHaveLength(0);
      const open = new UrlGuard({ production: false, allowedHosts: [], allowPrivateNetworks: true });
      const ok = await post(
        new URL(`http://localhost:${port}/hooks`),
        { 'content-type': 'application/json' },
        '{}',
        2000,
        open,
      );
      expect(ok).toMatchObject({ statusCode: 204, error: null });
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('a redirect is not followed', async () => {
    const target = await startReceiver(() => ({ status: 204 }));
    const redirecting = await startReceiver(() => ({ status: 307, headers: { location: target.url } }));
    try {
      const guard = new UrlGuard({ production: false, allowedHosts: [], allowPrivateNetworks: true });
      const res = await post(new URL(redirecting.url), {}, '{}', 2000, guard);
      expect(res).toMatchObject({ statusCode: 307, error: 'redirect not followed' });
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });
});

describe('retry schedule and configuration', () => {
  it('follows the schedule with ±10 % jitter, then gives up', () => {
    const schedule = [5000, 300_000];
    expect(retryDelay(schedule, 0, () => 0)).toBe(4500);
    expect(retryDelay(schedule, 0, () => 1)).toBe(5500);
    expect(retryDelay(schedule, 1, () => 0.5)).toBe(300_000);
    expect(retryDelay(schedule, 2)).toBeNull();
  });

  it('reads Retry-After as seconds or an HTTP date, capped at a day', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('999999', now)).toBe(24 * 3600_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('WEBHOOK_* variables: defaults, and every problem reported', () => {
    const c = loadConfig({ LOTSE_ENV: 'test' }).webhooks;
    expect(c).toMatchObject({
      allowedHosts: [],
      allowPrivateNetworks: false,
      timeoutMs: 15000,
      concurrency: 16,
      endpointConcurrency: 8,
    });
    expect(c.retryScheduleMs).toEqual([5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400].map((s) => s * 1000));
    const custom = loadConfig({
      LOTSE_ENV: 'test',
      WEBHOOK_RETRY_SCHEDULE: '50ms, 2s,1m',
      WEBHOOK_ALLOWED_HOSTS: 'Hooks.Example.org, *.vhs-rheine.de',
    }).webhooks;
    expect(custom.retryScheduleMs).toEqual([50, 2000, 60000]);
    expect(custom.allowedHosts).toEqual(['hooks.example.org', '*.vhs-rheine.de']);
    expect(() =>
      loadConfig({
        LOTSE_ENV: 'test',
        WEBHOOK_RETRY_SCHEDULE: '5s,soon',
        WEBHOOK_ALLOWED_HOSTS: 'http://x',
        WEBHOOK_TIMEOUT_MS: '0',
      }),
    ).toThrow(
      /WEBHOOK_ALLOWED_HOSTS[\s\S]*WEBHOOK_RETRY_SCHEDULE[\s\S]*WEBHOOK_TIMEOUT_MS|WEBHOOK_TIMEOUT_MS[\s\S]*WEBHOOK_ALLOWED_HOSTS/,
    );
  });
});
