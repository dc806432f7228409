import {
  LiveEvent,
  LiveListener,
  mayConcern,
  parseLiveEvent,
  publicLiveType,
  toLiveEvent,
} from '../../src/events/live-events';
import { LiveStream } from '../../src/gateway/subscriptions-stream';

const event = (n: number): LiveEvent => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'person.moved',
  publicType: 'person.status_changed',
  category: 'contact',
  personId: null,
  referralId: null,
  occurredAt: new Date(0).toISOString(),
});

/** One subscription's iterator over the process's fan-out (no Redis needed: the fan-out is a set of listeners). */
function fanOut() {
  const listeners = new Set<LiveListener>();
  return {
    listeners,
    listen: (l: LiveListener) => (listeners.add(l), () => void listeners.delete(l)),
    emit: (e: LiveEvent) => listeners.forEach((l) => l(e)),
  };
}

describe('a live stream', () => {
  it('delivers accepted events in order, skips dropped ones, and leaves the fan-out when returned while waiting', async () => {
    const hub = fanOut();
    const stream = new LiveStream<string>({
      listen: hub.listen,
      accept: (e) => !e.eventId.endsWith('3'),
      deliver: async (e) => (e.eventId.endsWith('2') ? null : e.eventId.slice(-1)),
      maxBacklog: 10,
      overflow: () => 'overflow',
    });
    [1, 2, 3, 4].forEach((n) => hub.emit(event(n)));
    expect(await stream.next()).toEqual({ value: '1', done: false });
    expect(await stream.next()).toEqual({ value: '4', done: false });
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(hub.listeners.size).toBe(0);
  });

  it('ends with the overflow value when it falls further behind than its backlog', async () => {
    const hub = fanOut();
    const stream = new LiveStream<string>({
      listen: hub.listen,
      accept: () => true,
      deliver: async (e) => e.eventId,
      maxBacklog: 2,
      overflow: () => 'overflow',
    });
    [1, 2, 3].forEach((n) => hub.emit(event(n)));
    expect(hub.listeners.size).toBe(0);
    expect(await stream.next()).toEqual({ value: 'overflow', done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});

describe('live event messages', () => {
  it('map internal events onto the public catalogue and carry ids only', () => {
    const referral = (kind: string, to: string) =>
      publicLiveType({ type: 'referral.status_changed', payload: { kind, to } });
    expect(referral('referral', 'accepted')).toBe('referral.accepted');
    expect(referral('referral', 'draft')).toBeNull();
    expect(referral('transfer', 'accepted')).toBe('transfer.accepted');
    expect(referral('transfer', 'requested')).toBe('transfer.requested');
    expect(publicLiveType({ type: 'jobcenter.benefit_status_changed', payload: {} })).toBe('person.status_changed');
    expect(publicLiveType({ type: 'consent.given', payload: {} })).toBeNull();
  });

  it('are checked field by field when they arrive', () => {
    const ok = event(1);
    expect(parseLiveEvent(JSON.stringify(ok))).toEqual(ok);
    expect(parseLiveEvent('not json')).toBeNull();
    expect(parseLiveEvent(JSON.stringify({ ...ok, personId: 'Robert' }))).toBeNull();
    expect(parseLiveEvent(JSON.stringify({ ...ok, category: 'everything' }))).toBeNull();
    expect(parseLiveEvent(JSON.stringify({ ...ok, occurredAt: 'yesterday' }))).toBeNull();
    expect(parseLiveEvent(JSON.stringify({ ...ok, parties: ['vhs-rheine', 'jobcenter-steinfurt'] }))).toEqual({
      ...ok,
      parties: ['vhs-rheine', 'jobcenter-steinfurt'],
    });
    expect(parseLiveEvent(JSON.stringify({ ...ok, parties: ['Robert Smith'] }))).toBeNull();
    expect(parseLiveEvent(JSON.stringify({ ...ok, parties: 'vhs-rheine' }))).toBeNull();
  });

  it('name the parties of a referral change, so gateways skip every other subscriber without a query', () => {
    const change = toLiveEvent({
      id: '00000000-0000-4000-8000-000000000001',
      type: 'referral.status_changed',
      personId: '00000000-0000-4000-8000-000000000002',
      aggregateType: 'referral',
      aggregateId: '00000000-0000-4000-8000-000000000003',
      payload: {
        referralId: '00000000-0000-4000-8000-000000000003',
        kind: 'referral',
        personId: '00000000-0000-4000-8000-000000000002',
        from: 'requested',
        to: 'accepted',
        sender: 'jobcenter-steinfurt',
        receiver: 'vhs-rheine',
        referralType: 'integration_course',
        reasonCode: null,
      },
      actorPartner: 'vhs-rheine',
      occurredAt: new Date('2026-11-24T10:00:00Z'),
      publishedAt: null,
      ackedAt: null,
      traceContext: null,
    })!;
    expect(change.parties).toEqual(['jobcenter-steinfurt', 'vhs-rheine']);
    expect(mayConcern(change, 'vhs-rheine')).toBe(true);
    expect(mayConcern(change, 'caritas-rheine')).toBe(false);
    // Events without parties (e.g. escalations, status changes) are checked per subscriber.
    expect(mayConcern(event(1), 'caritas-rheine')).toBe(true);
  });
});
