import { c, code, input, InvalidCase, UNKNOWN } from './invalid-input.case-support';

/** Duplicate suspicion (docs/duplicates.md): unknown suspicions, malformed ids, an overlong reason. */
export function duplicateCases(): InvalidCase[] {
  const CONFIRM = input('ConfirmDuplicateInput', 'confirmDuplicate', '{ id status }');
  const DISMISS = input('DismissDuplicateInput', 'dismissDuplicate', '{ id status }');
  return [
    c('confirmDuplicate', 'unknown suspicion', {
      partner: 'rheine-abh',
      query: CONFIRM,
      variables: { input: { suspicionId: UNKNOWN } },
      ...code('NOT_FOUND', 'suspicionId'),
    }),
    c('confirmDuplicate', 'a record to keep that is no id', {
      partner: 'rheine-abh',
      query: CONFIRM,
      variables: { input: { suspicionId: UNKNOWN, keepPersonId: 'the-first-one' } },
      ...code('BAD_USER_INPUT', 'keepPersonId'),
    }),
    c('dismissDuplicate', 'unknown suspicion', {
      partner: 'rheine-social',
      query: DISMISS,
      variables: { input: { suspicionId: UNKNOWN, reason: 'Zwei Personen' } },
      ...code('NOT_FOUND', 'suspicionId'),
    }),
    c('dismissDuplicate', 'a reason over 500 characters', {
      partner: 'rheine-social',
      query: DISMISS,
      variables: { input: { suspicionId: UNKNOWN, reason: 'x'.repeat(501) } },
      ...code('BAD_USER_INPUT', 'reason'),
    }),
  ];
}
