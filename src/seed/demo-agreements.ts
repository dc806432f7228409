import { AgreementInput } from '../subgraphs/hub/agreement/agreement.types';

/**
 * Demo cooperation agreements (Kooperationsvereinbarungen), the next step the Rheine report names
 * after the steering group's binding decisions. Days are calendar days from sending the referral.
 * The decisions cited are illustrative demo data, not real resolutions.
 */
const STEERING_GROUP = 'Beschluss der Steuerungsgruppe Integration (Demo)';

export const DEMO_AGREEMENTS: AgreementInput[] = [
  {
    name: 'Leistungsübergang AsylbLG → SGB II',
    receiver: 'jobcenter-steinfurt',
    referralType: 'benefit_handover',
    acknowledgeDays: 2,
    decideDays: 5,
    startDays: 10,
    escalateTo: 'rheine-social',
    onBreach: 'escalate',
    validFrom: '2020-01-01',
    statuteOrDecision: `${STEERING_GROUP}: lückenloser Rechtskreiswechsel bei Anerkennung`,
  },
  // The report's binding, much shorter path to the integration-course entitlement.
  ...(['vhs-rheine', 'fbs-rheine'] as const).map((receiver) => ({
    name: `Verkürzter Weg zum Integrationskurs (${receiver})`,
    receiver,
    referralType: 'integration_course',
    acknowledgeDays: 3,
    decideDays: 7,
    startDays: 21,
    escalateTo: 'rheine-social',
    onBreach: 'escalate' as const,
    validFrom: '2020-01-01',
    statuteOrDecision: `${STEERING_GROUP}: verbindlicher, verkürzter Weg zum Berechtigungsschein`,
  })),
  {
    name: 'Ankommensberatung',
    receiver: 'rheine-social',
    referralType: 'arrival_counselling',
    decideDays: 14,
    // Unanswered after 14 days the referral expires, so the sender can redirect it.
    onBreach: 'expire',
    validFrom: '2020-01-01',
    statuteOrDecision: `${STEERING_GROUP}: Ankommensberatung für neu zugewanderte Familien`,
  },
];
