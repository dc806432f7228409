import { benefitSwitchOn } from '../../src/rules/asylum-granted.rule';
import { addMonths } from '../../src/rules/rule-support';
import { LegalDomain, PartnerKind } from '../../src/subgraphs/hub/partner/partner.types';
import { UpcomingHandoverService } from '../../src/subgraphs/hub/worklist/upcoming-handover.service';
import { registerPersonViaApi } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { eventId, hubQuery, movableClock, processed, ruleCheck, today } from '../rules/rules-helpers';

const LIST = `query($within: Int!, $kind: UpcomingHandoverKind, $first: Int, $after: String) {
  upcomingHandovers(within: $within, kind: $kind, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id kind rule dueOn startsOn sender receiver person { id } } }
  }
}`;

/**
 * The worklist of what the rules will do: an eUMA transfer listed months before it starts, the
 * benefit switch after a grant of protection and the arrival follow-up, each with its dates, to
 * the partners it concerns or that may see the person's case data; nothing for anyone else.
 */
describe('upcomingHandovers: the handovers the rules will start', () => {
  const clock = movableClock();
  let app: TestApp;
  let youth: string; // 17 years and 7 months old, known to youth welfare
  let adultOn: string;
  let granted: string; // recognised today, registered by the immigration office
  let validFrom: string;
  let arrived: string[];

  const list = async (
    partner: string,
    variables: { within: number; kind?: string; first?: number; after?: string },
    purpose?: string,
  ) => {
    const res = await app.gql(partner, LIST, variables, { purpose });
    return res.body;
  };
  const nodes = async (partner: string, within: number, purpose?: string, kind?: string) => {
    const body = await list(partner, { within, kind, first: 100 }, purpose);
    expect(body.errors).toBeUndefined();
    return body.data.upcomingHandovers.edges.map((e: any) => e.node);
  };
  const settle = async (source: 'city' | 'hub', type: string, personId: string) =>
    processed(app, source, await eventId(app, source, type, personId));

  beforeAll(async () => {
    app = await startTestApp({ workers: true, clock });
    // Another municipality's advice team, with every basis the Rheine team has: not the Rheine persons' team.
    await app.container.subgraphs.hub.services.partners.upsert({
      slug: 'emsdetten-social',
      name: 'Integrationsteam Emsdetten',
      kind: PartnerKind.social_services,
      legalDomains: [LegalDomain.SGB_XII],
      municipalityKey: '05566008',
      jurisdiction: ['05566008'],
      scopes: ['persons:read', 'partners:read', 'referrals:read', 'referrals:write'],
      purposes: ['case_management', 'arrival_counselling'],
    });
    for (const category of ['identity', 'contact', 'case_notes'])
      await app.container.subgraphs.hub.services.legalBases.add({
        recipientPartner: 'emsdetten-social',
        purpose: 'case_management',
        category,
        statute: '§ 67a SGB X i.V.m. § 11 SGB XII',
        description: 'Advice and support by the city of Emsdetten',
        sourcePartner: null,
      });

    // Turns 18 in five months: the transfer is created three months before, in about two months.
    adultOn = addMonths(today(clock), 5);
    youth = await registerPersonViaApi(app, 'rheine-youth', {
      familyName: 'Azizi',
      birthDate: addMonths(adultOn, -216),
    });
    const id = await app.gql(
      'rheine-youth',
      `mutation($input: AddPersonIdentifierInput!) { addPersonIdentifier(input: $input) { id } }`,
      { input: { personId: youth, system: 'youth_welfare_case_id', value: 'JA-2026/4711' } },
    );
    expect(id.body.errors).toBeUndefined();
    await settle('hub', 'person.identifier_added', youth);

    // Registered by the immigration office (an arrival follow-up) and recognised (a benefit switch).
    granted = await registerPersonViaApi(app, 'rheine-abh', { familyName: 'Khalil' });
    validFrom = today(clock);
    const status = await app.gql(
      'rheine-abh',
      `mutation($input: RecordResidenceStatusInput!) { recordResidenceStatus(input: $input) { id } }`,
      { input: { personId: granted, status: 'recognised_refugee', validFrom } },
    );
    expect(status.body.errors).toBeUndefined();
    await settle('city', 'person.registered', granted);
    await settle('city', 'person.residence_status_recorded', granted);
    arrived = [];
    for (const familyName of ['Nasser', 'Omran']) {
      const p = await registerPersonViaApi(app, 'rheine-abh', { familyName });
      await settle('city', 'person.registered', p);
      arrived.push(p);
    }
  });
  afterAll(() => app?.stop());

  it('lists the eUMA transfer to youth welfare months before it starts: due three months before the 18th birthday, to the advice team', async () => {
    const dueOn = addMonths(adultOn, -3);
    expect((await ruleCheck(app, 'euma_turning_18', youth)).due_at.toISOString()).toBe(`${dueOn}T00:00:00.000Z`);
    const res = await app.gql('rheine-youth', LIST.replace('person { id }', 'person { id familyName }'), {
      within: 365,
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.upcomingHandovers.edges.map((e: any) => e.node)).toEqual([
      {
        id: `euma_turning_18:${youth}`,
        kind: 'euma_transfer',
        rule: 'euma_turning_18',
        dueOn,
        startsOn: adultOn,
        sender: 'rheine-youth',
        receiver: 'rheine-social',
        person: { id: youth, familyName: 'Azizi' },
      },
    ]);
    expect(res.body.data.upcomingHandovers.totalCount).toBe(1);
    // Due in about two months: not within the next 30 days.
    expect(await nodes('rheine-youth', 30)).toEqual([]);
  });

  it('the receiving team sees it; a course provider without a referral, another municipality’s team and the immigration office (no party, no basis for case notes) see nothing', async () => {
    const team = await nodes('rheine-social', 365, 'case_management', 'euma_transfer');
    expect(team).toEqual([expect.objectContaining({ id: `euma_turning_18:${youth}`, receiver: 'rheine-social' })]);
    for (const [partner, purpose, kind] of [
      ['vhs-rheine', 'integration_course_referral'],
      ['emsdetten-social', 'case_management'],
      // It sent the arrival referrals, so it sees those follow-ups (below), not this transfer.
      ['rheine-abh', 'residence_administration', 'euma_transfer'],
    ]) {
      const body = await list(partner, { within: 730, kind }, purpose);
      expect({ partner, errors: body.errors, list: body.data.upcomingHandovers }).toEqual({
        partner,
        errors: undefined,
        list: expect.objectContaining({ totalCount: 0, edges: [] }),
      });
    }
    // Reading the list is audited like any read of the persons' data, with what allowed it.
    const audited = await hubQuery(
      app,
      `SELECT kind, categories, fields FROM audit.entry WHERE partner = 'rheine-social' AND basis = 'handover:euma_turning_18'`,
    );
    expect(audited).toEqual(
      expect.arrayContaining([{ kind: 'read', categories: ['case_notes'], fields: ['Query.upcomingHandovers'] }]),
    );
  });

  it('lists the benefit switch after a grant of protection and the arrival follow-up, with their dates', async () => {
    const switchOn = benefitSwitchOn(validFrom);
    const followUpOn = (await ruleCheck(app, 'new_arrival', granted)).data.followUpOn;
    expect(await nodes('jobcenter-steinfurt', 365, 'benefit_administration')).toEqual([
      {
        id: `asylum_granted:${granted}`,
        kind: 'benefit_switch',
        rule: 'asylum_granted',
        dueOn: switchOn,
        startsOn: switchOn,
        sender: 'rheine-asylblg',
        receiver: 'jobcenter-steinfurt',
        person: { id: granted },
      },
    ]);
    const arrivals = await nodes('rheine-social', 365, 'arrival_counselling', 'arrival_followup');
    expect(arrivals.find((n: any) => n.person.id === granted)).toEqual({
      id: `new_arrival:${granted}`,
      kind: 'arrival_followup',
      rule: 'new_arrival',
      dueOn: followUpOn,
      startsOn: followUpOn,
      sender: 'rheine-abh',
      receiver: 'rheine-social',
      person: { id: granted },
    });
    expect(arrivals.map((n: any) => n.person.id).sort()).toEqual([granted, ...arrived].sort());
    // The immigration office sent those referrals: it sees the follow-ups under any purpose it acts for.
    expect(await nodes('rheine-abh', 365, 'residence_administration')).toEqual(arrivals);
  });

  it('pages by dueOn, then id, across two pages', async () => {
    const all = await nodes('rheine-social', 365, 'case_management');
    expect(all.map((n: any) => n.id).sort()).toEqual(
      [`euma_turning_18:${youth}`, ...[granted, ...arrived].map((p) => `new_arrival:${p}`)].sort(),
    );
    const order = [...all].sort((a: any, b: any) =>
      a.dueOn === b.dueOn ? (a.id < b.id ? -1 : 1) : a.dueOn < b.dueOn ? -1 : 1,
    );
    expect(all).toEqual(order);
    const one = (await list('rheine-social', { within: 365, first: 3 }, 'case_management')).data.upcomingHandovers;
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const two = (
      await list('rheine-social', { within: 365, first: 3, after: one.pageInfo.endCursor }, 'case_management')
    ).data.upcomingHandovers;
    expect(two.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect([...one.edges, ...two.edges].map((e: any) => e.node)).toEqual(all);
    expect(one.totalCount).toBe(4);
  });

  it('reads the pending checks in rounds (a round with nothing visible, or fewer than the page, reads on); leaves out disabled rules', async () => {
    const all = await nodes('rheine-social', 365, 'case_management');
    const c = app.container;
    const actor = {
      subject: 'test',
      partner: 'rheine-social',
      scopes: ['referrals:read'],
      jurisdiction: ['05566076'],
      purpose: 'case_management',
      requestId: 'test',
    };
    for (const batch of [1, 2, 3]) {
      const service = new UpcomingHandoverService(
        c.subgraphs.hub.dataSource,
        c.clock,
        c.persons,
        c.config.rules,
        batch,
      );
      const page = await c.rowSecurity.run(actor.jurisdiction, () =>
        service.list(c.subgraphs.hub.createContext(actor).policy, { within: 365, first: 10, count: false }),
      );
      expect({ batch, ids: page.edges.map((e) => e.node.id) }).toEqual({ batch, ids: all.map((n: any) => n.id) });
    }
    // A rule switched off (RULES_ENABLED) acts on nothing: its pending checks are not listed.
    const withoutEuma = new UpcomingHandoverService(c.subgraphs.hub.dataSource, c.clock, c.persons, {
      ...c.config.rules,
      enabled: c.config.rules.enabled.filter((r) => r !== 'euma_turning_18'),
    });
    const page = await c.rowSecurity.run(actor.jurisdiction, () =>
      withoutEuma.list(c.subgraphs.hub.createContext(actor).policy, { within: 365, first: 10 }),
    );
    expect(page.edges.map((e) => e.node.id)).toEqual(
      all.map((n: any) => n.id).filter((id: string) => !id.startsWith('euma')),
    );
    expect(page.totalCount).toBe(all.length - 1);
  });

  it('refuses a window outside 1 to 730 days and a bad cursor as BAD_USER_INPUT naming the argument', async () => {
    for (const within of [0, 731]) {
      const body = await list('rheine-youth', { within });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'within' });
    }
    for (const after of [
      'not-a-cursor',
      Buffer.from(JSON.stringify(['2026-01-01', 'moved', youth])).toString('base64url'),
    ]) {
      const body = await list('rheine-youth', { within: 30, after });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    const body = await list('rheine-youth', { within: 30, first: 101 });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('the window moves with the clock: 40 days on, the eUMA transfer is due within 30 days', async () => {
    clock.offset = 40 * 86_400_000;
    try {
      expect((await nodes('rheine-youth', 30)).map((n: any) => n.id)).toEqual([`euma_turning_18:${youth}`]);
    } finally {
      clock.offset = 0;
    }
  });
});
