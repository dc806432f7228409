import { startTestApp, TestApp } from '../helpers/app';
import { adminClient, NEW_PARTNER as newPartner } from './admin.fixtures';

/**
 * Every check of the admin API: a refused input is BAD_USER_INPUT naming its field (as
 * `extensions.field`) and leaves the configuration and the audit log as they were.
 */
describe('admin API validation', () => {
  let app: TestApp;
  let api: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    app = await startTestApp();
    api = adminClient(app);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const upsertPartner = (input: Record<string, unknown>) => api.upsertPartner(input);
  const upsertBasis = (input: Record<string, unknown>) => api.upsertBasis(input);
  const upsertAgreement = (input: Record<string, unknown>) => api.upsertAgreement(input);
  const upsertRule = (input: Record<string, unknown>) => api.upsertRule(input);
  const state = () => api.state();

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
          // The demo register's identity basis of the youth welfare office holds from 2000 on.
          recipientPartner: 'rheine-youth',
          category: 'identity',
          purpose: 'youth_welfare',
          statute: '§ 62 SGB VIII',
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
});
