/** Test databases are dropped by their files; leftovers of a crash are dropped by the next global setup. */
export default async function globalTeardown(): Promise<void> {}
