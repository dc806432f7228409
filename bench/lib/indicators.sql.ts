import { AGS_EMSDETTEN, AGS_GREVEN, AGS_RHEINE } from '../../src/seed/demo-places';

/**
 * SQL helpers of the indicator benchmark's generator: every "random" choice is a hash of the row
 * number g and a salt (`hashint8extended`), so a subject's fact and its events agree, and
 * generating is repeatable.
 */

/** A number 0..mod-1 drawn from row g and a salt. */
export const R = (salt: number, mod: number) =>
  `((hashint8extended(g::bigint, ${salt}) & 9223372036854775807) % ${mod})::int`;
const SPREAD = 2654435761n;
/** A version-4-shaped uuid from an 8-hex-digit prefix (what it is) and a number (which one), as in scale.generate.ts. */
export const ID = (prefix: string, n = 'g') =>
  `('${prefix}-0000-4000-8000-' || lpad(to_hex((${n}::bigint * ${SPREAD}) % 281474976710656), 12, '0'))::uuid`;

/** Subjects start over eight years up to the last day of the data. */
export const FIRST_DAY = '2018-12-01';
export const LAST_DAY = '2026-11-30';
const SPAN_DAYS = 2922;
export const BASE = `(date '${FIRST_DAY}' + ${R(1, SPAN_DAYS)})`;
export const CUTOFF = `date '${LAST_DAY}'`;
/** Mostly Rheine; the neighbouring towns of the demo data. */
export const MUNICIPALITY = `(ARRAY['${AGS_RHEINE}', '${AGS_RHEINE}', '${AGS_RHEINE}', '${AGS_RHEINE}', '${AGS_RHEINE}',
  '${AGS_RHEINE}', '${AGS_RHEINE}', '${AGS_RHEINE}', '${AGS_EMSDETTEN}', '${AGS_GREVEN}'])[1 + ${R(2, 10)}]`;
/** Persons: a pool per kind, so a person has several enrolments or referrals. */
export const PERSON = (salt: number, pool = 1_000_000_000) => ID('b0000000', `(1 + ${R(salt, pool)})`);
/** A set of codes, each in with its own probability (percent). */
export const CODES = (salt: number, codes: Array<[string, number]>) =>
  `ARRAY(SELECT c FROM (VALUES ${codes.map(([c, p], i) => `('${c}', ${R(salt + i, 100)} < ${p})`).join(', ')}) AS t(c, inside) WHERE inside)`;
/** Midnight of a day, plus hours: when an event of that day happened. */
export const AT = (day: string, hours = 9) => `((${day})::timestamptz + interval '${hours} hours')`;

/** An event of a subject: its outbox, type, aggregate type, actor, when, and payload, as SQL over the fact row `f`. */
export interface EventTemplate {
  source: 'city' | 'courses' | 'hub';
  type: string;
  aggregate: string;
  actor: string;
  at: string;
  person: string;
  payload: string;
}

export interface SubjectKind {
  /** Digit in the ids of the kind's subjects and events. */
  digit: number;
  name: string;
  table: string;
  /** Subjects per million events. */
  perMillion: number;
  /** Fact columns, in order, as SQL over g: the first is the id. */
  columns: Array<[column: string, sql: string]>;
  /** Extra values over g the events need (not stored). */
  extra?: Array<[name: string, sql: string]>;
  /** The subject's events, oldest first; each a CASE the row can choose from. */
  events: EventTemplate[];
  /** Joins over g before the columns (e.g. the enrolment's course). */
  from?: string;
}
