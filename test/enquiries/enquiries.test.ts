import { askEnquiryViaApi, enquiryInput, recordConsentViaApi, registerPerson } from '../factories';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';
import { eventHandled } from '../helpers/wait';

const EMPLOYER = 'elektro-brinkmann';
const PURPOSE = { purpose: 'employer_service' };
const ABH_MAILBOX = {
  name: 'Ausländerbehörde – Arbeitgeberservice',
  email: 'arbeitgeber-abh@rheine.example',
  phone: null,
};

const FIELDS = `id employer topic status question answer onSiteVisitWanted employeeLinked allowedActions
  routedTo { partner name contact { name email phone } }`;

/**
 * Employer enquiries (docs/employer-service.md): routed to the named contact by topic, answered by
 * it, seen by the employer and the routed partner only; an employee only through their consent.
 */
describe('employer enquiries', () => {
  let app: TestApp;
  let hub: (sql: string, params?: unknown[]) => Promise<any[]>;
  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    hub = (sql, params = []) => app.container.subgraphs.hub.dataSource.query(sql, params);
    await asSuperuser(app.db.url, (c) =>
      c.query(`UPDATE hub.partner SET contact = $1 WHERE slug = 'rheine-abh'`, [JSON.stringify(ABH_MAILBOX)]),
    );
  });
  afterAll(() => app?.stop());

  const ask = (input: Record<string, unknown>, partner = EMPLOYER) =>
    app.gql(partner, `mutation($i: EmployerEnquiryInput!) { employerEnquiry(input: $i) { ${FIELDS} } }`, {
      i: enquiryInput(input),
    });
  const step = (partner: string, name: string, input: Record<string, unknown>) =>
    app.gql(
      partner,
      `mutation($i: ${name === 'answerEnquiry' ? 'AnswerEnquiryInput' : 'EnquiryRefInput'}!) { ${name}(input: $i) { ${FIELDS} } }`,
      { i: input },
      PURPOSE,
    );
  const list = async (partner: string, status?: string) => {
    const res = await app.gql(
      partner,
      `query($f: EmployerEnquiriesFilter) { employerEnquiries(filter: $f, first: 100) { totalCount edges { node { id status answer } } } }`,
      { f: status ? { status } : null },
      PURPOSE,
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data.employerEnquiries.edges.map((e: any) => e.node);
  };
  const count = async () => (await hub('SELECT count(*)::int AS n FROM hub.employer_enquiry'))[0].n;

  it('routes a residence-law question to the immigration office’s function mailbox, seen by employer and office only', async () => {
    const res = await ask({ topic: 'RESIDENCE_LAW', question: 'Darf unser Azubi nach der Ausbildung bleiben?' });
    expect(res.body.errors).toBeUndefined();
    const e = res.body.data.employerEnquiry;
    expect(e).toMatchObject({
      employer: EMPLOYER,
      topic: 'RESIDENCE_LAW',
      status: 'received',
      onSiteVisitWanted: false,
      employeeLinked: false,
      allowedActions: ['closeEnquiry'],
      routedTo: { partner: 'rheine-abh', name: expect.any(String), contact: ABH_MAILBOX },
    });
    expect((await list(EMPLOYER)).map((x: any) => x.id)).toContain(e.id);
    expect((await list('rheine-abh')).map((x: any) => x.id)).toContain(e.id);
    // The social worker team has the scope too, but the enquiry was not routed to it.
    expect((await list('rheine-social')).map((x: any) => x.id)).not.toContain(e.id);
    const other = await app.gql('caritas-rheine', `query { employerEnquiries { totalCount } }`);
    expect(other.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'enquiries:write' });
  });

  it('routes a workplace question to the social worker team, which takes and answers it; the employer reads the answer and is told', async () => {
    const e = await askEnquiryViaApi(app, { topic: 'WORKPLACE', onSiteVisitWanted: true });
    expect(e.routedTo.partner).toBe('rheine-social');
    const [received] = await hub(`SELECT id, person_id, payload FROM hub.outbox WHERE aggregate_id = $1`, [e.id]);
    expect(received.person_id).toBeNull();
    expect(Object.keys(received.payload).sort()).toEqual([
      'employeeLinked',
      'employer',
      'enquiryId',
      'routedTo',
      'topic',
    ]);
    await eventHandled(app, 'hub', received.id);
    const inbox = async (partner: string) =>
      (
        await hub(
          `SELECT type FROM hub.notification WHERE partner = $1 AND event_id IN (SELECT id FROM hub.outbox WHERE aggregate_id = $2)`,
          [partner, e.id],
        )
      ).map((n: any) => n.type);
    expect(await inbox('rheine-social')).toEqual(['enquiry.received']);
    expect(await inbox('rheine-abh')).toEqual([]);

    const taken = await step('rheine-social', 'takeEnquiry', { enquiryId: e.id });
    expect(taken.body.data.takeEnquiry).toMatchObject({ status: 'in_progress', allowedActions: ['answerEnquiry'] });
    const answered = await step('rheine-social', 'answerEnquiry', {
      enquiryId: e.id,
      answer: 'Wir kommen am Dienstag vorbei.',
    });
    expect(answered.body.data.answerEnquiry).toMatchObject({ status: 'answered', allowedActions: [] });
    expect(await list(EMPLOYER, 'answered')).toContainEqual({
      id: e.id,
      status: 'answered',
      answer: 'Wir kommen am Dienstag vorbei.',
    });
    await eventually(async () => (await inbox(EMPLOYER)).includes('enquiry.answered'));
    const events = await hub(
      `SELECT type, person_id, payload::text AS payload FROM hub.outbox WHERE aggregate_id = $1 ORDER BY occurred_at`,
      [e.id],
    );
    expect(events.map((x: any) => x.type)).toEqual(['enquiry.received', 'enquiry.answered']);
    for (const x of events) {
      expect(x.person_id).toBeNull();
      expect(x.payload).not.toContain('Dienstag');
    }
    const closed = await step(EMPLOYER, 'closeEnquiry', { enquiryId: e.id });
    expect(closed.body.data.closeEnquiry).toMatchObject({ status: 'closed', allowedActions: [] });
  });

  it('refuses steps out of order with CONFLICT naming the status and what is allowed, and the other side’s steps', async () => {
    const e = await askEnquiryViaApi(app, { topic: 'RESIDENCE_LAW' });
    const byEmployer = await step(EMPLOYER, 'answerEnquiry', { enquiryId: e.id, answer: 'selbst beantwortet' });
    expect(byEmployer.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', allowedActions: ['closeEnquiry'] });
    const stranger = await step('rheine-social', 'takeEnquiry', { enquiryId: e.id });
    expect(stranger.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'enquiryId' });
    await step(EMPLOYER, 'closeEnquiry', { enquiryId: e.id });
    const late = await step('rheine-abh', 'answerEnquiry', { enquiryId: e.id, answer: 'Zu spät.' });
    expect(late.body.errors[0].message).toContain('closed');
    expect(late.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'closed', allowedActions: [] });
    const twice = await step(EMPLOYER, 'closeEnquiry', { enquiryId: e.id });
    expect(twice.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'closed' });
    const [row] = await hub('SELECT status, answer FROM hub.employer_enquiry WHERE id = $1', [e.id]);
    expect(row).toEqual({ status: 'closed', answer: null });
  });

  it('links an employee only through their consent for employer_service naming the routed partner; the link shows under the policy', async () => {
    const person = await registerPerson(app, 'rheine-social');
    const wrongPurpose = await recordConsentViaApi(app, 'rheine-social', {
      personId: person.id,
      purpose: 'case_management',
      recipients: ['rheine-abh', EMPLOYER],
      categories: ['employment'],
    });
    const before = await count();
    const refused = await ask({ topic: 'RESIDENCE_LAW', employeeConsentId: wrongPurpose });
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'employeeConsentId' });
    const otherRecipient = await recordConsentViaApi(app, 'rheine-social', {
      personId: person.id,
      purpose: 'employer_service',
      recipients: ['rheine-social'],
      categories: ['employment'],
    });
    // Routed to the immigration office, which the consent does not name.
    const refused2 = await ask({ topic: 'RESIDENCE_LAW', employeeConsentId: otherRecipient });
    expect(refused2.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'employeeConsentId' });
    expect(await count()).toBe(before);

    // The consent names the office only: the employer learns that someone is linked, not who.
    const officeOnly = await recordConsentViaApi(app, 'rheine-social', {
      personId: person.id,
      purpose: 'employer_service',
      recipients: ['rheine-abh'],
      categories: ['employment'],
    });
    const linked = await ask({ topic: 'RESIDENCE_LAW', employeeConsentId: officeOnly });
    expect(linked.body.errors).toBeUndefined();
    const id = linked.body.data.employerEnquiry.id;
    const read = (partner: string) =>
      app.gql(
        partner,
        `query { employerEnquiries(first: 100) { edges { node { id employeeLinked employeePersonId } } } }`,
        {},
        PURPOSE,
      );
    const nodeOf = (res: any) =>
      res.body.data.employerEnquiries.edges.map((x: any) => x.node).find((n: any) => n.id === id);
    const asOffice = await read('rheine-abh');
    expect(nodeOf(asOffice)).toEqual({ id, employeeLinked: true, employeePersonId: person.id });
    const asEmployer = await read(EMPLOYER);
    expect(nodeOf(asEmployer)).toEqual({ id, employeeLinked: true, employeePersonId: null });
    expect(asEmployer.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', category: 'employment' });
    // Both the read and the denial are in the person's access log.
    const entries = await app.container.audit.accessReport(person.id);
    expect(entries).toContainEqual(
      expect.objectContaining({ partner: 'rheine-abh', kind: 'read', categories: ['employment'] }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ partner: EMPLOYER, kind: 'denied', categories: ['employment'] }),
    );
    // A consent that names the employer too lets it see who is linked.
    const both = await recordConsentViaApi(app, 'rheine-social', {
      personId: person.id,
      purpose: 'employer_service',
      recipients: ['rheine-abh', EMPLOYER],
      categories: ['employment'],
    });
    const shared = await ask({ topic: 'RESIDENCE_LAW', employeeConsentId: both });
    expect(shared.body.data.employerEnquiry.employeeLinked).toBe(true);
    const seen = await app.gql(
      EMPLOYER,
      `query { employerEnquiries(first: 100) { edges { node { id employeePersonId } } } }`,
      {},
      PURPOSE,
    );
    expect(seen.body.data.employerEnquiries.edges.map((x: any) => x.node)).toContainEqual({
      id: shared.body.data.employerEnquiry.id,
      employeePersonId: person.id,
    });
    // The events name no person even when one is linked.
    const [ev] = await hub(`SELECT person_id, payload FROM hub.outbox WHERE aggregate_id = $1`, [id]);
    expect(ev.person_id).toBeNull();
    expect(JSON.stringify(ev.payload)).not.toContain(person.id);
  });

  it('refuses an enquiry no contact serves (CONFLICT, nothing written) and callers that are no employer', async () => {
    await asSuperuser(app.db.url, (c) =>
      c.query(`INSERT INTO hub.partner (slug, name, kind, legal_domains, municipality_key, jurisdiction, scopes, purposes, active, created_at)
               VALUES ('weit-weg-gmbh', 'Weit weg GmbH', 'employer', '{none}', '05515000', '{05515000}', '{partners:read,enquiries:write}', '{employer_service}', true, now())`),
    );
    const before = await count();
    const res = await ask({ topic: 'WORKPLACE' }, 'weit-weg-gmbh');
    expect(res.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      kind: 'social_services',
      municipalityKey: '05515000',
    });
    expect(await count()).toBe(before);
    const office = await app.gql(
      'rheine-abh',
      `mutation($i: EmployerEnquiryInput!) { employerEnquiry(input: $i) { id } }`,
      { i: enquiryInput() },
      PURPOSE,
    );
    expect(office.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('refuses bad input naming every field at once', async () => {
    const res = await ask({ question: '  ', employeeConsentId: 'nope' });
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect([...res.body.errors[0].extensions.fields].sort()).toEqual(['employeeConsentId', 'question']);
    const long = await ask({ question: 'x'.repeat(2001) });
    expect(long.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'question' });
    const e = await askEnquiryViaApi(app);
    const empty = await step('rheine-social', 'answerEnquiry', { enquiryId: e.id, answer: '' });
    expect(empty.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'answer' });
    const badId = await step('rheine-social', 'takeEnquiry', { enquiryId: 'x' });
    expect(badId.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'enquiryId' });
  });
});
