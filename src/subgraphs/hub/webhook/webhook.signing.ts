import crypto from 'node:crypto';

/**
 * Standard Webhooks signing: `v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">`, keyed with
 * the base64-decoded part of the `whsec_` secret. Several secrets (rotation overlap) give several
 * space-separated signatures; a receiver accepts the request when any one verifies.
 */
export const SECRET_PREFIX = 'whsec_';

export function newSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(32).toString('base64');
}

/** What may be shown of a secret after creation: enough to tell two apart, too little to sign. */
export function secretHint(secret: string): string {
  return secret.slice(0, SECRET_PREFIX.length + 4);
}

export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  return `v1,${crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((s) => signature(s, id, timestamp, body)).join(' ');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `msg_` + a ULID (48-bit millisecond time, 80 random bits, Crockford base32): sortable, unguessable. */
export function newMessageId(now: Date = new Date()): string {
  let time = now.getTime();
  let t = '';
  for (let i = 0; i < 10; i++) {
    t = CROCKFORD[time % 32] + t;
    time = Math.floor(time / 32);
  }
  const bytes = crypto.randomBytes(16);
  let r = '';
  for (let i = 0; i < 16; i++) r += CROCKFORD[bytes[i] % 32];
  return `msg_${t}${r}`;
}

export const isMessageId = (v: string): boolean => /^msg_[0-9A-HJKMNP-TV-Z]{26}$/.test(v);
