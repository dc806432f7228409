import { isoDay } from '../../src/shared/time';
import { registerPerson } from '../factories';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { asHub } from '../helpers/system';
import { eventHandled } from '../helpers/wait';

/** A birth date `years` years and `days` days before today (UTC). */
function bornYearsAgo(years: number, days = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - days);
  return isoDay(d);
}

/**
 * The eUMA track: an accepted youth_to_adult transfer to the advice & support team opens the team's
 * case for the young adult (18–27), unsigned and unassigned, with the concept's goals as proposals.
 */
describe('eUMA track: cases from accepted transfers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  const asTeam = (query: string, vars: Record<string, unknown>) =>
    app.gql('rheine-social', query, vars, { purpose: 'case_management' });
  const city = (sql: string, params: unknown[]) =>
    asHub(app, () => app.container.subgraphs.city.dataSource.query(sql, params));
  const casesOf = (personId: string) =>
    city(
      `SELECT id, partner, track, phase, worker_ref, alliance_signed_on, source_referral_id FROM city.client_case WHERE person_id = $1`,
      [personId],
    );
  const goalsOf = (caseId: string) =>
    city(`SELECT domain, wording, status, agreed_on FROM city.case_goal WHERE case_id = $1 ORDER BY domain`, [caseId]);

  /** Youth welfare transfers the person to the team (due on dueOn), the team accepts; returns the transfer id and the event id of the acceptance. */
  async function transferAccepted(personId: string, dueOn?: string) {
    const created = await app.gql(
      'rheine-youth',
      `mutation($input: CreateTransferInput!) { createTransfer(input: $input) { id } }`,
      {
        input: {
          personId,
          receiver: 'rheine-social',
          purpose: 'case_management',
          referralType: 'youth_to_adult',
          dueOn,
        },
      },
      { purpose: 'youth_welfare' },
    );
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createTransfer.id;
    const accepted = await asTeam(`mutation($id: ID!) { acceptTransfer(id: $id) { status } }`, { id });
    expect(accepted.body.data.acceptTransfer.status).toBe('accepted');
    const [event] = await asHub(app, () =>
      app.container.subgraphs.hub.dataSource.query(
        `SELECT id, occurred_at FROM hub.outbox WHERE type = 'referral.status_changed' AND aggregate_id = $1 AND payload->>'to' = 'accepted'`,
        [id],
      ),
    );
    await eventHandled(app, 'hub', event.id);
    return { id, event: { eventId: event.id as string, occurredAt: new Date(event.occurred_at) } };
  }

  it('opens an unsigned euma case with the three goals as proposals; a redelivered event opens none', async () => {
    const p = await registerPerson(app, 'rheine-youth', { birthDate: bornYearsAgo(19) });
    const { id, event } = await transferAccepted(p.id);
    const [c] = await eventually(async () => {
      const rows = await casesOf(p.id);
      return rows.length ? rows : null;
    });
    expect(c).toMatchObject({
      partner: 'rheine-social',
      track: 'euma',
      phase: 'working_alliance',
      worker_ref: 'unassigned',
      alliance_signed_on: null,
      source_referral_id: id,
    });
    expect(await goalsOf(c.id)).toEqual([
      { domain: 'education', wording: 'Schulabschluss oder Ausbildung', status: 'proposed', agreed_on: null },
      { domain: 'housing', wording: 'Selbstständiges Wohnen', status: 'proposed', agreed_on: null },
      { domain: 'work', wording: 'Unabhängigkeit von Sozialleistungen', status: 'proposed', agreed_on: null },
    ]);

    // The events worker delivers at least once: the same acceptance again opens nothing.
    const change = {
      referralId: id,
      kind: 'transfer',
      to: 'accepted',
      receiver: 'rheine-social',
      referralType: 'youth_to_adult',
    };
    const again = await app.container.rowSecurity.system('events', () =>
      app.container.subgraphs.hub.services.transferCases.statusChanged(change, event),
    );
    expect(again).toBe('already_opened');
    expect(await casesOf(p.id)).toHaveLength(1);
    expect(await goalsOf(c.id)).toHaveLength(3);

    const seen = await asTeam(`query($id: ID!) { case(id: $id) { track workerRef allianceSignedOn allowedActions } }`, {
      id: c.id,
    });
    expect(seen.body.data.case).toEqual({
      track: 'euma',
      workerRef: 'unassigned',
      allianceSignedOn: null,
      allowedActions: ['confirmWorkingAlliance', 'scheduleAppointment', 'recordAppointment', 'closeCase'],
    });
  });

  it('confirmWorkingAlliance signs the agreement and names the case manager; then the assessment may start', async () => {
    const p = await registerPerson(app, 'rheine-youth', { birthDate: bornYearsAgo(22) });
    await transferAccepted(p.id);
    const [c] = await eventually(async () => {
      const rows = await casesOf(p.id);
      return rows.length ? rows : null;
    });
    const confirm = (input: Record<string, unknown>) =>
      asTeam(
        `mutation($i: ConfirmWorkingAllianceInput!) { confirmWorkingAlliance(input: $i) { workerRef allianceSignedOn phase allowedActions } }`,
        { i: input },
      );
    const bad = await confirm({ caseId: c.id, workerRef: 'Anna Schmidt', allianceSignedOn: '2999-01-01' });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect([...bad.body.errors[0].extensions.fields].sort()).toEqual(['allianceSignedOn', 'workerRef']);
    const today = isoDay(new Date());
    const res = await confirm({ caseId: c.id, workerRef: 'cm-4', allianceSignedOn: today });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.confirmWorkingAlliance).toMatchObject({
      workerRef: 'cm-4',
      allianceSignedOn: today,
      phase: 'working_alliance',
    });
    expect(res.body.data.confirmWorkingAlliance.allowedActions).toContain('recordAssessment');
    expect(res.body.data.confirmWorkingAlliance.allowedActions).not.toContain('confirmWorkingAlliance');
    const twice = await confirm({ caseId: c.id, workerRef: 'cm-5', allianceSignedOn: today });
    expect(twice.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', phase: 'working_alliance' });
  });

  it('opens one for a 17-year-old whose transfer is due on the 18th birthday, none for a 30-year-old', async () => {
    const birth = bornYearsAgo(17, 300);
    const young = await registerPerson(app, 'rheine-youth', { birthDate: birth });
    const adultOn = `${Number(birth.slice(0, 4)) + 18}${birth.slice(4)}`;
    await transferAccepted(young.id, adultOn);
    await eventually(async () => (await casesOf(young.id)).length === 1);

    const older = await registerPerson(app, 'rheine-youth', { birthDate: bornYearsAgo(30) });
    const { id, event } = await transferAccepted(older.id);
    // The acceptance was handled (transferAccepted waits for it): no case will follow.
    expect(await casesOf(older.id)).toEqual([]);
    const change = {
      referralId: id,
      kind: 'transfer',
      to: 'accepted',
      receiver: 'rheine-social',
      referralType: 'youth_to_adult',
    };
    const outcome = await app.container.rowSecurity.system('events', () =>
      app.container.subgraphs.hub.services.transferCases.statusChanged(change, event),
    );
    expect(outcome).toBe('age_outside');
  });

  it('opens one for a young adult without a birth date; nothing for a plain referral', async () => {
    const p = await registerPerson(app, 'rheine-youth');
    await transferAccepted(p.id);
    expect(await casesOf(p.id)).toHaveLength(1);
    const outcome = await app.container.rowSecurity.system('events', () =>
      app.container.subgraphs.hub.services.transferCases.statusChanged(
        {
          referralId: '00000000-0000-4000-8000-000000000000',
          kind: 'referral',
          to: 'accepted',
          receiver: 'rheine-social',
          referralType: 'youth_to_adult',
        },
        { eventId: 'test', occurredAt: new Date() },
      ),
    );
    expect(outcome).toBe('not_euma');
  });
});
