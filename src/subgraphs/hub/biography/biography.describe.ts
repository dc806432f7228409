/** What of the payload goes into the entry: codes and ids, no identifiers' values. */
export function entryData(payload: Record<string, unknown>): Record<string, unknown> {
  const { customerNumber: _c, ...rest } = payload;
  return rest;
}
