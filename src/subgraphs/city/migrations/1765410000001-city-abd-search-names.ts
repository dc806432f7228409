import { MigrationInterface, QueryRunner } from 'typeorm';
import { searchNames } from '../person/person.names';

/**
 * The name search learned the spellings of "Abd al-" names (person.names.ts): persons registered
 * before get the new searchable forms. Only persons with "abd" in a name change; the
 * city.person_name rows follow through their trigger. Runs as the owner, outside row security.
 */
export class CityAbdSearchNames1765410000001 implements MigrationInterface {
  name = 'CityAbdSearchNames1765410000001';

  async up(q: QueryRunner): Promise<void> {
    const rows: Array<{ id: string; given_name: string; family_name: string; name_variants: string[] }> = await q.query(
      `SELECT id, given_name, family_name, name_variants FROM city.person
          WHERE given_name ILIKE '%abd%' OR family_name ILIKE '%abd%' OR array_to_string(name_variants, ' ') ILIKE '%abd%'`,
    );
    for (const p of rows)
      await q.query('UPDATE city.person SET search_names = $2 WHERE id = $1', [
        p.id,
        searchNames([p.given_name, p.family_name, ...p.name_variants]),
      ]);
  }

  async down(): Promise<void> {
    // The added forms only widen the search; nothing to take back.
  }
}
