import type { Actor } from '../../src/shared/actor';
import { newId } from '../../src/shared/ids';
import type { CaseEntity } from '../../src/subgraphs/city/case/case.entity';
import type { AppointmentStatus, CasePhase, GoalStatus, LifeDomain } from '../../src/subgraphs/city/case/case.state';
import type { OpenCaseInput } from '../../src/subgraphs/city/case/case.types';
import { actorFor, asHub, WithContainer } from './factory.support';

/** A case to open: worker cm-1, the alliance signed on 2026-01-05, unless overridden. */
export const openCaseInput = (input: Partial<OpenCaseInput> & { personId: string }): OpenCaseInput => ({
  workerRef: 'cm-1',
  allianceSignedOn: '2026-01-05',
  ...input,
});

/** Opens a case through the city's service, as `who` (the holder). */
export function openCase(
  app: WithContainer,
  who: string | Actor,
  input: Partial<OpenCaseInput> & { personId: string },
): Promise<CaseEntity> {
  return asHub(app, () => app.container.subgraphs.city.services.cases.open(actorFor(who), openCaseInput(input)));
}

/**
 * The steps that lead to a phase are another feature's (assessment, goals): tests of the help plan
 * and the worklist write the rows they need directly, as the hub.
 */
const sql = (app: WithContainer, query: string, params: unknown[]) =>
  asHub(app, () => app.container.subgraphs.city.dataSource.query(query, params));

/** Puts the case into `phase` (no event: setup only). */
export async function inPhase(app: WithContainer, c: Pick<CaseEntity, 'id'>, phase: CasePhase): Promise<void> {
  await sql(app, `UPDATE city.client_case SET phase = $2 WHERE id = $1`, [c.id, phase]);
}

/** Adds a goal (open, agreed on 2026-01-10, unless overridden); returns its id. */
export async function withGoal(
  app: WithContainer,
  c: Pick<CaseEntity, 'id' | 'personId'>,
  goal: { domain: LifeDomain; wording?: string; status?: GoalStatus; targetOn?: string | null },
): Promise<string> {
  const id = newId();
  const status = goal.status ?? 'open';
  await sql(
    app,
    `INSERT INTO city.case_goal (id, case_id, person_id, domain, wording, agreed_on, target_on, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), now())`,
    [
      id,
      c.id,
      c.personId,
      goal.domain,
      goal.wording ?? `Ziel ${goal.domain}`,
      status === 'proposed' ? null : '2026-01-10',
      goal.targetOn ?? null,
      status,
    ],
  );
  return id;
}

/** Records the person's situation in a domain (e.g. education: apprenticeship). */
export async function withAssessment(
  app: WithContainer,
  c: Pick<CaseEntity, 'id' | 'personId'>,
  a: { domain: LifeDomain; situation: string | null },
): Promise<void> {
  await sql(
    app,
    `INSERT INTO city.case_assessment (id, case_id, person_id, domain, problems, resources, situation, assessed_on, recorded_at)
     VALUES ($1, $2, $3, $4, '{}', '{}', $5, '2026-01-08', now())`,
    [newId(), c.id, c.personId, a.domain, a.situation],
  );
}

/** Adds an appointment at `scheduledAt` in a status (cancelled ones by the client). */
export async function withAppointment(
  app: WithContainer,
  c: Pick<CaseEntity, 'id' | 'personId'>,
  a: { scheduledAt: Date; status: AppointmentStatus },
): Promise<void> {
  await sql(
    app,
    `INSERT INTO city.case_appointment (id, case_id, person_id, scheduled_at, status, cancelled_by, recorded_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
    [
      newId(),
      c.id,
      c.personId,
      a.scheduledAt,
      a.status,
      a.status === 'cancelled' ? 'client' : null,
      a.status === 'scheduled' ? null : a.scheduledAt,
    ],
  );
}
