import type { RegisterPersonInput } from '../../src/subgraphs/city/person/person.types';
import { systemActor } from '../../src/shared/actor';
import { eventHandled } from '../helpers/wait';
import { asHub, WithContainer, WithGql } from './factory.support';
import { registerPersonViaApi } from './person.factory';

/**
 * Registers a person through the API and waits until the events worker has handled the
 * registration: its duplicate check has run (raised a suspicion, or will not raise one).
 */
export async function registerAndCheck(
  app: WithGql & WithContainer,
  partner: string,
  overrides: Partial<RegisterPersonInput>,
): Promise<string> {
  const id = await registerPersonViaApi(app, partner, overrides);
  const [row] = await asHub(app, () =>
    app.container.subgraphs.city.dataSource.query(
      `SELECT id FROM city.outbox WHERE type = 'person.registered' AND person_id = $1`,
      [id],
    ),
  );
  await eventHandled(app, 'city', row.id);
  return id;
}

/** A suspicion about two records as detection would raise it; returns the suspicion's id. */
export async function duplicateSuspicion(
  app: WithContainer,
  personA: string,
  personB: string,
  reasons: string[] = ['birth_date', 'name_variant'],
): Promise<string> {
  return asHub(app, async () => {
    const duplicates = app.container.subgraphs.city.services.duplicates;
    await duplicates.flag(systemActor('test', 'test'), personA, personB, reasons);
    const [row] = await app.container.subgraphs.city.dataSource.query(
      `SELECT id FROM city.duplicate_suspicion WHERE person_a = LEAST($1::uuid, $2::uuid) AND person_b = GREATEST($1::uuid, $2::uuid)`,
      [personA, personB],
    );
    return row.id as string;
  });
}
