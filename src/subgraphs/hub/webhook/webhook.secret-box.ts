import crypto from 'node:crypto';

const SEALED = 'sealed:v1:';

/**
 * Signing secrets at rest: HMAC needs the secret itself (a hash would not do), so it is stored
 * encrypted with AES-256-GCM under a key derived from the internal secret. A database dump alone
 * cannot sign webhooks. Changing LOTSE_INTERNAL_SECRET makes stored secrets unreadable: every
 * endpoint then needs rotateWebhookSecret.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(internalSecret: string) {
    this.key = crypto.createHmac('sha256', internalSecret).update('webhook-secrets').digest();
  }

  seal(secret: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return SEALED + [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
  }

  /** Throws when the value was sealed under another key (the internal secret changed) or altered. */
  open(stored: string): string {
    if (!stored.startsWith(SEALED)) throw new Error('webhook secret is not sealed');
    const [iv, body, tag] = stored
      .slice(SEALED.length)
      .split('.')
      .map((p) => Buffer.from(p, 'base64url'));
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}
