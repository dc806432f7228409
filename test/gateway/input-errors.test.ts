import { registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

type GqlError = { message: string; path?: unknown[]; extensions: { code: string; field?: string; fields?: string[] } };

/** Malformed input is BAD_USER_INPUT naming the field (all of them), never a masked internal error. */
describe('input errors', () => {
  let app: TestApp;
  let personId: string;

  beforeAll(async () => {
    app = await startTestApp();
    personId = (await registerPerson(app, 'rheine-abh')).id;
  });
  afterAll(async () => app?.stop());

  const only = (res: { body: { errors?: GqlError[] } }): GqlError => {
    expect(res.body.errors).toHaveLength(1);
    return res.body.errors![0];
  };
  const RECORD = `mutation($input: RecordResidenceStatusInput!) { recordResidenceStatus(input: $input) { id } }`;

  it('answers two invalid date arguments with one BAD_USER_INPUT naming both', async () => {
    const res = await app.gql('rheine-social', `{ agreementCompliance(from: "x", to: "y") { kind total } }`);
    expect(res.status).toBe(200);
    const error = only(res);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from', fields: ['from', 'to'] });
    expect(error.path).toEqual(['agreementCompliance']);
    expect(error.message).not.toMatch(/\$/);
  });

  it('answers two invalid dates of one input object with both fields', async () => {
    const res = await app.gql('rheine-abh', RECORD, {
      input: { personId, status: 'recognised_refugee', validFrom: 'bad', validUntil: '2024-13-01' },
    });
    expect(only(res).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'validFrom',
      fields: ['validFrom', 'validUntil'],
    });
  });

  it('names the argument of an impossible literal date, not a variable the partner never wrote', async () => {
    const res = await app.gql(
      'rheine-abh',
      `mutation { recordResidenceStatus(input: { personId: "${personId}", status: recognised_refugee, validFrom: "2024-02-30" }) { id } }`,
    );
    const error = only(res);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'validFrom' });
    expect(error.message).toMatch(/^validFrom: /);
    expect(error.message).not.toMatch(/\$|_v\d/);
  });

  it.each([
    ['cooperationAgreements', 'receiver', `query($v: String) { cooperationAgreements(receiver: $v) { id } }`],
    ['personByIdentifier', 'value', `query($v: String!) { personByIdentifier(system: azr_number, value: $v) { id } }`],
  ])('refuses a NUL character in %s(%s:) as BAD_USER_INPUT', async (_root, field, query) => {
    const res = await app.gql('rheine-abh', query, { v: 'a\u0000b' });
    // Refused with the request (variables are checked before execution), as invalid variables are.
    expect(res.status).toBe(400);
    expect(only(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses control characters written into the document itself', async () => {
    const res = await app.gql('rheine-abh', `{ cooperationAgreements(receiver: "a\\u0000b") { id } }`);
    expect(only(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'receiver' });
  });

  it('refuses a residence status valid from the year 3000, with the reason', async () => {
    const res = await app.gql('rheine-abh', RECORD, {
      input: { personId, status: 'recognised_refugee', validFrom: '3000-01-01' },
    });
    const error = only(res);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'validFrom' });
    expect(error.message).toMatch(/more than 10 years ahead/);
  });

  it('accepts a date within the horizon', async () => {
    const next = new Date();
    next.setUTCFullYear(next.getUTCFullYear() + 1);
    const res = await app.gql('rheine-abh', RECORD, {
      input: { personId, status: 'recognised_refugee', validFrom: next.toISOString().slice(0, 10) },
    });
    expect(res.body.errors).toBeUndefined();
  });

  it('reports every failing field of a mutation input at once', async () => {
    const res = await app.gql(
      'rheine-social',
      `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`,
      {
        input: {
          givenName: ' ',
          familyName: 'Test',
          nationalities: ['Syria'],
          languages: ['arabic'],
          birthDate: '2999-01-01',
          municipalityKey: '05566076',
        },
      },
    );
    const error = only(res);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe('givenName');
    expect(error.extensions.fields).toEqual(['givenName', 'nationalities', 'languages', 'birthDate']);
    expect(error.message).toMatch(/birthDate lies in the future/);
  });

  it('reports every refused field of a consent at once', async () => {
    const res = await app.gql(
      'rheine-social',
      `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`,
      {
        input: {
          personId,
          purpose: 'no_such_purpose',
          recipients: ['rheine-abh'],
          categories: ['no_such_category'],
          evidenceRef: ' ',
          givenBy: 'neighbour',
        },
      },
    );
    expect(only(res).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: ['purpose', 'categories', 'givenBy', 'evidenceRef'],
    });
  });

  it('reports a malformed person id and identifier value together', async () => {
    const res = await app.gql(
      'rheine-abh',
      `mutation($input: AddPersonIdentifierInput!) { addPersonIdentifier(input: $input) { id } }`,
      { input: { personId: 'nope', system: 'azr_number', value: 'x' } },
    );
    expect(only(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['personId', 'value'] });
  });

  it('reports format and date errors of a jobcenter record together', async () => {
    const res = await app.gql(
      'jobcenter-steinfurt',
      `mutation($input: OpenJobcenterRecordInput!) { openJobcenterRecord(input: $input) { id } }`,
      {
        input: { personId, customerNumber: 'nope', municipalityKey: '05566076', startedOn: '2999-01-01' },
      },
    );
    expect(only(res).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: ['customerNumber', 'startedOn'],
    });
  });
});
