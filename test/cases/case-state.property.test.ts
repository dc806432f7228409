import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../src/shared/errors';
import { actorFor, openCase, registerPerson } from '../factories';
import { startTestApp, TestApp } from '../helpers/app';
import { asSuperuser } from '../helpers/superuser';
import { asHub } from '../helpers/system';
import {
  allowedCaseActions,
  CASE_ACTIONS,
  CASE_PHASES,
  CaseAction,
  CasePhase,
  mayRun,
  phaseAfter,
} from '../../src/subgraphs/city/case/case.state';
import { CaseGoalEntity } from '../../src/subgraphs/city/case/case.entity';

const rank = (p: CasePhase) => CASE_PHASES.indexOf(p);

/**
 * A case's phases as data (case.state.ts): over random sequences of steps the phase never moves
 * back but by reopenCase, and the steps a case lists as allowed are exactly those that succeed.
 */
describe('case phases (property-based)', () => {
  it('never move back but by reopen; closed allows only reopen; unsigned only the unsigned steps', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.constantFrom(...CASE_ACTIONS), { maxLength: 40 }),
        (signedAtStart, actions) => {
          let phase: CasePhase = 'working_alliance';
          let signed = signedAtStart;
          for (const action of actions) {
            const allowed = allowedCaseActions(phase, signed);
            expect(allowed).toEqual(CASE_ACTIONS.filter((a) => mayRun(a, phase, signed)));
            // A case closed before its alliance was signed (a transfer not taken up) stays closed.
            if (phase === 'closed') expect(allowed).toEqual(signed ? ['reopenCase'] : []);
            if (!signed)
              expect(
                allowed.every((a) =>
                  ['confirmWorkingAlliance', 'scheduleAppointment', 'recordAppointment', 'closeCase'].includes(a),
                ),
              ).toBe(true);
            if (!allowed.includes(action)) continue;
            const next = phaseAfter(action, phase);
            if (action === 'reopenCase') expect([phase, next]).toEqual(['closed', 'monitoring']);
            else expect(rank(next)).toBeGreaterThanOrEqual(rank(phase));
            if (action === 'confirmWorkingAlliance') signed = true;
            phase = next;
          }
        },
      ),
      { numRuns: 300, seed: Number(process.env.FC_SEED ?? 20261203) },
    );
  });

  describe('through the services', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ gateway: false });
    });
    afterAll(() => app?.stop());

    /** Runs one step with valid input through the service; the help plan's and the alliance's steps through the bare step runner. */
    async function run(caseId: string, action: CaseAction): Promise<void> {
      const s = app.container.subgraphs.city.services;
      const actor = actorFor('rheine-social');
      const today = new Date().toISOString().slice(0, 10);
      const goals = () => app.container.subgraphs.city.dataSource.manager.find(CaseGoalEntity, { where: { caseId } });
      switch (action) {
        case 'recordAssessment':
          await s.caseAssessments.record(actor, {
            caseId,
            domain: 'language',
            problems: ['A2'],
            resources: [],
            assessedOn: today,
          });
          return;
        case 'agreeGoal':
          await s.caseGoals.agree(actor, { caseId, domain: 'language', wording: 'B1', agreedOn: today });
          return;
        case 'updateGoal': {
          // Before any agreement the case may hold proposals (eUMA track): one stands in.
          let [goal] = await goals();
          if (!goal) {
            await asSuperuser(app.db.url, (c) =>
              c.query(
                `INSERT INTO city.case_goal (id, case_id, person_id, domain, wording, status, created_at, updated_at)
                 SELECT $1, id, person_id, 'education', 'Schulabschluss', 'proposed', now(), now() FROM city.client_case WHERE id = $2`,
                [randomUUID(), caseId],
              ),
            );
            [goal] = await goals();
          }
          await s.caseGoals.update(actor, { goalId: goal.id, targetOn: '2027-06-30' });
          return;
        }
        case 'scheduleAppointment':
          await s.caseAppointments.schedule(actor, { caseId, scheduledAt: new Date(Date.now() + 3_600_000) });
          return;
        case 'recordAppointment': {
          const id = randomUUID();
          await asSuperuser(app.db.url, (c) =>
            c.query(
              `INSERT INTO city.case_appointment (id, case_id, person_id, scheduled_at, status, created_at)
               SELECT $1, id, person_id, now() + interval '1 hour', 'scheduled', now() FROM city.client_case WHERE id = $2`,
              [id, caseId],
            ),
          );
          await s.caseAppointments.record(actor, { appointmentId: id, status: 'cancelled', cancelledBy: 'client' });
          return;
        }
        case 'startMonitoring':
          await s.caseClosure.startMonitoring(actor, caseId);
          return;
        case 'closeCase': {
          const open = (await goals()).filter((g) => g.status === 'open' || g.status === 'proposed');
          await s.caseClosure.close(actor, {
            caseId,
            kind: 'planned',
            goals: open.map((g) => ({ goalId: g.id, status: g.status === 'open' ? 'reached' : 'dropped' })),
          });
          return;
        }
        case 'reopenCase':
          await s.caseClosure.reopen(actor, { caseId, reason: 'new_need' });
          return;
        case 'addHelpPlanItem':
        case 'confirmWorkingAlliance':
          await s.cases.step(actor, caseId, action, async () => null);
          return;
      }
    }

    it('lists as allowed exactly the steps that succeed; a refused one is a CONFLICT naming the phase', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...CASE_ACTIONS), { minLength: 1, maxLength: 12 }),
          async (actions) => {
            const person = await registerPerson(app, 'rheine-social');
            const opened = await openCase(app, 'rheine-social', { personId: person.id });
            const caseId = opened.id;
            const current = () =>
              asHub(app, () => app.container.subgraphs.city.services.cases.get(actorFor('rheine-social'), caseId));
            for (const action of actions) {
              const before = (await current())!;
              const allowed = allowedCaseActions(before.phase, before.allianceSignedOn !== null);
              let error: unknown = null;
              await asHub(app, () => run(caseId, action)).catch((e) => (error = e));
              const after = (await current())!;
              if (allowed.includes(action)) {
                expect(error).toBeNull();
                expect(after.phase).toBe(phaseAfter(action, before.phase));
                expect(after.version).toBe(before.version + 1);
              } else {
                expect(error).toBeInstanceOf(AppError);
                expect((error as AppError).extensions).toMatchObject({
                  code: 'CONFLICT',
                  phase: before.phase,
                  allowedActions: allowed,
                });
                expect(after).toEqual(before);
              }
              if (action !== 'reopenCase') expect(rank(after.phase)).toBeGreaterThanOrEqual(rank(before.phase));
            }
          },
        ),
        { numRuns: 25, seed: Number(process.env.FC_SEED ?? 20261203) },
      );
    }, 120000);
  });
});
