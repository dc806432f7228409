import { randomUUID } from 'node:crypto';
import { TestApp } from '../helpers/app';

export const CM = 'case_management';

/** A request as `partner` with its own request id, so the test can find its audit entries. */
export async function gqlAudited(
  app: TestApp,
  partner: string,
  query: string,
  variables: Record<string, unknown> = {},
  purpose = CM,
): Promise<{ body: any; requestId: string }> {
  const requestId = `case-${randomUUID()}`;
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await app.token(partner)}`,
      'lotse-purpose': purpose,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ query, variables }),
  });
  return { body: await res.json(), requestId };
}

/** The audit entries one request wrote. */
export function auditOf(
  app: TestApp,
  requestId: string,
): Promise<Array<{ kind: string; categories: string[]; basis: string | null; fields: string[] }>> {
  return app.container.subgraphs.hub.dataSource.query(
    `SELECT kind, categories, basis, fields FROM audit.entry WHERE request_id = $1`,
    [requestId],
  );
}
