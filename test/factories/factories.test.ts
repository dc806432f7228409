import { startTestApp, TestApp } from '../helpers/app';
import { householdOf, personInput, registerHousehold, registerHouseholdViaApi, registerPerson } from '.';

/** The builders other tests rely on: unique defaults, households whose members share one. */
describe('test factories', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('gives every person a family name of its own unless one is given', () => {
    const [a, b] = [personInput(), personInput()];
    expect(a.familyName).not.toBe(b.familyName);
    expect(personInput({ familyName: 'Haddad' }).familyName).toBe('Haddad');
  });

  it('registers a household through the service and through the API: every member lives in it', async () => {
    for (const build of [registerHousehold, registerHouseholdViaApi]) {
      const members = [{ familyName: 'Haidari' }, { givenName: 'Sara', familyName: 'Haidari' }];
      const { householdId, personIds } = await build(app, 'rheine-social', members);
      expect(personIds).toHaveLength(2);
      for (const id of personIds) expect(await householdOf(app, id)).toBe(householdId);
    }
    expect(await householdOf(app, (await registerPerson(app, 'rheine-social')).id)).toBeNull();
  });
});
