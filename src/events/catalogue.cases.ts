import { event } from './catalogue.event';

/**
 * The events of case management (city subgraph, src/subgraphs/city/case; docs/case-management.md),
 * spread into the catalogue. Ids and codes only: a goal's wording, problems and resources never
 * leave the case. A health assessment is its own type: its category is health (Art. 9 DSGVO).
 * Nobody but the holder acts on a case, so no partner is told (public: null); the help plan's
 * referrals tell their receivers themselves.
 */

/** What every case event names. */
type CaseRef = { caseId: string; personId: string; partner: string };

// Only the holder sees a case's steps in the biography (visibility holder, docs/data-protection.md).
const quiet = { visibility: 'holder', public: null, tell: null, live: false } as const;

export const CASE_EVENTS = {
  'case.opened': event<CaseRef & { track: string; sourceReferralId: string | null }>()({
    category: 'case_notes',
    summary: (p) =>
      `Case management opened at ${p.partner} (${p.track})${p.sourceReferralId ? ` from transfer ${p.sourceReferralId}` : ''}`,
    ...quiet,
  }),
  'case.phase_changed': event<CaseRef & { from: string; to: string }>()({
    category: 'case_notes',
    summary: (p) => `Case at ${p.partner}: phase ${p.from} → ${p.to}`,
    ...quiet,
  }),
  // The working alliance of a case opened from a transfer is signed (eUMA track); the worker reference stays in the case.
  'case.alliance_confirmed': event<CaseRef>()({
    category: 'case_notes',
    summary: (p) => `Case at ${p.partner}: working alliance signed`,
    ...quiet,
  }),
  'case.assessment_recorded': event<CaseRef & { domain: string }>()({
    category: 'case_notes',
    summary: (p) => `Case at ${p.partner}: assessment of ${p.domain} recorded`,
    ...quiet,
  }),
  'case.health_assessment_recorded': event<CaseRef>()({
    category: 'health',
    summary: (p) => `Case at ${p.partner}: health assessment recorded`,
    ...quiet,
  }),
  'case.goal_agreed': event<CaseRef & { goalId: string; domain: string; targetOn: string | null }>()({
    category: 'case_notes',
    summary: (p) => `Case at ${p.partner}: goal ${p.goalId} (${p.domain}) agreed`,
    ...quiet,
  }),
  'case.goal_updated': event<CaseRef & { goalId: string; domain: string; status: string }>()({
    category: 'case_notes',
    summary: (p) => `Case at ${p.partner}: goal ${p.goalId} (${p.domain}) ${p.status}`,
    ...quiet,
  }),
  'case.help_plan_item_added': event<
    CaseRef & { itemId: string; service: string; provider: string; referralId: string | null }
  >()({
    category: 'case_notes',
    summary: (p) =>
      `Case at ${p.partner}: help plan item ${p.service} at ${p.provider}${p.referralId ? ` (referral ${p.referralId})` : ''}`,
    ...quiet,
  }),
  'case.appointment_scheduled': event<CaseRef & { appointmentId: string; scheduledAt: string }>()({
    category: 'case_notes',
    summary: (p) => `Case at ${p.partner}: appointment on ${p.scheduledAt.slice(0, 10)}`,
    ...quiet,
  }),
  'case.appointment_recorded': event<CaseRef & { appointmentId: string; status: string; cancelledBy: string | null }>()(
    {
      category: 'case_notes',
      summary: (p) => `Case at ${p.partner}: appointment ${p.status}${p.cancelledBy ? ` by ${p.cancelledBy}` : ''}`,
      ...quiet,
    },
  ),
  'case.closed': event<
    CaseRef & { closureKind: string; closureReason: string | null; goalsReached: number; goalsTotal: number }
  >()({
    category: 'case_notes',
    summary: (p) =>
      `Case at ${p.partner} closed: ${p.closureKind}${p.closureReason ? ` (${p.closureReason})` : ''}; goals reached ${p.goalsReached} of ${p.goalsTotal}`,
    ...quiet,
  }),
  'case.reopened': event<CaseRef & { reason: string }>()({
    category: 'case_notes',
    summary: (p) => `Case at ${p.partner} reopened (${p.reason})`,
    ...quiet,
  }),
};
