/**
 * Typed builders of test data: each takes the real input type of the service or mutation, fills in
 * deterministic, unique defaults and takes overrides. `…ViaApi` goes through the gateway as a
 * partner; the others call the subgraph's service directly.
 */
export * from './case.factory';
export * from './arrival.factory';
export * from './consent.factory';
export * from './course.factory';
export * from './duplicate.factory';
export * from './entitlement.factory';
export * from './enrolment.factory';
export * from './enquiry.factory';
export * from './factory.support';
export * from './feedback.factory';
export * from './household.factory';
export * from './indicator.factory';
export * from './person.factory';
export * from './referral.factory';
export * from './residence.factory';
export * from './webhook-endpoint.factory';
