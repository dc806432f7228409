import type { TestApp } from '../../helpers/app';
import { asHub } from '../../helpers/system';
import {
  actorFor,
  createReferral,
  openJobcenterRecord,
  recordConsent,
  recordResidence,
  registerPerson,
} from '../../factories';
import { RHEINE_ADDRESS } from '../../factories';
import { ResidenceStatusCode } from '../../../src/subgraphs/city/residence/residence.types';

const GREVEN = '05566028';
const MUENSTER = '05515000';

/**
 * Beside the demo data, the cases the demo does not have: persons outside some or every
 * partner's jurisdiction (with consents and referrals that must not reach across it), consents
 * given, withdrawn, expired and for another purpose, referrals open, closed, drafted and from a
 * sender the referral-bound basis does not name, an accepted transfer (a case owner), and legal
 * bases outside their validity. Returns the ids of the persons it made.
 */
export async function buildScenario(app: TestApp): Promise<string[]> {
  const ids: string[] = [];
  const person = async (overrides: Parameters<typeof registerPerson>[2] = {}) => {
    // Family names sort first: the persons list's first page, which the matrix reads in full, holds them all.
    const familyName = `Aaa${String.fromCharCode(97 + ids.length)}`;
    const p = await registerPerson(app, 'rheine-social', {
      familyName,
      address: RHEINE_ADDRESS,
      birthDate: '1990-05-01',
      ...overrides,
    });
    await recordResidence(app, 'rheine-abh', {
      personId: p.id,
      status: ResidenceStatusCode.recognised_refugee,
      validFrom: '2024-01-01',
    });
    await openJobcenterRecord(app, 'jobcenter-steinfurt', {
      personId: p.id,
      municipalityKey: overrides.municipalityKey ?? '05566076',
    });
    ids.push(p.id);
    return p.id;
  };
  const consent = (personId: string, purpose: string, recipients: string[], categories: string[]) =>
    recordConsent(app, 'rheine-social', { personId, purpose, recipients, categories });
  const everyone = ['rheine-social', 'caritas-rheine', 'vhs-rheine', 'fbs-rheine', 'rheine-youth'];
  const all = ['identity', 'contact', 'residence', 'benefits', 'case_notes'];

  // Outside every partner's jurisdiction, though every partner has consent and a referral is open.
  const far = await person({ municipalityKey: MUENSTER, address: { locality: 'Münster' } });
  await consent(far, 'case_management', everyone, all);
  await consent(far, 'integration_course_referral', everyone, all);
  await createReferral(app, 'jobcenter-steinfurt', { personId: far, receiver: 'vhs-rheine' });
  // In the district (the jobcenter's) but not in Rheine (every city partner's, the course providers').
  const greven = await person({ municipalityKey: GREVEN, address: { locality: 'Greven' } });
  await consent(greven, 'case_management', ['caritas-rheine'], ['identity', 'contact']);
  await createReferral(app, 'jobcenter-steinfurt', { personId: greven, receiver: 'vhs-rheine' });

  // Consents in Rheine: given (to an NGO; to the advice team beyond its bases), withdrawn, expired, for another purpose.
  await consent(await person(), 'case_management', ['caritas-rheine'], ['identity', 'contact', 'residence']);
  await consent(await person(), 'case_management', ['rheine-social'], ['residence', 'benefits']);
  const withdrawn = await consent(await person(), 'case_management', ['caritas-rheine'], all);
  await asHub(app, () =>
    app.container.subgraphs.hub.services.consents.withdraw(actorFor('rheine-social'), { consentId: withdrawn.id }),
  );
  const day = 24 * 3600 * 1000;
  await recordConsent(app, 'rheine-social', {
    personId: await person(),
    purpose: 'case_management',
    recipients: ['caritas-rheine'],
    categories: all,
    givenAt: new Date(Date.now() - 30 * day),
    validUntil: new Date(Date.now() - day),
  });
  await consent(await person(), 'arrival_counselling', ['caritas-rheine'], all);

  // Referrals to course providers: open from a named source, open to the other provider, cancelled, a draft.
  await createReferral(app, 'jobcenter-steinfurt', { personId: await person(), receiver: 'vhs-rheine' });
  await createReferral(app, 'rheine-abh', { personId: await person(), receiver: 'fbs-rheine' });
  const cancelled = await createReferral(app, 'jobcenter-steinfurt', {
    personId: await person(),
    receiver: 'vhs-rheine',
  });
  await asHub(app, () =>
    app.container.subgraphs.hub.services.referrals.transition(actorFor('jobcenter-steinfurt'), cancelled.id, 'cancel'),
  );
  await createReferral(app, 'jobcenter-steinfurt', { personId: await person(), receiver: 'vhs-rheine', send: false });
  // From a sender the referral-bound basis does not name: sent on the person's consent to identity only.
  const fromSocial = await person();
  await consent(fromSocial, 'integration_course_referral', ['vhs-rheine'], ['identity']);
  await createReferral(app, 'rheine-social', { personId: fromSocial, receiver: 'vhs-rheine' });

  // An accepted transfer: the jobcenter holds the case (case notes; the steps shown to the parties).
  const handedOver = await person();
  const referrals = app.container.subgraphs.hub.services.referrals;
  const transfer = await asHub(app, () =>
    referrals.create(actorFor('rheine-asylblg'), {
      personId: handedOver,
      receiver: 'jobcenter-steinfurt',
      purpose: 'benefit_handover',
      referralType: 'benefit_handover',
      kind: 'transfer',
    }),
  );
  await asHub(app, () => referrals.transition(actorFor('jobcenter-steinfurt'), transfer.id, 'accept'));

  // Legal bases outside their validity: expired (identity, to a course provider, for everyone) and not yet valid.
  const bases = app.container.subgraphs.hub.services.legalBases;
  const basis = { statute: 'Test', description: 'Outside its validity', purpose: 'integration_course_referral' };
  await bases.add({
    ...basis,
    recipientPartner: 'fbs-rheine',
    category: 'identity',
    validFrom: '2020-01-01',
    validUntil: '2021-12-31',
  });
  const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
  await bases.add({
    ...basis,
    recipientPartner: 'vhs-rheine',
    category: 'residence',
    validFrom: nextYear,
    validUntil: null,
  });
  return ids;
}
