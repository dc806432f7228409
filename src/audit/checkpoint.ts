import crypto from 'node:crypto';

/** A signed statement "the chain had `rows` rows up to row `seq`, whose hash was `head`", taken at `at`. */
export interface Checkpoint {
  seq: number;
  head: string;
  rows: number;
  at: string;
  signature: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function signCheckpoint(key: string, cp: { seq: number; head: string; rows: number; at: string }): string {
  return crypto.createHmac('sha256', key).update(`${cp.seq}.${cp.head}.${cp.rows}.${cp.at}`).digest('hex');
}

/** Names the key without revealing it: which stored checkpoints this installation's key signed. */
export function checkpointKeyId(key: string): string {
  return crypto.createHmac('sha256', key).update('key-id').digest('hex').slice(0, 16);
}

export function isCheckpointShape(cp: unknown): cp is Checkpoint {
  const c = cp as Checkpoint;
  return (
    c !== null &&
    typeof c === 'object' &&
    Number.isSafeInteger(c.seq) &&
    c.seq >= 0 &&
    Number.isSafeInteger(c.rows) &&
    typeof c.head === 'string' &&
    HEX64.test(c.head) &&
    typeof c.at === 'string' &&
    typeof c.signature === 'string' &&
    HEX64.test(c.signature)
  );
}

/** Whether the signature is ours (constant time); the shape must have been checked. */
export function signatureHolds(key: string, cp: Checkpoint): boolean {
  return crypto.timingSafeEqual(Buffer.from(signCheckpoint(key, cp), 'hex'), Buffer.from(cp.signature, 'hex'));
}

/** What a walk of the chain saw at the checkpoint's row: its hash and the rows up to it, if it got there. */
export interface SeenAt {
  hash: string;
  rows: number;
}

/**
 * Why the chain as walked no longer matches a checkpoint, or undefined when it does. The chain
 * itself verified already; this catches what the chain cannot: a shorter log (tail deleted) or a
 * consistently recomputed one.
 */
export function checkpointMismatch(cp: Checkpoint, lastSeq: number, seen: SeenAt | undefined): string | undefined {
  if (cp.seq === 0) return undefined;
  if (lastSeq < cp.seq) return `the log ends at row ${lastSeq}, the checkpoint signed row ${cp.seq}: rows were deleted`;
  if (!seen) return `row ${cp.seq} was not reached`;
  if (seen.hash !== cp.head)
    return `row ${cp.seq} has hash ${seen.hash}, the checkpoint signed ${cp.head}: history was rewritten`;
  if (seen.rows !== cp.rows) return `chain has ${seen.rows} rows up to row ${cp.seq}, the checkpoint signed ${cp.rows}`;
  return undefined;
}

/** Columns of audit.checkpoint in the Checkpoint shape (bigints as numbers: seq stays far below 2^53). */
export const CHECKPOINT_COLUMNS = 'seq::float8 AS seq, head, rows::float8 AS rows, at, signature';
