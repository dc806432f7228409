import fs from 'node:fs';
import path from 'node:path';
import { EVENT_CATALOGUE } from '../../src/events/catalogue';
import { entryOf, EVENT_CATEGORY, EVENT_TYPES } from '../../src/events/event-types';
import { publicLiveType } from '../../src/events/live-events';
import {
  CLOSING_EVENTS,
  isReferralEvent,
  LIVE_EVENTS,
  PUBLIC_EVENT_TYPES,
  publicTypeOf,
} from '../../src/events/public-events';
import { DATA_CATEGORIES } from '../../src/policy/policy.vocabulary';
import { hubEventHandlers } from '../../src/subgraphs/hub/hub.consumers';
import { HubServices } from '../../src/subgraphs/hub/hub.context';
import { assertJobHandlers } from '../../src/jobs/job.registry';

const ROOT = path.resolve(__dirname, '../..');

/** Every internal event, walked from the catalogue: what the hub must decide for each. */
describe('event catalogue', () => {
  // The handlers are only built here, never run: no services are needed.
  const handlers = hubEventHandlers({} as HubServices, {} as never);

  it.each(EVENT_TYPES)('%s has a handler, a data category, a summary and a routing decision', (type) => {
    const entry = entryOf(type);
    expect(typeof handlers[type]).toBe('function');
    expect(DATA_CATEGORIES).toContain(entry.category);
    expect(EVENT_CATEGORY[type]).toBe(entry.category);
    expect(typeof entry.summary).toBe('function');
    // Told to somebody exactly when it has a public type; null is a decision, undefined is not.
    expect(entry.tell).not.toBeUndefined();
    expect(entry.tell === null).toBe(entry.public === null);
    if (entry.tell) expect(entry.tell.partners || entry.tell.referralSender || entry.tell.personParties).toBeTruthy();
    // Several public types need a rule saying which one an event is.
    if (entry.public && Object.keys(entry.public.types).length > 1) expect(typeof entry.public.of).toBe('function');
    expect(typeof entry.live).toBe('boolean');
  });

  it('the events worker boots with the hub handlers, and no handler is for an unknown type', () => {
    expect(Object.keys(handlers).sort()).toEqual([...EVENT_TYPES].sort());
    expect(() => assertJobHandlers('events', EVENT_TYPES, handlers)).not.toThrow();
  });

  it('the public catalogue, its closing and live types are derived from the entries', () => {
    expect(new Set(PUBLIC_EVENT_TYPES).size).toBe(PUBLIC_EVENT_TYPES.length);
    const fromEntries = Object.values(EVENT_CATALOGUE).flatMap((e) => Object.keys(e.public?.types ?? {}));
    expect([...new Set(fromEntries)].sort()).toEqual([...PUBLIC_EVENT_TYPES].sort());
    expect([...CLOSING_EVENTS].sort()).toEqual([
      'enrolment.transferred',
      'entitlement.released',
      'referral.cancelled',
      'referral.completed',
      'referral.expired',
      'referral.failed',
      'referral.rejected',
      'transfer.cancelled',
      'transfer.expired',
      'transfer.rejected',
    ]);
    for (const t of PUBLIC_EVENT_TYPES) {
      const live = t.startsWith('referral.') || t.startsWith('transfer.') || t === 'person.status_changed';
      expect([t, LIVE_EVENTS.has(t)]).toEqual([t, live]);
      expect([t, isReferralEvent(t)]).toEqual([t, t.startsWith('referral.') || t.startsWith('transfer.')]);
    }
  });

  it('the webhook guide lists exactly the public catalogue', () => {
    const guide = fs.readFileSync(path.join(ROOT, 'docs/webhooks.md'), 'utf8');
    const start = guide.indexOf('## Event catalogue');
    const table = guide.slice(start, guide.indexOf('The automatic handovers and agreements', start));
    const listed = [...table.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...new Set(listed)]);
    expect([...listed].sort()).toEqual([...PUBLIC_EVENT_TYPES].sort());
  });

  it('maps a referral status change onto the public catalogue by kind and status', () => {
    const change = (kind: string, to: string) =>
      publicTypeOf({ type: 'referral.status_changed', payload: { kind, to } });
    expect(change('referral', 'requested')).toBe('referral.requested');
    expect(change('referral', 'draft')).toBeNull();
    expect(change('transfer', 'requested')).toBe('transfer.requested');
    expect(change('transfer', 'accepted')).toBe('transfer.accepted');
    expect(change('transfer', 'in_progress')).toBeNull();
    expect(publicTypeOf({ type: 'person.moved', payload: {} })).toBe('person.status_changed');
    expect(publicTypeOf({ type: 'consent.given', payload: {} })).toBeNull();
    expect(publicTypeOf({ type: 'no.such_event', payload: {} })).toBeNull();
    expect(publicLiveType({ type: 'handover.gap_flagged', payload: {} })).toBeNull();
    expect(publicLiveType({ type: 'referral.escalated', payload: {} })).toBe('referral.escalated');
  });

  it('event handling narrows a stored row once, in the dispatcher: no payload casts', () => {
    const hub = ['notification', 'biography', 'webhook'].map((d) => `src/subgraphs/hub/${d}`);
    const dirs = ['src/events', 'src/rules', ...hub];
    const files = dirs.flatMap((d) => fs.readdirSync(path.join(ROOT, d)).map((f) => path.join(d, f)));
    files.push('src/subgraphs/hub/hub.consumers.ts');
    const offending = files
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /as unknown as|payload as /.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offending).toEqual([]);
  });
});
