import { c, code, input, InvalidCase, RHEINE, UNKNOWN } from './invalid-input.case-support';

const OPERATOR = 'rheine-it';
const purpose = 'system_administration';

/** The admin API (operator partner, admin:manage): bad configuration is refused whole, naming the field. */
export function adminCases(): InvalidCase[] {
  const PARTNER = input('UpsertPartnerInput', 'upsertPartner', '{ changed }');
  const BASIS = input('UpsertLegalBasisInput', 'upsertLegalBasis', '{ changed }');
  const AGREEMENT = input('UpsertCooperationAgreementInput', 'upsertCooperationAgreement', '{ changed }');
  const RULE = input('UpsertRetentionRuleInput', 'upsertRetentionRule', '{ changed }');
  const partner = {
    slug: 'neuer-traeger',
    name: 'Neuer Träger',
    kind: 'ngo',
    legalDomains: ['none'],
    municipalityKey: RHEINE,
    jurisdiction: [RHEINE],
    scopes: ['persons:read'],
    purposes: ['case_management'],
  };
  return [
    c('upsertPartner', 'municipality key nobody has', {
      partner: OPERATOR,
      purpose,
      query: PARTNER,
      variables: { input: { ...partner, municipalityKey: '99999999' } },
      ...code('BAD_USER_INPUT', 'municipalityKey'),
    }),
    c('upsertPartner', 'admin:manage for a partner that is no operator', {
      partner: OPERATOR,
      purpose,
      query: PARTNER,
      variables: { input: { ...partner, scopes: ['persons:read', 'admin:manage'] } },
      ...code('BAD_USER_INPUT', 'scopes'),
    }),
    c('deactivatePartner', 'unknown partner', {
      partner: OPERATOR,
      purpose,
      query: 'mutation { deactivatePartner(slug: "gibt-es-nicht") { changed } }',
      ...code('NOT_FOUND', 'slug'),
    }),
    c('upsertLegalBasis', 'unknown data category', {
      partner: OPERATOR,
      purpose,
      query: BASIS,
      variables: {
        input: {
          recipientPartner: 'rheine-social',
          category: 'horoscope',
          purpose: 'case_management',
          statute: '§ 1 Beispielgesetz',
          description: 'invalid-input',
        },
      },
      ...code('BAD_USER_INPUT', 'category'),
    }),
    c('upsertLegalBasis', 'valid until before valid from', {
      partner: OPERATOR,
      purpose,
      query: BASIS,
      variables: {
        input: {
          recipientPartner: 'rheine-social',
          category: 'education',
          purpose: 'case_management',
          statute: '§ 1 Beispielgesetz',
          description: 'invalid-input',
          validFrom: '2027-01-01',
          validUntil: '2026-01-01',
        },
      },
      ...code('BAD_USER_INPUT', 'validUntil'),
    }),
    c('revokeLegalBasis', 'unknown basis', {
      partner: OPERATOR,
      purpose,
      query: `mutation { revokeLegalBasis(id: "${UNKNOWN}") { changed } }`,
      ...code('NOT_FOUND', 'id'),
    }),
    c('upsertCooperationAgreement', 'receiver that is no partner', {
      partner: OPERATOR,
      purpose,
      query: AGREEMENT,
      variables: {
        input: {
          name: 'invalid-input',
          receiver: 'gibt-es-nicht',
          referralType: 'integration_course',
          decideDays: 10,
          validFrom: '2027-01-01',
          statuteOrDecision: 'Beschluss',
        },
      },
      ...code('BAD_USER_INPUT', 'receiver'),
    }),
    c('upsertRetentionRule', 'unknown record type', {
      partner: OPERATOR,
      purpose,
      query: RULE,
      variables: {
        input: {
          recordType: 'diary',
          category: 'identity',
          retainDays: 30,
          action: 'erase',
          description: 'invalid-input',
          statute: 'Art. 17 DSGVO',
        },
      },
      ...code('BAD_USER_INPUT', 'recordType'),
    }),
  ];
}
