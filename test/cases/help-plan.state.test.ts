import { ageOn, eumaAgeDay, inEumaAge } from '../../src/subgraphs/city/case/euma.state';
import { defaultPurpose, isOverdue } from '../../src/subgraphs/city/case/help-plan.state';
import { urgency, worklistReasons } from '../../src/subgraphs/city/case/worklist.state';

const state = (status: string, deadlines: Array<{ state: string }> = [], dueOn: string | null = null) => ({
  id: 'r1',
  status,
  dueOn,
  deadlines: deadlines.map((d) => ({ kind: 'decide', dueAt: new Date(0), ...d })),
});

describe('help plan, eUMA and worklist rules as data', () => {
  it('an item is overdue only past its day (not on it) or past an unmet deadline, and only while not taken over', () => {
    expect(isOverdue(state('requested'), '2026-03-01', '2026-03-01')).toBe(false);
    expect(isOverdue(state('requested'), '2026-03-01', '2026-03-02')).toBe(true);
    expect(isOverdue(state('rejected'), '2026-03-01', '2026-03-02')).toBe(true);
    for (const taken of ['accepted', 'in_progress', 'on_hold', 'completed', 'failed', 'cancelled'])
      expect(isOverdue(state(taken), '2026-03-01', '2026-03-02')).toBe(false);
    expect(isOverdue(state('received', [{ state: 'breached' }]), null, '2026-03-02')).toBe(true);
    expect(isOverdue(state('received', [{ state: 'met_late' }]), null, '2026-03-02')).toBe(false);
    // Without an item day the referral's own day counts.
    expect(isOverdue(state('requested', [], '2026-03-01'), null, '2026-03-02')).toBe(true);
    expect(isOverdue(null, '2026-03-01', '2026-03-02')).toBe(false);
  });

  it('course providers are asked for integration courses, everyone else within case management', () => {
    expect(defaultPurpose('course_provider')).toBe('integration_course_referral');
    expect(defaultPurpose('ngo')).toBe('case_management');
  });

  it('ages count full years; the eUMA age is checked on the later of acceptance and due day', () => {
    expect(ageOn('2008-05-10', '2026-05-09')).toBe(17);
    expect(ageOn('2008-05-10', '2026-05-10')).toBe(18);
    expect(eumaAgeDay('2026-02-10', '2026-05-10')).toBe('2026-05-10');
    expect(eumaAgeDay('2026-06-10', '2026-05-10')).toBe('2026-06-10');
    expect(inEumaAge('2008-05-10', eumaAgeDay('2026-02-10', '2026-05-10'))).toBe(true);
    expect(inEumaAge('1998-05-10', '2026-05-09')).toBe(true);
    expect(inEumaAge('1998-05-10', '2026-05-10')).toBe(false);
  });

  it('dropout_risk needs training, open language and education goals, and an overdue referral serving one of them', () => {
    const base = {
      caseId: 'c1',
      personId: 'p1',
      openedAt: new Date(0),
      goalPastTarget: false,
      lastDue: ['missed', 'kept'],
      inTraining: true,
      openGoalDomains: ['language', 'education'],
      items: [{ referralId: 'r1', dueOn: '2026-03-01', goalDomain: 'language' }],
    };
    const states = new Map([['r1', state('requested')]]);
    expect(worklistReasons(base, states, '2026-03-02')).toEqual(['dropout_risk', 'overdue_referral']);
    expect(worklistReasons({ ...base, inTraining: false }, states, '2026-03-02')).toEqual(['overdue_referral']);
    expect(worklistReasons({ ...base, openGoalDomains: ['language'] }, states, '2026-03-02')).toEqual([
      'overdue_referral',
    ]);
    expect(worklistReasons(base, states, '2026-03-01')).toEqual([]);
    expect(
      worklistReasons({ ...base, lastDue: ['missed', 'missed'], goalPastTarget: true }, states, '2026-03-01'),
    ).toEqual(['missed_appointments', 'goal_past_target']);
    expect(urgency(['dropout_risk', 'overdue_referral'])).toBeGreaterThan(
      urgency(['overdue_referral', 'missed_appointments', 'goal_past_target']),
    );
  });
});
