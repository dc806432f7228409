import { systemActor } from '../../src/shared/actor';
import { eventually, startTestApp, TestApp } from '../helpers/app';
import { eventHandled } from '../helpers/wait';
import { asHub, registerAndCheck, registerPerson } from '../factories';
import { biography } from '../rules/rules-helpers';
import { referToVhs } from '../webhooks/fixtures';

const SUSPICIONS = `query($status: DuplicateSuspicionStatus) {
  duplicateSuspicions(first: 100, status: $status) {
    totalCount
    edges { node { id reasons status detectedAt personA { id givenName } personB { id givenName } } }
  }
}`;
const CONFIRM = `mutation($input: ConfirmDuplicateInput!) {
  confirmDuplicate(input: $input) { id status decidedBy keptPerson { id } }
}`;
const DISMISS = `mutation($input: DismissDuplicateInput!) { dismissDuplicate(input: $input) { id status decidedBy } }`;
const ADD_IDENTIFIER = `mutation($input: AddPersonIdentifierInput!) { addPersonIdentifier(input: $input) { id } }`;

type Node = { id: string; reasons: string[]; status: string; personA: { id: string }; personB: { id: string } };

/**
 * Duplicate suspicion (docs/duplicates.md) through GraphQL with real workers: raised after a
 * registration or a new identifier, listed for partners who may see both records, confirmed
 * (an explicit merge) or dismissed (never suggested again).
 */
