import { registerPersonViaApi } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

/**
 * In-process subgraphs' reads are audited per gateway request: one append, written before the
 * response leaves, for every subgraph the request touched. No audit entry, no data: when that
 * append fails the response carries an error and no data at all.
 */
describe('one audit append per gateway request (in-process subgraphs)', () => {
  let app: TestApp;
  // city (persons), jobcenter (Person.jobcenter), city again (JobcenterRecord.person), hub (Person.identifiers).
  const QUERY = `{ persons(filter: { name: "Kowalczyk" }) { edges { node { familyName jobcenter { customerNumber person { givenName } } identifiers { system } } } } }`;

  beforeAll(async () => {
    app = await startTestApp();
    const id = await registerPersonViaApi(app, 'rheine-social', { givenName: 'Marta', familyName: 'Kowalczyk' });
    const jc = await app.gql(
      'jobcenter-steinfurt',
      `mutation($id: ID!) { openJobcenterRecord(input: { personId: $id, customerNumber: "845D654322", municipalityKey: "05566076", startedOn: "2025-01-01", benefitStatus: receiving }) { id } }`,
      { id },
    );
    expect(jc.body.errors).toBeUndefined();
  });
  afterAll(async () => {
    await app?.stop();
  });
  afterEach(() => jest.restoreAllMocks());

  it('writes the reads of all subgraphs the request touched in one append', async () => {
    const append = jest.spyOn(app.container.audit, 'appendNow');
    const res = await app.gql('jobcenter-steinfurt', QUERY);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.persons.edges[0].node).toMatchObject({
      familyName: 'Kowalczyk',
      jobcenter: { customerNumber: '845D654322', person: { givenName: 'Marta' } },
    });
    expect(append).toHaveBeenCalledTimes(1);
    const fields = append.mock.calls[0][0].flatMap((e) => e.fields);
    expect(fields).toEqual(
      expect.arrayContaining([
        'Person.familyName',
        'Person.givenName',
        'JobcenterRecord.customerNumber',
        'Person.identifiers',
      ]),
    );
  });

  it('a failing append withholds the whole response: an error, no data', async () => {
    jest.spyOn(app.container.audit, 'appendNow').mockRejectedValue(new Error('audit write refused'));
    const res = await app.gql('jobcenter-steinfurt', QUERY);
    expect(res.body.data).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toMatch(/Kowalczyk|Marta|845D654322/);
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
  });
});
