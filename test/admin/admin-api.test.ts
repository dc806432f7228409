import { startTestApp, TestApp } from '../helpers/app';
import { adminClient, NEW_PARTNER as newPartner } from './admin.fixtures';

/**
 * The admin API through the gateway, as the demo operator rheine-it: each mutation creates and
 * updates, a repeated identical call writes and audits nothing (no audit entry), the audit entries
 * carry before and after, and only an operator may use it.
 */
describe('admin API', () => {
  let app: TestApp;
  let api: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    app = await startTestApp();
    api = adminClient(app);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const upsertPartner = (input: Record<string, unknown>, as?: string) => api.upsertPartner(input, as);
  const upsertBasis = (input: Record<string, unknown>, as?: string) => api.upsertBasis(input, as);
  const upsertAgreement = (input: Record<string, unknown>, as?: string) => api.upsertAgreement(input, as);
  const upsertRule = (input: Record<string, unknown>, as?: string) => api.upsertRule(input, as);
  const state = () => api.state();
  const auditEntries = (key: string) => api.auditEntries(key);

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
