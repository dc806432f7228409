import type { Actor } from '../../src/shared/actor';
import type { EnrolmentEntity } from '../../src/subgraphs/courses/enrolment/enrolment.entity';
import type { EnrolInput } from '../../src/subgraphs/courses/enrolment/enrolment.types';
import { actorFor, asHub, mutate, WithContainer, WithGql } from './factory.support';

/** The fields tests read of an enrolment through GraphQL. */
export const ENROLMENT_FIELDS =
  'id courseId personId status waitlistPosition offeredAt offerExpiresAt enrolledAt endedAt endReason referralId';

/** Enrols a person through the courses' service, as `who` (the course's provider, or an actor). */
export function enrolPerson(
  app: WithContainer,
  who: string | Actor,
  input: Partial<EnrolInput> & { courseId: string; personId: string },
): Promise<EnrolmentEntity> {
  return asHub(app, () => app.container.subgraphs.courses.services.enrolments.enrol(actorFor(who), input));
}

/** Enrols through the API, as `partner`; returns the enrolment's fields (ENROLMENT_FIELDS). */
export function enrolViaApi(app: WithGql, partner: string, input: Partial<EnrolInput> & { courseId: string }) {
  return mutate<Record<string, any>>(
    app,
    partner,
    'enrol',
    `mutation($input: EnrolInput!) { enrol(input: $input) { ${ENROLMENT_FIELDS} } }`,
    { input },
  );
}
