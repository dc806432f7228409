import { c, code, Fixtures, input, InvalidCase, UNKNOWN } from './invalid-input.case-support';

/** Opening a case (docs/case-management.md): a worker's name instead of a code, an unknown person, a future agreement. */
export function openCaseCases(f: Fixtures): InvalidCase[] {
  const OPEN = input('OpenCaseInput', 'openCase', '{ id phase }');
  const social = { partner: 'rheine-social', purpose: 'case_management', query: OPEN };
  return [
    c('openCase', 'a worker reference that is a name', {
      ...social,
      variables: { input: { personId: f.personId, workerRef: 'Anna Schmidt', allianceSignedOn: '2026-01-05' } },
      ...code('BAD_USER_INPUT', 'workerRef'),
    }),
    c('openCase', 'an unknown person', {
      ...social,
      variables: { input: { personId: UNKNOWN, workerRef: 'cm-1', allianceSignedOn: '2026-01-05' } },
      ...code('NOT_FOUND', 'personId'),
    }),
    c('openCase', 'an impossible agreement date', {
      ...social,
      variables: { input: { personId: f.personId, workerRef: 'cm-1', allianceSignedOn: '2026-02-30' } },
      ...code('BAD_USER_INPUT', 'allianceSignedOn'),
    }),
  ];
}
