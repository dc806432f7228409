import dns from 'node:dns';
import net from 'node:net';
import { badInput } from '../../../shared/errors';

/**
 * Where webhooks may go. Partners name the URL, the hub makes the request: without these checks
 * an endpoint could make the hub call into its own network (SSRF). Checked when an endpoint is
 * created or changed and again for every request, on the address actually connected to, so a
 * name that later resolves to an internal address (DNS rebinding) is refused too.
 */
export interface UrlGuardOptions {
  production: boolean;
  allowedHosts: readonly string[];
  allowPrivateNetworks: boolean;
}

const BLOCKED = new net.BlockList();
for (const [net4, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  BLOCKED.addSubnet(net4, prefix, 'ipv4');
for (const [net6, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
  ['100::', 64], // discard
] as const)
  BLOCKED.addSubnet(net6, prefix, 'ipv6');

/** Whether an IP address lies in a network webhooks must not reach (IPv4-mapped and NAT64 IPv6 included). */
export function isBlockedAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  const embedded = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (embedded) return isBlockedAddress(embedded[1]);
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const a = parseInt(hex[1], 16);
    const b = parseInt(hex[2], 16);
    return isBlockedAddress(`${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`);
  }
  return BLOCKED.check(address, 'ipv6');
}

export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  if (!patterns.length) return true;
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => (p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p));
}

export class UrlGuard {
  constructor(private readonly opts: UrlGuardOptions) {}

  /** Syntax and policy of an endpoint URL, then where its host resolves to now. Throws BAD_USER_INPUT. */
  async check(raw: string): Promise<URL> {
    const url = this.parse(raw);
    const host = bareHost(url);
    if (net.isIP(host)) this.assertAddress(host, host);
    else {
      let addresses: dns.LookupAddress[];
      try {
        addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
      } catch {
        throw badInput(`The host ${host} of the webhook URL does not resolve`, 'url');
      }
      for (const a of addresses) this.assertAddress(a.address, host);
    }
    return url;
  }

  /** The checks that need no network: scheme, credentials, allowed hosts. */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw badInput('The webhook URL is not a valid absolute URL', 'url');
    }
    if (raw.length > 2000) throw badInput('The webhook URL is longer than 2000 characters', 'url');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('The webhook URL must use https', 'url');
    if (this.opts.production && url.protocol !== 'https:') throw badInput('The webhook URL must use https', 'url');
    if (url.username || url.password) throw badInput('The webhook URL must not contain a user name or password', 'url');
    if (url.hash) throw badInput('The webhook URL must not contain a fragment (#…)', 'url');
    const host = bareHost(url);
    // In production webhooks go only where the operator has said they may: no list, no webhooks.
    if (this.opts.production && !this.opts.allowedHosts.length) {
      throw badInput(
        'Webhooks are not enabled here: the operator has not listed the hosts webhooks may be sent to (WEBHOOK_ALLOWED_HOSTS)',
        'url',
      );
    }
    if (!hostAllowed(host, this.opts.allowedHosts)) {
      throw badInput(
        `The host ${host} is not among the hosts webhooks may be sent to (${this.opts.allowedHosts.join(', ')})`,
        'url',
      );
    }
    return url;
  }

  /** Throws when `address` (what `host` resolved to) is in a refused network. */
  assertAddress(address: string, host: string): void {
    if (this.opts.allowPrivateNetworks || !isBlockedAddress(address)) return;
    // Outside production a developer pointing a webhook at a local receiver needs to know the switch.
    const hint = this.opts.production
      ? ''
      : '; to deliver to a local receiver in development, start Lotse with WEBHOOK_ALLOW_PRIVATE_NETWORKS=true';
    throw badInput(
      `The host ${host} resolves to ${address}, a private, loopback, link-local or otherwise internal address; webhooks go to public addresses only${hint}`,
      'url',
    );
  }

  /**
   * A `lookup` for http.request: resolves like the default and refuses blocked addresses, so the
   * connection is only ever made to an address that passed the check.
   */
  lookup(): net.LookupFunction {
    return (
      hostname: string,
      options: dns.LookupOptions,
      callback: (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void,
    ) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        const list = addresses;
        try {
          for (const a of list) this.assertAddress(a.address, hostname);
        } catch (e) {
          return callback(Object.assign(new Error((e as Error).message), { code: 'EBLOCKEDADDRESS' }), '', 0);
        }
        if (options.all) return callback(null, list);
        callback(null, list[0].address, list[0].family);
      });
    };
  }
}

/** The URL's host without the brackets of an IPv6 literal. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
