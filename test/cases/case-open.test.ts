import { registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';

/** Opening a case: the holder sees it in its phase; a step its phase does not allow is a CONFLICT naming both. */
describe('openCase', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  const open = (partner: string, input: Record<string, unknown>) =>
    app.gql(
      partner,
      `mutation($i: OpenCaseInput!) { openCase(input: $i) { id partner phase track workerRef allowedActions } }`,
      { i: input },
      { purpose: 'case_management' },
    );

  it('opens in the working alliance, held by the caller, listed on the person', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const res = await open('rheine-social', { personId: p.id, workerRef: 'cm-17', allianceSignedOn: '2026-01-05' });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.openCase).toMatchObject({
      partner: 'rheine-social',
      phase: 'working_alliance',
      track: 'standard',
      workerRef: 'cm-17',
      allowedActions: ['recordAssessment', 'scheduleAppointment', 'recordAppointment', 'closeCase'],
    });
    const again = await open('rheine-social', { personId: p.id, workerRef: 'cm-18', allianceSignedOn: '2026-01-05' });
    expect(again.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', phase: 'working_alliance' });
    const listed = await app.gql(
      'rheine-social',
      `query($id: ID!) { person(id: $id) { cases { id phase } } }`,
      { id: p.id },
      { purpose: 'case_management' },
    );
    expect(listed.body.data.person.cases).toEqual([{ id: res.body.data.openCase.id, phase: 'working_alliance' }]);
  });

  it('refuses a worker name, a future agreement and an unknown person, naming the fields', async () => {
    const p = await registerPerson(app, 'rheine-social');
    const res = await open('rheine-social', {
      personId: p.id,
      workerRef: 'Anna Schmidt',
      allianceSignedOn: '2999-01-01',
    });
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect([...res.body.errors[0].extensions.fields].sort()).toEqual(['allianceSignedOn', 'workerRef']);
    const unknown = await open('rheine-social', {
      personId: '00000000-0000-4000-8000-000000000000',
      workerRef: 'cm-1',
      allianceSignedOn: '2026-01-05',
    });
    expect(unknown.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'personId' });
  });
});
