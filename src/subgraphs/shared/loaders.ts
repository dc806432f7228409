import DataLoader from 'dataloader';

/** A per-request loader for at most one row per key. */
export function loaderOne<K, V>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (v: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const byKey = new Map((await fetch(keys)).map((v) => [keyOf(v), v]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/** A per-request loader for all rows per key, in the order the fetch returned them. */
export function loaderMany<K, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (v: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const byKey = new Map<K, V[]>();
    for (const v of await fetch(keys)) {
      const k = keyOf(v);
      const list = byKey.get(k);
      if (list) list.push(v);
      else byKey.set(k, [v]);
    }
    return keys.map((k) => byKey.get(k) ?? []);
  });
}
