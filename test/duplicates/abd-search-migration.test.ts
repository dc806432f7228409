import { CityAbdSearchNames1765410000001 } from '../../src/subgraphs/city/migrations/1765410000001-city-abd-search-names';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub, registerPerson } from '../factories';

/** Persons registered before the Abd spellings were searchable get their forms from the migration. */
describe('migration: searchable forms of "Abd al-" names for persons registered before', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
  });
  afterAll(() => app?.stop());

  it('adds the forms to persons with an Abd name and leaves the others as they were', async () => {
    const city = app.container.subgraphs.city.dataSource;
    const abd = await registerPerson(app, 'rheine-abh', { givenName: 'Abd al-Rahman', familyName: 'Khalil' });
    const other = await registerPerson(app, 'rheine-abh', { givenName: 'Dawit', familyName: 'Tesfaye' });
    const names = async (id: string): Promise<string[]> =>
      (await asHub(app, () => city.query('SELECT search_names FROM city.person WHERE id = $1', [id])))[0].search_names;
    const [registered, untouched] = [await names(abd.id), await names(other.id)];
    // As the search stored names before: words and their skeletons only.
    const before = ['abd', '~abd', 'al', '~al', 'rahman', '~rmn', 'khalil', '~kll'];
    await asHub(app, () => city.query('UPDATE city.person SET search_names = $2 WHERE id = $1', [abd.id, before]));
    await asHub(app, async () => {
      const runner = city.createQueryRunner();
      try {
        await new CityAbdSearchNames1765410000001().up(runner);
      } finally {
        await runner.release();
      }
    });
    expect((await names(abd.id)).sort()).toEqual([...registered].sort());
    expect(await names(abd.id)).toEqual(expect.arrayContaining(['abdalrahman', '~abdrmn']));
    expect(await names(other.id)).toEqual(untouched);
  });
});
