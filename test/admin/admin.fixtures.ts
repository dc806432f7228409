import { TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';

/** The admin API's mutations as the demo operator (or `as`), and what "unchanged" compares. */
export function adminClient(app: TestApp) {
  const PARTNER_FIELDS =
    'changed before { slug name kind active scopes purposes contact { name email phone } } after { slug name kind active scopes purposes jurisdiction municipalityKey legalDomains contact { name email phone } }';
  const BASIS_FIELDS =
    'changed before { id purpose category validFrom validUntil revokedAt } after { id recipientPartner sourcePartner purpose category statute validFrom validUntil revokedAt }';
  const AGREEMENT_FIELDS =
    'changed before { id acknowledgeDays } after { id receiver referralType acknowledgeDays decideDays validFrom validUntil escalateTo }';
  const RULE_FIELDS = 'changed before { id retainDays } after { id recordType category purpose retainDays action }';

  const upsertPartner = (input: Record<string, unknown>, as = 'rheine-it') =>
    app.gql(as, `mutation($input: UpsertPartnerInput!) { upsertPartner(input: $input) { ${PARTNER_FIELDS} } }`, {
      input,
    });
  const upsertBasis = (input: Record<string, unknown>, as = 'rheine-it') =>
    app.gql(as, `mutation($input: UpsertLegalBasisInput!) { upsertLegalBasis(input: $input) { ${BASIS_FIELDS} } }`, {
      input,
    });
  const upsertAgreement = (input: Record<string, unknown>, as = 'rheine-it') =>
    app.gql(
      as,
      `mutation($input: UpsertCooperationAgreementInput!) { upsertCooperationAgreement(input: $input) { ${AGREEMENT_FIELDS} } }`,
      { input },
    );
  const upsertRule = (input: Record<string, unknown>, as = 'rheine-it') =>
    app.gql(
      as,
      `mutation($input: UpsertRetentionRuleInput!) { upsertRetentionRule(input: $input) { ${RULE_FIELDS} } }`,
      {
        input,
      },
    );

  /** Every configuration table and the audit entries of kind configuration: what "unchanged" compares. */
  const state = () =>
    asSuperuser(app.db.url, async (c) => ({
      partners: (await c.query('SELECT * FROM hub.partner ORDER BY slug')).rows,
      bases: (await c.query('SELECT * FROM hub.legal_basis ORDER BY id')).rows,
      agreements: (await c.query('SELECT * FROM hub.cooperation_agreement ORDER BY id')).rows,
      rules: (await c.query('SELECT * FROM hub.retention_rule ORDER BY id')).rows,
      audit: Number((await c.query(`SELECT count(*) FROM audit.entry WHERE kind = 'configuration'`)).rows[0].count),
    }));
  const auditEntries = (key: string) =>
    asSuperuser(
      app.db.url,
      async (c) =>
        (
          await c.query(
            `SELECT partner, operation, fields, detail FROM audit.entry WHERE kind = 'configuration' AND detail->>'key' = $1 ORDER BY seq`,
            [key],
          )
        ).rows,
    );

  return { upsertPartner, upsertBasis, upsertAgreement, upsertRule, state, auditEntries };
}

/** A partner the demo data does not have. */
export const NEW_PARTNER = {
  slug: 'kommunales-integrationszentrum',
  name: 'Kommunales Integrationszentrum Kreis Steinfurt',
  kind: 'social_services',
  legalDomains: ['SGB_XII'],
  municipalityKey: '05566',
  jurisdiction: ['05566'],
  scopes: ['persons:read', 'partners:read'],
  purposes: ['case_management'],
  contact: { name: 'Team Integration', email: 'ki@kreis-steinfurt.de', phone: '+49 2551 69-0' },
};
