import { startTestApp, TestApp, eventually } from '../helpers/app';

/** The cross-subgraph query through the gateway: city + jobcenter + hub in one operation. */
describe('federated gateway', () => {
  let app: TestApp;
  let personId: string;

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
    const reg = await app.gql(
      'rheine-social',
      `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id givenName nameVariants } }`,
      {
        input: {
          givenName: 'Mohammed',
          familyName: 'Al-Hassan',
          nameVariants: ['Muhammad Alhasan'],
          birthDate: '1990-03-14',
          sex: 'male',
          nationalities: ['SY'],
          languages: ['ar'],
          municipalityKey: '05566076',
          address: { district: 'Dorenkamp', postalCode: '48431', locality: 'Rheine' },
          newHousehold: true,
        },
      },
    );
    expect(reg.body.errors).toBeUndefined();
    personId = reg.body.data.registerPerson.id;
    const status = await app.gql(
      'rheine-abh',
      `mutation($input: RecordResidenceStatusInput!) { recordResidenceStatus(input: $input) { id status legalBasis validFrom } }`,
      {
        input: {
          personId,
          status: 'recognised_refugee',
          validFrom: '2024-02-01',
          residenceObligation: true,
          workPermitted: true,
          integrationCourseObligation: true,
        },
      },
    );
    expect(status.body.errors).toBeUndefined();
    expect(status.body.data.recordResidenceStatus).toMatchObject({
      status: 'recognised_refugee',
      validFrom: '2024-02-01',
      legalBasis: '§ 25 Abs. 2 S. 1 Alt. 1 AufenthG',
    });
    const jc = await app.gql(
      'jobcenter-steinfurt',
      `mutation($input: OpenJobcenterRecordInput!) { openJobcenterRecord(input: $input) { id customerNumber } }`,
      {
        input: {
          personId,
          customerNumber: '845D123456',
          municipalityKey: '05566076',
          startedOn: '2024-03-01',
          benefitStatus: 'receiving',
        },
      },
    );
    expect(jc.body.errors).toBeUndefined();
  });

  afterAll(() => app?.stop());

  it('joins city, jobcenter and hub data for one person in one query', async () => {
    // The biography is built by workers from the outbox: wait for all four events.
    // The jobcenter's register covers identity, contact, residence and benefits for benefit administration.
    const body = await eventually(async () => {
      const res = await app.gql(
        'jobcenter-steinfurt',
        `query($id: ID!) {
        person(id: $id) {
          givenName familyName nameVariants birthDate
          address { district }
          municipality { name }
          household { members { id } }
          residenceStatus { status }
          jobcenter { customerNumber benefitStatus person { familyName } }
          identifiers { system value issuedBy }
          biography(first: 10) { type source actor summary }
        }
      }`,
        { id: personId },
      );
      return res.body.data?.person?.biography.length >= 4 && res.body.data.person.identifiers.length
        ? res.body
        : undefined;
    });
    const p = body.data.person;
    expect(p).toMatchObject({
      givenName: 'Mohammed',
      familyName: 'Al-Hassan',
      birthDate: '1990-03-14',
      address: { district: 'Dorenkamp' },
      municipality: { name: 'Rheine' },
      household: { members: [{ id: personId }] },
      residenceStatus: { status: 'recognised_refugee' },
      jobcenter: { customerNumber: '845D123456', benefitStatus: 'receiving', person: { familyName: 'Al-Hassan' } },
      identifiers: [{ system: 'jobcenter_customer_number', value: '845D123456', issuedBy: 'jobcenter-steinfurt' }],
    });
    const types = [...new Set(p.biography.map((b: any) => b.type))].sort();
    expect(types).toEqual([
      'jobcenter.record_opened',
      'person.identifier_added',
      'person.registered',
      'person.residence_status_recorded',
    ]);
    expect(p.biography.find((b: any) => b.type === 'person.residence_status_recorded')).toMatchObject({
      source: 'city',
      actor: 'rheine-abh',
    });
    // Newest first, and the summary carries codes, never names.
    expect(JSON.stringify(p.biography)).not.toContain('Al-Hassan');
  });

  it('finds a person by name across transliterations', async () => {
    for (const name of ['Muhammad', 'mohamad', 'Alhasan', 'al hassan']) {
      const res = await app.gql(
        'rheine-social',
        `query($name: String!) { persons(filter: { name: $name }) { totalCount edges { node { id } } } }`,
        { name },
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.persons.edges.map((e: any) => e.node.id)).toContain(personId);
    }
    const none = await app.gql('rheine-social', `{ persons(filter: { name: "Tkachenko" }) { totalCount } }`);
    expect(none.body.data.persons.totalCount).toBe(0);
  });

  it('finds a person by an agency identifier', async () => {
    const res = await app.gql(
      'rheine-social',
      `{ personByIdentifier(system: jobcenter_customer_number, value: "845D123456") { id familyName } }`,
    );
    expect(res.body.data.personByIdentifier).toEqual({ id: personId, familyName: 'Al-Hassan' });
  });

  it('scopes persons to the partner jurisdiction', async () => {
    // Emsdetten is in the jobcenter's district but outside the city of Rheine.
    const reg = await app.gql(
      'rheine-social',
      `mutation { registerPerson(input: { givenName: "Olena", familyName: "Tkachenko", municipalityKey: "05566008" }) { id } }`,
    );
    expect(reg.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const jc = await app.gql('jobcenter-steinfurt', `query($id: ID!) { person(id: $id) { familyName } }`, {
      id: personId,
    });
    expect(jc.body.data.person.familyName).toBe('Al-Hassan');
  });

  it('refuses writes without the scope, naming it', async () => {
    const res = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { recordResidenceStatus(input: { personId: $id, status: tolerated, validFrom: "2024-01-01" }) { id } }`,
      { id: personId },
    );
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'residence:write' });
  });

  it('rejects bad input with a clear error and writes nothing', async () => {
    const before = await app.container.subgraphs.city.dataSource.query('SELECT count(*)::int AS n FROM city.outbox');
    const res = await app.gql(
      'rheine-social',
      `mutation { registerPerson(input: { givenName: "A", familyName: "B", municipalityKey: "05566076", nationalities: ["Syria"] }) { id } }`,
    );
    expect(res.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'nationalities' } });
    const future = await app.gql(
      'rheine-social',
      `mutation { registerPerson(input: { givenName: "A", familyName: "B", municipalityKey: "05566076", birthDate: "2999-01-01" }) { id } }`,
    );
    expect(future.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'birthDate' });
    const after = await app.container.subgraphs.city.dataSource.query('SELECT count(*)::int AS n FROM city.outbox');
    expect(after[0].n).toBe(before[0].n);
  });

  it('records a move to another municipality as data: new owner sees the person, the old one no longer does', async () => {
    const moved = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { movePerson(input: { personId: $id, municipalityKey: "05566008", address: { locality: "Emsdetten", postalCode: "48282" } }) { municipalityKey municipality { name } } }`,
      { id: personId },
    );
    expect(moved.body.errors).toBeUndefined();
    expect(moved.body.data.movePerson).toEqual({ municipalityKey: '05566008', municipality: { name: 'Emsdetten' } });
    const city = await app.gql('rheine-social', `query($id: ID!) { person(id: $id) { id } }`, { id: personId });
    expect(city.body.data.person).toBeNull();
    // The district's jobcenter still sees the person, with the move in the biography.
    const bio = await eventually(async () => {
      const res = await app.gql(
        'jobcenter-steinfurt',
        `query($id: ID!) { person(id: $id) { municipalityKey biography(first: 1) { type summary } } }`,
        { id: personId },
      );
      return res.body.data.person?.biography[0]?.type === 'person.moved' ? res.body.data.person : undefined;
    });
    expect(bio).toEqual({
      municipalityKey: '05566008',
      biography: [{ type: 'person.moved', summary: 'Moved from 05566076 to 05566008' }],
    });
  });

  it('refuses a move to an unknown municipality', async () => {
    const res = await app.gql(
      'rheine-social',
      `mutation($id: ID!) { movePerson(input: { personId: $id, municipalityKey: "99999999" }) { id } }`,
      { id: personId },
    );
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'municipalityKey' });
    // Without the write scope the jobcenter cannot move anyone.
    const jc = await app.gql(
      'jobcenter-steinfurt',
      `mutation($id: ID!) { movePerson(input: { personId: $id, municipalityKey: "05566076" }) { id } }`,
      { id: personId },
    );
    expect(jc.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'persons:write' });
  });
});
