import { AppError } from '../../src/shared/errors';
import { Actor, systemActor } from '../../src/shared/actor';
import { ConfigurationService } from '../../src/subgraphs/hub/admin/configuration.service';
import { startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { asSuperuser } from '../helpers/superuser';

/**
 * The service as `lotse apply` uses it: as the system actor, several changes in one transaction
 * (all or nothing, audit entries included), the pruning operations, and the snapshot.
 */
describe('ConfigurationService', () => {
  let app: TestApp;
  let config: ConfigurationService;
  const system = systemActor('test', 'cli:apply');

  beforeAll(async () => {
    app = await startTestApp({ gateway: false });
    config = app.container.subgraphs.hub.services.configuration;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const count = (sql: string) => asSuperuser(app.db.url, async (c) => Number((await c.query(sql)).rows[0].count));
  const auditCount = () => count(`SELECT count(*) FROM audit.entry WHERE kind = 'configuration'`);

  const partner = {
    slug: 'diakonie-rheine',
    name: 'Diakonisches Werk Rheine',
    kind: 'ngo',
    legalDomains: ['none'],
    municipalityKey: '05566076',
    jurisdiction: ['05566076'],
    scopes: ['persons:read', 'partners:read'],
    purposes: ['case_management'],
  };
  const basis = {
    recipientPartner: 'diakonie-rheine',
    category: 'contact',
    purpose: 'case_management',
    statute: 'Art. 6 Abs. 1 lit. e DSGVO',
    description: 'Kontaktdaten in der Beratung',
  };

  it('several changes in one transaction roll back together, audit entries included, when a later one is refused', async () => {
    const audited = await auditCount();
    await expect(
      config.transaction(async (em) => {
        await config.upsertPartner(system, partner, em);
        await config.upsertLegalBasis(system, basis, em);
        await config.upsertLegalBasis(system, { ...basis, category: 'finances' }, em);
      }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'category' } });
    expect(await count(`SELECT count(*) FROM hub.partner WHERE slug = 'diakonie-rheine'`)).toBe(0);
    expect(await count(`SELECT count(*) FROM hub.legal_basis WHERE recipient_partner = 'diakonie-rheine'`)).toBe(0);
    expect(await auditCount()).toBe(audited);
  });

  it('commits them together with one audit entry each, and a second run changes nothing', async () => {
    const audited = await auditCount();
    const run = () =>
      config.transaction(async (em) => [
        await config.upsertPartner(system, partner, em),
        await config.upsertLegalBasis(system, basis, em),
      ]);
    expect((await run()).map((c) => c.changed)).toEqual([true, true]);
    expect(await auditCount()).toBe(audited + 2);
    expect((await run()).map((c) => c.changed)).toEqual([false, false]);
    expect(await auditCount()).toBe(audited + 2);
    const [entry] = await asSuperuser(
      app.db.url,
      async (c) =>
        (await c.query(`SELECT partner, subject FROM audit.entry WHERE detail->>'key' = 'diakonie-rheine'`)).rows,
    );
    expect(entry).toEqual({ partner: 'lotse', subject: 'system:cli:apply' });
  });

  it('ends an agreement yesterday, removes a retention rule, and the snapshot keeps what is inactive, revoked or ended', async () => {
    const agreement = await config.upsertCooperationAgreement(system, {
      name: 'Diakonie Beratung',
      receiver: 'diakonie-rheine',
      referralType: 'counselling',
      acknowledgeDays: 5,
      validFrom: '2025-01-01',
      statuteOrDecision: 'Beschluss der Steuerungsgruppe',
    });
    const ended = await config.endCooperationAgreement(system, agreement.after!.id);
    const yesterday = new Date(app.container.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);
    expect(ended).toMatchObject({ changed: true, after: { validUntil: yesterday } });
    expect((await config.endCooperationAgreement(system, agreement.after!.id)).changed).toBe(false);

    const rule = await config.upsertRetentionRule(system, {
      recordType: 'webhook_delivery',
      category: 'case_notes',
      retainDays: 10,
      action: 'erase',
      description: 'Zustellungen',
      statute: 'Art. 5 DSGVO',
    });
    expect((await config.removeRetentionRule(system, rule.after!.id)).after).toBeNull();
    await expect(config.removeRetentionRule(system, rule.after!.id)).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND', field: 'id' },
    });

    const [b] = (await config.snapshot(system)).legalBases.filter((l) => l.recipientPartner === 'diakonie-rheine');
    await config.revokeLegalBasis(system, b.id);
    await config.deactivatePartner(system, 'diakonie-rheine');
    const snap = await config.snapshot(system);
    expect(snap.partners.find((p) => p.slug === 'diakonie-rheine')).toMatchObject({ active: false });
    expect(snap.legalBases.find((l) => l.id === b.id)?.revokedAt).toBeInstanceOf(Date);
    expect(snap.agreements.find((a) => a.id === agreement.after!.id)).toMatchObject({ validUntil: yesterday });
    expect(snap.retentionRules.find((r) => r.id === rule.after!.id)).toBeUndefined();
    // A revoked basis stays revoked: naming it again is refused, the same declaration without id adds a new one.
    await expect(config.upsertLegalBasis(system, { ...basis, id: b.id })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'id' },
    });
  });

  it('refuses a partner actor without admin:manage, and one whose partner is no operator even if its token claims it', async () => {
    const actor = (partner: string, scopes: string[]): Actor => ({
      subject: 'u1',
      partner,
      scopes,
      jurisdiction: ['05566076'],
      purpose: 'case_management',
      requestId: 'r1',
    });
    for (const a of [actor('rheine-it', ['partners:read']), actor('rheine-social', ['admin:manage'])]) {
      const err = await asHub(app, () => config.deactivatePartner(a, 'vhs-rheine')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'FORBIDDEN', extensions: { scope: 'admin:manage' } });
      await expect(config.snapshot(a)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await count(`SELECT count(*) FROM hub.partner WHERE slug = 'vhs-rheine' AND active`)).toBe(1);
  });
});
