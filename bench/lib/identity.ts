import { Actor } from '../../src/shared/actor';
import { IdentitySigner, IDENTITY_HEADER } from '../../src/shared/identity';

export { IDENTITY_HEADER };

/**
 * The gateway → subgraph identity for one subgraph request, as the peer gateways send it. All
 * knowledge of the identity's format is here: when the format changes, this is the one place.
 */
export async function mintIdentity(actor: Actor, subgraphName: string): Promise<string> {
  const secret = process.env.LOTSE_INTERNAL_SECRET;
  if (!secret) throw new Error('LOTSE_INTERNAL_SECRET is not set');
  return new IdentitySigner(secret).sign(actor, subgraphName);
}

/**
 * Minted identities, reused for at most `maxAgeMs` (well within the identity's 60 s lifetime), so
 * signing is no per-request cost of the peer gateways (Lotse signs one per request).
 */
export class IdentityCache {
  private readonly entries = new Map<string, { token: Promise<string>; at: number }>();

  constructor(
    private readonly actor: Actor,
    private readonly maxAgeMs = 30_000,
  ) {}

  get(subgraphName: string): Promise<string> {
    const now = Date.now();
    const hit = this.entries.get(subgraphName);
    if (hit && now - hit.at < this.maxAgeMs) return hit.token;
    const token = mintIdentity(this.actor, subgraphName);
    this.entries.set(subgraphName, { token, at: now });
    // A failed signing is not kept: the next request tries again.
    token.catch(() => this.entries.delete(subgraphName));
    return token;
  }
}

/** The actor the peers act as, passed to them as JSON in LOTSE_BENCH_ACTOR. */
export function actorFromEnv(): Actor {
  const raw = process.env.LOTSE_BENCH_ACTOR;
  if (!raw) throw new Error('LOTSE_BENCH_ACTOR is not set');
  return JSON.parse(raw) as Actor;
}
