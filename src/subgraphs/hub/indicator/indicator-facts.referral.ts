import { DataSource } from 'typeorm';

/** Statuses a referral ends in: concluded_at is when it got there. */
const CONCLUDED = ['completed', 'failed', 'rejected', 'cancelled', 'expired', 'entered_in_error'];
/** Deadline states (deadlineState) that count as due: met (in time or late), breached, or passed while open. */
const DUE_STATES = ['met', 'met_late', 'breached', 'overdue'];

/**
 * One referral's fact row from the hub's own tables. Its times come from its status history, the
 * `referral.status_changed` rows of the hub's outbox (as the agreements' deadlines do): requested
 * = first sent, accepted = first accepted, concluded = last reaching the status it ended in.
 * gap_days: for a transfer, the days from due_on (the day the person leaves the old legal domain)
 * to the acceptance day in Europe/Berlin, 0 when accepted before; null while not accepted.
 */
export async function referralFactRow(
  ds: DataSource,
  id: string,
  /** The states of the referral's agreement deadlines (deadlineState). */
  deadlineStatesOf: () => Promise<string[]>,
  municipalityOf: (personId: string) => Promise<string | null>,
): Promise<Record<string, unknown> | null> {
  const [r]: Array<{
    id: string;
    kind: string;
    referral_type: string;
    purpose: string;
    sender: string;
    receiver: string;
    person_id: string;
    status: string;
    outcome: string | null;
    due_on: string | null;
    requested_at: Date | null;
    accepted_at: Date | null;
    concluded_at: Date | null;
    gap_days: number | null;
  }> = await ds.query(
    `WITH h AS (SELECT payload->>'to' AS "to", occurred_at FROM hub.outbox
                 WHERE aggregate_id = $1 AND type = 'referral.status_changed')
     SELECT r.id, r.kind, r.referral_type, r.purpose, r.sender, r.receiver, r.person_id, r.status, r.outcome,
            r.due_on::text AS due_on,
            (SELECT min(occurred_at) FROM h WHERE "to" = 'requested') AS requested_at,
            (SELECT min(occurred_at) FROM h WHERE "to" = 'accepted') AS accepted_at,
            CASE WHEN r.status = ANY($2::text[]) THEN (SELECT max(occurred_at) FROM h WHERE "to" = r.status) END
              AS concluded_at,
            CASE WHEN r.kind = 'transfer' AND r.due_on IS NOT NULL THEN
              (SELECT CASE WHEN min(occurred_at) IS NOT NULL   -- greatest() would make a missing one 0
                      THEN greatest(0, (min(occurred_at) AT TIME ZONE 'Europe/Berlin')::date - r.due_on) END
                 FROM h WHERE "to" = 'accepted') END AS gap_days
       FROM hub.referral r WHERE r.id = $1`,
    [id, CONCLUDED],
  );
  // A draft was never sent: nothing of it counts (nor does it have deadlines).
  if (!r || r.status === 'draft') return null;
  const deadlineStates = await deadlineStatesOf();
  return {
    referral_id: r.id,
    kind: r.kind,
    referral_type: r.referral_type,
    purpose: r.purpose,
    sender: r.sender,
    receiver: r.receiver,
    municipality_key: (await municipalityOf(r.person_id)) ?? '',
    status: r.status,
    outcome: r.outcome,
    requested_at: r.requested_at,
    accepted_at: r.accepted_at,
    concluded_at: r.concluded_at,
    due_on: r.due_on,
    deadlines_due: deadlineStates.filter((s) => DUE_STATES.includes(s)).length,
    deadlines_met: deadlineStates.filter((s) => s === 'met').length,
    gap_days: r.gap_days,
  };
}
