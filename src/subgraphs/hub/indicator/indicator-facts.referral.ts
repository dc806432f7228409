import { DataSource } from 'typeorm';
import { deadlineState } from '../agreement/agreement.service';
import { ReferralDeadlineEntity } from '../agreement/agreement.entity';

/** Statuses a referral ends in: concluded_at is when it got there. */
const CONCLUDED = ['completed', 'failed', 'rejected', 'cancelled', 'expired', 'entered_in_error'];
/** Deadline states (deadlineState) that count as due: met (in time or late), breached, or passed while open. */
const DUE_STATES = ['met', 'met_late', 'breached', 'overdue'];

interface ReferralRow {
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
}

// The status history is the hub's outbox (`referral.status_changed`, as the agreements' deadlines
// read it). greatest() would turn a missing acceptance into 0, hence the CASE.
const REFERRAL_SQL = `
  WITH h AS (SELECT aggregate_id AS id, payload->>'to' AS "to", occurred_at FROM hub.outbox
              WHERE aggregate_id = ANY($1::uuid[]) AND type = 'referral.status_changed'),
       first AS (SELECT id, min(occurred_at) FILTER (WHERE "to" = 'requested') AS requested_at,
                        min(occurred_at) FILTER (WHERE "to" = 'accepted') AS accepted_at
                   FROM h GROUP BY id)
  SELECT r.id, r.kind, r.referral_type, r.purpose, r.sender, r.receiver, r.person_id, r.status, r.outcome,
         r.due_on::text AS due_on, f.requested_at, f.accepted_at,
         CASE WHEN r.status = ANY($2::text[])
              THEN (SELECT max(occurred_at) FROM h WHERE h.id = r.id AND "to" = r.status) END AS concluded_at,
         CASE WHEN r.kind = 'transfer' AND r.due_on IS NOT NULL AND f.accepted_at IS NOT NULL
              THEN greatest(0, (f.accepted_at AT TIME ZONE 'Europe/Berlin')::date - r.due_on) END AS gap_days
    FROM hub.referral r LEFT JOIN first f ON f.id = r.id
   WHERE r.id = ANY($1::uuid[]) AND r.status <> 'draft'`;

/**
 * The fact rows of referrals from the hub's own tables; a draft, never sent, has none (left out,
 * like a referral that does not exist). requested = first sent, accepted = first accepted,
 * concluded = last reaching the final status it is in. gap_days: for a transfer, the days from
 * due_on (the day the person leaves the old legal domain) to the day of acceptance in
 * Europe/Berlin, 0 when accepted by then; null while not accepted.
 */
export async function referralFactRows(
  ds: DataSource,
  ids: readonly string[],
  now: Date,
  municipalitiesOf: (personIds: readonly string[]) => Promise<Map<string, string>>,
): Promise<Array<Record<string, unknown>>> {
  const rows: ReferralRow[] = await ds.query(REFERRAL_SQL, [ids, CONCLUDED]);
  if (!rows.length) return [];
  const sent = rows.map((r) => r.id);
  const deadlines = await ds
    .getRepository(ReferralDeadlineEntity)
    .createQueryBuilder('d')
    .where('d.referral_id = ANY(:sent::uuid[])', { sent })
    .getMany();
  const municipalities = await municipalitiesOf([...new Set(rows.map((r) => r.person_id))]);
  return rows.map((r) => {
    const states = deadlines.filter((d) => d.referralId === r.id).map((d) => deadlineState(d, now));
    return {
      referral_id: r.id,
      kind: r.kind,
      referral_type: r.referral_type,
      purpose: r.purpose,
      sender: r.sender,
      receiver: r.receiver,
      // A person the city no longer knows (never the case while the referral exists): counted nowhere.
      municipality_key: municipalities.get(r.person_id) ?? '',
      status: r.status,
      outcome: r.outcome,
      requested_at: r.requested_at,
      accepted_at: r.accepted_at,
      concluded_at: r.concluded_at,
      due_on: r.due_on,
      deadlines_due: states.filter((s) => DUE_STATES.includes(s)).length,
      deadlines_met: states.filter((s) => s === 'met').length,
      gap_days: r.gap_days,
    };
  });
}
