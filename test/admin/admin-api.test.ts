import { startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';

/**
 * The admin API through the gateway, as the demo operator rheine-it: each mutation creates and
 * updates, a repeated identical call writes and audits nothing, every refused input is
 * BAD_USER_INPUT naming its field and leaves the database as it was, and only an operator may use it.
 */
describe('admin API', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

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

  const newPartner = {
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

  it('upsertPartner creates, changes nothing when repeated, updates, and audits before and after without contact details', async () => {
    const created = await upsertPartner(newPartner);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data.upsertPartner).toMatchObject({
      changed: true,
      before: null,
      after: { slug: newPartner.slug, active: true, contact: newPartner.contact },
    });
    const audited = await state();
    const again = await upsertPartner(newPartner);
    expect(again.body.data.upsertPartner).toMatchObject({ changed: false, after: { name: newPartner.name } });
    expect(await state()).toEqual(audited);

    const renamed = await upsertPartner({
      ...newPartner,
      name: 'KI Kreis Steinfurt',
      contact: { email: 'team@ki.de' },
    });
    expect(renamed.body.data.upsertPartner).toMatchObject({
      changed: true,
      before: { name: newPartner.name },
      after: { name: 'KI Kreis Steinfurt', contact: { name: null, email: 'team@ki.de', phone: null } },
    });
    const entries = await auditEntries(newPartner.slug);
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      partner: 'rheine-it',
      operation: 'upsertPartner',
      fields: ['name', 'contact'],
      detail: {
        entity: 'partner',
        action: 'updated',
        before: { name: newPartner.name, contact: { name: true, email: true, phone: true } },
        after: { name: 'KI Kreis Steinfurt', contact: { name: false, email: true, phone: false } },
      },
    });
    expect(JSON.stringify(entries)).not.toContain('ki@kreis-steinfurt.de');
    expect(JSON.stringify(entries)).not.toContain('Team Integration');
  });

  it('upsertLegalBasis creates by its natural key, changes nothing when repeated, and updates the same row', async () => {
    const input = {
      recipientPartner: 'rheine-youth',
      category: 'course_participation',
      purpose: 'youth_welfare',
      statute: '§ 61 SGB VIII',
      description: 'Schulbesuch junger Menschen',
      validFrom: '2026-01-01',
    };
    const created = await upsertBasis(input);
    expect(created.body.errors).toBeUndefined();
    const { id } = created.body.data.upsertLegalBasis.after;
    expect(created.body.data.upsertLegalBasis).toMatchObject({ changed: true, before: null });
    const audited = await state();
    expect((await upsertBasis(input)).body.data.upsertLegalBasis).toMatchObject({ changed: false, after: { id } });
    expect(await state()).toEqual(audited);
    const ended = await upsertBasis({ ...input, validUntil: '2027-12-31' });
    expect(ended.body.data.upsertLegalBasis).toMatchObject({
      changed: true,
      before: { id, validUntil: null },
      after: { id, validUntil: '2027-12-31' },
    });
    const [, update] = await auditEntries(id);
    expect(update).toMatchObject({
      operation: 'upsertLegalBasis',
      fields: ['validUntil'],
      detail: { before: { validUntil: null }, after: { validUntil: '2027-12-31', statute: '§ 61 SGB VIII' } },
    });
  });

  it('upsertCooperationAgreement and upsertRetentionRule create, repeat as no-ops, and update', async () => {
    const agreement = {
      name: 'Jugendamt ↔ Caritas',
      receiver: 'caritas-rheine',
      referralType: 'youth_counselling',
      acknowledgeDays: 3,
      decideDays: 10,
      escalateTo: 'rheine-youth',
      statuteOrDecision: 'Beschluss der Steuerungsgruppe vom 01.12.2026',
    };
    const created = await upsertAgreement(agreement);
    expect(created.body.errors).toBeUndefined();
    const { id } = created.body.data.upsertCooperationAgreement.after;
    let audited = await state();
    expect((await upsertAgreement(agreement)).body.data.upsertCooperationAgreement).toMatchObject({
      changed: false,
      after: { id },
    });
    expect(await state()).toEqual(audited);
    expect(
      (await upsertAgreement({ ...agreement, acknowledgeDays: 2 })).body.data.upsertCooperationAgreement,
    ).toMatchObject({
      changed: true,
      before: { id, acknowledgeDays: 3 },
      after: { id, acknowledgeDays: 2 },
    });

    const rule = {
      recordType: 'notification',
      category: 'case_notes',
      retainDays: 30,
      action: 'erase',
      description: 'Benachrichtigungen zu Fallnotizen',
      statute: 'Art. 5 Abs. 1 lit. e DSGVO',
    };
    const made = await upsertRule(rule);
    expect(made.body.errors).toBeUndefined();
    const ruleId = made.body.data.upsertRetentionRule.after.id;
    audited = await state();
    expect((await upsertRule(rule)).body.data.upsertRetentionRule).toMatchObject({ changed: false });
    expect(await state()).toEqual(audited);
    expect((await upsertRule({ ...rule, retainDays: 60 })).body.data.upsertRetentionRule).toMatchObject({
      changed: true,
      before: { id: ruleId, retainDays: 30 },
      after: { id: ruleId, retainDays: 60 },
    });
    const listed = await app.gql('rheine-it', '{ retentionRules { id retainDays } }');
    expect(listed.body.data.retentionRules).toContainEqual({ id: ruleId, retainDays: 60 });
  });

  it.each<[string, () => Promise<{ body: { errors?: any } }>, string]>([
    [
      'an unknown purpose of a partner',
      () => upsertPartner({ ...newPartner, slug: 'x-1', purposes: ['marketing'] }),
      'purposes',
    ],
    ['an unknown scope', () => upsertPartner({ ...newPartner, slug: 'x-2', scopes: ['persons:delete'] }), 'scopes'],
    [
      'admin:manage for a partner that is no operator',
      () => upsertPartner({ ...newPartner, slug: 'x-3', scopes: ['admin:manage'] }),
      'scopes',
    ],
    ['an unknown kind', () => upsertPartner({ ...newPartner, slug: 'x-4', kind: 'bank' }), 'kind'],
    [
      'an unknown legal domain',
      () => upsertPartner({ ...newPartner, slug: 'x-5', legalDomains: ['StGB'] }),
      // The enum is checked by the gateway's input guard, which names the list element.
      'legalDomains.0',
    ],
    [
      'an unknown municipality key',
      () => upsertPartner({ ...newPartner, slug: 'x-6', municipalityKey: '05566999' }),
      'municipalityKey',
    ],
    [
      'an unknown jurisdiction prefix',
      () => upsertPartner({ ...newPartner, slug: 'x-7', jurisdiction: ['09162'] }),
      'jurisdiction',
    ],
    [
      'a malformed contact e-mail',
      () => upsertPartner({ ...newPartner, slug: 'x-8', contact: { email: 'nobody' } }),
      'contact.email',
    ],
    [
      'a basis of an unknown category',
      () =>
        upsertBasis({
          recipientPartner: 'rheine-youth',
          category: 'finances',
          purpose: 'youth_welfare',
          statute: 'x',
          description: '',
        }),
      'category',
    ],
    [
      'a basis of an unknown purpose',
      () =>
        upsertBasis({
          recipientPartner: 'rheine-youth',
          category: 'contact',
          purpose: 'marketing',
          statute: 'x',
          description: '',
        }),
      'purpose',
    ],
    [
      'a basis for an unknown recipient',
      () =>
        upsertBasis({
          recipientPartner: 'nobody',
          category: 'contact',
          purpose: 'youth_welfare',
          statute: 'x',
          description: '',
        }),
      'recipientPartner',
    ],
    [
      'a basis from an unknown source',
      () =>
        upsertBasis({
          recipientPartner: 'rheine-youth',
          sourcePartner: 'nobody',
          category: 'contact',
          purpose: 'youth_welfare',
          statute: 'x',
          description: '',
        }),
      'sourcePartner',
    ],
    [
      'a basis whose source is its recipient',
      () =>
        upsertBasis({
          recipientPartner: 'rheine-youth',
          sourcePartner: 'rheine-youth',
          category: 'contact',
          purpose: 'youth_welfare',
          statute: 'x',
          description: '',
        }),
      'sourcePartner',
    ],
    [
      'a basis ending before it starts',
      () =>
        upsertBasis({
          recipientPartner: 'rheine-youth',
          category: 'contact',
          purpose: 'youth_welfare',
          statute: 'x',
          description: '',
          validFrom: '2026-05-01',
          validUntil: '2026-04-30',
        }),
      'validUntil',
    ],
    [
      'a basis for a purpose its recipient is not registered for',
      () =>
        upsertBasis({
          recipientPartner: 'vhs-rheine',
          category: 'contact',
          purpose: 'benefit_administration',
          statute: 'x',
          description: '',
        }),
      'purpose',
    ],
    [
      'a basis overlapping one in force',
      () =>
        upsertBasis({
          recipientPartner: 'rheine-youth',
          category: 'course_participation',
          purpose: 'youth_welfare',
          statute: '§ 61 SGB VIII',
          description: '',
          validFrom: '2027-06-01',
        }),
      'validFrom',
    ],
    [
      'an agreement with zero days',
      () =>
        upsertAgreement({
          name: 'x',
          receiver: 'vhs-rheine',
          referralType: 'language_course',
          acknowledgeDays: 0,
          statuteOrDecision: 'x',
        }),
      'acknowledgeDays',
    ],
    [
      'an agreement with an unknown receiver',
      () =>
        upsertAgreement({
          name: 'x',
          receiver: 'nobody',
          referralType: 'language_course',
          acknowledgeDays: 2,
          statuteOrDecision: 'x',
        }),
      'receiver',
    ],
    [
      'an agreement escalating to an unknown partner',
      () =>
        upsertAgreement({
          name: 'x',
          receiver: 'vhs-rheine',
          referralType: 'language_course',
          acknowledgeDays: 2,
          escalateTo: 'nobody',
          statuteOrDecision: 'x',
        }),
      'escalateTo',
    ],
    [
      'a retention rule of an unknown category',
      () =>
        upsertRule({
          recordType: 'notification',
          category: 'finances',
          retainDays: 30,
          action: 'erase',
          description: '',
          statute: 'x',
        }),
      'category',
    ],
    [
      'a retention rule with an action its records do not support',
      () =>
        upsertRule({
          recordType: 'notification',
          category: 'identity',
          retainDays: 30,
          action: 'pseudonymise',
          description: '',
          statute: 'x',
        }),
      'action',
    ],
    [
      'a retention rule of zero days',
      () =>
        upsertRule({
          recordType: 'notification',
          category: 'identity',
          retainDays: 0,
          action: 'erase',
          description: '',
          statute: 'x',
        }),
      'retainDays',
    ],
  ])('refuses %s as BAD_USER_INPUT naming its field, and writes nothing', async (_what, call, field) => {
    const before = await state();
    const res = await call();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await state()).toEqual(before);
  });

  it('a partner that is no operator gets FORBIDDEN for every mutation and the configuration query', async () => {
    const before = await state();
    const calls = [
      upsertPartner(newPartner, 'rheine-social'),
      app.gql('rheine-social', `mutation { deactivatePartner(slug: "vhs-rheine") { changed } }`),
      upsertBasis(
        {
          recipientPartner: 'rheine-youth',
          category: 'contact',
          purpose: 'youth_welfare',
          statute: 'x',
          description: '',
        },
        'rheine-dpo',
      ),
      app.gql('rheine-dpo', `mutation { revokeLegalBasis(id: "00000000-0000-4000-8000-000000000000") { changed } }`),
      upsertAgreement(
        {
          name: 'x',
          receiver: 'vhs-rheine',
          referralType: 'language_course',
          acknowledgeDays: 2,
          statuteOrDecision: 'x',
        },
        'jobcenter-steinfurt',
      ),
      upsertRule(
        {
          recordType: 'notification',
          category: 'identity',
          retainDays: 30,
          action: 'erase',
          description: '',
          statute: 'x',
        },
        'caritas-rheine',
      ),
      app.gql('rheine-dpo', '{ configuration { partners { slug } } }'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'admin:manage' });
    }
    expect(await state()).toEqual(before);
  });

  it('the configuration query lists everything, the operator itself included', async () => {
    const res = await app.gql(
      'rheine-it',
      '{ configuration { partners { slug kind scopes } legalBases { id } cooperationAgreements { id } retentionRules { id } } }',
    );
    expect(res.body.errors).toBeUndefined();
    const c = res.body.data.configuration;
    expect(c.partners).toContainEqual({
      slug: 'rheine-it',
      kind: 'operator',
      scopes: ['partners:read', 'admin:manage'],
    });
    expect(c.legalBases.length).toBeGreaterThan(10);
    expect(c.cooperationAgreements.length).toBeGreaterThan(0);
    expect(c.retentionRules.length).toBeGreaterThan(0);
  });
});
