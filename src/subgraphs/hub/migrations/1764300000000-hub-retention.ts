import { MigrationInterface, QueryRunner } from 'typeorm';

/** Biography categories at the time of this migration (src/policy/policy.vocabulary.ts). */
const BIOGRAPHY_CATEGORIES = [
  'identity',
  'contact',
  'residence',
  'benefits',
  'education',
  'employment',
  'health',
  'case_notes',
  'course_participation',
];

/**
 * Retention rules as data (src/retention/): how long each kind of record is kept, per data
 * category and purpose, and whether it is then erased or pseudonymised.
 *
 * The rows inserted here are ILLUSTRATIVE DEMO DEFAULTS so that a fresh installation has a
 * complete, working set. The periods are not legal advice: the deployment's data-protection
 * officer sets them from the office's retention schedule (Aktenplan / Aufbewahrungsfristen) and
 * the statutes that apply, by editing this table.
 */
export class HubRetention1764300000000 implements MigrationInterface {
  name = 'HubRetention1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE hub.retention_rule (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        record_type text NOT NULL CHECK (record_type IN ('biography_entry', 'consent', 'person')),
        category text NOT NULL,
        purpose text,
        retain_days integer NOT NULL CHECK (retain_days > 0),
        action text NOT NULL CHECK (action IN ('erase', 'pseudonymise')),
        description text NOT NULL,
        statute text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      // NULL purpose means "any purpose": one rule per record type, category and purpose (NULL included).
      `CREATE UNIQUE INDEX retention_rule_unique ON hub.retention_rule (record_type, category, (coalesce(purpose, '')))`,
      // The retention task's query: per category, entries older than the cut-off.
      `CREATE INDEX biography_retention ON hub.biography_entry (category, occurred_at)`,
      // Ended consents only; active ones are never due.
      `CREATE INDEX consent_ended ON hub.consent ((LEAST(withdrawn_at, valid_until))) WHERE withdrawn_at IS NOT NULL OR valid_until IS NOT NULL`,
    ];
    for (const sql of statements) await q.query(sql);

    const rules: Array<[string, string, string | null, number, string, string, string]> = [
      ...BIOGRAPHY_CATEGORIES.map((category): [string, string, string | null, number, string, string, string] => [
        'biography_entry',
        category,
        null,
        3650,
        'erase',
        `Biography entries (${category}) are erased 10 years after the event (illustrative period).`,
        'Art. 5 Abs. 1 lit. e, Art. 17 Abs. 1 lit. a DSGVO; § 84 SGB X; Aufbewahrungsfrist laut Aktenplan der Stelle',
      ]),
      [
        'consent',
        'identity',
        null,
        1095,
        'erase',
        'Withdrawn or expired consents are kept 3 years after withdrawal or expiry as evidence, then erased (illustrative period).',
        'Art. 7 Abs. 1, Art. 5 Abs. 2, Art. 17 Abs. 1 lit. a DSGVO; regelmäßige Verjährung § 195 BGB',
      ],
      [
        'person',
        'identity',
        null,
        1095,
        'pseudonymise',
        'Persons naturalised, or moved away from every served municipality, are pseudonymised 3 years later: names, birth date and address are removed, household and residence history stay for statistics (illustrative period).',
        'Art. 5 Abs. 1 lit. c und e, Art. 17 Abs. 1 lit. a, Art. 89 DSGVO; § 84 SGB X',
      ],
    ];
    for (const r of rules) {
      await q.query(
        `INSERT INTO hub.retention_rule (record_type, category, purpose, retain_days, action, description, statute) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        r,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX hub.consent_ended');
    await q.query('DROP INDEX hub.biography_retention');
    await q.query('DROP TABLE hub.retention_rule');
  }
}
