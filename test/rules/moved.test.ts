import { systemActor } from '../../src/shared/actor';
import { LegalDomain, PartnerKind } from '../../src/subgraphs/hub/partner/partner.types';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { biography, eventId, hubEvents, hubQuery, processed, referralsOf, replay } from './rules-helpers';
import { createReferralViaApi, ForPerson, registerPerson, registerPersonViaApi } from '../factories';
import type { CreateReferralInput } from '../../src/subgraphs/hub/referral/referral.types';
import { asHub } from '../helpers/system';

/**
 * Rule 4 end to end: a move to another municipality hands on what the partners of the old one
 * hold — open referrals whose receiver no longer serves the person, and the case ownership — to a
 * partner of the same kind in the new municipality, or flags that there is none. The demo has no
 * second city; the test connects Emsdetten's advice team (with a legal basis) and Greven's (without).
 */
describe('rule moved: moved away / moved in', () => {
  let app: TestApp;
  let mover: string;

  const team = (slug: string, municipalityKey: string) => ({
    slug,
    name: `Integrationsteam ${slug}`,
    kind: PartnerKind.social_services,
    legalDomains: [LegalDomain.SGB_XII],
    municipalityKey,
    jurisdiction: [municipalityKey],
    scopes: ['persons:read', 'partners:read', 'referrals:read', 'referrals:write'],
    purposes: ['case_management', 'arrival_counselling'],
  });

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    const hub = app.container.subgraphs.hub.services;
    await hub.partners.upsert(team('emsdetten-social', '05566008'));
    await hub.partners.upsert(team('greven-social', '05566028'));
    for (const category of ['identity', 'contact', 'case_notes']) {
      await hub.legalBases.add({
        recipientPartner: 'emsdetten-social',
        purpose: 'case_management',
        category,
        statute: '§ 67a SGB X i.V.m. § 11 SGB XII',
        description: 'Advice and support by the city of Emsdetten',
        sourcePartner: null,
      });
    }
  });
  afterAll(() => app?.stop());

  const refer = async (sender: string, input: ForPerson<CreateReferralInput>) => {
    const created = await createReferralViaApi(app, sender, input);
    expect(created.status).toBe('requested');
    return created.id;
  };
  const move = async (personId: string, municipalityKey: string) => {
    await asHub(app, () =>
      app.container.subgraphs.city.services.persons.move(
        { ...systemActor(), partner: 'rheine-social' },
        { personId, municipalityKey },
      ),
    );
    const id = await eventId(app, 'city', 'person.moved', personId);
    await processed(app, 'city', id);
    return id;
  };
  const movedAway = async (personId: string) =>
    (await referralsOf(app, personId)).filter((r) => r.referral_type === 'moved_away');

  it('moving to a municipality with an advice team: the referral it held is transferred there; what no partner can take is flagged', async () => {
    mover = await registerPersonViaApi(app, 'rheine-social', { familyName: 'Qasem' });
    const counselling = await refer('jobcenter-steinfurt', {
      personId: mover,
      receiver: 'rheine-social',
      purpose: 'case_management',
      referralType: 'social_counselling',
    });
    const benefits = await refer('rheine-social', {
      personId: mover,
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_administration',
      referralType: 'benefit_check',
    });
    await hubQuery(app, `INSERT INTO hub.case_owner (person_id, partner, since) VALUES ($1, 'rheine-asylblg', now())`, [
      mover,
    ]);

    const res = await app.gql(
      'rheine-social',
      `mutation($input: MovePersonInput!) { movePerson(input: $input) { municipalityKey } }`,
      { input: { personId: mover, municipalityKey: '05566008' } },
    );
    expect(res.body.data.movePerson.municipalityKey).toBe('05566008');

    const inbox = await eventually(async () => {
      const r = await app.gql(
        'emsdetten-social',
        `{ referrals(filter: { box: inbox }) { edges { node { id kind status sender purpose referralType person { id } } } } }`,
      );
      const nodes = r.body.data?.referrals.edges.map((e: any) => e.node) ?? [];
      return nodes.length ? nodes : undefined;
    });
    expect(inbox).toEqual([
      {
        id: expect.any(String),
        kind: 'transfer',
        status: 'requested',
        sender: 'rheine-social',
        purpose: 'case_management',
        referralType: 'moved_away',
        person: { id: mover },
      },
    ]);
    // The jobcenter serves the whole district: its referral stays; the asylum benefits office has no counterpart in Emsdetten.
    expect((await movedAway(mover)).map((r) => r.sender)).toEqual(['rheine-social']);
    const flagged = await eventually(async () => {
      const e = await hubEvents(app, 'handover.unassigned', mover);
      return e.length ? e : undefined;
    });
    expect(flagged).toEqual([
      {
        personId: mover,
        rule: 'moved',
        partner: 'rheine-asylblg',
        partnerKind: 'asylum_benefits_office',
        referralId: null,
        reason: 'no_partner',
      },
    ]);
    // The old referrals are untouched; their holders close them once the new partner took over.
    expect(
      (await referralsOf(app, mover)).filter((r) => [counselling, benefits].includes(r.id)).map((r) => r.status),
    ).toEqual(['requested', 'requested']);

    const entries = await eventually(async () => {
      const b = await biography(app, 'emsdetten-social', mover);
      return b.some((e) => e.type === 'handover.unassigned') &&
        b.some((e) => e.summary === 'Transfer (moved_away) rheine-social → emsdetten-social: draft → requested')
        ? b
        : undefined;
    });
    expect(entries).toEqual(
      expect.arrayContaining([
        {
          type: 'referral.status_changed',
          summary: 'Transfer (moved_away) rheine-social → emsdetten-social: draft → requested',
          actor: 'rheine-social',
        },
        {
          type: 'handover.unassigned',
          summary: 'Handover by rheine-asylblg found no receiver (no_partner)',
          actor: 'lotse',
        },
      ]),
    );
  });

  it('the same move processed twice transfers and flags once', async () => {
    await replay(app, 'city', await eventId(app, 'city', 'person.moved', mover));
    expect(await movedAway(mover)).toHaveLength(1);
    expect(await hubEvents(app, 'handover.unassigned', mover)).toHaveLength(1);
  });

  it("a new partner without a legal basis for the person's data: the transfer is refused and flagged", async () => {
    const p = await registerPersonViaApi(app, 'rheine-social', { familyName: 'Darwish' });
    await refer('jobcenter-steinfurt', {
      personId: p,
      receiver: 'rheine-social',
      purpose: 'case_management',
      referralType: 'social_counselling',
    });
    await move(p, '05566028');
    expect(await movedAway(p)).toEqual([]);
    expect(await hubEvents(app, 'handover.unassigned', p)).toEqual([
      {
        personId: p,
        rule: 'moved',
        partner: 'rheine-social',
        partnerKind: 'social_services',
        referralId: expect.any(String),
        reason: 'refused_forbidden',
      },
    ]);
  });

  it('moving in: what a partner of the old municipality held comes to the team of the new one', async () => {
    const p = await registerPerson(app, 'rheine-social', {
      givenName: 'Nour',
      familyName: 'Aziz',
      municipalityKey: '05566008',
    });
    await refer('jobcenter-steinfurt', {
      personId: p.id,
      receiver: 'emsdetten-social',
      purpose: 'case_management',
      referralType: 'social_counselling',
    });
    await move(p.id, '05566076');
    expect(await movedAway(p.id)).toMatchObject([
      {
        kind: 'transfer',
        sender: 'emsdetten-social',
        receiver: 'rheine-social',
        purpose: 'case_management',
        status: 'requested',
      },
    ]);
  });

  it('moving where no partner of their kind serves: the referrals the receivers held are closed (moved_away), both parties are told, and the sender learns that the receiver cannot follow', async () => {
    const p = await registerPersonViaApi(app, 'rheine-social', { familyName: 'Tesfaye' });
    const advice = await refer('jobcenter-steinfurt', {
      personId: p,
      receiver: 'rheine-social',
      purpose: 'case_management',
      referralType: 'social_counselling',
    });
    const course = await refer('jobcenter-steinfurt', {
      personId: p,
      receiver: 'vhs-rheine',
      purpose: 'integration_course_referral',
      referralType: 'integration_course',
    });
    const accepted = await app.gql(
      'vhs-rheine',
      `mutation($id: ID!) { acceptReferral(id: $id) { status } }`,
      { id: course },
      { purpose: 'integration_course_referral' },
    );
    expect(accepted.body.data.acceptReferral.status).toBe('accepted');

    // Münster: neither an advice team nor a course provider (nor the district's jobcenter) serves it.
    const moved = await move(p, '05515000');
    const rows = await hubQuery(
      app,
      `SELECT id, status, reason_code FROM hub.referral WHERE person_id = $1 ORDER BY created_at`,
      [p],
    );
    expect(rows).toEqual([
      { id: advice, status: 'cancelled', reason_code: 'moved_away' },
      { id: course, status: 'cancelled', reason_code: 'moved_away' },
    ]);
    expect(await hubEvents(app, 'handover.unassigned', p)).toEqual([
      {
        personId: p,
        rule: 'moved',
        partner: 'rheine-social',
        partnerKind: 'social_services',
        referralId: advice,
        reason: 'no_partner',
      },
      {
        personId: p,
        rule: 'moved',
        partner: 'vhs-rheine',
        partnerKind: 'course_provider',
        referralId: course,
        reason: 'no_partner',
      },
    ]);

    // The closing and the notice are handled like any event: wait until the worker has told everyone.
    const closings = await hubQuery(
      app,
      `SELECT id FROM hub.outbox WHERE person_id = $1 AND type IN ('referral.status_changed', 'handover.unassigned')
          AND occurred_at >= (SELECT occurred_at FROM hub.outbox WHERE person_id = $1 AND type = 'handover.unassigned' ORDER BY occurred_at LIMIT 1)`,
      [p],
    );
    expect(closings).toHaveLength(4);
    for (const c of closings) await processed(app, 'hub', c.id);
    const told = await hubQuery(
      app,
      `SELECT partner, type, referral_id FROM hub.notification
        WHERE person_id = $1 AND type IN ('referral.cancelled', 'handover.unassigned') ORDER BY partner, type, referral_id`,
      [p],
    );
    expect(told).toEqual(
      [
        { partner: 'jobcenter-steinfurt', type: 'handover.unassigned', referral_id: advice },
        { partner: 'jobcenter-steinfurt', type: 'handover.unassigned', referral_id: course },
        { partner: 'jobcenter-steinfurt', type: 'referral.cancelled', referral_id: advice },
        { partner: 'jobcenter-steinfurt', type: 'referral.cancelled', referral_id: course },
        { partner: 'rheine-social', type: 'handover.unassigned', referral_id: advice },
        { partner: 'rheine-social', type: 'referral.cancelled', referral_id: advice },
        { partner: 'vhs-rheine', type: 'handover.unassigned', referral_id: course },
        { partner: 'vhs-rheine', type: 'referral.cancelled', referral_id: course },
      ].sort((a, b) =>
        `${a.partner}|${a.type}|${a.referral_id}`.localeCompare(`${b.partner}|${b.type}|${b.referral_id}`),
      ),
    );
    // (Outside the district nobody here sees the person any more; the biography keeps the steps.)
    const summaries = (
      await hubQuery(app, `SELECT summary FROM hub.biography_entry WHERE person_id = $1 ORDER BY occurred_at`, [p])
    ).map((r) => r.summary);
    expect(summaries).toEqual(
      expect.arrayContaining([
        'Handover by rheine-social found no receiver (no_partner)',
        'Referral (social_counselling) jobcenter-steinfurt → rheine-social: requested → cancelled (moved_away)',
        'Referral (integration_course) jobcenter-steinfurt → vhs-rheine: accepted → cancelled (moved_away)',
      ]),
    );

    // Processed again, the move closes and flags nothing more.
    await replay(app, 'city', moved);
    expect(await hubEvents(app, 'handover.unassigned', p)).toHaveLength(2);
    expect(
      (
        await hubQuery(
          app,
          `SELECT count(*)::int AS n FROM hub.outbox WHERE person_id = $1 AND type = 'referral.status_changed' AND payload->>'to' = 'cancelled'`,
          [p],
        )
      )[0].n,
    ).toBe(2);
  });

  it('a move within what every holder serves hands nothing on', async () => {
    const p = await registerPersonViaApi(app, 'rheine-social', { familyName: 'Hamdan' });
    await refer('rheine-social', {
      personId: p,
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_administration',
      referralType: 'benefit_check',
    });
    await move(p, '05566040');
    expect(await movedAway(p)).toEqual([]);
    expect(await hubEvents(app, 'handover.unassigned', p)).toEqual([]);
  });
});