describe('duplicate suspicion', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ workers: true });
  });
  afterAll(() => app?.stop());

  async function suspicions(partner: string, status?: string, purpose?: string): Promise<Node[]> {
    const res = await app.gql(partner, SUSPICIONS, { status }, { purpose });
    expect(res.body.errors).toBeUndefined();
    return res.body.data.duplicateSuspicions.edges.map((e: { node: Node }) => e.node);
  }
  const about = (nodes: Node[], one: string, other?: string) =>
    nodes.filter(
      (n) => [n.personA.id, n.personB.id].includes(one) && (!other || [n.personA.id, n.personB.id].includes(other)),
    );
  /** Waits until the events worker has handled the hub's newest identifier event of the person. */
  async function identifierHandled(personId: string) {
    const sql = `SELECT id FROM hub.outbox WHERE type = 'person.identifier_added' AND person_id = $1 ORDER BY occurred_at DESC LIMIT 1`;
    const [row] = await app.container.subgraphs.hub.dataSource.query(sql, [personId]);
    await eventHandled(app, 'hub', row.id);
  }
  async function addIdentifier(partner: string, personId: string, value: string) {
    const res = await app.gql(partner, ADD_IDENTIFIER, { input: { personId, system: 'azr_number', value } });
    expect(res.body.errors).toBeUndefined();
    await identifierHandled(personId);
  }

  it('flags transliteration variants with the same birth date, for partners that see both', async () => {
    const a = await registerAndCheck(app, 'rheine-abh', {
      givenName: 'Mohammed',
      familyName: 'Al-Hassan',
      birthDate: '1990-03-04',
    });
    const b = await registerAndCheck(app, 'rheine-social', {
      givenName: 'Muhammad',
      familyName: 'Alhasan',
      birthDate: '1990-03-04',
    });
    const c = await registerAndCheck(app, 'rheine-abh', {
      givenName: 'Abdul Rahman',
      familyName: 'Khalil',
      birthDate: '1985-11-20',
    });
    const d = await registerAndCheck(app, 'rheine-youth', {
      givenName: 'Abd al-Rahman',
      familyName: 'Khalil',
      birthDate: '1985-11-20',
    });
    const open = await suspicions('rheine-abh');
    const [first] = about(open, a, b);
    expect(first).toMatchObject({ status: 'open', reasons: ['birth_date', 'name_variant'] });
    // The record registered first is personA.
    expect(first.personA.id).toBe([a, b].sort()[0]);
    expect(about(open, c, d)).toHaveLength(1);
    // The name search finds both spellings of the Abd name by a third one.
    const search = await app.gql(
      'rheine-abh',
      `{ persons(first: 10, filter: { name: "Abdelrahman Khalil" }) { edges { node { id } } } }`,
    );
    expect(search.body.data.persons.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(
      [c, d].sort(),
    );
    // Without keepPersonId the record registered first is kept.
    const [cd] = about(open, c, d);
    const confirmed = await app.gql('rheine-youth', CONFIRM, { input: { suspicionId: cd.id } });
    expect(confirmed.body.data.confirmDuplicate.keptPerson).toEqual({ id: c });
    // Another partner with a basis for identity data in Rheine sees it as well.
    expect(about(await suspicions('rheine-social'), a, b)).toHaveLength(1);
    // Each record's biography names the other (ids and reason codes only).
    for (const [one, other] of [
      [a, b],
      [b, a],
    ]) {
      const line = `Possibly the same person as record ${other} (birth_date, name_variant)`;
      await eventually(async () => (await biography(app, 'rheine-abh', one)).some((e) => e.summary === line));
    }
  });

  it('does not flag the same names with a different birth date', async () => {
    const a = await registerAndCheck(app, 'rheine-abh', {
      givenName: 'Mohamad',
      familyName: 'El-Hassan',
      birthDate: '1991-06-01',
    });
    const b = await registerAndCheck(app, 'rheine-social', {
      givenName: 'Mohammed',
      familyName: 'Al Hassan',
      birthDate: '1991-06-02',
    });
    const open = await suspicions('rheine-abh');
    expect(about(open, a)).toEqual([]);
    expect(about(open, b)).toEqual([]);
  });

  it('flags two records holding the same identifier, issued by different offices', async () => {
    const a = await registerAndCheck(app, 'rheine-abh', { givenName: 'Dawit', familyName: 'Tesfaye' });
    const b = await registerAndCheck(app, 'rheine-youth', { givenName: 'Dawit', familyName: 'Tesfay Gebre' });
    expect(about(await suspicions('rheine-abh'), a, b)).toEqual([]);
    await addIdentifier('rheine-abh', a, '100000000001');
    await addIdentifier('rheine-youth', b, '100000000001');
    const [s] = about(await suspicions('rheine-abh'), a, b);
    expect(s.reasons).toEqual(['shared_identifier:azr_number']);
  });

  it('confirm: one record is merged into the kept one, keeping both identifiers and the biography', async () => {
    const kept = await registerAndCheck(app, 'rheine-abh', {
      givenName: 'Samira',
      familyName: 'Al-Sayed Haddad',
      birthDate: '1988-01-01',
    });
    const merged = await registerAndCheck(app, 'rheine-social', {
      givenName: 'Samira',
      familyName: 'Haddad Alsayed',
      birthDate: '1988-01-01',
    });
    // The jobcenter refers the kept person to the VHS: both sides of the open referral are told of the merge.
    await referToVhs(app, kept);
    await addIdentifier('rheine-abh', kept, '200000000001');
    await addIdentifier('rheine-social', merged, '200000000002');
    const [s] = about(await suspicions('rheine-abh'), kept, merged);

    // A record to keep that is not one of the two: refused, nothing written.
    const wrong = await app.gql('rheine-abh', CONFIRM, {
      input: {
        suspicionId: s.id,
        keepPersonId: '7c1d6a54-95d1-4c43-9a0e-2b5f0c3e8a11',
      },
    });
    expect(wrong.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'keepPersonId' });
    expect(about(await suspicions('rheine-abh'), kept, merged)).toHaveLength(1);

    const res = await app.gql('rheine-abh', CONFIRM, { input: { suspicionId: s.id, keepPersonId: kept } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.confirmDuplicate).toMatchObject({
      status: 'confirmed',
      decidedBy: 'rheine-abh',
      keptPerson: { id: kept },
    });
    const [event] = await asHub(app, () =>
      app.container.subgraphs.city.dataSource.query(
        `SELECT id, payload FROM city.outbox WHERE type = 'person.merged' AND person_id = $1`,
        [kept],
      ),
    );
    expect(event.payload).toEqual({ personId: kept, mergedPersonId: merged, suspicionId: s.id });
    await eventHandled(app, 'city', event.id);

    // Both identifiers find the kept person; its biography has the merge and the merged record's entries.
    const look = `query($v: String!) { personByIdentifier(system: azr_number, value: $v) { id identifiers { value issuedBy } } }`;
    for (const v of ['200000000001', '200000000002']) {
      const found = await app.gql('rheine-abh', look, { v });
      expect(found.body.data.personByIdentifier.id).toBe(kept);
      expect(found.body.data.personByIdentifier.identifiers.map((i: { value: string }) => i.value).sort()).toEqual([
        '200000000001',
        '200000000002',
      ]);
    }
    const inbox = await app.gql(
      'jobcenter-steinfurt',
      `{ notifications(first: 50) { edges { node { type person { id } } } } }`,
    );
    expect(inbox.body.data.notifications.edges.map((e: { node: unknown }) => e.node)).toContainEqual({
      type: 'person.merged',
      person: { id: kept },
    });
    const entries = await biography(app, 'rheine-abh', kept);
    expect(entries.map((e) => e.summary)).toContain(`Record ${merged} merged into this one (duplicate confirmed)`);
    expect(entries.filter((e) => e.type === 'person.registered')).toHaveLength(2);
    expect(entries.filter((e) => e.type === 'person.identifier_added')).toHaveLength(2);

    // The merged record is no longer listed, still resolves by id and points to the kept one.
    const list = await app.gql(
      'rheine-abh',
      `{ persons(first: 100, filter: { name: "Haddad" }) { edges { node { id } } } }`,
    );
    const listed = list.body.data.persons.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(listed).toContain(kept);
    expect(listed).not.toContain(merged);
    const one = await app.gql('rheine-abh', `query($id: ID!) { person(id: $id) { id mergedInto { id } mergedAt } }`, {
      id: merged,
    });
    expect(one.body.data.person).toMatchObject({ id: merged, mergedInto: { id: kept } });
    expect(one.body.data.person.mergedAt).toEqual(expect.any(String));

    // The merged record takes no more changes: they belong to the kept one.
    const move = await app.gql(
      'rheine-abh',
      `mutation { movePerson(input: { personId: "${merged}", municipalityKey: "05566076" }) { id } }`,
    );
    expect(move.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'personId', mergedInto: kept });

    // Decided once: a second decision is refused, naming what happened and nothing changes.
    const again = await app.gql('rheine-social', DISMISS, { input: { suspicionId: s.id } });
    expect(again.body.errors[0].extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'suspicionId',
      status: 'confirmed',
      decidedBy: 'rheine-abh',
    });
    expect(about(await suspicions('rheine-abh'), kept, merged)).toEqual([]);
    expect(about(await suspicions('rheine-abh', 'confirmed'), kept, merged)).toHaveLength(1);
  });

  it('dismiss: the pair is not suggested again, neither by name nor by a shared identifier', async () => {
    const a = await registerAndCheck(app, 'rheine-abh', {
      givenName: 'Ibrahim',
      familyName: 'Osman',
      birthDate: '1979-02-14',
    });
    const b = await registerAndCheck(app, 'rheine-social', {
      givenName: 'Ebrahim',
      familyName: 'Usman',
      birthDate: '1979-02-14',
    });
    const [s] = about(await suspicions('rheine-social'), a, b);
    const res = await app.gql('rheine-social', DISMISS, { input: { suspicionId: s.id, reason: 'Zwei Brüder' } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.dismissDuplicate).toMatchObject({ status: 'dismissed', decidedBy: 'rheine-social' });
    const line = `Not the same person as record ${b} (duplicate suspicion dismissed)`;
    await eventually(async () => (await biography(app, 'rheine-abh', a)).some((e) => e.summary === line));

    // The same identifier on both, and the name check run again: nothing is raised.
    await addIdentifier('rheine-abh', a, '300000000001');
    await addIdentifier('rheine-social', b, '300000000001');
    const raised = await asHub(app, () =>
      app.container.subgraphs.city.services.duplicates.detectByName(systemActor('test', 'test'), b),
    );
    expect(raised).toBe(0);
    expect(about(await suspicions('rheine-abh'), a, b)).toEqual([]);
    const [dismissed] = about(await suspicions('rheine-abh', 'dismissed'), a, b);
    expect(dismissed).toMatchObject({ id: s.id, reasons: ['birth_date', 'name_variant'] });

    const confirm = await app.gql('rheine-abh', CONFIRM, { input: { suspicionId: s.id } });
    expect(confirm.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', status: 'dismissed' });
  });

  it('a partner that may not see one of the two records neither sees nor decides the suspicion', async () => {
    const inRheine = await registerAndCheck(app, 'rheine-abh', {
      givenName: 'Hamid',
      familyName: 'Rahimi',
      birthDate: '1993-09-09',
    });
    // Emsdetten: the jobcenter (district of Steinfurt) serves it, the city of Rheine does not.
    const elsewhere = (
      await registerPerson(app, 'jobcenter-steinfurt', {
        givenName: 'Hameed',
        familyName: 'Rahimy',
        birthDate: '1993-09-09',
        municipalityKey: '05566008',
      })
    ).id;
    const open = await eventually(async () => {
      const nodes = about(await suspicions('jobcenter-steinfurt'), inRheine, elsewhere);
      return nodes.length ? nodes : undefined;
    });
    // Row security (second line): the row shows only where both persons are visible.
    const rows = (jurisdiction: string[]) =>
      app.container.rowSecurity.run(jurisdiction, async () =>
        Number(
          (
            await app.container.subgraphs.city.dataSource.query(
              'SELECT count(*) AS n FROM city.duplicate_suspicion WHERE id = $1',
              [open[0].id],
            )
          )[0].n,
        ),
      );
    expect(await rows(['05566'])).toBe(1);
    expect(await rows(['05566076'])).toBe(0);
    expect(await rows(['05566008'])).toBe(0);
    // Outside its jurisdiction for one of the two: not listed, and NOT_FOUND when named.
    expect(about(await suspicions('rheine-abh'), inRheine)).toEqual([]);
    const res = await app.gql('rheine-abh', CONFIRM, { input: { suspicionId: open[0].id } });
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'suspicionId' });
    // No legal basis for identity data (the NGO, without the persons' consent): nothing listed.
    const a = await registerAndCheck(app, 'rheine-abh', {
      givenName: 'Lina',
      familyName: 'Nasser',
      birthDate: '2001-05-05',
    });
    const b = await registerAndCheck(app, 'rheine-abh', {
      givenName: 'Leena',
      familyName: 'Nassir',
      birthDate: '2001-05-05',
    });
    expect(about(await suspicions('rheine-abh'), a, b)).toHaveLength(1);
    expect(about(await suspicions('caritas-rheine'), a)).toEqual([]);
  });
});
